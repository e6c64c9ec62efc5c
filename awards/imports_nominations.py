"""Import a list of nominations (danh sách đề nghị) into a dossier being prepared, from a
spreadsheet: check every row first (preview), then add all the rows or none (commit).

The framework's Importer and Plan do the checking and the report; the batch is kept as an
ImportBatch of kind "nominations" whose report names the dossier. The importer is not
registered with the generic import pages, which know nothing of dossiers: the dossier's own
pages (awards.views_appraisal) upload, preview and commit it. Rows are written through
services_dossiers.nomination_add, inside one transaction.

People are matched exactly as the award importer matches them (AwardRecordImporter._people:
name ignoring case, diacritics and accent placement, birth year, organization), and must exist:
an import never creates a person. Each nominee must belong to the dossier's unit or one of its
member units; the award must be one the cycle accepts. A row repeating another row, or a
nomination already in the dossier, is an error naming both.
"""

import io
import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.imports.base import (
    LOOKUP_CHUNK, Importer, OrganizationIndex, Plan, Problem, today,
)
from clusters.imports.services import _report
from clusters.models import ImportBatch, Person
from clusters.spreadsheets import Row, SpreadsheetError, check_upload, extension_of, read_rows
from clusters.text import clean_text, fold

from . import permissions
from . import services_dossiers as services
from .imports import COLLECTIVE, INDIVIDUAL, AwardRecordImporter
from .models import AwardType, Dossier
from .workflow import TransitionError

KIND = "nominations"

RECIPIENT_KIND = "Loại đối tượng"
NAME = "Họ và tên / Tên tập thể"
BIRTH_YEAR = "Năm sinh"
ORG_CODE = "Mã đơn vị"
AWARD_CODE = "Mã khen thưởng"
SUMMARY = "Tóm tắt thành tích"

HEADERS = (RECIPIENT_KIND, NAME, BIRTH_YEAR, ORG_CODE, AWARD_CODE, SUMMARY)


@dataclass
class NewNomination:
    row: int
    award_type_id: int
    summary: str
    person_id: int | None = None
    organization_id: int | None = None


class NominationImporter(Importer):
    kind = KIND
    label = gettext_lazy("Nominations of a dossier")
    headers = HEADERS
    example = ("Cá nhân", "Nguyễn Thị Hoà", "1985", "HTX-HA-NOI-001", "LDTT",
               "Hoàn thành xuất sắc nhiệm vụ được giao năm 2025; có sáng kiến được công nhận.")
    outcomes = {"create": gettext_lazy("Nominations to add")}
    template_name = "mau-nhap-danh-sach-de-nghi.xlsx"

    def __init__(self, *, user, dossier: Dossier):
        super().__init__(user=user)
        self.dossier = dossier

    @classmethod
    def instructions(cls):
        return [
            (RECIPIENT_KIND, _("Required. “%(individual)s” (an individual) or “%(collective)s” (a "
                               "collective).") % {"individual": INDIVIDUAL,
                                                  "collective": COLLECTIVE}),
            (NAME, _("For an individual, the full name of a person already recorded in the "
                     "system (required). For a collective, optional: the collective is the "
                     "organization of the code.")),
            (BIRTH_YEAR, _("Individuals only. A year of four digits; needed when two people of "
                           "the unit have the same name.")),
            (ORG_CODE, _("Required. The code of the individual's organization, or of the "
                         "collective; it must be your unit or one of its member units.")),
            (AWARD_CODE, _("Required. The code of an award the cycle accepts, for example "
                           "LDTT.")),
            (SUMMARY, _("Required. The summary of achievements, at most 500 characters in the "
                        "spreadsheet; a longer summary is completed on the dossier's page.")),
        ]

    # --- validation ----------------------------------------------------------------------------

    def check(self, rows):
        self.orgs = OrganizationIndex(self.user, (row[ORG_CODE] for row in rows))
        org_ids = sorted({org.pk for org in self.orgs.by_code.values()})
        # The award importer's matching, called as it is (it reads nothing from the importer).
        self.people = AwardRecordImporter._people(self, org_ids)
        self.by_name: dict[tuple, list] = {}
        for (search, _year, org_id), matches in self.people.items():
            self.by_name.setdefault((search, org_id), []).extend(matches)
        self.current = self._current_people()
        self.award_types = {a.code: a for a in AwardType.objects.all()}
        self.accepted = set(self.dossier.cycle.award_types.values_list("pk", flat=True))
        self.existing = self._existing()
        self.seen: dict[tuple, int] = {}
        self.today = today()
        for row in rows:
            self._check_row(row)

    def _current_people(self) -> dict[int, Person]:
        """Where each matched person works now (people move): the nominee must be in the
        dossier's unit."""
        ids = sorted({p.pk for matches in self.people.values() for p in matches})
        found = {}
        for start in range(0, len(ids), LOOKUP_CHUNK):
            for person in Person.objects.filter(pk__in=ids[start:start + LOOKUP_CHUNK]).only(
                    "id", "full_name", "birth_year", "organization__id",
                    "organization__path", "organization__name").select_related("organization"):
                found[person.pk] = person
        return found

    def _existing(self) -> dict[tuple, str]:
        keys = {}
        for person_id, org_id, award_id in self.dossier.nominations.values_list(
                "person_id", "organization_id", "award_type_id"):
            keys[("person", person_id, award_id) if person_id
                 else ("collective", org_id, award_id)] = True
        return keys

    def _check_row(self, row: Row) -> None:
        recipient_kind = AwardRecordImporter._recipient_kind(self, row)
        org = self._organization(row)
        award_type = self._award_type(row, recipient_kind)
        summary = self.text_cell(row, SUMMARY, max_length=services.MAX_SUMMARY, required=True)
        if recipient_kind == INDIVIDUAL:
            candidate = self._person(row, org)
        elif recipient_kind == COLLECTIVE:
            candidate = self._collective(row, org)
        else:
            candidate = None
        if self.row_has_errors(row) or candidate is None:
            return
        key = (*candidate, award_type.pk)
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            self.error(row, "", _("Rows %(first)s and %(second)s propose the same nominee for "
                                  "the same award; delete one of them.")
                       % {"first": first, "second": row.number})
            return
        if key in self.existing:
            self.error(row, "", _("This nominee is already proposed for %(award)s in the "
                                  "dossier.") % {"award": award_type.name})
            return
        kind, pk = candidate
        self.plan.actions.append(NewNomination(
            row=row.number, award_type_id=award_type.pk, summary=summary,
            person_id=pk if kind == "person" else None,
            organization_id=pk if kind == "collective" else None))
        self.plan.count("create")

    def _organization(self, row: Row):
        org = self.orgs.resolve(self, row, ORG_CODE)
        if org is not None and not org.path.startswith(self.dossier.organization.path):
            self.error(row, ORG_CODE, _("Organization “%(code)s” is not %(unit)s or one of its "
                                        "member units.") % {"code": org.code,
                                                            "unit": self.dossier.organization.name})
            return None
        return org

    def _award_type(self, row: Row, recipient_kind: str):
        code = clean_text(row[AWARD_CODE]).upper()
        if not code:
            self.error(row, AWARD_CODE, _("Required; this cell is empty."))
            return None
        award_type = self.award_types.get(code)
        if award_type is None:
            self.error(row, AWARD_CODE, _("There is no award with code “%(code)s” in the "
                                          "catalogue.") % {"code": code[:40]})
            return None
        if award_type.pk not in self.accepted:
            self.error(row, AWARD_CODE, _("This cycle does not accept %(award)s.")
                       % {"award": award_type.name})
        elif recipient_kind == INDIVIDUAL and not award_type.for_individuals:
            self.error(row, AWARD_CODE, _("“%(award)s” is awarded to collectives only.")
                       % {"award": award_type.name})
        elif recipient_kind == COLLECTIVE and not award_type.for_collectives:
            self.error(row, AWARD_CODE, _("“%(award)s” is awarded to individuals only.")
                       % {"award": award_type.name})
        return award_type

    def _person(self, row: Row, org) -> tuple | None:
        name = self.text_cell(row, NAME, max_length=120, required=True)
        birth_year = self.year_cell(row, BIRTH_YEAR, low=1900, high=today().year)
        if not name or org is None or (row[BIRTH_YEAR] and birth_year is None):
            return None
        if birth_year is None:
            matches = self.by_name.get((fold(name), org.pk), [])
        else:
            matches = self.people.get((fold(name), birth_year, org.pk), [])
        born = (_(", born %(year)s") % {"year": birth_year}) if birth_year else ""
        if not matches:
            self.error(row, NAME, _("Nobody named %(name)s%(born)s is recorded at %(org)s. Only "
                                    "people already in the system can be nominated: add the "
                                    "person first, or correct the name, birth year or "
                                    "organization code.") % {"name": name[:120], "born": born,
                                                             "org": org.code})
            return None
        if len({p.pk for p in matches}) > 1:
            self.error(row, NAME, _("%(count)s people named %(name)s%(born)s are recorded at "
                                    "%(org)s; write the birth year to say which one.")
                       % {"count": len({p.pk for p in matches}), "name": name[:120],
                          "born": born, "org": org.code})
            return None
        person = self.current.get(matches[0].pk)
        if person is None or not person.organization.path.startswith(
                self.dossier.organization.path):
            where = person.organization.name if person else "?"
            self.error(row, NAME, _("%(name)s now works at %(org)s, outside %(unit)s.")
                       % {"name": name[:120], "org": where,
                          "unit": self.dossier.organization.name})
            return None
        return ("person", person.pk)

    def _collective(self, row: Row, org) -> tuple | None:
        name = self.text_cell(row, NAME, max_length=255)
        if row[BIRTH_YEAR]:
            self.warn(row, BIRTH_YEAR, _("A collective has no birth year; the cell is ignored."))
        if org is None:
            return None
        if name and fold(name) not in {fold(org.name), fold(org.short_name or "")}:
            self.warn(row, NAME, _("Code “%(code)s” is the organization “%(name)s”, not "
                                   "“%(written)s”; the code is used.")
                      % {"code": org.code, "name": org.name, "written": name[:80]})
        return ("collective", org.pk)

    # --- writing -------------------------------------------------------------------------------

    def commit(self, plan) -> dict[str, int]:
        """Add every nomination through the service, which checks each one again."""
        actions = plan.actions
        people = Person.objects.select_related("organization").in_bulk(
            [a.person_id for a in actions if a.person_id])
        orgs = {o.pk: o for o in self.orgs.by_code.values()}
        award_types = {a.pk: a for a in self.award_types.values()}
        for action in actions:
            services.nomination_add(
                dossier=self.dossier, award_type=award_types[action.award_type_id],
                achievement_summary=action.summary, by=self.user,
                person=people.get(action.person_id) if action.person_id else None,
                organization=orgs.get(action.organization_id) if action.organization_id
                else None)
        return {"create": len(actions)}


# --- the two writes: preview and commit ----------------------------------------------------------


def _validate(importer: NominationImporter, data: bytes, name: str):
    try:
        rows = read_rows(io.BytesIO(data), headers=importer.headers, name=name)
    except SpreadsheetError as error:
        return Plan(problems=error.problems)
    return importer.validate(rows)


def _check_dossier(dossier: Dossier, user) -> None:
    if not permissions.can_edit_dossier(user, dossier):
        raise PermissionDenied
    if dossier.is_locked:
        raise ValidationError(_("The dossier has been sent: it can be changed only after it is "
                                "returned for correction."))


def nomination_import_preview(*, dossier: Dossier, uploaded_file, user) -> ImportBatch:
    """Check an uploaded list against the dossier without adding anything, and keep the file
    with its report (ImportBatch, status previewed or rejected; a rejected one keeps only the report). Raises ValidationError,
    storing nothing, when the file's name or size is refused or the dossier is locked."""
    _check_dossier(dossier, user)
    name = os.path.basename((uploaded_file.name or "").replace("\\", "/"))
    check_upload(name, uploaded_file.size)
    uploaded_file.seek(0)
    data = uploaded_file.read()
    check_upload(name, len(data))
    plan = _validate(NominationImporter(user=user, dossier=dossier), data, name)
    report = _report(NominationImporter, plan) | {"dossier_id": dossier.pk}
    batch = ImportBatch(
        kind=KIND, original_name=clean_text(name)[:255], created_by=user,
        scope_organization=dossier.organization, row_count=plan.row_count, report=report,
        status=ImportBatch.Status.REJECTED if plan.problems else ImportBatch.Status.PREVIEWED)
    if batch.status == ImportBatch.Status.PREVIEWED:
        # A rejected batch is never committed: its file, perhaps hostile, is not kept.
        batch.file.save(f"{uuid.uuid4().hex}{extension_of(name)}", ContentFile(data), save=False)
    batch.save()
    return batch


@transaction.atomic
def _commit_or_reject(batch: ImportBatch, dossier: Dossier, user) -> tuple[ImportBatch, bool]:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related(
        "cycle", "organization").get(pk=dossier.pk)
    _check_dossier(dossier, user)
    if batch.status == ImportBatch.Status.COMMITTED:
        when = timezone.localtime(batch.committed_at).strftime("%d/%m/%Y %H:%M")
        raise ValidationError(_("This file was already imported on %(when)s; it cannot be "
                                "imported twice.") % {"when": when})
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValidationError(_("This file has errors and cannot be imported. Correct the file "
                                "and upload it again."))
    importer = NominationImporter(user=user, dossier=dossier)
    with batch.file.open("rb") as handle:
        data = handle.read()
    plan = _validate(importer, data, batch.file.name)
    batch.report = _report(NominationImporter, plan) | {"dossier_id": dossier.pk}
    batch.row_count = plan.row_count
    if plan.problems:
        batch.status = ImportBatch.Status.REJECTED
        batch.save()
        return batch, False
    try:
        with transaction.atomic():
            result = importer.commit(plan)
    except (IntegrityError, ValidationError, TransitionError, PermissionDenied):
        # Someone changed the dossier between the check above and these writes.
        batch.report["problems"].insert(0, Problem(None, "", _(
            "Someone changed the same data while the file was being imported, so nothing was "
            "imported. Upload the file again to check it.")).as_dict())
        batch.report["problem_count"] += 1
        batch.status = ImportBatch.Status.REJECTED
        batch.save()
        return batch, False
    batch.report["result"] = [{"key": "create", "label": str(NominationImporter.outcomes["create"]),
                               "count": result["create"]}]
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.save()
    return batch, True


def nomination_import_commit(*, batch: ImportBatch, dossier: Dossier, user) -> ImportBatch:
    """Add every row of a previewed batch to the dossier in one transaction, or nothing. The
    stored file is checked again against the dossier as it is now; when a row has become wrong,
    the batch is marked rejected with the new report and ValidationError is raised."""
    batch, committed = _commit_or_reject(batch, dossier, user)
    if not committed:
        raise ValidationError(_("The data changed since the file was checked, and some rows "
                                "are no longer valid; nothing was imported. See the problems "
                                "below, correct the file and upload it again."))
    return batch


def get_batch_for_dossier(user, dossier: Dossier, pk) -> ImportBatch:
    """The user's own nomination batch of this dossier; 404 for any other."""
    batch = (ImportBatch.objects.filter(pk=pk, kind=KIND, created_by=user)
             .select_related("created_by").first())
    if batch is None or batch.report.get("dossier_id") != dossier.pk:
        raise Http404
    return batch


__all__ = ["HEADERS", "KIND", "NominationImporter", "get_batch_for_dossier",
           "nomination_import_commit", "nomination_import_preview"]
