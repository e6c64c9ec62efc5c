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
        with connection.schema_editor() as editor:
            for module, function in (("0002_seed_catalogue_and_rule_sets", "seed"),
                                     ("0005_eligibility_parameters", "add"),
                                     ("0007_seed_notice_and_base_salary", "seed"),
                                     ("0009_council_parameters", "add"),
                                     ("0011_appraisal_time_limit", "add")):
                seeding = importlib.import_module(f"awards.migrations.{module}")
                getattr(seeding, function)(apps, editor)


@pytest.fixture
def migration_seeds(transactional_db, award_catalogue):
    """Every row the migrations seed (provinces, fixed holidays, reminder ladders, legal
    documents, the award catalogue), put back with the migrations' own functions when an earlier
    transactional test flushed them. For tests that build the whole demo in a live server's
    database; a serialized rollback cannot do it after a flush that recreated content types."""
    import importlib

    from django.apps import apps
    from django.db import connection

    seeds = (("clusters", "0002_provinces", "load", "Province"),
             ("deadlines", "0002_fixed_holidays", "seed", "Holiday"),
             ("deadlines", "0005_default_ladders", "seed", "LadderStep"),
             ("emulation", "0002_seed_legal_documents", "seed", "LegalDocument"))
    for app_label, module, function, model in seeds:
        if apps.get_model(app_label, model).objects.exists():
            continue
        with connection.schema_editor() as editor:
            seeding = importlib.import_module(f"{app_label}.migrations.{module}")
            getattr(seeding, function)(apps, editor)


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


# --- issue 4: from a unit's dossier to a certificate anyone can verify -------------------------

PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
             b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def giay_khen_cycle(world, award_catalogue):
    """The Hà Nội alliance's Giấy khen cycle, open to its cooperative; two people of the
    cooperative rated well in 2025; the cooperative's staff and head."""
    import datetime

    from accounts.models import Role
    from accounts.tests.factories import user_with_role
    from awards import services_dossiers
    from awards.models import AnnualAssessment, AwardCycle, AwardType
    from clusters.tests.factories import PersonFactory

    cycle = services_dossiers.cycle_create(
        organizer=world.hanoi, kind="merit", year=2025, title="Giấy khen năm 2025",
        award_types=[AwardType.objects.get(code="GK")], submitters=[world.coop_hanoi],
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        by=world.users.province_admin)
    services_dossiers.cycle_set_status(cycle=cycle, status=AwardCycle.Status.OPEN,
                                       by=world.users.province_admin)
    for name in ("Trần Thị Bích", "Lê Văn Cường"):
        person = PersonFactory(organization=world.coop_hanoi, full_name=name)
        AnnualAssessment.objects.create(person=person, year=2025, rating="good",
                                        months_worked=12, absence_days=0)
    user_with_role(Role.UNIT_STAFF, world.coop_hanoi, username="canbo.htx")
    user_with_role(Role.UNIT_HEAD, world.coop_hanoi, username="chunhiem.htx")
    return cycle


def upload(page, live_server, dossier_pk, kind, path, nomination=None):
    page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier_pk}/tai-lieu/them/")
    page.locator("select[name=kind]").select_option(kind)
    if nomination is not None:
        page.locator("select[name=nomination]").select_option(str(nomination))
    page.locator("input[name=file]").set_input_files(str(path))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def log_out(page, live_server):
    page.context.clear_cookies()


def test_a_dossier_goes_from_the_unit_to_a_verified_certificate(page, live_server, world,
                                                                giay_khen_cycle, tmp_path):
    import datetime

    from awards.models import Certificate, Decision, Dossier, Nomination

    report = tmp_path / "bao-cao.pdf"
    report.write_bytes(PDF_BYTES)
    # 1. The cooperative's staff build the dossier: two nominations and their documents.
    log_in(page, live_server, "canbo.htx")
    page.goto(f"{live_server.url}/khen-thuong/dot-xet/{giay_khen_cycle.pk}/lap-ho-so/")
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.wait_for_load_state()
    dossier = Dossier.objects.get(cycle=giay_khen_cycle, organization=world.coop_hanoi)
    for name in ("Trần Thị Bích", "Lê Văn Cường"):
        page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/")
        form = page.locator(f"form[action='/khen-thuong/ho-so/{dossier.pk}/de-nghi/them/']")
        form.locator("input[name=q]").fill(name.split()[-1])
        form.locator("[data-typeahead-search]").click()
        page.wait_for_load_state()
        form = page.locator(f"form[action='/khen-thuong/ho-so/{dossier.pk}/de-nghi/them/']")
        option = form.locator("select[name=candidate] option", has_text=name).first
        form.locator("select[name=candidate]").select_option(option.get_attribute("value"))
        form.locator("select[name=award_type]").select_option(label="Giấy khen")
        form.locator("textarea[name=achievement_summary]").fill(
            "Hoàn thành tốt nhiệm vụ năm 2025, tích cực trong phong trào thi đua.")
        form.get_by_role("button", name="Thêm vào hồ sơ").click()
        page.wait_for_load_state()
    nominations = list(dossier.nominations.order_by("position"))
    assert [n.candidate_name for n in nominations] == ["Trần Thị Bích", "Lê Văn Cường"]
    body = page.locator("main").inner_text()
    assert "Đủ điều kiện" in body
    upload(page, live_server, dossier.pk, "submission", report)
    upload(page, live_server, dossier.pk, "review_minutes", report)
    for nomination in nominations:
        upload(page, live_server, dossier.pk, "achievement_report", report, nomination.pk)
    assert dossier.documents.count() == 4

    # 2. The head sends it.
    log_out(page, live_server)
    log_in(page, live_server, "chunhiem.htx")
    page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/gui/")
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUBMITTED

    # 3. The alliance's appraiser returns it with a reason.
    log_out(page, live_server)
    log_in(page, live_server, "quantri.hanoi")
    page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/tra-lai/")
    page.locator("textarea[name=reason]").fill("Bổ sung xác nhận của thủ trưởng vào báo cáo.")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RETURNED

    # 4. The staff read the reason, correct, and the head sends it again.
    log_out(page, live_server)
    log_in(page, live_server, "canbo.htx")
    page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/")
    assert "Bổ sung xác nhận của thủ trưởng vào báo cáo." in page.locator("main").inner_text()
    upload(page, live_server, dossier.pk, "other", report)
    log_out(page, live_server)
    log_in(page, live_server, "chunhiem.htx")
    page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/gui/")
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUBMITTED and dossier.round == 2

    # 5. The appraiser agrees with each nomination and completes the appraisal.
    log_out(page, live_server)
    log_in(page, live_server, "quantri.hanoi")
    for nomination in nominations:
        page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/tham-dinh/")
        card = page.locator(f"#nomination-{nomination.pk}")
        card.locator(f"input[name=n{nomination.pk}-opinion][value=agree]").check()
        card.get_by_role("button", name="Ghi nhận ý kiến").click()
        page.wait_for_load_state()
    page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/hoan-thanh-tham-dinh/")
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.APPRAISED

    # 6. A decision is drafted and issued.
    page.goto(f"{live_server.url}/khen-thuong/quyet-dinh/them/?cycle={giay_khen_cycle.pk}&kind=grant")
    page.locator("input[name=signer_name]").fill("Nguyễn Văn Hùng")
    assert page.locator("input[name=place]").input_value() == "Hà Nội"  # the issuer's province
    page.locator("input[name=date]").fill(datetime.date.today().strftime("%d/%m/%Y"))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    decision = Decision.objects.get(cycle=giay_khen_cycle)
    assert decision.items.count() == 2
    page.goto(f"{live_server.url}/khen-thuong/quyet-dinh/{decision.pk}/ban-hanh/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / "decision-issued.png"), full_page=True)
    awarded = Nomination.objects.filter(dossier=dossier, status=Nomination.Status.AWARDED)
    assert awarded.count() == 2
    record = awarded.first().award_record
    assert record.decision_number.startswith("01/QĐ-")

    # 7. The certificate is printed; its QR page, opened by anyone, shows the award.
    response = page.request.get(
        f"{live_server.url}/khen-thuong/so-khen-thuong/{record.pk}/giay-chung-nhan/")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    code = Certificate.objects.get(record=record).code
    log_out(page, live_server)
    page.goto(f"{live_server.url}/xac-minh/{code}/")
    text = page.locator("main").inner_text()
    assert record.recipient_name in text and "Giấy khen" in text and record.decision_number in text
    page.screenshot(path=str(ARTIFACTS / "certificate-verification.png"), full_page=True)
    assert page.console_errors == []
