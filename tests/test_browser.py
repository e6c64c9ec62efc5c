"""User journeys in a real browser: Playwright driving Debian's Chromium (Playwright cannot
download its own browsers here)."""

import os
from pathlib import Path

import pytest

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.browser
# Playwright's sync API runs an event loop in this thread; the live server's database access
# happens in its own thread, and the test's own queries are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        yield page
        context.close()
        browser.close()


def log_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_login_shows_the_vietnamese_dashboard(page, live_server, world):
    log_in(page, live_server, "canbo.hanoi")

    page.wait_for_url(f"{live_server.url}/")
    assert page.title().startswith("Trang chủ")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Người Dùng Thử"
    body = page.locator("main").inner_text()
    assert "Cán bộ thi đua đơn vị" in body
    assert "Liên minh Hợp tác xã Hà Nội" in body
    # Hà Nội's staff see their alliance and its cooperative: 2 active organizations.
    assert page.locator(".figure-number").first.inner_text() == "2"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert page.console_errors == []


def test_wrong_password_focuses_the_error_summary(page, live_server, world):
    log_in(page, live_server, "canbo.hanoi", password="sai-mat-khau-roi")

    assert page.title().startswith("Lỗi:")
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "error-summary"
    assert page.locator("#id_username").input_value() == "canbo.hanoi"
    assert page.console_errors == []
