"""Import the award registry (sổ khen thưởng) from a spreadsheet.

The file records history as it happened: a row is never refused because the recipient would not
be eligible today, because the organization was not active on the decision's day (a warning), or
because the decision number carries another issuer's symbol (/QĐ-TTg, /QĐ-CTN are normal).

Recipients: an individual row names a person, matched by name (ignoring case, diacritics and
accent placement), birth year and organization among the people working there or already
awarded there, else created. A collective row whose name is empty or the organization's own
name is an award to the organization; otherwise to the collective of that name inside it.

The same decision number, award type and recipient is the same record: a row matching a record
already in the registry is skipped with a note (re-importing a file changes nothing), and a row
repeating an earlier row of the file is an error naming both rows.

Validation reads everything it needs in a few queries per file; the commit writes in bulk, with
history rows by the importing user.
"""

import functools
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.imports.base import (
    LOOKUP_CHUNK,
    Importer,
    OrganizationIndex,
    bulk_insert_with_history,
    chunks,
    unsaved_instances,
    without_cyclic_gc,
    out_of_scope,
    register,
    today,
)
from clusters.models import OrganizationName, Person
from clusters.spreadsheets import Row
from clusters.text import clean_text, fold

from .models import AwardRecord, AwardType
from .services import FIRST_AWARD_YEAR

WRITE_CHUNK = 2000  # rows per INSERT when committing on SQLite (PostgreSQL: one COPY)

RECIPIENT_KIND = "Loại đối tượng"
NAME = "Họ và tên / Tên tập thể"
BIRTH_YEAR = "Năm sinh"
GENDER = "Giới tính"
POSITION = "Chức vụ"
ORG_CODE = "Mã đơn vị"
ORG_NAME = "Tên đơn vị"
AWARD_CODE = "Mã khen thưởng"
KIND = "Loại hình khen thưởng"
YEAR = "Năm thành tích"
DECISION_NUMBER = "Số quyết định"
DECISION_DATE = "Ngày quyết định"
ISSUER = "Cấp quyết định"

HEADERS = (RECIPIENT_KIND, NAME, BIRTH_YEAR, GENDER, POSITION, ORG_CODE, ORG_NAME, AWARD_CODE,
           KIND, YEAR, DECISION_NUMBER, DECISION_DATE, ISSUER)

INDIVIDUAL = "Cá nhân"
COLLECTIVE = "Tập thể"
RECIPIENT_KINDS = {fold(INDIVIDUAL): INDIVIDUAL, fold(COLLECTIVE): COLLECTIVE}

# The Vietnamese words of the contract, both ways (the export writes them).
KIND_WORDS = {
    AwardRecord.Kind.MERIT: "Công trạng",
    AwardRecord.Kind.THEMATIC: "Chuyên đề",
    AwardRecord.Kind.EXTRAORDINARY: "Đột xuất",
    AwardRecord.Kind.CONTRIBUTION: "Cống hiến",
}
KINDS_BY_FOLD = {fold(word): kind for kind, word in KIND_WORDS.items()}
KIND_CHOICES = "; ".join(f"“{word}”" for word in KIND_WORDS.values())
GENDER_WORDS = {Person.Gender.MALE: "Nam", Person.Gender.FEMALE: "Nữ"}
GENDERS_BY_FOLD = {fold(word): gender for gender, word in GENDER_WORDS.items()}

_LEVEL = AwardType.GrantingLevel
KNOWN_ISSUERS = {
    "Thủ trưởng đơn vị": _LEVEL.UNIT_HEAD,
    "Chủ tịch Liên minh HTX Việt Nam": _LEVEL.ALLIANCE_CHAIRMAN,
    "Chủ tịch Liên minh Hợp tác xã Việt Nam": _LEVEL.ALLIANCE_CHAIRMAN,
    "Ban Chấp hành Liên minh HTX Việt Nam": _LEVEL.ALLIANCE_COMMITTEE,
    "Ban Chấp hành Liên minh Hợp tác xã Việt Nam": _LEVEL.ALLIANCE_COMMITTEE,
    "Thủ tướng Chính phủ": _LEVEL.PRIME_MINISTER,
    "Thủ tướng": _LEVEL.PRIME_MINISTER,
    "Chủ tịch nước": _LEVEL.STATE_PRESIDENT,
    "Chủ tịch nước Cộng hòa xã hội chủ nghĩa Việt Nam": _LEVEL.STATE_PRESIDENT,
}

ISSUER_EXAMPLES = ("Chủ tịch Liên minh HTX Việt Nam", "Thủ tướng Chính phủ", "Chủ tịch nước")


def _issuer_key(text: str) -> str:
    return fold(text).replace("hop tac xa", "htx")


ISSUERS_BY_FOLD = {_issuer_key(text): level for text, level in KNOWN_ISSUERS.items()}


def granting_level_of(issuer: str) -> str | None:
    """The granting level a known “Cấp quyết định” text names, or None."""
    return ISSUERS_BY_FOLD.get(_issuer_key(issuer)) if issuer else None


@functools.lru_cache(maxsize=65536)
def _has_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)


@dataclass
class NewPerson:
    full_name: str
    gender: str
    birth_year: int | None
    position: str
    organization_id: int
    person: Person | None = None


@dataclass
class NewAward:
    row: int
    award_type_id: int
    kind: str
    achievement_year: int
    decision_number: str
    decision_date: object
    issuing_level: str
    granting_level: str
    organization_at_award_id: int
    person_id: int | None = None
    new_person: NewPerson | None = None
    organization_id: int | None = None
    collective_name: str = ""


@register
class AwardRecordImporter(Importer):
    kind = "awards"
    label = gettext_lazy("Award records")
    headers = HEADERS
    example = ("Cá nhân", "Nguyễn Thị Hoà", "1985", "Nữ", "Giám đốc", "HTX-HA-NOI-001",
               "", "BK_CT", "Công trạng", "2024", "125/QĐ-LMHTXVN",
               "15/03/2025", "Chủ tịch Liên minh HTX Việt Nam")
    outcomes = {
        "create": gettext_lazy("New award records"),
        "skip": gettext_lazy("Already in the registry, skipped"),
        "new_people": gettext_lazy("New people"),
    }
    template_name = "mau-nhap-khen-thuong.xlsx"

    @classmethod
    def instructions(cls):
        return [
            (RECIPIENT_KIND, _("Required. “%(individual)s” (an individual) or “%(collective)s” (a "
                               "collective).") % {"individual": INDIVIDUAL,
                                                  "collective": COLLECTIVE}),
            (NAME, _("For an individual, the full name (required). For a collective, the name "
                     "of the collective inside the organization; empty, or the organization's "
                     "own name, for an award to the organization itself.")),
            (BIRTH_YEAR, _("Individuals only, optional. A year of four digits.")),
            (GENDER, _("Individuals only. “Nam”, “Nữ” or empty.")),
            (POSITION, _("Individuals only, optional. At most 200 characters.")),
            (ORG_CODE, _("Required. The code of the organization at the time of the award, "
                         "within your scope.")),
            (ORG_NAME, _("Optional, for reading. When it disagrees with the code, the code "
                         "wins.")),
            (AWARD_CODE, _("Required. The code of the award in the catalogue, for example "
                           "BK_CT.")),
            (KIND, _("One of: %(kinds)s; empty means “%(merit)s”.")
             % {"kinds": KIND_CHOICES, "merit": KIND_WORDS[AwardRecord.Kind.MERIT]}),
            (YEAR, _("Required. The year of the achievement, four digits.")),
            (DECISION_NUMBER, _("Required. As written on the decision, for example %(example)s.")
                             % {"example": cls.example[10]}),
            (DECISION_DATE, _("Required. dd/mm/yyyy.")),
            (ISSUER, _("Optional. Who signed the decision, for example %(examples)s.")
                     % {"examples": "; ".join(f"“{text}”" for text in ISSUER_EXAMPLES)}),
            ("", _("People are matched by name, birth year and organization, ignoring case and "
                   "diacritics, or created. The same decision number, award and recipient is "
                   "the same record: rows already in the registry are skipped.")),
        ]

    # --- validation ----------------------------------------------------------------------------

    def check(self, rows):
        self.orgs = OrganizationIndex(self.user, (row[ORG_CODE] for row in rows))
        self.award_types = {a.code: a for a in AwardType.objects.all()}
        org_ids = sorted({org.pk for org in self.orgs.by_code.values()})
        self.old_names = self._old_names(org_ids)
        self.person_ids = self._person_ids(org_ids)
        self.existing = self._existing_records(rows)
        self.new_people: dict[tuple, NewPerson] = {}
        self.seen: dict[tuple, int] = {}
        self.today = today()
        for row in rows:
            self._check_row(row)

    def _old_names(self, org_ids) -> dict[int, set[str]]:
        names: dict[int, set[str]] = {}
        for chunk in chunks(org_ids):
            names_of_chunk = OrganizationName.objects.filter(organization_id__in=chunk)
            for org_id, name in names_of_chunk.values_list("organization_id", "name"):
                names.setdefault(org_id, set()).add(fold(name))
        return names

    def _people(self, org_ids) -> dict[tuple, list[Person]]:
        """People by (folded name, birth year, organization): those working at the file's
        organizations, and those awarded there before (people move)."""
        found: dict[tuple, list[Person]] = {}
        seen_pairs = set()
        for start in range(0, len(org_ids), LOOKUP_CHUNK):
            chunk = org_ids[start:start + LOOKUP_CHUNK]
            for person in Person.objects.filter(organization_id__in=chunk).only(
                    "id", "full_name", "search_text", "birth_year", "organization_id"):
                pair = (person.pk, person.organization_id)
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    found.setdefault((person.search_text, person.birth_year,
                                      person.organization_id), []).append(person)
            awarded = (AwardRecord.objects.filter(organization_at_award_id__in=chunk,
                                                  person__isnull=False)
                       .values_list("person_id", "person__search_text", "person__birth_year",
                                    "organization_at_award_id", "person__full_name")
                       .order_by().distinct())
            for pk, search, year, org_id, full_name in awarded:
                if (pk, org_id) not in seen_pairs:
                    seen_pairs.add((pk, org_id))
                    found.setdefault((search, year, org_id), []).append(
                        Person(pk=pk, full_name=full_name, search_text=search, birth_year=year))
        for matches in found.values():
            matches.sort(key=lambda p: p.pk)
        return found

    def _person_ids(self, org_ids) -> dict[tuple, list[int]]:
        """Ids of people by (folded name, birth year, organization), in id order: those working
        at the file's organizations, and those awarded there before (people move). Plain
        tuples, not model instances: a national file names about 100,000 people."""
        found: dict[tuple, set[int]] = {}
        for chunk in chunks(org_ids):
            working = Person.objects.filter(organization_id__in=chunk).values_list(
                "id", "search_text", "birth_year", "organization_id")
            awarded = (AwardRecord.objects.filter(organization_at_award_id__in=chunk,
                                                  person__isnull=False)
                       .values_list("person_id", "person__search_text", "person__birth_year",
                                    "organization_at_award_id")
                       .order_by().distinct())
            for queryset in (working, awarded):
                for pk, search, year, org_id in queryset:
                    found.setdefault((search, year, org_id), set()).add(pk)
        return {key: sorted(pks) for key, pks in found.items()}

    def _existing_records(self, rows) -> set[tuple]:
        numbers = sorted({clean_text(row[DECISION_NUMBER]) for row in rows} - {""})
        keys = set()
        for chunk in chunks(numbers):
            for values in AwardRecord.objects.filter(decision_number__in=chunk).values_list(
                    "decision_number", "award_type_id", "person_id", "organization_id",
                    "collective_search"):
                number, award_type_id, person_id, org_id, collective = values
                if person_id:
                    keys.add((number, award_type_id, "person", person_id))
                else:
                    keys.add((number, award_type_id, "collective", org_id, collective))
        return keys

    def _check_row(self, row: Row) -> None:
        recipient_kind = self._recipient_kind(row)
        org = self._organization(row)
        award_type = self._award_type(row, recipient_kind)
        kind = self._kind(row)
        year = self.year_cell(row, YEAR, low=FIRST_AWARD_YEAR, high=self.today.year)
        if not row[YEAR]:
            self.error(row, YEAR, _("Required; this cell is empty."))
        number = self.text_cell(row, DECISION_NUMBER, max_length=60, required=True)
        decision_date = self.date_cell(row, DECISION_DATE, required=True, not_after=self.today)
        if year and decision_date and decision_date.year < year:
            self.error(row, DECISION_DATE, _("The decision cannot be dated before the "
                                             "achievement year %(year)s.") % {"year": year})
        issuer = self.text_cell(row, ISSUER, max_length=200)
        if recipient_kind == INDIVIDUAL:
            recipient = self._person(row, org)
        else:
            recipient = self._collective(row, org)
        if self.row_has_errors(row):
            return
        self._warn_inactive(row, org, decision_date)
        award = NewAward(
            row=row.number, award_type_id=award_type.pk, kind=kind, achievement_year=year,
            decision_number=number, decision_date=decision_date, issuing_level=issuer,
            granting_level=granting_level_of(issuer) or award_type.granting_level,
            organization_at_award_id=org.pk, **recipient)
        key = self._key(award)
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            self.error(row, "", _("Rows %(first)s and %(second)s are the same record (the same "
                                  "decision number, award and recipient); delete one of them.")
                       % {"first": first, "second": row.number})
            return
        if key in self.existing:
            self.note(row, "", _("This award is already in the registry (decision %(number)s); "
                                 "this row is skipped.") % {"number": number})
            self.plan.count("skip")
            return
        if award.new_person is not None and award.new_person.person is None:
            person_key = self._person_key(award.new_person)
            if person_key not in self.new_people:
                self.new_people[person_key] = award.new_person
                self.plan.count("new_people")
            award.new_person = self.new_people[person_key]
        self.plan.actions.append(award)
        self.plan.count("create")

    @staticmethod
    def _person_key(new: NewPerson) -> tuple:
        return (fold(new.full_name), new.birth_year, new.organization_id)

    def _key(self, award: NewAward) -> tuple:
        number, award_type_id = award.decision_number, award.award_type_id
        if award.person_id:
            return (number, award_type_id, "person", award.person_id)
        if award.new_person is not None:
            return (number, award_type_id, "new person", self._person_key(award.new_person))
        return (number, award_type_id, "collective", award.organization_id,
                fold(award.collective_name))

    def _recipient_kind(self, row: Row) -> str:
        value = clean_text(row[RECIPIENT_KIND])
        if not value:
            self.error(row, RECIPIENT_KIND, _("Required; this cell is empty."))
            return ""
        found = RECIPIENT_KINDS.get(fold(value))
        if found is None:
            self.error(row, RECIPIENT_KIND, _("Write “%(individual)s” or “%(collective)s”; “%(value)s” "
                                              "is not accepted.")
                       % {"individual": INDIVIDUAL, "collective": COLLECTIVE,
                          "value": value[:40]})
            return ""
        return found

    def _organization(self, row: Row):
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
        name = clean_text(row[ORG_NAME])
        if name and not self._is_name_of(name, org):
            self.warn(row, ORG_NAME, _("Code “%(code)s” is the organization “%(name)s”, not "
                                       "“%(written)s”; the code is used.")
                      % {"code": code, "name": org.name, "written": name[:80]})
        return org

    def _is_name_of(self, name: str, org) -> bool:
        folded = fold(name)
        return folded in {fold(org.name), fold(org.short_name or "")} | self.old_names.get(
            org.pk, set())

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
        if recipient_kind == INDIVIDUAL and not award_type.for_individuals:
            self.error(row, AWARD_CODE, _("“%(award)s” is awarded to collectives only.")
                       % {"award": award_type.name})
        elif recipient_kind == COLLECTIVE and not award_type.for_collectives:
            self.error(row, AWARD_CODE, _("“%(award)s” is awarded to individuals only.")
                       % {"award": award_type.name})
        return award_type

    def _kind(self, row: Row) -> str:
        value = clean_text(row[KIND])
        if not value:
            return AwardRecord.Kind.MERIT
        kind = KINDS_BY_FOLD.get(fold(value))
        if kind is None:
            self.error(row, KIND, _("Write one of: %(kinds)s; “%(value)s” is not accepted.")
                       % {"kinds": KIND_CHOICES, "value": value[:40]})
            return ""
        return kind

    def _person(self, row: Row, org) -> dict:
        name = self.text_cell(row, NAME, max_length=120, required=True)
        if name and len(name.split(" ")) < 2:
            self.error(row, NAME, _("Write the full name: family and given names, at least two "
                                    "words."))
        elif name and _has_digit(name):
            self.error(row, NAME, _("A person's name cannot contain digits."))
        birth_year = self.year_cell(row, BIRTH_YEAR, low=1900, high=self.today.year)
        gender = ""
        value = clean_text(row[GENDER])
        if value:
            gender = GENDERS_BY_FOLD.get(fold(value), "")
            if not gender:
                self.error(row, GENDER, _("Write “Nam”, “Nữ” or leave the cell empty; "
                                          "“%(value)s” is not accepted.") % {"value": value[:40]})
        position = self.text_cell(row, POSITION, max_length=200)
        if self.row_has_errors(row) or org is None:
            return {}
        matches = self.person_ids.get((fold(name), birth_year, org.pk), [])
        if matches:
            if len(matches) > 1:
                self.warn(row, NAME, _("%(count)s people named %(name)s with this birth year are "
                                       "recorded at %(org)s; the award goes to the first one "
                                       "recorded.") % {"count": len(matches), "name": name,
                                                       "org": org.code})
            return {"person_id": matches[0]}
        return {"new_person": NewPerson(name, gender, birth_year, position or "", org.pk)}

    def _collective(self, row: Row, org) -> dict:
        name = self.text_cell(row, NAME, max_length=255)
        if self.row_has_errors(row) or org is None:
            return {}
        if not name or self._is_name_of(name, org):
            return {"organization_id": org.pk}
        return {"organization_id": org.pk, "collective_name": name}

    def _warn_inactive(self, row: Row, org, day) -> None:
        if (org.active_from and day < org.active_from) or (org.active_to and day > org.active_to):
            self.warn(row, ORG_CODE, _("Organization “%(code)s” was not operating on "
                                       "%(day)s; the award is recorded as written.")
                      % {"code": org.code, "day": day.strftime("%d/%m/%Y")})

    # --- writing -------------------------------------------------------------------------------

    def commit(self, plan) -> dict[str, int]:
        """Create the new people, then the award records, in bulk, as the services would
        (cleaned names, derived search fields), with history rows by the importing user."""
        with without_cyclic_gc():
            return self._write(plan)

    def _write(self, plan) -> dict[str, int]:
        # Every field was checked row by row in `validate` (lengths, years, choices), so
        # full_clean() here would only repeat it for 100,000 objects.
        new_people = list({id(a.new_person): a.new_person for a in plan.actions
                           if a.new_person is not None}.values())
        people = unsaved_instances(Person, (
            {"full_name": new.full_name, "gender": new.gender, "birth_year": new.birth_year,
             "position": new.position, "organization_id": new.organization_id}
            for new in new_people))
        for new, person in zip(new_people, people):
            person.refresh_derived_fields()
            new.person = person
        bulk_insert_with_history(Person, people, user=self.user, reason=self.change_reason,
                                 chunk=WRITE_CHUNK)
        records = unsaved_instances(AwardRecord, (
            {"person_id": a.new_person.person.pk if a.new_person else a.person_id,
             "organization_id": a.organization_id, "collective_name": a.collective_name,
             "organization_at_award_id": a.organization_at_award_id,
             "award_type_id": a.award_type_id, "kind": a.kind,
             "achievement_year": a.achievement_year, "decision_number": a.decision_number,
             "decision_date": a.decision_date, "issuing_level": a.issuing_level,
             "granting_level": a.granting_level}
            for a in plan.actions))
        for record in records:
            record.refresh_derived_fields()
        bulk_insert_with_history(AwardRecord, records, user=self.user, reason=self.change_reason,
                                 chunk=WRITE_CHUNK)
        return {"create": len(records), "new_people": len(people)}


# --- export: the same columns, so that an export re-imports cleanly ---------------------------


def export_rows(records):
    """The 13 cells of each record, in the import's column order. `records` should select the
    person, organization, organization at award and award type."""
    for r in records:
        if r.person_id:
            person = r.person
            org = r.organization_at_award
            yield (INDIVIDUAL, person.full_name, person.birth_year,
                   GENDER_WORDS.get(person.gender, ""), person.position, org.code, org.name,
                   r.award_type.code, KIND_WORDS.get(r.kind, ""), r.achievement_year,
                   r.decision_number, r.decision_date, r.issuing_level)
        else:
            org = r.organization
            yield (COLLECTIVE, r.collective_name or org.name, None, "", "", org.code, org.name,
                   r.award_type.code, KIND_WORDS.get(r.kind, ""), r.achievement_year,
                   r.decision_number, r.decision_date, r.issuing_level)


# The importers of the facts the eligibility rules read register with the same framework.
from . import imports_facts  # noqa: E402,F401
