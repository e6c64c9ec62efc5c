"""Quality target A2 on the council ballot: a member logs in, votes on each item, uses "agree to
all remaining", sends and confirms with the keyboard alone (Tab, Shift+Tab, Space, Enter, the
arrows; never a click), and every control shows a visible focus outline that the sticky bar at
the bottom of the page does not hide (WCAG 2.4.7, 2.4.11)."""

import pytest

from accounts.tests.factories import PASSWORD
from tests.test_browser import ARTIFACTS, CHROMIUM_ARGS, award_catalogue  # noqa: F401

pytestmark = pytest.mark.browser

FOCUS_STATE = """() => {
  const el = document.activeElement;
  // A ballot choice is a visually hidden radio: its focus ring is drawn on its label.
  const shown = el.matches("input.btn-check") ? document.querySelector(`label[for="${el.id}"]`) : el;
  const style = getComputedStyle(shown);
  const box = shown.getBoundingClientRect();
  const bar = document.querySelector(".ballot-bar");
  const barTop = bar && !bar.contains(el) && !el.closest("dialog") ? bar.getBoundingClientRect().top : Infinity;
  return {id: el.id, name: el.name || "", outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          inView: box.top >= 0 && box.bottom <= Math.min(window.innerHeight, barTop) + 1};
}"""


@pytest.fixture
def keyboard_page(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        # A short window, so that the sticky bar overlaps items and focus must scroll clear of it.
        context = browser.new_context(viewport={"width": 1024, "height": 640}, locale="vi-VN")
        page = context.new_page()
        page.console_errors = []
        page.on("console",
                lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def meeting(world, award_catalogue):  # noqa: F811
    """An open meeting: two secret items (CSTDN) and two open items (BK_CT)."""
    from awards.tests.council_builders import council_nominations, open_meeting

    nominations = (council_nominations(world, code="CSTDN", n=2)
                   + council_nominations(world, code="BK_CT", n=2))
    meeting, seats, _ = open_meeting(world, members=3, nominations=nominations)
    return meeting, seats, list(meeting.items.order_by("position"))


def focus_state(page):
    return page.evaluate(FOCUS_STATE)


def assert_visible_focus(page):
    state = focus_state(page)
    assert state["outline"] != "none" and state["width"] >= 2, f"no visible focus: {state}"
    assert state["inView"], f"focus hidden or off screen: {state}"
    return state


def tab_until(page, predicate, *, key="Tab", limit=80):
    """Press Tab (or Shift+Tab) until the focused element satisfies `predicate`; every stop
    on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        state = focus_state(page)
        if predicate(state):
            return assert_visible_focus(page)
    raise AssertionError(f"focus never reached the control after {limit} presses of {key}")


def test_a_member_votes_with_the_keyboard_alone(keyboard_page, live_server, world, meeting):
    from awards.models import Ballot, BallotParticipation, OpenVote

    page = keyboard_page
    meeting, seats, items = meeting
    member = seats[1]

    # Log in: Tab to the user name, type, Tab to the password, type, Enter.
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    tab_until(page, lambda s: s["id"] == "id_username")
    page.keyboard.type(member.user.username)
    page.keyboard.press("Tab")
    assert focus_state(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/khen-thuong/hoi-dong/phien-hop/{meeting.pk}/phieu-bau/")
    first, second, third, fourth = (f"choice_{item.pk}" for item in items)

    # Item 1: Tab reaches its group on "agree"; the right arrow moves to and chooses "disagree".
    tab_until(page, lambda s: s["name"] == first)
    page.keyboard.press("ArrowRight")
    assert_visible_focus(page)
    assert page.locator(f"#c{items[0].pk}-disagree").is_checked()
    # Item 2: Space chooses the focused "agree", then two arrows go on to "abstain".
    tab_until(page, lambda s: s["name"] == second)
    page.keyboard.press("Space")
    assert page.locator(f"#c{items[1].pk}-agree").is_checked()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator(f"#c{items[1].pk}-abstain").is_checked()
    # Item 3 (open vote): "disagree" with the arrow; then back to item 2 with Shift+Tab, which
    # keeps its choice.
    tab_until(page, lambda s: s["name"] == third)
    page.keyboard.press("ArrowRight")
    assert page.locator(f"#c{items[2].pk}-disagree").is_checked()
    tab_until(page, lambda s: s["name"] == second, key="Shift+Tab")
    assert page.locator(f"#c{items[1].pk}-abstain").is_checked()
    assert page.locator("#ballot-answered").inner_text() == "3"

    # Item 4 is left for "agree to all remaining".
    tab_until(page, lambda s: s["id"] == "ballot-agree-rest")
    page.keyboard.press("Enter")
    assert page.locator(f"#c{items[3].pk}-agree").is_checked()
    assert page.locator("#ballot-answered").inner_text() == "4"

    # Send: the confirmation opens in place with the focus inside it; Enter confirms.
    page.wait_for_timeout(900)  # let the debounced open-vote draft go before the ballot
    tab_until(page, lambda s: s["id"] == "ballot-submit", key="Shift+Tab")
    page.keyboard.press("Enter")
    dialog = page.locator("#ballot-dialog")
    assert dialog.is_visible()
    assert dialog.locator("[data-n=answered]").inner_text() == "4"
    state = assert_visible_focus(page)
    if state["id"] != "ballot-dialog-send":
        tab_until(page, lambda s: s["id"] == "ballot-dialog-send", limit=5)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ballot-keyboard-confirm.png"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert len(page.locator("#receipt-code").inner_text().strip()) == 19
    assert BallotParticipation.objects.filter(meeting=meeting, member=member).exists()
    assert Ballot.objects.get(meeting=meeting).choices == {
        str(items[0].pk): "disagree", str(items[1].pk): "abstain"}
    assert sorted(OpenVote.objects.values_list("choice", flat=True)) == ["agree", "disagree"]
    assert page.console_errors == []
