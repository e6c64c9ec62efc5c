"""Issue 5's journey in Debian's Chromium: the secretary records attendance, the presiding
member opens the vote (the quorum is met), three members vote in their own browsers, the
presiding member closes it, and the results and the minutes appear."""

import subprocess

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM_ARGS, award_catalogue, log_in  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, *, phone=False):
    """A separate browser context: its own cookies, as on another member's computer."""
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.console_errors = []
    page.on("console",
            lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    return page


@pytest.fixture
def prepared_meeting(world, award_catalogue):  # noqa: F811
    """A meeting in preparation with two items: a secret ballot (Chiến sĩ thi đua ngành, 90 %
    of those entitled) and an open vote (the Chairman's Bằng khen, more than half)."""
    from awards import services_council as sc
    from awards.tests.council_builders import MEETING_DAY, council_nominations, make_council

    council, _term, seats, secretary = make_council(world, members=5)
    nominations = (council_nominations(world, code="CSTDN", n=1)
                   + council_nominations(world, code="BK_CT", n=1))
    meeting = sc.meeting_save(council=council, by=world.users.appraiser,
                              title="Phiên họp xét khen thưởng năm 2025", date=MEETING_DAY,
                              place="Hà Nội", chair=seats[0], secretary=secretary)
    sc.agenda_add(meeting=meeting, nominations=nominations, by=world.users.appraiser)
    return meeting, seats, secretary


def test_a_council_meeting_runs_end_to_end(browser, live_server, world, prepared_meeting,
                                           tmp_path):
    from awards.models import AgendaItem, Nomination

    meeting, seats, secretary = prepared_meeting
    base = f"{live_server.url}/khen-thuong/hoi-dong/phien-hop/{meeting.pk}/"
    ARTIFACTS.mkdir(exist_ok=True)

    # The secretary records four members present (the quorum of 2/3 of 5 is 4), one absent.
    clerk = new_page(browser)
    log_in(clerk, live_server, secretary.user.username)
    clerk.goto(base + "diem-danh/")
    for i, seat in enumerate(seats):
        row = clerk.locator("tr", has_text=seat.full_name)
        row.get_by_label("Vắng mặt" if i == 4 else "Có mặt", exact=True).check()
    clerk.get_by_role("button", name="Lưu điểm danh").click()
    clerk.wait_for_load_state()
    assert "Đã lưu điểm danh" in clerk.content()

    # The presiding member opens the vote.
    chair = new_page(browser)
    log_in(chair, live_server, seats[0].user.username)
    chair.goto(base)
    chair.get_by_role("link", name="Mở biểu quyết").click()
    chair.get_by_role("button", name="Mở biểu quyết").click()
    chair.wait_for_load_state()
    assert "Đang biểu quyết" in chair.content()
    chair.screenshot(path=str(ARTIFACTS / "council-journey-open.png"), full_page=True)

    # Three members vote, each in their own browser; the third on a phone, disagreeing on the
    # open item.
    secret_item = meeting.items.get(mode=AgendaItem.Mode.SECRET)
    open_item = meeting.items.get(mode=AgendaItem.Mode.OPEN)
    receipts = []
    for n, seat in enumerate(seats[1:4]):
        member = new_page(browser, phone=(n == 2))
        log_in(member, live_server, seat.user.username)
        member.goto(base + "phieu-bau/")
        member.locator(f"label[for=c{secret_item.pk}-agree]").click()
        member.locator(f"label[for=c{open_item.pk}-{'disagree' if n == 2 else 'agree'}]").click()
        member.locator("#ballot-submit").click()
        member.locator("#ballot-dialog-send").click()
        member.wait_for_load_state()
        code = member.locator("#receipt-code").inner_text().strip()
        assert len(code) == 19
        receipts.append((member, code))
        if n == 2:
            member.screenshot(path=str(ARTIFACTS / "council-journey-receipt-phone.png"),
                              full_page=True)
        assert member.console_errors == []

    # No result before the close, not even for the presiding member.
    assert chair.goto(base + "ket-qua/").status == 403

    # The presiding member closes; the results and the minutes appear.
    chair.goto(base)
    chair.get_by_role("link", name="Kết thúc biểu quyết").click()
    chair.get_by_role("button", name="Kết thúc biểu quyết và kiểm phiếu").click()
    chair.wait_for_load_state()
    chair.goto(base + "ket-qua/")
    page = chair.content()
    chair.screenshot(path=str(ARTIFACTS / "council-journey-results.png"), full_page=True)
    secret_item.refresh_from_db()
    open_item.refresh_from_db()
    # 3 of 5 entitled agree: 60 % does not reach 90 %; 2 of 5 (40 %) does not exceed half.
    assert (secret_item.agree, secret_item.base, secret_item.passed) == (3, 5, False)
    assert (open_item.agree, open_item.disagree, open_item.passed) == (2, 1, False)
    assert page.count("không được thông qua") == 2
    assert Nomination.objects.get(pk=secret_item.nomination_id).status == (
        Nomination.Status.REJECTED)

    # A member checks that their ballot was counted.
    member, code = receipts[0]
    member.goto(base + "kiem-tra-phieu/")
    member.get_by_label("Mã biên nhận").fill(code)
    member.get_by_role("button", name="Kiểm tra").click()
    member.wait_for_load_state()
    assert "Phiếu có mã biên nhận này đã được kiểm." in member.content()

    # The minutes: a real PDF with the meeting in it.
    response = chair.request.get(base + "bien-ban.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "BIÊN BẢN" in text and "Hội đồng Thi đua - Khen thưởng" in text
    assert seats[0].full_name in text and "ngày 10 tháng 3 năm 2026" in text
