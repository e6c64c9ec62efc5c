"""Import people (cá nhân) from a spreadsheet.

Re-import rules: a row identical to a person already recorded (same name as written, gender,
birth year, position and organization) is skipped with a note, so importing the same file twice
creates nobody. A row with the same name (ignoring case and diacritics) and birth year as
someone at the same organization is only a warning: namesakes are common, as on the person
form. Two identical rows in one file are an error (one is a copy); two rows that only share
name, birth year and organization are a warning.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Person
from ..spreadsheets import Row
from ..text import clean_text, fold
from .base import LOOKUP_CHUNK, Importer, OrganizationIndex, register, today

FULL_NAME = "Họ và tên"
GENDER = "Giới tính"
BIRTH_YEAR = "Năm sinh"
POSITION = "Chức vụ"
ORGANIZATION = "Mã đơn vị"

GENDERS = {"nam": Person.Gender.MALE, "nu": Person.Gender.FEMALE}


@dataclass
class NewPerson:
    row: int
    full_name: str
    gender: str
    birth_year: int | None
    position: str
    organization_id: int

    @property
    def identity(self) -> tuple:
        return (self.full_name, self.gender, self.birth_year, self.position, self.organization_id)

    @property
    def namesake(self) -> tuple:
        return (fold(self.full_name), self.birth_year, self.organization_id)


@register
class PersonImporter(Importer):
    kind = "people"
    label = gettext_lazy("People")
    headers = (FULL_NAME, GENDER, BIRTH_YEAR, POSITION, ORGANIZATION)
    example = ("Nguyễn Thị Hoà", "Nữ", "1985", "Giám đốc", "HTX-HA-NOI-001")
    outcomes = {
        "create": gettext_lazy("New people"),
        "skip": gettext_lazy("Already recorded with the same details, skipped"),
    }
    template_name = "mau-nhap-ca-nhan.xlsx"

    @classmethod
    def instructions(cls):
        return [
            (FULL_NAME, _("Required. Family and given names, at least two words, no digits.")),
            (GENDER, _("“Nam”, “Nữ” or empty.")),
            (BIRTH_YEAR, _("Optional. A year of four digits.")),
            (POSITION, _("Optional. At most 200 characters.")),
            (ORGANIZATION, _("Required. The code of the organization the person works at, "
                             "within your scope.")),
            ("", _("A row identical to a person already recorded is skipped. The same name and "
                   "birth year at the same organization is only a warning: check before you "
                   "confirm.")),
        ]

    def check(self, rows):
        self.orgs = OrganizationIndex(self.user, (row[ORGANIZATION] for row in rows))
        self.existing_identities, self.existing_namesakes = self._existing()
        self.seen_identities: dict[tuple, int] = {}
        self.seen_namesakes: dict[tuple, int] = {}
        self.max_year = today().year - 15
        for row in rows:
            self._check_row(row)

    def _existing(self):
        """Identities and namesakes of the people already at the organizations of the file."""
        ids = sorted({org.pk for org in self.orgs.by_code.values()})
        identities, namesakes = set(), {}
        for start in range(0, len(ids), LOOKUP_CHUNK):
            people = Person.objects.filter(organization_id__in=ids[start:start + LOOKUP_CHUNK])
            for person in people.values("full_name", "gender", "birth_year", "position",
                                        "organization_id", "search_text"):
                identities.add((person["full_name"], person["gender"], person["birth_year"],
                                person["position"], person["organization_id"]))
                key = (person["search_text"], person["birth_year"], person["organization_id"])
                namesakes.setdefault(key, []).append(person["full_name"])
        return identities, namesakes

    def _check_row(self, row: Row) -> None:
        full_name = self._full_name(row)
        gender = self._gender(row)
        birth_year = self.year_cell(row, BIRTH_YEAR, low=1900, high=self.max_year)
        position = self.text_cell(row, POSITION, max_length=200)
        org = self.orgs.resolve(self, row, ORGANIZATION)
        if self.row_has_errors(row):
            return
        new = NewPerson(row.number, full_name, gender, birth_year, position, org.pk)
        first = self.seen_identities.setdefault(new.identity, row.number)
        if first != row.number:
            self.error(row, "", _("Rows %(first)s and %(second)s are identical; delete one of "
                                  "them.") % {"first": first, "second": row.number})
            return
        if new.identity in self.existing_identities:
            self.note(row, "", _("%(name)s is already recorded at %(org)s with the same details; "
                                 "this row is skipped.") % {"name": full_name, "org": org.code})
            self.plan.count("skip")
            return
        self._warn_namesakes(row, new)
        self.plan.actions.append(new)
        self.plan.count("create")

    def _full_name(self, row: Row) -> str:
        name = self.text_cell(row, FULL_NAME, max_length=120, required=True)
        if not name:
            return ""
        if len(name.split(" ")) < 2:
            self.error(row, FULL_NAME, _("Write the full name: family and given names, at least "
                                         "two words."))
        elif any(char.isdigit() for char in name):
            self.error(row, FULL_NAME, _("A person's name cannot contain digits."))
        return name

    def _gender(self, row: Row) -> str:
        value = clean_text(row[GENDER])
        if not value:
            return ""
        gender = GENDERS.get(fold(value))
        if gender is None:
            self.error(row, GENDER, _("Write “Nam”, “Nữ” or leave the cell empty; “%(value)s” is "
                                      "not accepted.") % {"value": value[:40]})
            return ""
        return gender

    def _warn_namesakes(self, row: Row, new: NewPerson) -> None:
        names = self.existing_namesakes.get(new.namesake)
        if names:
            self.warn(row, FULL_NAME, _(
                "The organization already has %(names)s with the same name and birth year; check "
                "that this is a different person. The row will be added.")
                % {"names": ", ".join(sorted(set(names)))})
        first = self.seen_namesakes.setdefault(new.namesake, row.number)
        if first != row.number:
            self.warn(row, FULL_NAME, _(
                "Rows %(first)s and %(second)s have the same name and birth year at the same "
                "organization; check that they are two different people.")
                % {"first": first, "second": row.number})

    def commit(self, plan) -> dict[str, int]:
        """Create the planned people in bulk, as services.person_create would (cleaned name,
        sort key, search text), with history rows by the importing user."""
        people = []
        for new in plan.actions:
            person = Person(full_name=new.full_name, gender=new.gender, birth_year=new.birth_year,
                            position=new.position, organization_id=new.organization_id)
            person.refresh_derived_fields()
            person.full_clean(exclude=["organization"], validate_unique=False,
                              validate_constraints=False)
            people.append(person)
        Person.objects.bulk_create(people, batch_size=LOOKUP_CHUNK)
        Person.history.bulk_history_create(people, batch_size=LOOKUP_CHUNK, default_user=self.user,
                                           default_change_reason=self.change_reason)
        return {"create": len(people)}
