"""The council ballot on a phone (390×844), in Debian's Chromium: secret choices survive a
reload from the browser's own storage and never go to the server as a draft; "agree to all
remaining", the confirmation in place, and the receipt."""

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM_ARGS, award_catalogue, log_in  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                      is_mobile=True, has_touch=True, device_scale_factor=2)
        page = context.new_page()
        page.console_errors = []
        page.on("console",
                lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def meeting(world, award_catalogue):  # noqa: F811
    """An open meeting: three secret items (CSTDN) and one open item (BK_CT)."""
    from awards.models import AgendaItem
    from awards.tests.council_builders import council_nominations, open_meeting

    nominations = (council_nominations(world, code="CSTDN", n=3)
                   + council_nominations(world, code="BK_CT", n=1))
    meeting, seats, _ = open_meeting(world, members=3, nominations=nominations)
    items = list(meeting.items.order_by("position"))
    assert [i.mode for i in items] == [AgendaItem.Mode.SECRET] * 3 + [AgendaItem.Mode.OPEN]
    return meeting, seats, items


def test_a_member_votes_on_a_phone(phone, live_server, world, meeting):
    from awards.models import Ballot, OpenVote

    meeting, seats, items = meeting
    secret, open_item = items[:3], items[3]
    drafts = []
    phone.on("request", lambda r: drafts.append(r.post_data or "")
             if r.method == "POST" and "/phieu-nhap/" in r.url else None)
    url = f"{live_server.url}/khen-thuong/hoi-dong/phien-hop/{meeting.pk}/phieu-bau/"
    log_in(phone, live_server, seats[1].user.username)
    phone.wait_for_load_state()

    phone.goto(url)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "ballot-phone.png"))
    phone.locator(f"label[for=c{secret[0].pk}-disagree]").click()
    phone.locator(f"label[for=c{secret[1].pk}-abstain]").click()
    phone.locator(f"label[for=c{open_item.pk}-disagree]").click()
    phone.wait_for_timeout(1200)  # the open item's draft is debounced
    assert phone.locator("#ballot-answered").inner_text() == "3"
    phone.screenshot(path=str(ARTIFACTS / "ballot-phone-choices.png"))
    phone.reload()

    assert phone.locator(f"#c{secret[0].pk}-disagree").is_checked()
    assert phone.locator(f"#c{secret[1].pk}-abstain").is_checked()
    assert phone.locator(f"#c{open_item.pk}-disagree").is_checked()  # from the server's draft
    assert phone.locator(f"input[name=choice_{secret[2].pk}]:checked").count() == 0
    phone.locator("#ballot-agree-rest").click()
    assert phone.locator("#ballot-answered").inner_text() == "4"
    phone.locator("#ballot-submit").click()
    dialog = phone.locator("#ballot-dialog")
    assert dialog.is_visible()
    assert dialog.locator("[data-n=answered]").inner_text() == "4"
    assert dialog.locator("[data-n=disagree]").inner_text() == "2"
    phone.screenshot(path=str(ARTIFACTS / "ballot-phone-confirm.png"))
    phone.locator("#ballot-dialog-send").click()
    phone.wait_for_load_state()

    code = phone.locator("#receipt-code").inner_text()
    phone.screenshot(path=str(ARTIFACTS / "ballot-phone-receipt.png"), full_page=True)
    assert len(code) == 19
    assert Ballot.objects.get(meeting=meeting).choices == {
        str(secret[0].pk): "disagree", str(secret[1].pk): "abstain", str(secret[2].pk): "agree"}
    assert list(OpenVote.objects.values_list("choice", flat=True)) == ["disagree"]
    assert drafts and not any(f"choice_{item.pk}" in body for body in drafts for item in secret)
    stored = phone.evaluate(
        "Object.keys(window.localStorage).filter(k => k.startsWith('thidua:'))")
    assert stored == []
    phone.goto(url)
    assert code not in phone.content()
    assert phone.console_errors == []
