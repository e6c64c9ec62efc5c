"""The session expiry warning in a real browser (quality targets S6, A5). The idle timeout is
made short through settings (the live server runs in this process): the dialog appears
`warning` seconds before the end, takes the focus on “Tiếp tục làm việc”, which extends the
session on the server; left alone, the page goes to the login page with a message."""

import time

import pytest

from tests.test_browser import log_in, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

IDLE, WARNING = 10, 5


def test_the_warning_extends_the_session_and_then_the_page_logs_out(page, live_server, world,
                                                                    settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    settings.SESSION_COOKIE_AGE = IDLE
    settings.SESSION_WARNING_SECONDS = WARNING
    log_in(page, live_server, "canbo.hanoi")
    page.wait_for_url(f"{live_server.url}/")
    dialog = page.locator("#session-timeout")

    dialog.wait_for(state="visible", timeout=(IDLE - 1) * 1000)
    # Bootstrap shows the modal as role="dialog" during its fade; the script makes it an alert
    # dialog once shown.
    # Functions, not expression strings: Playwright evaluates a string with eval(), which the
    # page's Content Security Policy refuses.
    page.wait_for_function("() => document.getElementById('session-timeout').getAttribute('role')"
                           " === 'alertdialog'", timeout=3000)
    page.wait_for_function("() => document.activeElement && document.activeElement.textContent"
                           ".trim() === 'Tiếp tục làm việc'", timeout=3000)
    assert "Phiên làm việc sắp hết hạn" in dialog.inner_text()
    assert page.get_by_role("alertdialog", name="Phiên làm việc sắp hết hạn").count() == 1

    clicked = timezone.now()
    page.get_by_role("button", name="Tiếp tục làm việc").click()
    dialog.wait_for(state="hidden", timeout=3000)
    # The server moved the end of the session IDLE seconds past the click.
    session = Session.objects.order_by("-expire_date").first()
    assert (session.expire_date - clicked).total_seconds() > IDLE - 2
    extended_at = time.monotonic()

    # Left alone: the warning again, then the login page with the reason.
    dialog.wait_for(state="visible", timeout=IDLE * 1000)
    page.wait_for_url("**/tai-khoan/dang-nhap/?next=/", timeout=(WARNING + 5) * 1000)
    assert time.monotonic() - extended_at >= IDLE - 1
    assert "Phiên làm việc đã kết thúc do không có thao tác nào" in page.locator("main").inner_text()
    assert page.console_errors == []
