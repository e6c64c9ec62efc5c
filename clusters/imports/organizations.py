"""Import organizations from a spreadsheet.

Re-import rules: an import only adds organizations. A row whose code already exists with the
same data is skipped with a note, so importing the same file twice changes nothing. A row whose
code exists with different data is an error naming the differing columns: renaming needs a date
(organization_rename keeps the former name) and a move changes who sees the unit, so existing
organizations are changed on their own pages, never silently by a file.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_central_admin

from ..models import Organization, OrganizationName, Province, ProvinceName
from ..spreadsheets import Row
from ..text import clean_text, fold
from ..validators import validate_tax_code
from .base import LOOKUP_CHUNK, Importer, OrganizationIndex, out_of_scope, register, today

CODE = "Mã đơn vị"
NAME = "Tên đầy đủ"
SHORT_NAME = "Tên viết tắt"
KIND = "Loại đơn vị"
PARENT = "Mã đơn vị cấp trên"
PROVINCE = "Tỉnh, thành phố"
TAX_CODE = "Mã số thuế"
ADDRESS = "Địa chỉ"
ACTIVE_FROM = "Hoạt động từ"

Kind = Organization.Kind
# The spreadsheet contract's names of the kinds: data, not translations.
KIND_LABELS = {
    "Cơ quan Liên minh HTX Việt Nam": Kind.VCA_CENTRAL,
    "Ban, Văn phòng": Kind.DEPARTMENT,
    "Đơn vị sự nghiệp": Kind.PUBLIC_UNIT,
    "Doanh nghiệp": Kind.ENTERPRISE,
    "Liên minh HTX tỉnh, thành phố": Kind.PROVINCIAL_ALLIANCE,
    "Liên hiệp hợp tác xã": Kind.COOP_UNION,
    "Hợp tác xã": Kind.COOPERATIVE,
    "Tổ hợp tác": Kind.COOP_GROUP,
}
_KIND_ALIASES = {
    "htx": Kind.COOPERATIVE,
    "lien hiep htx": Kind.COOP_UNION,
    "lien minh htx tinh": Kind.PROVINCIAL_ALLIANCE,
    "lien minh hop tac xa tinh, thanh pho": Kind.PROVINCIAL_ALLIANCE,
    "ban": Kind.DEPARTMENT,
    "van phong": Kind.DEPARTMENT,
    **{value: value for value in Kind.values},
}
KINDS_BY_FOLD = {fold(label): kind for label, kind in KIND_LABELS.items()} | _KIND_ALIASES
# The central body exists once, from the start; every other kind may be imported.
IMPORTABLE_KIND_LABELS = [label for label, kind in KIND_LABELS.items() if kind != Kind.VCA_CENTRAL]
# What a provincial alliance's administrator may add under its alliance.
LOCAL_KINDS = (Kind.COOP_UNION, Kind.COOPERATIVE, Kind.COOP_GROUP)
TAX_CODE_REQUIRED = (Kind.COOPERATIVE, Kind.COOP_UNION)
_CODE = re.compile(r"^[A-Z0-9_-]+$")
_PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp\.?)\s+")


@dataclass
class NewOrganization:
    row: int
    code: str
    kind: str
    name: str
    short_name: str
    parent_code: str
    province_id: int | None
    tax_code: str
    address: str
    active_from: date | None


class ProvinceIndex:
    """Active provinces by name, ignoring case, diacritics and a leading "Tỉnh"/"Thành phố";
    former names lead to the province that carries on."""

    def __init__(self):
        self.by_fold: dict[str, Province] = {}
        self.names: dict[int, str] = {}
        self.former: dict[str, tuple[str, Province]] = {}
        provinces = list(Province.objects.select_related("merged_into"))
        for province in provinces:
            self.names[province.pk] = province.name
            for key in _province_keys(province.name):
                if province.is_active or key not in self.by_fold:
                    self.by_fold[key] = province
        for entry in ProvinceName.objects.select_related("province"):
            for key in _province_keys(entry.name):
                if key not in self.by_fold and entry.name != entry.province.name:
                    self.former[key] = (entry.name, entry.province)

    def get(self, name: str):
        key = _province_key(name)
        return self.by_fold.get(key), self.former.get(key)


def _province_key(name: str) -> str:
    return _PROVINCE_PREFIX.sub("", fold(name))


def _province_keys(name: str) -> set[str]:
    return {fold(name), _province_key(name)}


@register
class OrganizationImporter(Importer):
    kind = "organizations"
    label = gettext_lazy("Organizations")
    headers = (CODE, NAME, SHORT_NAME, KIND, PARENT, PROVINCE, TAX_CODE, ADDRESS, ACTIVE_FROM)
    example = ("HTX-HN-0012", "Hợp tác xã Nông nghiệp Thanh Trì", "HTX NN Thanh Trì", "Hợp tác xã",
               "LM-HA-NOI", "Hà Nội", "0101234565", "Xã Thanh Trì, Hà Nội", "15/03/2020")
    outcomes = {
        "create": gettext_lazy("New organizations"),
        "skip": gettext_lazy("Already present with the same data, skipped"),
    }
    template_name = "mau-nhap-don-vi.xlsx"

    @classmethod
    def instructions(cls):
        kinds = "; ".join(IMPORTABLE_KIND_LABELS)
        return [
            (CODE, _("Required. A short code unique in the whole system: unaccented letters, "
                     "digits, - or _, at most 32 characters.")),
            (NAME, _("Required. The full name, at most 255 characters.")),
            (SHORT_NAME, _("Optional. At most 120 characters.")),
            (KIND, _("Required. One of: %(kinds)s.") % {"kinds": kinds}),
            (PARENT, _("Required. The code of an organization already in the system, or of one "
                       "in an earlier row of this file.")),
            (PROVINCE, _("Optional. The name of a province or city in use since 01/07/2025; "
                         "left empty, the parent organization's is used.")),
            (TAX_CODE, _("Required for cooperatives and cooperative unions: 10 digits, or 10 "
                         "digits, a hyphen and 3 digits. Format the column as Text so that the "
                         "leading 0 is kept.")),
            (ADDRESS, _("Optional. At most 255 characters.")),
            (ACTIVE_FROM, _("Optional. The date the organization started operating, dd/mm/yyyy.")),
            ("", _("A code that already exists with the same data is skipped; with different "
                   "data it is an error: change existing organizations on their own pages.")),
        ]

    # --- validation ----------------------------------------------------------------------------

    def check(self, rows):
        self.local_only = not is_central_admin(self.user)
        codes = {clean_text(row[c]).upper() for row in rows for c in (CODE, PARENT)}
        self.orgs = OrganizationIndex(self.user, codes)
        self.provinces = ProvinceIndex()
        self.tax_owners = self._tax_owners(rows)
        self.parent_codes = self._parent_codes()
        self.seen_codes: dict[str, int] = {}
        self.seen_tax: dict[str, int] = {}
        self.all_codes: dict[str, int] = {}
        for row in rows:
            self.all_codes.setdefault(clean_text(row[CODE]).upper(), row.number)
        self.planned: dict[str, NewOrganization] = {}
        for row in rows:
            self._check_row(row)

    def _tax_owners(self, rows) -> dict[str, Organization]:
        wanted = sorted({clean_text(row[TAX_CODE]) for row in rows} - {""})
        owners = {}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            for org in Organization.objects.filter(tax_code__in=wanted[start:start + LOOKUP_CHUNK]
                                                   ).only("id", "code", "path", "tax_code"):
                owners[org.tax_code] = org
        return owners

    def _parent_codes(self) -> dict[int, str]:
        """Codes of the parents of the existing organizations named in the file."""
        ids = sorted({org.parent_id for org in self.orgs.by_code.values() if org.parent_id})
        known = {org.pk: org.code for org in self.orgs.by_code.values()}
        missing = [pk for pk in ids if pk not in known]
        for start in range(0, len(missing), LOOKUP_CHUNK):
            known.update(Organization.objects.filter(pk__in=missing[start:start + LOOKUP_CHUNK])
                         .values_list("pk", "code"))
        return known

    def _check_row(self, row: Row) -> None:
        code = self._code(row)
        name = self.text_cell(row, NAME, max_length=255, required=True)
        short_name = self.text_cell(row, SHORT_NAME, max_length=120)
        kind = self._kind(row)
        parent, parent_code = self._parent(row, code, kind)
        province_id = self._province(row, parent)
        tax_code = self._tax_code(row, code, kind)
        address = self.text_cell(row, ADDRESS, max_length=255)
        active_from = self.date_cell(row, ACTIVE_FROM, not_after=today())
        if self.row_has_errors(row):
            return
        new = NewOrganization(row.number, code, kind, name, short_name, parent_code, province_id,
                              tax_code, address, active_from)
        existing = self.orgs.get(code)
        if existing is None:
            self.plan.actions.append(new)
            self.planned[code] = new
            self.plan.count("create")
            return
        differences = self._differences(existing, new)
        if differences:
            self.error(row, CODE, _(
                "Organization “%(code)s” already exists with different data: %(differences)s. An "
                "import only adds organizations; change an existing one on its own page, or "
                "delete this row.") % {"code": code, "differences": "; ".join(differences)})
        else:
            self.note(row, CODE, _("Organization “%(code)s” already exists with the same data; "
                                   "this row is skipped.") % {"code": code})
            self.plan.count("skip")

    def _code(self, row: Row) -> str:
        code = (self.text_cell(row, CODE, max_length=32, required=True) or "").upper()
        if not code:
            return ""
        if not _CODE.match(code):
            self.error(row, CODE, _("An organization code contains only unaccented letters, "
                                    "digits, hyphens or underscores; “%(value)s” does not.")
                       % {"value": code})
            return ""
        first = self.seen_codes.setdefault(code, row.number)
        if first != row.number:
            self.error(row, CODE, _("Code “%(code)s” appears in both row %(first)s and row "
                                    "%(second)s.") % {"code": code, "first": first,
                                                       "second": row.number})
            return ""
        existing = self.orgs.get(code)
        if existing is not None and not self.orgs.in_scope(existing):
            self.error(row, CODE, _("Code “%(code)s” is already used by another organization.")
                       % {"code": code})
            return ""
        return code

    def _kind(self, row: Row) -> str:
        value = clean_text(row[KIND])
        if not value:
            self.error(row, KIND, _("Required; this cell is empty."))
            return ""
        kind = KINDS_BY_FOLD.get(fold(value))
        if kind is None:
            self.error(row, KIND, _("Unknown kind “%(value)s”. Use one of: %(choices)s.")
                       % {"value": value[:60], "choices": "; ".join(IMPORTABLE_KIND_LABELS)})
            return ""
        if kind == Kind.VCA_CENTRAL:
            self.error(row, KIND, _("The Vietnam Cooperative Alliance body already exists and "
                                    "cannot be imported."))
            return ""
        if self.local_only and kind not in LOCAL_KINDS:
            self.error(row, KIND, _("With your role you may add only cooperative unions, "
                                    "cooperatives and cooperative groups."))
            return ""
        return kind

    def _parent(self, row: Row, code: str, kind: str):
        """The parent as (existing organization or None, code); a parent defined in an
        earlier row of the file is (None, code)."""
        parent_code = clean_text(row[PARENT]).upper()
        if not parent_code:
            self.error(row, PARENT, _("Required; this cell is empty."))
            return None, ""
        if parent_code == code:
            self.error(row, PARENT, _("An organization cannot be its own parent."))
            return None, ""
        existing = self.orgs.get(parent_code)
        if existing is not None:
            if not self.orgs.in_scope(existing):
                self.error(row, PARENT, out_of_scope(parent_code, self.orgs.scope_name))
            elif existing.active_to or existing.merged_into_id:
                self.error(row, PARENT, _("Organization “%(code)s” has stopped operating or was "
                                          "merged into another; use its successor.")
                           % {"code": parent_code})
            return existing, parent_code
        defined_in = self.all_codes.get(parent_code)
        if defined_in is None:
            self.error(row, PARENT, _("There is no organization with code “%(code)s”, neither in "
                                      "the system nor in this file.") % {"code": parent_code[:40]})
        elif defined_in > row.number:
            self.error(row, PARENT, _("Organization “%(code)s” is defined below, in row "
                                      "%(row)s; put parent organizations above their member "
                                      "units.") % {"code": parent_code, "row": defined_in})
        return None, parent_code

    def _province(self, row: Row, parent: Organization | None) -> int | None:
        value = clean_text(row[PROVINCE])
        if not value:
            if parent is not None:
                return parent.province_id
            parent_row = self.planned.get(clean_text(row[PARENT]).upper())
            return parent_row.province_id if parent_row else None
        province, former = self.provinces.get(value)
        if province is None and former:
            old_name, province = former
            self.warn(row, PROVINCE, _("“%(old)s” is now named “%(new)s”; the organization is "
                                       "recorded in %(new)s.") % {"old": old_name,
                                                                  "new": province.name})
        if province is None:
            self.error(row, PROVINCE, _("Unknown province or city “%(value)s”.")
                       % {"value": value[:60]})
            return None
        if not province.is_active:
            successor = province.merged_into.name if province.merged_into else ""
            first_day = province.valid_to + timedelta(days=1)
            self.error(row, PROVINCE, _("%(value)s is no longer a province or city: it became "
                                        "part of %(new)s from %(day)s. Write %(new)s.")
                       % {"value": province.name, "new": successor,
                          "day": first_day.strftime("%d/%m/%Y")})
            return None
        return province.pk

    def _tax_code(self, row: Row, code: str, kind: str) -> str:
        value = clean_text(row[TAX_CODE])
        if not value:
            if kind in TAX_CODE_REQUIRED:
                self.error(row, TAX_CODE, _("Required for cooperatives and cooperative unions."))
            return ""
        try:
            validate_tax_code(value)
        except ValidationError as error:
            message = " ".join(error.messages)
            if value.isdigit() and len(value) == 9:
                message = _("%(value)s has only 9 digits: the leading 0 was probably lost because "
                            "the cell holds a number. Format the column as Text and type the tax "
                            "code again.") % {"value": value}
            self.error(row, TAX_CODE, message)
            return ""
        first = self.seen_tax.setdefault(value, row.number)
        if first != row.number:
            self.error(row, TAX_CODE, _("Tax code %(value)s appears in both row %(first)s and row "
                                        "%(second)s.") % {"value": value, "first": first,
                                                           "second": row.number})
            return ""
        owner = self.tax_owners.get(value)
        if owner is not None and owner.code != code:
            if self.orgs.in_scope(owner):
                self.error(row, TAX_CODE, _("Tax code %(value)s is already used by organization "
                                            "“%(code)s”.") % {"value": value, "code": owner.code})
            else:
                self.error(row, TAX_CODE, _("Tax code %(value)s is already used by another "
                                            "organization.") % {"value": value})
            return ""
        return value

    def _differences(self, org: Organization, new: NewOrganization) -> list[str]:
        provinces = self.provinces.names
        pairs = [
            (KIND, org.kind, new.kind, org.get_kind_display()),
            (NAME, org.name, new.name, org.name),
            (SHORT_NAME, org.short_name, new.short_name, org.short_name),
            (PARENT, self.parent_codes.get(org.parent_id, ""), new.parent_code,
             self.parent_codes.get(org.parent_id, "")),
            (PROVINCE, org.province_id, new.province_id, provinces.get(org.province_id, "")),
            (TAX_CODE, org.tax_code, new.tax_code, org.tax_code),
            (ADDRESS, org.address, new.address, org.address),
            (ACTIVE_FROM, org.active_from, new.active_from,
             org.active_from.strftime("%d/%m/%Y") if org.active_from else ""),
        ]
        return [
            _("%(column)s (in the system: “%(value)s”)") % {"column": column, "value": shown}
            for column, current, wanted, shown in pairs if current != wanted
        ]

    # --- writing -------------------------------------------------------------------------------

    def commit(self, plan) -> dict[str, int]:
        """Create the planned organizations level by level (parents first), in bulk.

        Mirrors services.organization_create: the same cleaning and derived fields, the
        materialised path, the first OrganizationName, and history rows by the importing user."""
        parents = {org.code: org for org in Organization.objects.filter(
            code__in={a.parent_code for a in plan.actions}).only("id", "code", "path")}
        levels: dict[str, int] = {}
        for action in plan.actions:
            parent_level = -1 if action.parent_code in parents else levels[action.parent_code]
            levels[action.code] = parent_level + 1
        for level in sorted(set(levels.values())):
            batch = [a for a in plan.actions if levels[a.code] == level]
            parents.update({org.code: org for org in self._create(batch, parents)})
        return {"create": len(plan.actions)}

    def _create(self, actions: list[NewOrganization], parents: dict[str, Organization]):
        orgs = []
        for a in actions:
            org = Organization(
                code=a.code, kind=a.kind, name=a.name, short_name=a.short_name,
                parent=parents[a.parent_code], province_id=a.province_id, tax_code=a.tax_code,
                address=a.address, active_from=a.active_from, path="/",
            )
            org.refresh_derived_fields()
            # Validation above already checked uniqueness and relations; this catches the rest
            # of the model's rules without a query per row.
            org.full_clean(exclude=["path", "parent", "province", "merged_into"],
                           validate_unique=False, validate_constraints=False)
            orgs.append(org)
        Organization.objects.bulk_create(orgs, batch_size=LOOKUP_CHUNK)
        # The path needs the new ids: set it in the database from each parent's path (one
        # UPDATE per slice, far faster than bulk_update's CASE), and the same on the objects.
        parent_path = Organization.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
        new_path = Concat(Subquery(parent_path), Cast("pk", CharField()), Value("/"),
                          output_field=CharField())
        for start in range(0, len(orgs), LOOKUP_CHUNK):
            Organization.objects.filter(pk__in=[o.pk for o in orgs[start:start + LOOKUP_CHUNK]]
                                        ).update(path=new_path)
        for org in orgs:
            org.path = f"{org.parent.path}{org.pk}/"
        Organization.history.bulk_history_create(
            orgs, batch_size=LOOKUP_CHUNK, default_user=self.user,
            default_change_reason=self.change_reason)
        names = [OrganizationName(organization=org, name=org.name, short_name=org.short_name,
                                  valid_from=org.active_from) for org in orgs]
        OrganizationName.objects.bulk_create(names, batch_size=LOOKUP_CHUNK)
        OrganizationName.history.bulk_history_create(
            names, batch_size=LOOKUP_CHUNK, default_user=self.user,
            default_change_reason=self.change_reason)
        return orgs
