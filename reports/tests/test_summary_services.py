"""The summary report's services (reports.services_summary): creating it, its figures job and
generated text, editing, finalizing in a job, reopening, the signed scan. Tasks run eagerly
(conftest.py); `django_capture_on_commit_callbacks(execute=True)` runs what is queued on
commit, as a worker would after the request."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.tests.factories import award_record
from clusters.tests.factories import PersonFactory
from reports import services_summary as services
from reports import summary
from reports.models import RenderJob, SummaryReport, SummaryReportVersion
from reports.narrative import generate_sections
from reports.outline import REQUIRED_KEYS
from reports.tests.builders import period

pytestmark = pytest.mark.django_db
D = datetime.date
# A real image: uploads are decoded and re-encoded (awards.uploads), a bare signature is refused.
PNG = __import__("tests.hostile_uploads", fromlist=["_"]).png_bytes()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- builders (shared with the page, worker and browser tests) ----------------------------------


def h1_2021(world):
    return period(world, year=2021, half="H1", deadline=D(2021, 6, 20))


def some_awards(world, n=2):
    for i in range(n):
        award_record(code="LDTT", year=2020, decision_date=D(2021, 3, 1 + i % 28),
                     person=PersonFactory(organization=world.coop_hanoi))


def create(capture, world, *, user=None, organization=None, p=None):
    """A summary report with its figures computed (the figures job run on commit)."""
    with capture(execute=True):
        report = services.summary_create(period=p or h1_2021(world),
                                         organization=organization or world.hanoi,
                                         by=user or world.users.province_admin)
    report.refresh_from_db()
    return report


def ready(report, by, *, number=15, text="Nội dung **đã viết** cho báo cáo."):
    """Header and required sections filled in: the report may be finalized."""
    services.summary_update_header(report=report, by=by, data={
        "number": number, "issued_on": D(2021, 6, 18), "place": "Hà Nội",
        "signer_name": "Nguyễn Ngọc Bảo"})
    services.summary_save_sections(report=report, by=by,
                                   bodies={key: text for key in REQUIRED_KEYS})
    report.refresh_from_db()
    return report


def finalize(capture, report, by):
    with capture(execute=True):
        job = services.job_request(report=report, kind=RenderJob.Kind.FINALIZE, by=by)
    job.refresh_from_db()
    report.refresh_from_db()
    return job


# --- creating ----------------------------------------------------------------------------------


def test_a_central_admin_creates_the_alliance_report(world, django_capture_on_commit_callbacks):
    report = create(django_capture_on_commit_callbacks, world, user=world.users.admin,
                    organization=world.central)

    assert report.organization == world.central
    assert report.symbol == "BC-LMHTXVN" or report.symbol.startswith("BC-")
    assert report.jobs.get().kind == RenderJob.Kind.FIGURES


def test_a_provincial_admin_creates_its_own_and_not_another(world):
    p = h1_2021(world)
    report = services.summary_create(period=p, organization=world.hanoi,
                                     by=world.users.province_admin)
    assert report.organization == world.hanoi

    with pytest.raises(PermissionDenied):
        services.summary_create(period=p, organization=world.hue, by=world.users.province_admin)
    with pytest.raises(PermissionDenied):
        services.summary_create(period=p, organization=world.central,
                                by=world.users.province_admin)
    assert SummaryReport.objects.count() == 1


def test_staff_may_not_create(world):
    with pytest.raises(PermissionDenied):
        services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                by=world.users.staff)
    assert not SummaryReport.objects.exists()


def test_a_second_report_for_the_same_period_is_refused(world):
    p = h1_2021(world)
    services.summary_create(period=p, organization=world.hanoi, by=world.users.province_admin)

    with pytest.raises(ValidationError) as refused:
        services.summary_create(period=p, organization=world.hanoi,
                                by=world.users.province_admin)

    assert "đã có báo cáo" in " ".join(refused.value.messages)
    assert SummaryReport.objects.count() == 1


# --- figures and generated text ----------------------------------------------------------------


def test_the_figures_job_fills_figures_and_generated_sections(world,
                                                             django_capture_on_commit_callbacks):
    some_awards(world, 3)
    report = create(django_capture_on_commit_callbacks, world)

    assert report.figures["awards_total"] == 3
    assert report.figures_at is not None
    assert report.jobs.get().status == RenderJob.Status.DONE
    expected = generate_sections(report.figures, issuer_name=report.organization.name)
    stored = {s.key: s for s in report.sections.all()}
    assert stored["commendation"].body == expected["commendation"] != ""
    assert all(s.generated for s in stored.values())


def test_an_edited_section_is_kept_and_a_generated_one_rewritten(
        world, django_capture_on_commit_callbacks):
    some_awards(world, 1)
    report = create(django_capture_on_commit_callbacks, world)
    services.summary_save_sections(report=report, by=world.users.province_admin,
                                   bodies={"movements": "Đoạn do **cán bộ** viết."})
    some_awards(world, 4)

    with django_capture_on_commit_callbacks(execute=True):
        services.job_request(report=report, kind=RenderJob.Kind.FIGURES,
                             by=world.users.province_admin)

    report.refresh_from_db()
    assert report.figures["awards_total"] == 5
    stored = {s.key: s for s in report.sections.all()}
    assert stored["movements"].body == "<p>Đoạn do <strong>cán bộ</strong> viết.</p>"
    assert stored["movements"].generated is False
    expected = generate_sections(report.figures, issuer_name=report.organization.name)
    assert stored["commendation"].body == expected["commendation"]
    assert "5" in stored["commendation"].body


def test_reset_puts_back_the_generated_text(world, django_capture_on_commit_callbacks):
    some_awards(world, 2)
    report = create(django_capture_on_commit_callbacks, world)
    generated = report.sections.get(key="commendation").body
    services.summary_save_sections(report=report, by=world.users.province_admin,
                                   bodies={"commendation": "Viết lại."})

    services.summary_reset_section(report=report, key="commendation",
                                   by=world.users.province_admin)

    section = report.sections.get(key="commendation")
    assert (section.body, section.generated) == (generated, True)


# --- the header --------------------------------------------------------------------------------


def _header(report, by, **data):
    return services.summary_update_header(report=report, by=by, data=data)


def _unchanged(report, before):
    report.refresh_from_db()
    assert {f: getattr(report, f) for f in before} == before


FIELDS = ("number", "issued_on", "signer_authority", "signer_name", "place")


def test_a_number_already_used_that_year_is_refused(world, django_capture_on_commit_callbacks):
    admin = world.users.admin
    first = create(django_capture_on_commit_callbacks, world, user=admin,
                   organization=world.central)
    _header(first, admin, number=15, issued_on=D(2021, 6, 18))
    full_year = period(world, year=2021, half="FY")
    second = services.summary_create(period=full_year, organization=world.central, by=admin)
    before = {f: getattr(second, f) for f in FIELDS}

    with pytest.raises(ValidationError) as refused:
        _header(second, admin, number=15, issued_on=D(2021, 12, 20))

    assert refused.value.message_dict["number"] == [
        "Số 15/BC-LMHTXVN đã được dùng trong năm 2021."]
    _unchanged(second, before)


@pytest.mark.parametrize("data, field, message", [
    ({"signer_authority": "XYZ."}, "signer_authority", "Chọn KT., TM., TL., TUQ. hoặc để trống."),
    ({"issued_on": D(2020, 12, 31)}, "issued_on",
     "Ngày phải nằm trong khoảng từ 01/01/2021 đến 31/12/2022."),
    ({"signer_name": "A" * 121}, "signer_name", "Tối đa 120 ký tự (hiện có 121)."),
    ({"number": 0}, "number", "Số văn bản là số nguyên từ 1 đến 99999."),
])
def test_bad_header_values_are_refused_and_nothing_changes(world, data, field, message):
    report = services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                     by=world.users.province_admin)
    before = {f: getattr(report, f) for f in FIELDS}

    with pytest.raises(ValidationError) as refused:
        _header(report, world.users.province_admin, **data)

    assert refused.value.message_dict[field] == [message]
    _unchanged(report, before)


def test_hostile_header_text_is_stored_as_text(world):
    report = services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                     by=world.users.province_admin)

    _header(report, world.users.province_admin, signer_name="<script>alert(1)</script> Bảo")

    report.refresh_from_db()
    assert report.signer_name == "<script>alert(1)</script> Bảo"
    assert summary.header(report)["signer_name"] == "<script>alert(1)</script> Bảo"


# --- finalizing --------------------------------------------------------------------------------


def test_finalize_is_refused_with_the_list_of_problems(world):
    report = services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                     by=world.users.province_admin)

    with pytest.raises(ValidationError) as refused:
        services.job_request(report=report, kind=RenderJob.Kind.FINALIZE,
                             by=world.users.province_admin)

    messages = refused.value.messages
    assert "Số liệu chưa được tính." in messages
    assert "Nhập số của báo cáo." in messages
    assert any(m.startswith("Hãy điền các mục bắt buộc sau") for m in messages)
    report.refresh_from_db()
    assert report.status == SummaryReport.Status.DRAFT
    assert not report.jobs.filter(kind=RenderJob.Kind.FINALIZE).exists()


def test_finalize_stores_a_version_with_its_hashes(world, client,
                                                   django_capture_on_commit_callbacks):
    some_awards(world, 2)
    report = ready(create(django_capture_on_commit_callbacks, world), world.users.province_admin)

    job = finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)

    assert job.status == RenderJob.Status.DONE, job.error
    assert report.status == SummaryReport.Status.FINALIZED
    version = report.versions.get()
    assert version.version == 1
    assert version.content_sha256 == summary.content_hash(version.snapshot)
    assert version.pdf_sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    assert bytes(version.pdf).startswith(b"%PDF-")
    assert version.snapshot["is_draft"] is False
    assert version.snapshot["header"]["number"] == "15/BC-LMHAN" or \
        version.snapshot["header"]["number"].startswith("15/")

    # Later data do not change what was finalized.
    client.force_login(world.users.province_admin)
    before = client.get(f"/bao-cao/tong-hop/phien-ban/{version.pk}/pdf/").content
    some_awards(world, 3)
    after = client.get(f"/bao-cao/tong-hop/phien-ban/{version.pk}/pdf/").content
    assert before == after == bytes(version.pdf)


def test_reopen_makes_version_two_a_draft_and_keeps_version_one(
        world, django_capture_on_commit_callbacks):
    report = ready(create(django_capture_on_commit_callbacks, world), world.users.province_admin)
    finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)
    first = report.versions.get()

    services.summary_reopen(report=report, reason="Sửa số liệu khen thưởng.",
                            by=world.users.province_admin)

    report.refresh_from_db()
    assert (report.status, report.version) == (SummaryReport.Status.DRAFT, 2)
    assert list(report.versions.values_list("pk", "version")) == [(first.pk, 1)]
    assert report.history.first().history_change_reason == "Sửa số liệu khen thưởng."


def test_reopen_needs_a_reason(world, django_capture_on_commit_callbacks):
    report = ready(create(django_capture_on_commit_callbacks, world), world.users.province_admin)
    finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)

    with pytest.raises(ValidationError) as refused:
        services.summary_reopen(report=report, reason="  ", by=world.users.province_admin)

    assert refused.value.message_dict["reason"] == ["Nêu lý do mở lại báo cáo."]
    report.refresh_from_db()
    assert (report.status, report.version) == (SummaryReport.Status.FINALIZED, 1)


def test_a_failing_render_fails_the_job_and_returns_the_report_to_draft(
        world, django_capture_on_commit_callbacks):
    report = ready(create(django_capture_on_commit_callbacks, world), world.users.province_admin)
    # Stored figures that no renderer can read (as after a broken upgrade).
    SummaryReport.objects.filter(pk=report.pk).update(figures={"awards": 5, "annex": 7})

    job = finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)

    assert job.status == RenderJob.Status.FAILED
    assert job.error.startswith("Không hoàn thành được công việc")
    assert report.status == SummaryReport.Status.DRAFT
    assert not report.versions.exists()


def test_a_job_of_an_unknown_kind_fails(world):
    report = services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                     by=world.users.province_admin)
    job = RenderJob.objects.create(report=report, kind="bogus",
                                   requested_by=world.users.province_admin)

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == RenderJob.Status.FAILED and job.error


def test_a_redelivered_task_does_not_run_a_finished_job_twice(
        world, django_capture_on_commit_callbacks):
    report = ready(create(django_capture_on_commit_callbacks, world), world.users.province_admin)
    job = finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)
    finished_at = job.finished_at

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.finished_at == finished_at
    assert SummaryReportVersion.objects.filter(report=report).count() == 1


def test_a_job_whose_task_was_lost_is_sent_again_and_runs_once(world):
    """A broker wiped between the request and the worker: beat's requeue sends the task again
    once the job has waited five minutes; a job waiting less is left alone."""
    import datetime

    from django.utils import timezone

    report = services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                     by=world.users.province_admin)  # its task never ran
    job = report.jobs.get()
    now = timezone.now()

    assert services.requeue_stale_jobs(now) == 0
    assert services.requeue_stale_jobs(now + datetime.timedelta(minutes=6)) == 1

    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE  # tasks run in-process in unit tests
    report.refresh_from_db()
    assert report.figures_at is not None
    assert services.requeue_stale_jobs(now + datetime.timedelta(minutes=6)) == 0


# --- the signed scan ---------------------------------------------------------------------------


@pytest.fixture
def version(world, django_capture_on_commit_callbacks):
    report = ready(create(django_capture_on_commit_callbacks, world), world.users.province_admin)
    finalize(django_capture_on_commit_callbacks, report, world.users.province_admin)
    return report.versions.get()


@pytest.mark.parametrize("name, content", [("ban-ky.pdf", PDF), ("ban-ky.png", PNG)])
def test_a_pdf_or_png_scan_is_attached(world, version, name, content):
    services.version_attach_scan(version=version, by=world.users.province_admin,
                                 upload=SimpleUploadedFile(name, content))

    version.refresh_from_db()
    assert version.signed_scan.read() == content
    assert version.scan_uploaded_by == world.users.province_admin


@pytest.mark.parametrize("name, content, message", [
    ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 60, "“virus.pdf” không thực sự là tệp PDF"),
    ("trang.html", b"<html><script>alert(1)</script></html>", "chỉ nhận tệp PDF, DOCX, XLSX, JPEG và PNG."),
    ("rong.pdf", b"", "“rong.pdf” không có nội dung."),
    ("lon.pdf", PDF + b"0" * (1024 * 1024 + 1), "lớn hơn 1 MB"),
])
def test_a_bad_scan_is_refused_and_nothing_changes(world, version, settings, name, content,
                                                   message):
    settings.UPLOAD_MAX_FILE_MB = 1

    with pytest.raises(ValidationError) as refused:
        services.version_attach_scan(version=version, by=world.users.province_admin,
                                     upload=SimpleUploadedFile(name, content))

    assert message in " ".join(refused.value.messages)
    version.refresh_from_db()
    assert not version.signed_scan and version.scan_uploaded_by is None
