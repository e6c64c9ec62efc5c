"""The two writes of an import: check a file and keep it (preview), then write it (commit)."""

import gzip
import io
import json
import os
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import active_role

from ..models import ImportBatch
from ..permissions import can_import
from ..spreadsheets import Row, SpreadsheetError, check_upload, extension_of, read_rows
from ..text import clean_text
from .base import Importer, Plan, Problem, importer_for, without_cyclic_gc

# A report keeps this many problems of each sort; the counts keep the true totals.
REPORT_LIMIT = 1000


def import_preview(*, kind: str, uploaded_file, user) -> ImportBatch:
    """Check an uploaded file without importing it, and keep the file with its report.

    Writes only the ImportBatch (status previewed, or rejected when any row has a problem) and,
    when previewed, the stored file. Raises ValidationError, storing nothing, when the kind is unknown or the
    file's name or size is refused."""
    if not can_import(user):
        raise PermissionDenied
    with without_cyclic_gc():
        return _preview(kind, uploaded_file, user)


def _preview(kind: str, uploaded_file, user) -> ImportBatch:
    importer_class = _importer_class(kind)
    name = os.path.basename((uploaded_file.name or "").replace("\\", "/"))
    check_upload(name, uploaded_file.size)
    uploaded_file.seek(0)
    data = uploaded_file.read()
    check_upload(name, len(data))
    rows = _read(importer_class, data, name)
    plan = _plan(importer_class(user=user), rows)
    role = active_role(user)
    batch = ImportBatch(
        kind=kind, original_name=clean_text(name)[:255], created_by=user,
        scope_organization=role.organization if role else None,
        status=ImportBatch.Status.REJECTED if plan.problems else ImportBatch.Status.PREVIEWED,
        row_count=plan.row_count, report=_report(importer_class, plan),
    )
    if batch.status == ImportBatch.Status.PREVIEWED:
        # Only a file that may still be imported is kept: a rejected batch can never be
        # committed, and a refused file may be hostile (tests/test_hostile_uploads.py).
        batch.file.save(f"{uuid.uuid4().hex}{extension_of(name)}", ContentFile(data), save=False)
        _keep_rows(batch.file, rows, importer_class.headers)
    batch.save()
    return batch


@transaction.atomic
def _commit_or_reject(batch: ImportBatch, user) -> tuple[ImportBatch, bool]:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ImportBatch.Status.COMMITTED:
        when = timezone.localtime(batch.committed_at).strftime("%d/%m/%Y %H:%M")
        raise ValidationError(_("This file was already imported on %(when)s; it cannot be "
                                "imported twice.") % {"when": when})
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValidationError(_("This file has errors and cannot be imported. Correct the file "
                                "and upload it again."))
    importer_class = _importer_class(batch.kind)
    importer = importer_class(user=user)
    importer.change_reason = (_("Spreadsheet import no. %(number)s") % {"number": batch.pk})[:100]
    rows = _kept_rows(batch.file)
    if rows is None:
        with batch.file.open("rb") as handle:
            rows = _read(importer_class, handle.read(), batch.file.name)
    plan = _plan(importer, rows)
    batch.report = _report(importer_class, plan)
    batch.row_count = plan.row_count
    if plan.problems:
        batch.status = ImportBatch.Status.REJECTED
        batch.save()
        return batch, False
    try:
        with transaction.atomic():
            result = importer.commit(plan)
    except (IntegrityError, ValidationError):
        # Someone wrote the same codes between the check above and these writes.
        batch.report["problems"].insert(0, Problem(None, "", _(
            "Someone changed the same data while the file was being imported, so nothing was "
            "imported. Upload the file again to check it.")).as_dict())
        batch.report["problem_count"] += 1
        batch.status = ImportBatch.Status.REJECTED
        batch.save()
        return batch, False
    batch.report["result"] = _counts(importer_class, result)
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.save()
    return batch, True


def import_commit(*, batch: ImportBatch, user) -> ImportBatch:
    """Write every row of a previewed batch in one transaction, or nothing.

    The stored file is read and checked again against the database as it is now. When a row
    has become wrong meanwhile, nothing is imported: the batch is marked rejected with the new
    report and ValidationError is raised. Refuses a batch with errors or already imported.
    Importers may queue work for after the commit (the users importer sends e-mails)."""
    if not can_import(user):
        raise PermissionDenied
    with without_cyclic_gc():
        batch, committed = _commit_or_reject(batch, user)
    if not committed:
        raise ValidationError(_("The data changed since the file was checked, and some rows "
                                "are no longer valid; nothing was imported. See the problems "
                                "below, correct the file and upload it again."))
    return batch


def _importer_class(kind: str) -> type[Importer]:
    importer_class = importer_for(kind)
    if importer_class is None:
        raise ValidationError(_("Unknown kind of data to import: “%(kind)s”.")
                              % {"kind": kind[:40]})
    return importer_class


def _read(importer_class: type[Importer], data: bytes, name: str):
    """The file's rows, or a Plan holding the problems that refuse the whole file."""
    try:
        return read_rows(io.BytesIO(data), headers=importer_class.headers, name=name)
    except SpreadsheetError as error:
        return Plan(problems=error.problems)


def _plan(importer: Importer, rows) -> Plan:
    return rows if isinstance(rows, Plan) else importer.validate(rows)


# The rows read at preview are kept beside the stored file, so that the commit checks them
# against the database again without parsing the spreadsheet a second time (a 100,000-row
# workbook takes longer to parse than to check).
def _rows_name(stored) -> str:
    return f"{stored.name}.rows.json.gz"


def _keep_rows(stored, rows, headers) -> None:
    """The rows as lists in `headers` order: half the JSON of one dict per row, and faster to
    write and read again."""
    payload = gzip.compress(json.dumps(
        {"headers": list(headers),
         "rows": [[row.number, *[row[header] for header in headers]] for row in rows]},
        ensure_ascii=False).encode(), compresslevel=3)
    stored.storage.save(_rows_name(stored), ContentFile(payload))


def _kept_rows(stored):
    name = _rows_name(stored)
    if not stored.storage.exists(name):
        return None
    with stored.storage.open(name, "rb") as handle:
        data = json.loads(gzip.decompress(handle.read()))
    if isinstance(data, list):  # kept before the rows became lists: [number, {header: text}]
        return [Row(number, values) for number, values in data]
    headers = data["headers"]
    return [Row(number, dict(zip(headers, values))) for number, *values in data["rows"]]


def _counts(importer_class: type[Importer], counts: dict[str, int]) -> list[dict]:
    return [{"key": key, "label": str(label), "count": counts.get(key, 0)}
            for key, label in importer_class.outcome_labels().items()]


def _report(importer_class: type[Importer], plan: Plan) -> dict:
    """What the preview page shows, kept so that it can be shown again without the file."""

    def listed(problems):
        ordered = sorted(problems, key=lambda p: (p.row or 0))
        return [p.as_dict() for p in ordered[:REPORT_LIMIT]]

    return {
        "label": str(importer_class.label),
        "row_count": plan.row_count,
        "counts": _counts(importer_class, plan.counts),
        "problems": listed(plan.problems), "problem_count": len(plan.problems),
        "warnings": listed(plan.warnings), "warning_count": len(plan.warnings),
        "notes": listed(plan.notes), "note_count": len(plan.notes),
    }
