"""The summary report's pages (reports/views_summary.py): permissions (404 outside the scope,
403 for an action the role may not take), forms' bad input, figure links, downloads, the job
status JSON and a query-count check."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import RenderJob, SummaryReport
from reports.tests.test_summary_services import (
    PDF, create, finalize, h1_2021, ready, some_awards)

pytestmark = pytest.mark.django_db
BASE = "/bao-cao/tong-hop"


@pytest.fixture
def report(world, django_capture_on_commit_callbacks):
    some_awards(world, 2)
    return create(django_capture_on_commit_callbacks, world)


def cross_province_objects(world) -> dict:
    """For tests/test_cross_province.py: each new URL with an id, naming the Hà Nội alliance's
    summary report, a finalized version with a scan, and a finished job (rows written directly:
    the cross-province test is about scoping, not rendering)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports import services_summary as services
    from reports.models import SummaryReportVersion

    report = SummaryReport.objects.filter(organization=world.hanoi).first() or \
        services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                by=world.users.province_admin)
    version = SummaryReportVersion(report=report, version=1, snapshot={}, content_sha256="0" * 64,
                                   pdf=PDF, pdf_sha256="0" * 64, docx=b"PK",
                                   finalized_by=world.users.province_admin,
                                   finalized_at=timezone.now())
    version.signed_scan.save("ban-ky.pdf", ContentFile(PDF), save=False)
    version.save()
    job = RenderJob.objects.create(report=report, kind="pdf", status="done", result=PDF,
                                   filename="du-thao.pdf", content_type="application/pdf",
                                   requested_by=world.users.province_admin)
    pk, v, j = {"pk": report.pk}, {"pk": version.pk}, {"pk": job.pk}
    return {"reports:summary_detail": pk, "reports:summary_header": pk,
            "reports:summary_sections": pk, "reports:summary_finalize": pk,
            "reports:summary_reopen": pk,
            "reports:summary_reset": {"pk": report.pk, "key": "direction"},
            "reports:summary_job": {"pk": report.pk, "kind": "pdf"},
            "reports:version_pdf": v, "reports:version_docx": v, "reports:version_scan": v,
            "reports:version_scan_download": v, "reports:job_detail": j,
            "reports:job_status": j, "reports:job_download": j}


# --- permissions -------------------------------------------------------------------------------


def test_a_hue_admin_and_staff_elsewhere_get_404(world, client, report):
    from accounts.tests.factories import user_with_role

    client.force_login(user_with_role("admin", world.hue, username="quantri.hue"))
    for path in ("/", "/phan-dau/", "/noi-dung/", "/hoan-tat/"):
        assert client.get(f"{BASE}/{report.pk}{path}").status_code == 404
    job = report.jobs.get()
    assert client.get(f"/bao-cao/cong-viec/{job.pk}/").status_code == 404
    assert client.get(f"/bao-cao/cong-viec/{job.pk}/trang-thai/").status_code == 404


def test_staff_of_the_unit_reads_but_may_not_edit(world, client, report):
    client.force_login(world.users.staff)

    assert client.get(f"{BASE}/{report.pk}/").status_code == 200
    assert client.get(f"{BASE}/{report.pk}/phan-dau/").status_code == 403
    assert client.post(f"{BASE}/{report.pk}/chay/figures/").status_code == 403
    assert client.post(f"{BASE}/{report.pk}/noi-dung/direction/dat-lai/").status_code == 403


def test_central_roles_read_every_report(world, client, report):
    client.force_login(world.users.leadership)
    assert client.get(f"{BASE}/{report.pk}/").status_code == 200
    assert client.get(f"{BASE}/{report.pk}/hoan-tat/").status_code == 403


def test_create_from_the_list_goes_to_the_figures_job(world, client,
                                                      django_capture_on_commit_callbacks):
    p = h1_2021(world)
    client.force_login(world.users.province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/lap/", {"period": p.pk})
    report = SummaryReport.objects.get()
    assert response.url == f"/bao-cao/cong-viec/{report.jobs.get().pk}/"
    assert report.organization == world.hanoi
    # A second click opens the same report.
    assert client.post(f"{BASE}/lap/", {"period": p.pk}).url == f"{BASE}/{report.pk}/"
    client.force_login(world.users.staff)
    assert client.post(f"{BASE}/lap/", {"period": p.pk}).status_code == 403


# --- the report page ---------------------------------------------------------------------------


def test_every_figure_on_the_page_links_to_its_records(world, client, report):
    client.force_login(world.users.admin)
    html = client.get(f"{BASE}/{report.pk}/").content.decode()

    figures = re.findall(r'<(\w+) class="figure"[^>]*>', html)
    assert len(figures) > 15
    assert set(figures) == {"a"}
    assert html.count('href="/bao-cao/so-lieu/ban-ghi/?period=2021-H1') >= len(figures)
    assert "<svg" in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    assert "Số liệu tính lúc" in html


def test_the_page_shows_the_header_as_printed(world, client, report):
    ready(report, world.users.province_admin)
    client.force_login(world.users.province_admin)
    html = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert "Số: 15/BC-LMHANOI" in html
    assert "Hà Nội, ngày 18 tháng 6 năm 2021" in html


# --- forms ---------------------------------------------------------------------------------------


HEADER = {"number": "15", "symbol": "BC-LMHANOI", "place": "Hà Nội", "issued_on": "18/06/2021",
          "summary_line": "Sơ kết", "signer_authority": "", "signer_authority_title": "",
          "signer_title": "CHỦ TỊCH", "signer_name": "Nguyễn Văn A", "recipients": "Lưu"}


@pytest.mark.parametrize("change, message", [
    ({"number": "mười"}, "Số văn bản là số nguyên từ 1 đến 99999."),
    ({"issued_on": "31/02/2021"}, "Nhập ngày theo dạng dd/mm/yyyy"),
    ({"issued_on": "01/01/2030"}, "Ngày phải nằm trong khoảng từ 01/01/2021 đến 31/12/2022."),
    ({"signer_name": "A" * 121}, "Tối đa 120 ký tự (hiện có 121)."),
    ({"signer_authority": "<b>"}, "Chọn KT., TM., TL., TUQ. hoặc để trống."),
    ({"signer_name": "Tên\x00độc"}, "ký tự điều khiển"),
])
def test_bad_header_input_keeps_the_typed_text_and_changes_nothing(world, client, report,
                                                                   change, message):
    client.force_login(world.users.province_admin)
    before = SummaryReport.objects.values().get(pk=report.pk)

    response = client.post(f"{BASE}/{report.pk}/phan-dau/", {**HEADER, **change})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'id="error-summary"' in html
    assert 'value="Hà Nội"' in html
    assert SummaryReport.objects.values().get(pk=report.pk) == before


def test_hostile_text_in_a_section_is_stored_sanitized(world, client, report):
    client.force_login(world.users.province_admin)

    response = client.post(f"{BASE}/{report.pk}/noi-dung/", {
        "direction": "<script>alert(1)</script><p onclick='x()'>Chỉ đạo tốt.</p>"})

    assert response.status_code == 302
    section = report.sections.get(key="direction")
    assert section.body == "<p>Chỉ đạo tốt.</p>" and section.generated is False
    assert report.sections.get(key="commendation").generated is True  # untouched


def test_oversized_section_is_refused_and_kept(world, client, report):
    client.force_login(world.users.province_admin)
    before = list(report.sections.values_list("key", "body"))

    response = client.post(f"{BASE}/{report.pk}/noi-dung/", {"direction": "x" * 60001})

    assert "Tối đa 60000 ký tự" in response.content.decode()
    assert list(report.sections.values_list("key", "body")) == before


def test_finalize_page_lists_the_problems_and_refuses(world, client, report):
    client.force_login(world.users.province_admin)

    response = client.post(f"{BASE}/{report.pk}/hoan-tat/")

    assert "Nhập số của báo cáo." in response.content.decode()
    report.refresh_from_db()
    assert report.status == SummaryReport.Status.DRAFT


def test_reopen_without_a_reason_is_refused(world, client, report,
                                            django_capture_on_commit_callbacks):
    ready(report, world.users.province_admin)
    finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)
    client.force_login(world.users.province_admin)

    response = client.post(f"{BASE}/{report.pk}/mo-lai/", {"reason": ""})

    assert "Vui lòng nhập thông tin này." in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.version) == (SummaryReport.Status.FINALIZED, 1)


# --- downloads and jobs ------------------------------------------------------------------------


def test_downloads_are_attachments_of_the_right_type(world, client, report,
                                                     django_capture_on_commit_callbacks):
    ready(report, world.users.province_admin)
    finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)
    version = report.versions.get()
    client.force_login(world.users.staff)

    pdf = client.get(f"{BASE}/phien-ban/{version.pk}/pdf/")
    docx = client.get(f"{BASE}/phien-ban/{version.pk}/docx/")

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert "bao-cao-2021-H1-LMHANOI-v1.pdf" in pdf["Content-Disposition"]
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert docx.content[:2] == b"PK"

    client.force_login(world.users.province_admin)
    client.post(f"{BASE}/phien-ban/{version.pk}/ban-quet/",
                {"signed_scan": SimpleUploadedFile("ban-ky.pdf", PDF)})
    scan = client.get(f"{BASE}/phien-ban/{version.pk}/ban-quet/tai/")
    assert scan["Content-Disposition"].startswith("attachment;")
    assert b"".join(scan.streaming_content) == PDF


def test_a_bad_scan_shows_the_message_and_changes_nothing(world, client, report,
                                                          django_capture_on_commit_callbacks):
    ready(report, world.users.province_admin)
    finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)
    version = report.versions.get()
    client.force_login(world.users.province_admin)

    response = client.post(f"{BASE}/phien-ban/{version.pk}/ban-quet/",
                           {"signed_scan": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")})

    assert "không thực sự là tệp PDF" in response.content.decode()
    version.refresh_from_db()
    assert not version.signed_scan


def test_a_draft_pdf_job_its_status_and_its_download(world, client, report,
                                                     django_capture_on_commit_callbacks):
    client.force_login(world.users.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/{report.pk}/chay/pdf/")
    job = RenderJob.objects.get(kind="pdf")
    assert response.url == f"/bao-cao/cong-viec/{job.pk}/"

    status = client.get(f"/bao-cao/cong-viec/{job.pk}/trang-thai/").json()
    assert status["status"] == "done" and status["progress"] == 100 and status["error"] == ""
    assert status["download_url"] == f"/bao-cao/cong-viec/{job.pk}/tai/"
    page = client.get(f"/bao-cao/cong-viec/{job.pk}/").content.decode()
    assert "<progress" in page and "js/job-progress.js" in page
    download = client.get(status["download_url"])
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content.startswith(b"%PDF-")


def test_a_queued_job_page_refreshes_without_javascript(world, client, report):
    job = RenderJob.objects.create(report=report, kind="docx",
                                   requested_by=world.users.province_admin)
    client.force_login(world.users.province_admin)

    html = client.get(f"/bao-cao/cong-viec/{job.pk}/").content.decode()

    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert client.get(f"/bao-cao/cong-viec/{job.pk}/tai/").status_code == 404


# --- queries -----------------------------------------------------------------------------------


def test_the_report_page_issues_a_constant_number_of_queries(world, client,
                                                             django_capture_on_commit_callbacks):
    from reports import services_summary as services

    report = create(django_capture_on_commit_callbacks, world)
    client.force_login(world.users.province_admin)

    def count():
        with django_capture_on_commit_callbacks(execute=True):
            services.job_request(report=report, kind="figures", by=world.users.province_admin)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}/{report.pk}/").status_code == 200
        return len(queries)

    some_awards(world, 2)
    with_two = count()
    some_awards(world, 20)
    assert count() == with_two
    report.refresh_from_db()
    assert report.figures["awards_total"] == 22


@pytest.mark.parametrize("count, folded", [(12, True), (3, False)])
def test_a_long_list_of_missing_units_is_folded(client, world, report, count, folded):
    figures = {**report.figures}
    figures["unit_reports"] = {**figures["unit_reports"],
                               "missing": [{"kind": "organization", "id": i, "name": f"Đơn vị {i}"}
                                           for i in range(count)]}
    SummaryReport.objects.filter(pk=report.pk).update(figures=figures)
    client.force_login(world.users.province_admin)

    html = client.get(f"/bao-cao/tong-hop/{report.pk}/").content.decode()

    missing = html[html.index("Đơn vị 0") - 400:html.index("Đơn vị 0")]
    assert ("<details" in missing) is folded
    assert (f"{count} đơn vị: xem danh sách" in html) is folded
    assert f"Đơn vị {count - 1}" in html  # every name is still on the page
