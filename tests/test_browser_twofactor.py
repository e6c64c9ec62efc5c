"""Two-factor sign-in in a real browser (Playwright with Debian's Chromium): a council member
signs in with the password, sets up the authenticator app from the secret the page shows (the
code is computed here as the app would), keeps the backup codes and reaches the page asked for.
No Content Security Policy error on the way (the QR code is an SVG data: image)."""

import time
from base64 import b32decode

import pytest

from tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def totp_now(secret_shown: str) -> str:
    from django_otp.oath import TOTP

    secret = secret_shown.replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_a_council_member_sets_up_two_factor_sign_in(page, live_server, world, settings):
    settings.TWO_FACTOR_REQUIRED = True
    page.goto(f"{live_server.url}/tai-khoan/bao-mat/")
    page.get_by_label("Tên đăng nhập").fill("hoidong")
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem-2026")
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url("**/tai-khoan/xac-thuc-2-buoc/dang-ky/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Thiết lập xác thực hai bước"
    qr = page.get_by_role("img", name="Mã QR để thêm tài khoản này vào ứng dụng xác thực")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.locator("#totp-secret").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "twofactor-enrol.png"), full_page=True)

    # First a wrong one: the error is in Vietnamese and the page stays.
    page.get_by_label("Mã xác thực").fill("12345")
    page.get_by_role("button", name="Xác nhận và tiếp tục").click()
    assert page.title().startswith("Lỗi:")
    assert "Mã xác thực gồm đúng 6 chữ số." in page.locator("#error-summary").inner_text()

    page.get_by_label("Mã xác thực").fill(totp_now(secret))
    page.get_by_role("button", name="Xác nhận và tiếp tục").click()

    page.wait_for_url("**/tai-khoan/xac-thuc-2-buoc/ma-du-phong/")
    assert page.locator("#backup-codes li").count() == 10
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/bao-mat/")
    assert "Số mã dự phòng còn lại" in page.locator("main").inner_text()
    assert page.console_errors == []


def test_an_enrolled_council_member_signs_in_with_the_code(page, live_server, world, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor import secret_for_typing

    settings.TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=world.users.council, name="TOTP", confirmed=True)
    log_in(page, live_server, "hoidong")

    page.wait_for_url("**/tai-khoan/xac-thuc-2-buoc/?next=%2F")
    page.get_by_label("Mã xác thực").fill(totp_now(secret_for_typing(device)))
    page.get_by_role("button", name="Xác nhận").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.title().startswith("Trang chủ")
    assert page.console_errors == []
