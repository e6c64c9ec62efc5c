"""A unit writes and sends its six-month report in a real browser, and the Alliance's
administrator sees it on the on-time dashboard (screenshots in test-artifacts/)."""

import pytest

from reports.tests.builders import period
from tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_a_unit_writes_and_sends_its_report_and_the_dashboard_shows_it(page, live_server,  # noqa: F811
                                                                        world):
    p = period(world)
    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server, "canbo.hanoi")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/bao-cao/")
    page.locator("form[action$='/lap-bao-cao/'] button").click()
    page.wait_for_url("**/soan/")
    page.goto(page.url.replace("/soan/", "/gui/"))
    page.screenshot(path=str(ARTIFACTS / "report-submit-missing.png"), full_page=True)
    assert page.locator(".alert-warning li").count() == 6  # 8 required, 2 pre-filled
    page.goto(page.url.replace("/gui/", "/soan/"))
    for field in page.locator("textarea").all():
        if not field.input_value():
            field.fill("Đoạn mở đầu **quan trọng** và *ghi chú*.\n\n- Việc thứ nhất\n- Việc thứ hai")
    page.screenshot(path=str(ARTIFACTS / "report-edit.png"), full_page=True)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/bao-cao/{p.reports.get().pk}/")
    page.goto(f"{live_server.url}/bao-cao/{p.reports.get().pk}/gui/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/bao-cao/{p.reports.get().pk}/")
    page.screenshot(path=str(ARTIFACTS / "report-detail.png"), full_page=True)
    body = page.locator("main").inner_text()
    assert "quan trọng" in body and "Việc thứ hai" in body
    assert page.locator("article strong").first.inner_text() == "quan trọng"

    page.context.clear_cookies()
    log_in(page, live_server, "quantri")
    page.goto(f"{live_server.url}/bao-cao/ky/{p.pk}/")
    page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / "report-period-dashboard.png"), full_page=True)
    assert "Liên minh Hợp tác xã Hà Nội" in page.locator("main").inner_text()
    assert page.console_errors == []
