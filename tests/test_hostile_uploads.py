"""Every upload entry point refuses every file of the hostile corpus (tests/hostile_uploads.py)
through its real view, with a clear message, and stores nothing: no row, no file under
MEDIA_ROOT (quality target S4, ASVS 5.2.1–5.2.2, 5.3.2).

Entry points, found with `grep -rn "FileField\\|request.FILES"` over the apps:
documents of a dossier, the signed copy of a decision, the signed scan of a summary report
version, scoring evidence, the signed pledge of a cluster, the pledge of an external group
(all through awards.uploads.check_upload), and the spreadsheet imports: every kind of
clusters' import page and the nominations of a dossier (clusters.spreadsheets.read_rows).
A new entry point must be added to ATTACHMENT_ENTRY_POINTS or IMPORT_ENTRY_POINTS; the meta-test
at the end counts the upload fields of the forms."""

import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from awards.tests.test_dossier_pages import cycle, dossier  # noqa: F401  (fixtures)
from awards.uploads import check_upload
from clusters.spreadsheets import SpreadsheetError, read_rows
from emulation.tests.test_scoring_pages import selfscoring  # noqa: F401  (fixture)
from reports.tests.test_summary_pages import report  # noqa: F401  (fixture)
from tests import hostile_uploads as corpus

pytestmark = pytest.mark.django_db

# Small limits keep the oversized samples small; the checks are the same at 10 MB.
MAX_FILE_MB = 1
MAX_IMPORT_BYTES = 1024 * 1024

ATTACHMENTS = corpus.attachments(MAX_FILE_MB * 1024 * 1024)


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.UPLOAD_MAX_FILE_MB = MAX_FILE_MB
    settings.IMPORT_MAX_BYTES = MAX_IMPORT_BYTES


def media_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() \
        else set()


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# --- documents and scans -----------------------------------------------------------------------


@dataclass
class Target:
    user: object
    url: str
    data: Callable[[SimpleUploadedFile], dict]
    state: Callable[[], object]  # what must not change
    messages: tuple[str, ...] = ()  # refusals of the entry point itself (its form, its types)


def _form_messages(form_class, field, **kwargs) -> tuple[str, ...]:
    form = form_class(**kwargs)
    return tuple(str(m) for m in form.fields[field].error_messages.values())


def dossier_document(world, request) -> Target:
    from awards.forms_dossiers import DocumentForm
    from awards.models import DossierDocument

    d = request.getfixturevalue("dossier")
    return Target(world.users.staff, reverse("awards:document_create", args=[d.pk]),
                  lambda f: {"kind": "submission", "file": f},
                  lambda: list(DossierDocument.objects.values_list("pk", flat=True)),
                  _form_messages(DocumentForm, "file", dossier=d))


def decision_scan(world, request) -> Target:
    from awards.forms_decisions import ScanForm
    from awards.models import Decision
    from awards.tests.test_decisions import make_decision

    decision = make_decision(world, n=1, issue=True)
    return Target(world.users.appraiser, reverse("awards:decision_scan", args=[decision.pk]),
                  lambda f: {"file": f},
                  lambda: Decision.objects.get(pk=decision.pk).scanned_copy.name,
                  _form_messages(ScanForm, "file")
                  + (translation.gettext("Only a PDF file is accepted for the signed copy."),))


def summary_scan(world, request) -> Target:
    from reports.forms_summary import ScanForm
    from reports.models import SummaryReportVersion
    from reports.tests.test_summary_services import finalize, ready

    r = request.getfixturevalue("report")
    ready(r, world.users.province_admin)
    finalize(request.getfixturevalue("django_capture_on_commit_callbacks"), r,
             world.users.province_admin)
    version = r.versions.get()
    return Target(world.users.province_admin, reverse("reports:version_scan", args=[version.pk]),
                  lambda f: {"signed_scan": f},
                  lambda: SummaryReportVersion.objects.get(pk=version.pk).signed_scan.name,
                  _form_messages(ScanForm, "signed_scan")
                  + (translation.gettext("The scanned copy must be a PDF, JPEG or PNG file."),))


def scoring_evidence(world, request) -> Target:
    from emulation.forms_scoring import EvidenceForm
    from emulation.models import ScoreEvidence
    from emulation.tests.scoring_builders import sheet

    s = request.getfixturevalue("selfscoring")
    own = sheet(s.round, world.hanoi)
    return Target(world.users.staff,
                  reverse("emulation:evidence_upload", args=[own.pk, s.criteria[0].pk]),
                  lambda f: {"file": f},
                  lambda: list(ScoreEvidence.objects.values_list("pk", flat=True)),
                  _form_messages(EvidenceForm, "file"))


def pledge_document(world, request) -> Target:
    from emulation.forms_groups import FILE_ERRORS
    from emulation.models import Pledge
    from emulation.tests.test_pledges import _sign_data, pledge

    p = pledge(world)
    return Target(world.users.staff, reverse("emulation:pledge_sign", args=[p.pk]),
                  lambda f: _sign_data(world, document=f),
                  lambda: Pledge.objects.filter(pk=p.pk).values_list("status", "document").get(),
                  tuple(str(m) for m in FILE_ERRORS.values()))


def external_pledge(world, request) -> Target:
    from emulation.forms_groups import FILE_ERRORS
    from emulation.models import ExternalGroupYear
    from emulation.tests.test_external_groups import _year_data, bloc

    group = bloc(world)
    return Target(world.users.admin, reverse("emulation:external_year_add", args=[group.pk]),
                  lambda f: _year_data(pledge_document=f),
                  lambda: list(ExternalGroupYear.objects.values_list("pk", "pledge_document")),
                  tuple(str(m) for m in FILE_ERRORS.values()))


ATTACHMENT_ENTRY_POINTS = {
    "dossier-document": dossier_document,
    "decision-scan": decision_scan,
    "summary-scan": summary_scan,
    "scoring-evidence": scoring_evidence,
    "pledge-document": pledge_document,
    "external-pledge": external_pledge,
}


def expected_refusals(sample) -> list[str]:
    """The messages check_upload gives for the sample (it must refuse it)."""
    with pytest.raises(ValidationError) as refused:
        check_upload(sample.upload())
    return refused.value.messages


@pytest.mark.parametrize("entry", list(ATTACHMENT_ENTRY_POINTS))
def test_every_hostile_file_is_refused_by_every_document_upload(world, client, request, entry):
    target = ATTACHMENT_ENTRY_POINTS[entry](world, request)
    client.force_login(target.user)
    failures = []

    for sample in ATTACHMENTS:
        before = (target.state(), media_files())
        response = client.post(target.url, target.data(sample.upload()), follow=True)
        text = page_text(response)
        shown = [m for m in expected_refusals(sample) + list(target.messages) if m in text]
        after = (target.state(), media_files())
        if response.status_code != 200 or not shown or after != before:
            failures.append(f"{sample.id}: HTTP {response.status_code}, message shown: {shown}, "
                            f"stored: {after != before}")

    assert failures == []


@pytest.mark.parametrize("sample", ATTACHMENTS, ids=lambda s: s.id)
def test_check_upload_refuses_each_sample_for_its_reason(sample):
    reasons = {
        "polyglot": ("polyglot-pdf-html", "polyglot-jpeg-php", "polyglot-png-php"),
        "active": ("pdf-javascript", "pdf-openaction-launch", "pdf-hidden-javascript"),
        "image": ("truncated-png", "truncated-jpeg", "png-header-only"),
        "zipbomb": ("zip-bomb-xlsx",),
        "package": ("xlsx-billion-laughs", "xlsx-external-entity", "docx-with-macros"),
        "type": ("svg-script", "php-extension"),
        "empty": ("empty",),
        "size": ("oversized",),
    }
    expected = next((code for code, ids in reasons.items() if sample.id in ids), "content")

    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        check_upload(sample.upload())

    assert refused.value.code == expected
    assert all("/" not in m.split("”")[0] for m in refused.value.messages)  # no folders named


# --- what is accepted is cleaned ---------------------------------------------------------------


def test_an_image_is_stored_re_encoded_without_what_was_appended(world, client, request):
    from awards.models import DossierDocument

    target = dossier_document(world, request)
    client.force_login(target.user)
    photo = corpus.jpeg_bytes(40, 30) + b"\x00trailing bytes that are not part of the image"

    response = client.post(target.url, target.data(SimpleUploadedFile("anh-chup.jpg", photo)))

    stored = DossierDocument.objects.get()
    content = stored.file.read()
    assert response.status_code == 302
    assert content.startswith(b"\xff\xd8\xff") and b"trailing bytes" not in content
    assert stored.size == len(content)
    from PIL import Image

    assert Image.open(io.BytesIO(content)).size == (40, 30)


def test_an_image_above_the_pixel_limit_is_refused(world, client, request, settings):
    settings.UPLOAD_MAX_IMAGE_MEGAPIXELS = 1
    target = dossier_document(world, request)
    client.force_login(target.user)
    big = corpus.png_bytes(1200, 1000)  # 1.2 megapixels, a few kilobytes

    response = client.post(target.url, target.data(SimpleUploadedFile("lon.png", big)),
                           follow=True)

    assert translation.gettext(
        "“%(name)s” is too large an image (%(pixels)s megapixels); at most %(limit)s megapixels "
        "are accepted. Reduce its size and upload it again.") % {
        "name": "lon.png", "pixels": 1, "limit": 1} in page_text(response)
    assert target.state() == []


def test_a_plain_pdf_and_an_office_file_are_still_accepted(world, client, request):
    from awards.models import DossierDocument

    target = dossier_document(world, request)
    client.force_login(target.user)
    workbook = corpus.xlsx_bytes(corpus.sheet_xml(["Mã", "Tên"], [["HTX-1", "Hợp tác xã"]]))

    for name, content in (("to-trinh.pdf", corpus.PDF), ("bang-ke.xlsx", workbook)):
        response = client.post(target.url, target.data(SimpleUploadedFile(name, content)))
        assert response.status_code == 302, page_text(response)

    assert sorted(DossierDocument.objects.values_list("original_name", flat=True)) == [
        "bang-ke.xlsx", "to-trinh.pdf"]
    assert [d.file.read() for d in DossierDocument.objects.order_by("original_name")] == [
        workbook, corpus.PDF]


# --- spreadsheet imports -----------------------------------------------------------------------


def domain_counts() -> dict[str, int]:
    from django.apps import apps

    names = ["clusters.Organization", "clusters.Person", "accounts.User",
             "accounts.RoleAssignment", "awards.AwardRecord", "awards.Nomination"]
    return {name: apps.get_model(name).objects.count() for name in names}


def usable_batches() -> list:
    from clusters.models import ImportBatch

    return list(ImportBatch.objects.exclude(status=ImportBatch.Status.REJECTED)
                .values_list("pk", flat=True))


def expected_import_refusals(sample, headers) -> list[str]:
    with pytest.raises(SpreadsheetError) as refused:
        read_rows(sample.upload(), headers=headers)
    return [str(p.message) for p in refused.value.problems]


def clusters_import_targets():
    from clusters.imports.base import importers

    return sorted(importers())


@pytest.mark.parametrize("kind", clusters_import_targets())
def test_every_hostile_spreadsheet_is_refused_by_the_import_page(world, client, kind):
    from clusters.imports.base import importer_for

    headers = importer_for(kind).headers
    client.force_login(world.users.admin)
    failures = []

    for sample in corpus.spreadsheets(headers, MAX_IMPORT_BYTES):
        before = (domain_counts(), usable_batches(), media_files())
        response = client.post(reverse("clusters:import_start"),
                               {"kind": kind, "file": sample.upload()}, follow=True)
        text = page_text(response)
        shown = [m for m in expected_import_refusals(sample, headers) if m in text]
        after = (domain_counts(), usable_batches(), media_files())
        if response.status_code != 200 or not shown or after != before:
            failures.append(f"{sample.id}: HTTP {response.status_code}, message shown: {shown}, "
                            f"stored: {after != before}")

    assert failures == []


def test_every_hostile_spreadsheet_is_refused_by_the_nomination_import(world, client, dossier):
    from awards.imports_nominations import HEADERS

    client.force_login(world.users.staff)
    failures = []

    for sample in corpus.spreadsheets(HEADERS, MAX_IMPORT_BYTES):
        before = (domain_counts(), usable_batches(), media_files())
        response = client.post(reverse("awards:nomination_import", args=[dossier.pk]),
                               {"file": sample.upload()}, follow=True)
        text = page_text(response)
        shown = [m for m in expected_import_refusals(sample, HEADERS) if m in text]
        after = (domain_counts(), usable_batches(), media_files())
        if response.status_code != 200 or not shown or after != before:
            failures.append(f"{sample.id}: HTTP {response.status_code}, message shown: {shown}, "
                            f"stored: {after != before}")

    assert failures == []


def test_a_formula_typed_as_text_is_exported_as_text(world):
    """What an import lets through as text (a cell starting with +, - or @ is not a formula in
    a CSV the system reads) is written back as text, never as a formula."""
    import openpyxl

    from clusters.spreadsheets import write_xlsx

    data = write_xlsx(["Tên"], [['=cmd|" /C calc"!A0'], ["+84 912 345 678"], ["@SUM(A1)"]])

    cells = [row[0] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(
        min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [
        ('=cmd|" /C calc"!A0', "s"), ("+84 912 345 678", "s"), ("@SUM(A1)", "s")]


# --- the list of entry points is complete --------------------------------------------------------


def test_every_upload_field_of_the_apps_is_an_entry_point_above():
    """Count the FileFields of the apps' forms: a new one needs its entry point here."""
    import re

    fields = []
    for app in ("accounts", "awards", "clusters", "deadlines", "emulation", "reports"):
        for path in Path(django_settings.BASE_DIR, app).rglob("forms*.py"):
            if "tests" in path.parts:
                continue
            for name, helper in re.findall(r"(\w+) = forms\.FileField|(return) forms\.FileField",
                                           path.read_text(encoding="utf-8")):
                fields.append(f"{path.relative_to(django_settings.BASE_DIR)}:{name or helper}")

    assert sorted(set(fields)) == [
        "awards/forms_appraisal.py:file",          # nomination import
        "awards/forms_decisions.py:file",          # decision scan
        "awards/forms_dossiers.py:file",           # dossier documents
        "clusters/imports/forms.py:file",          # clusters' imports
        "emulation/forms_groups.py:return",        # _file(): pledge and external pledge
        "emulation/forms_scoring.py:file",         # scoring evidence
        "reports/forms_summary.py:signed_scan",    # summary report scan
    ]
