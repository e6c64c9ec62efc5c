"""Import the facts the eligibility rules read from spreadsheets: annual assessments (đánh giá,
xếp loại) and recognised initiatives (sáng kiến) of individuals.

People are matched exactly as the award importer matches them (name ignoring case, diacritics
and accent placement, birth year, organization — among the people working there or awarded
there). Unlike the award importer, a person who is not found is an error: facts are never
recorded against a person invented by the import.

Re-importing a file changes nothing: a row equal to what is recorded is reported unchanged; a
row for the same person and year (the same initiative) with other values updates it. Two rows of
one file about the same person and year (the same initiative) are an error naming both rows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.imports.base import (
    LOOKUP_CHUNK,
    Importer,
    OrganizationIndex,
    out_of_scope,
    register,
    today,
)
from clusters.spreadsheets import Row
from clusters.text import clean_text, fold

from .imports import AwardRecordImporter
from .models.facts import MIN_YEAR, AnnualAssessment, Initiative, Rating

NAME = "Họ và tên"
BIRTH_YEAR = "Năm sinh"
ORG_CODE = "Mã đơn vị"
YEAR = "Năm"
RATING = "Xếp loại"
MONTHS = "Số tháng công tác"
ABSENCE = "Số ngày nghỉ"
NOTE = "Ghi chú"
TITLE = "Tên sáng kiến"
YEAR_RECOGNISED = "Năm công nhận"
SCOPE = "Phạm vi ảnh hưởng"
RECOGNISED_BY = "Cơ quan công nhận"
DECISION_NUMBER = "Số quyết định"
DECISION_DATE = "Ngày quyết định"

# The Vietnamese words of the contract; the abbreviations are those used in unit reports.
RATING_WORDS = {
    Rating.EXCELLENT: ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"),
    Rating.GOOD: ("Hoàn thành tốt nhiệm vụ", "HTTNV"),
    Rating.COMPLETED: ("Hoàn thành nhiệm vụ", "HTNV"),
    Rating.NOT_COMPLETED: ("Không hoàn thành nhiệm vụ", "KHTNV"),
}
RATINGS_BY_FOLD = {fold(word): rating for rating, words in RATING_WORDS.items() for word in words}
RATING_CHOICES = "; ".join(f"“{words[0]}” ({words[1]})" for words in RATING_WORDS.values())

SCOPE_WORDS = {
    Initiative.Scope.GRASSROOTS: "Cơ sở",
    Initiative.Scope.SECTOR: "Toàn ngành",
    Initiative.Scope.NATIONAL: "Toàn quốc",
}
SCOPES_BY_FOLD = {fold(word): scope for scope, word in SCOPE_WORDS.items()}
SCOPE_CHOICES = "; ".join(f"“{word}”" for word in SCOPE_WORDS.values())

MAX_ABSENCE_DAYS = 366


class _FactImporter(Importer):
    """What both importers share: the organization, the person, whole numbers."""

    def prepare(self, rows) -> None:
        self.orgs = OrganizationIndex(self.user, (row[ORG_CODE] for row in rows))
        org_ids = sorted({org.pk for org in self.orgs.by_code.values()})
        # The award importer's matching, called as it is (it reads nothing from the importer).
        self.people = AwardRecordImporter._people(self, org_ids)
        self.today = today()

    def organization(self, row: Row):
        """The organization of the code: it must exist and lie inside the user's scope. One that
        has stopped operating is accepted: facts of past years are recorded where they were."""
        code = clean_text(row[ORG_CODE]).upper()
        if not code:
            self.error(row, ORG_CODE, _("Required; this cell is empty."))
            return None
        org = self.orgs.get(code)
        if org is None:
            self.error(row, ORG_CODE, _("There is no organization with code “%(code)s”.")
                       % {"code": code[:40]})
            return None
        if not self.orgs.in_scope(org):
            self.error(row, ORG_CODE, out_of_scope(code, self.orgs.scope_name))
            return None
        return org

    def person(self, row: Row, org) -> int | None:
        """The id of the person the row names, matched as the award importer matches; an error
        when nobody matches."""
        name = self.text_cell(row, NAME, max_length=120, required=True)
        birth_year = self.year_cell(row, BIRTH_YEAR, low=1900, high=self.today.year)
        if not name or org is None or (row[BIRTH_YEAR] and birth_year is None):
            return None
        matches = self.people.get((fold(name), birth_year, org.pk), [])
        if not matches:
            born = (_(", born %(year)s") % {"year": birth_year}) if birth_year else ""
            self.error(row, NAME, _(
                "Nobody named %(name)s%(born)s is recorded at %(org)s. Facts are recorded only "
                "for people already in the system: add the person first, or correct the name, "
                "birth year or organization code.") % {"name": name[:120], "born": born,
                                                       "org": org.code})
            return None
        if len(matches) > 1:
            self.warn(row, NAME, _("%(count)s people named %(name)s with this birth year are "
                                   "recorded at %(org)s; the row goes to the first one "
                                   "recorded.") % {"count": len(matches), "name": name,
                                                   "org": org.code})
        return matches[0].pk

    def required_year(self, row: Row, column: str) -> int | None:
        if not row[column]:
            self.error(row, column, _("Required; this cell is empty."))
            return None
        return self.year_cell(row, column, low=MIN_YEAR, high=self.today.year)

    def whole_number(self, row: Row, column: str, *, high: int) -> int | None:
        value = clean_text(row[column])
        if not value:
            return None
        if not value.isdigit() or int(value) > high:
            self.error(row, column, _("Write a whole number from 0 to %(high)s; “%(value)s” is "
                                      "not accepted.") % {"high": high, "value": value[:40]})
            return None
        return int(value)

    def duplicate(self, row: Row, key, message: str) -> bool:
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            self.error(row, "", message % {"first": first, "second": row.number})
            return True
        return False

    def write(self, model, creates: list, updates: list, fields: list[str]) -> None:
        """Bulk writes with history rows by the importing user, as the services would."""
        for obj in creates + updates:
            obj.refresh_derived_fields()
        model.objects.bulk_create(creates, batch_size=LOOKUP_CHUNK)
        model.history.bulk_history_create(creates, batch_size=LOOKUP_CHUNK,
                                          default_user=self.user,
                                          default_change_reason=self.change_reason)
        if updates:
            model.objects.bulk_update(updates, fields, batch_size=LOOKUP_CHUNK)
            model.history.bulk_history_create(updates, batch_size=LOOKUP_CHUNK, update=True,
                                              default_user=self.user,
                                              default_change_reason=self.change_reason)


def _chunks(values: list):
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start:start + LOOKUP_CHUNK]


# --- annual assessments ------------------------------------------------------------------------


@dataclass
class AssessmentRow:
    row: int
    person_id: int
    year: int
    rating: str
    months_worked: int | None
    absence_days: int | None
    note: str

    @property
    def values(self) -> tuple:
        return (self.rating, self.months_worked, self.absence_days, self.note)


ASSESSMENT_FIELDS = ["rating", "months_worked", "absence_days", "note"]


@register
class AssessmentImporter(_FactImporter):
    kind = "assessments"
    label = gettext_lazy("Annual assessments of individuals")
    headers = (NAME, BIRTH_YEAR, ORG_CODE, YEAR, RATING, MONTHS, ABSENCE, NOTE)
    example = ("Nguyễn Thị Hoà", "1985", "HTX-HA-NOI-001", "2024",
               "Hoàn thành xuất sắc nhiệm vụ", "12", "0", "")
    outcomes = {
        "create": gettext_lazy("New assessments"),
        "update": gettext_lazy("Assessments changed"),
        "unchanged": gettext_lazy("Already recorded with the same values, unchanged"),
    }
    template_name = "mau-nhap-danh-gia-xep-loai.xlsx"

    @classmethod
    def instructions(cls):
        return [
            (NAME, _("Required. The full name of a person already recorded in the system.")),
            (BIRTH_YEAR, _("The person's year of birth, four digits, as recorded (empty if none "
                           "is recorded).")),
            (ORG_CODE, _("Required. The code of the organization where the person works or "
                         "worked, within your scope.")),
            (YEAR, _("Required. The year assessed, four digits.")),
            (RATING, _("Required. One of: %(ratings)s; case and diacritics do not matter.")
             % {"ratings": RATING_CHOICES}),
            (MONTHS, _("Optional. Months worked in the year, 0 to 12; statutory maternity leave "
                       "counts as time worked.")),
            (ABSENCE, _("Optional. Working days absent in the year.")),
            (NOTE, _("Optional.")),
            ("", _("People are matched by name, birth year and organization, ignoring case and "
                   "diacritics; a person not found is an error, nobody is created. A row for a "
                   "person and year already recorded replaces its values.")),
        ]

    def check(self, rows):
        self.prepare(rows)
        self.seen: dict[tuple, int] = {}
        found = [self._check_row(row) for row in rows]
        found = [item for item in found if item is not None]
        existing = self._existing(found)
        for item in found:
            current = existing.get((item.person_id, item.year))
            if current is None:
                self.plan.count("create")
            elif (current.rating, current.months_worked, current.absence_days,
                  current.note) == item.values:
                self.plan.count("unchanged")
                continue
            else:
                self.note(item.row, "", _("The assessment for %(year)s is already recorded; "
                                          "its values will be replaced.") % {"year": item.year})
                self.plan.count("update")
            self.plan.actions.append(item)

    def _check_row(self, row: Row) -> AssessmentRow | None:
        org = self.organization(row)
        person_id = self.person(row, org)
        year = self.required_year(row, YEAR)
        rating = self._rating(row)
        months = self.whole_number(row, MONTHS, high=12)
        absence = self.whole_number(row, ABSENCE, high=MAX_ABSENCE_DAYS)
        note = self.text_cell(row, NOTE, max_length=2000)
        if self.row_has_errors(row):
            return None
        if self.duplicate(row, (person_id, year), _(
                "Rows %(first)s and %(second)s are about the same person and year; keep one of "
                "them.")):
            return None
        return AssessmentRow(row.number, person_id, year, rating, months, absence, note)

    def _rating(self, row: Row) -> str | None:
        value = clean_text(row[RATING])
        if not value:
            self.error(row, RATING, _("Required; this cell is empty."))
            return None
        rating = RATINGS_BY_FOLD.get(fold(value))
        if rating is None:
            self.error(row, RATING, _("Write one of: %(ratings)s; “%(value)s” is not accepted.")
                       % {"ratings": RATING_CHOICES, "value": value[:40]})
        return rating

    @staticmethod
    def _existing(found: list[AssessmentRow]) -> dict[tuple, AnnualAssessment]:
        person_ids = sorted({item.person_id for item in found})
        years = sorted({item.year for item in found})
        existing = {}
        for chunk in _chunks(person_ids):
            for assessment in AnnualAssessment.objects.filter(person_id__in=chunk,
                                                              year__in=years):
                existing[(assessment.person_id, assessment.year)] = assessment
        return existing

    def commit(self, plan) -> dict[str, int]:
        existing = self._existing(plan.actions)
        creates, updates = [], []
        for item in plan.actions:
            assessment = existing.get((item.person_id, item.year))
            if assessment is None:
                assessment = AnnualAssessment(person_id=item.person_id, year=item.year)
                creates.append(assessment)
            else:
                updates.append(assessment)
            (assessment.rating, assessment.months_worked, assessment.absence_days,
             assessment.note) = item.values
            assessment.full_clean(exclude=["person", "organization"], validate_unique=False,
                                  validate_constraints=False)
        self.write(AnnualAssessment, creates, updates, ASSESSMENT_FIELDS)
        return {"create": len(creates), "update": len(updates)}


# --- recognised initiatives --------------------------------------------------------------------


@dataclass
class InitiativeRow:
    row: int
    person_id: int
    title: str
    year: int
    scope: str
    recognised_by: str
    decision_number: str
    decision_date: object

    @property
    def key(self) -> tuple:
        return (self.person_id, fold(self.title), self.year)

    @property
    def values(self) -> tuple:
        return (self.title, self.scope, self.recognised_by, self.decision_number,
                self.decision_date)


INITIATIVE_FIELDS = ["title", "scope", "recognised_by", "decision_number", "decision_date"]


@register
class InitiativeImporter(_FactImporter):
    kind = "initiatives"
    label = gettext_lazy("Recognised initiatives")
    headers = (NAME, BIRTH_YEAR, ORG_CODE, TITLE, YEAR_RECOGNISED, SCOPE, RECOGNISED_BY,
               DECISION_NUMBER, DECISION_DATE)
    example = ("Nguyễn Thị Hoà", "1985", "HTX-HA-NOI-001",
               "Ứng dụng phần mềm quản lý xã viên", "2024", "Cơ sở",
               "Hội đồng sáng kiến Liên minh HTX tỉnh", "12/QĐ-HĐSK", "20/11/2024")
    outcomes = {
        "create": gettext_lazy("New initiatives"),
        "update": gettext_lazy("Initiatives changed"),
        "unchanged": gettext_lazy("Already recorded with the same values, unchanged"),
    }
    template_name = "mau-nhap-sang-kien.xlsx"

    @classmethod
    def instructions(cls):
        return [
            (NAME, _("Required. The full name of a person already recorded in the system.")),
            (BIRTH_YEAR, _("The person's year of birth, four digits, as recorded (empty if none "
                           "is recorded).")),
            (ORG_CODE, _("Required. The code of the organization where the person works or "
                         "worked, within your scope.")),
            (TITLE, _("Required. The title of the initiative, at most 500 characters.")),
            (YEAR_RECOGNISED, _("Required. The year the initiative was recognised, four "
                                "digits.")),
            (SCOPE, _("One of: %(scopes)s; empty means “%(grassroots)s”.")
             % {"scopes": SCOPE_CHOICES,
                "grassroots": SCOPE_WORDS[Initiative.Scope.GRASSROOTS]}),
            (RECOGNISED_BY, _("Optional. The body that recognised the initiative.")),
            (DECISION_NUMBER, _("Optional. The number of the recognition decision.")),
            (DECISION_DATE, _("Optional. dd/mm/yyyy.")),
            ("", _("People are matched by name, birth year and organization, ignoring case and "
                   "diacritics; a person not found is an error, nobody is created. The same "
                   "person, title and year is the same initiative: a row already recorded "
                   "replaces its values.")),
        ]

    def check(self, rows):
        self.prepare(rows)
        self.seen: dict[tuple, int] = {}
        found = [self._check_row(row) for row in rows]
        found = [item for item in found if item is not None]
        existing = self._existing(found)
        for item in found:
            current = existing.get(item.key)
            if current is None:
                self.plan.count("create")
            elif (current.title, current.scope, current.recognised_by, current.decision_number,
                  current.decision_date) == item.values:
                self.plan.count("unchanged")
                continue
            else:
                self.note(item.row, "", _("This initiative is already recorded; its values "
                                          "will be replaced."))
                self.plan.count("update")
            self.plan.actions.append(item)

    def _check_row(self, row: Row) -> InitiativeRow | None:
        org = self.organization(row)
        person_id = self.person(row, org)
        title = self.text_cell(row, TITLE, max_length=500, required=True)
        year = self.required_year(row, YEAR_RECOGNISED)
        scope = self._scope(row)
        recognised_by = self.text_cell(row, RECOGNISED_BY, max_length=255)
        number = self.text_cell(row, DECISION_NUMBER, max_length=60)
        day = self.date_cell(row, DECISION_DATE, not_after=self.today)
        if self.row_has_errors(row):
            return None
        item = InitiativeRow(row.number, person_id, title, year, scope, recognised_by, number,
                             day)
        if self.duplicate(row, item.key, _(
                "Rows %(first)s and %(second)s are the same initiative (the same person, title "
                "and year); keep one of them.")):
            return None
        return item

    def _scope(self, row: Row) -> str | None:
        value = clean_text(row[SCOPE])
        if not value:
            return Initiative.Scope.GRASSROOTS
        scope = SCOPES_BY_FOLD.get(fold(value))
        if scope is None:
            self.error(row, SCOPE, _("Write one of: %(scopes)s; “%(value)s” is not accepted.")
                       % {"scopes": SCOPE_CHOICES, "value": value[:40]})
        return scope

    @staticmethod
    def _existing(found: list[InitiativeRow]) -> dict[tuple, Initiative]:
        person_ids = sorted({item.person_id for item in found})
        years = sorted({item.year for item in found})
        existing = {}
        for chunk in _chunks(person_ids):
            for initiative in Initiative.objects.filter(person_id__in=chunk, year__in=years):
                existing.setdefault((initiative.person_id, fold(initiative.title),
                                     initiative.year), initiative)
        return existing

    def commit(self, plan) -> dict[str, int]:
        existing = self._existing(plan.actions)
        creates, updates = [], []
        for item in plan.actions:
            initiative = existing.get(item.key)
            if initiative is None:
                initiative = Initiative(person_id=item.person_id, year=item.year)
                creates.append(initiative)
            else:
                updates.append(initiative)
            (initiative.title, initiative.scope, initiative.recognised_by,
             initiative.decision_number, initiative.decision_date) = item.values
            initiative.full_clean(exclude=["person"], validate_unique=False,
                                  validate_constraints=False)
        self.write(Initiative, creates, updates, INITIATIVE_FIELDS)
        return {"create": len(creates), "update": len(updates)}
