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


HEADER = ("Loại đối tượng,Họ và tên / Tên tập thể,Năm sinh,Giới tính,Chức vụ,Mã đơn vị,Tên đơn vị,"
          "Mã khen thưởng,Loại hình khen thưởng,Năm thành tích,Số quyết định,Ngày quyết định,"
          "Cấp quyết định")
GOOD_ROW = ("Cá nhân,Nguyễn Thị Hoà,1982,Nữ,Kế toán,HTX-HN-1,,LDTT,Công trạng,2025,07/QĐ-HTX,"
            "15/01/2026,Giám đốc Hợp tác xã")


@pytest.fixture
def award_catalogue(transactional_db):
    """Transactional tests flush the database after themselves, seeded rows included; put the
    award catalogue back with the migration's own seeding function."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from awards.models import AwardType

    if not AwardType.objects.exists():
        seeding = importlib.import_module("awards.migrations.0002_seed_catalogue_and_rule_sets")
        with connection.schema_editor() as editor:
            seeding.seed(apps, editor)


def test_an_administrator_fixes_a_bad_award_file_and_finds_the_records(page, live_server, world,
                                                                        award_catalogue, tmp_path):
    """Issue 3: import a file with one bad row, read the error, fix it, import, find by search."""
    bad = tmp_path / "khen-thuong.csv"
    bad.write_text("\n".join([HEADER, GOOD_ROW, GOOD_ROW.replace("Nguyễn Thị Hoà", "Lê Văn Sai")
                              .replace(",LDTT,", ",XYZ,")]) + "\n", encoding="utf-8")
    log_in(page, live_server, "quantri")
    page.goto(f"{live_server.url}/nhap-du-lieu/")

    page.get_by_label("Loại dữ liệu").select_option(label="Khen thưởng")
    page.get_by_label("Tệp bảng tính (.xlsx hoặc .csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Kiểm tra tệp").click()

    first_problem = page.locator("table tbody tr").first.inner_text().split("\t")
    assert first_problem == ["3", "Mã khen thưởng", "Danh mục không có khen thưởng nào mang mã “XYZ”."]
    assert page.get_by_role("button", name="Nhập dữ liệu").count() == 0

    bad.write_text("\n".join([HEADER, GOOD_ROW]) + "\n", encoding="utf-8")
    page.goto(f"{live_server.url}/nhap-du-lieu/")
    page.get_by_label("Loại dữ liệu").select_option(label="Khen thưởng")
    page.get_by_label("Tệp bảng tính (.xlsx hoặc .csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nhập dữ liệu").click()

    page.goto(f"{live_server.url}/khen-thuong/so-khen-thuong/?name=nguyen thi hoa")
    table = page.locator("table").inner_text()
    assert "Nguyễn Thị Hoà" in table and "07/QĐ-HTX" in table and "15/01/2026" in table
    page.screenshot(path=str(ARTIFACTS / "registry-after-import.png"), full_page=True)
    assert page.console_errors == []
