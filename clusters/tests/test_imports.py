"""Importing organizations and people: preview writes nothing, commit writes every row or none,
and every kind of bad input is refused with its message."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from clusters.imports import import_commit, import_preview
from clusters.imports.organizations import IMPORTABLE_KIND_LABELS, OrganizationImporter
from clusters.imports.people import PersonImporter
from clusters.imports.selectors import get_batch_for_user
from clusters.models import ImportBatch, Organization, OrganizationName, Person, Province
from clusters.tests.factories import PersonFactory, valid_tax_code
from clusters.tests.importing import (
    counts,
    csv_upload,
    expect_vietnamese_after_merge,
    notes,
    problems,
    snapshot,
    warnings,
    xlsx_upload,
)
from clusters.validators import validate_tax_code

ORG = OrganizationImporter.headers
PEOPLE = PersonImporter.headers
REQUIRED = "Required; this cell is empty."


def org_row(code, *, name=None, kind="Hợp tác xã", parent="LM-HA-NOI", province="", tax=None,
            address="", active_from=""):
    tax = valid_tax_code() if tax is None else tax
    return [code, name or f"Hợp tác xã {code}", "", kind, parent, province, tax, address,
            active_from]


def preview(user, rows, *, kind="organizations", make=xlsx_upload, **kwargs):
    headers = {"organizations": ORG, "people": PEOPLE}[kind]
    return import_preview(kind=kind, uploaded_file=make([headers, *rows], **kwargs), user=user)


def tax_message(value):
    with pytest.raises(ValidationError) as caught:
        validate_tax_code(value)
    return " ".join(caught.value.messages)


# --- organizations: the happy path -------------------------------------------------------------


def test_organization_preview_writes_nothing_then_commit_writes_every_row(world):
    admin = world.users.admin
    rows = [
        org_row("HTX-HN-0012", name="Hợp tác xã Nông nghiệp Thanh Trì", address="Thanh Trì",
                active_from=datetime(2020, 3, 15)),  # a real date cell
        org_row("LH-HUE-1", kind="Liên hiệp hợp tác xã", parent="LM-HUE", province="Huế"),
        org_row("HTX-HUE-2", parent="LH-HUE-1", kind="htx"),
    ]
    before = snapshot()

    batch = preview(admin, rows)

    assert (batch.status, problems(batch), counts(batch)) == (
        ImportBatch.Status.PREVIEWED, [], {"create": 3, "skip": 0})
    assert snapshot() == before

    import_commit(batch=batch, user=admin)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert counts(batch, "result") == {"create": 3, "skip": 0}
    created = {o.code: o for o in Organization.objects.filter(code__in=["HTX-HN-0012", "LH-HUE-1",
                                                                        "HTX-HUE-2"])}
    assert len(created) == 3
    thanh_tri, union, coop = created["HTX-HN-0012"], created["LH-HUE-1"], created["HTX-HUE-2"]
    assert (thanh_tri.parent, thanh_tri.province, thanh_tri.active_from, thanh_tri.address) == (
        world.hanoi, world.hanoi.province, date(2020, 3, 15), "Thanh Trì")
    assert thanh_tri.path == f"{world.hanoi.path}{thanh_tri.pk}/"
    assert coop.path == f"{world.hue.path}{union.pk}/{coop.pk}/"
    assert (coop.kind, coop.province.name, union.kind) == (
        Organization.Kind.COOPERATIVE, "Huế", Organization.Kind.COOP_UNION)
    assert thanh_tri.search_text == "hop tac xa nong nghiep thanh tri"
    assert list(OrganizationName.objects.filter(organization=thanh_tri).values_list(
        "name", "valid_from")) == [("Hợp tác xã Nông nghiệp Thanh Trì", date(2020, 3, 15))]
    assert [(h.history_type, h.history_user) for h in thanh_tri.history.all()] == [("+", admin)]
    assert snapshot()["organizations"] == before["organizations"] + 3


def test_organization_reimport_of_the_same_file_changes_nothing(world):
    admin = world.users.admin
    rows = [org_row("HTX-HN-0012", tax="0101234565"), org_row("HTX-HN-0013")]
    import_commit(batch=preview(admin, rows), user=admin)
    before = snapshot()

    batch = preview(admin, rows)
    import_commit(batch=batch, user=admin)

    batch.refresh_from_db()
    assert counts(batch) == {"create": 0, "skip": 2}
    assert notes(batch) == [
        (2, "Mã đơn vị", _("Organization “%(code)s” already exists with the same data; this row "
                           "is skipped.") % {"code": "HTX-HN-0012"}),
        (3, "Mã đơn vị", _("Organization “%(code)s” already exists with the same data; this row "
                           "is skipped.") % {"code": "HTX-HN-0013"}),
    ]
    assert snapshot() == before


def test_organization_existing_code_with_other_data_is_an_error(world):
    admin = world.users.admin
    tax = Organization.objects.get(code="HTX-HN-1").tax_code
    before = snapshot()

    batch = preview(admin, [org_row("htx-hn-1", name="Hợp tác xã Tên Khác", tax=tax,
                                    address="Số 1 Tràng Tiền")])

    differences = "; ".join([
        _("%(column)s (in the system: “%(value)s”)") % {"column": "Tên đầy đủ",
                                                        "value": "Hợp tác xã Rau sạch Hà Nội"},
        _("%(column)s (in the system: “%(value)s”)") % {"column": "Địa chỉ", "value": ""},
    ])
    assert problems(batch) == [(2, "Mã đơn vị", _(
        "Organization “%(code)s” already exists with different data: %(differences)s. An import "
        "only adds organizations; change an existing one on its own page, or delete this row.")
        % {"code": "HTX-HN-1", "differences": differences})]
    assert batch.status == ImportBatch.Status.REJECTED
    assert snapshot() == before


def test_organization_semicolon_csv_with_bom_imports(world):
    admin = world.users.admin

    batch = preview(admin, [org_row("HTX-CSV-1", name="Hợp tác xã Dịch vụ, Thương mại")],
                    make=csv_upload, delimiter=";", bom=True)
    import_commit(batch=batch, user=admin)

    assert Organization.objects.get(code="HTX-CSV-1").name == "Hợp tác xã Dịch vụ, Thương mại"


def test_organization_province_matches_ignoring_case_diacritics_and_prefix(world):
    admin = world.users.admin

    batch = preview(admin, [org_row("HTX-A", province="thanh pho ha noi"),
                            org_row("HTX-B", parent="LM-HUE", province="Thừa Thiên Huế")])

    assert problems(batch) == []
    assert warnings(batch) == [(3, "Tỉnh, thành phố", _(
        "“%(old)s” is now named “%(new)s”; the organization is recorded in %(new)s.")
        % {"old": "Thừa Thiên Huế", "new": "Huế"})]
    import_commit(batch=batch, user=admin)
    assert Organization.objects.get(code="HTX-A").province.name == "Hà Nội"


def test_organization_validation_queries_do_not_grow_with_rows(world):
    admin = world.users.admin

    def queries(n):
        rows = [org_row(f"HTX-Q{n}-{i:04d}") for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            preview(admin, rows)
        return len(captured)

    queries(1)  # the user's role is looked up once, then cached on the user

    assert queries(3) == queries(60)


# --- organizations: bad input ------------------------------------------------------------------


def test_organization_wrong_headers_are_refused(world):
    before = snapshot()
    upload = xlsx_upload([["Mã", *ORG[1:]], org_row("HTX-X")])

    batch = import_preview(kind="organizations", uploaded_file=upload, user=world.users.admin)

    assert problems(batch) == [
        (1, "", _("The header row (row 1) does not match the template. The columns must be, in "
                  "this order: %(headers)s.") % {"headers": " | ".join(ORG)}),
        (1, "Mã đơn vị", _("Column %(letter)s: expected “%(expected)s”, found “%(found)s”.")
         % {"letter": "A", "expected": "Mã đơn vị", "found": "Mã"}),
    ]
    assert batch.status == ImportBatch.Status.REJECTED
    assert snapshot() == before


def test_organization_missing_required_values_are_reported(world):
    before = snapshot()

    batch = preview(world.users.admin, [["HTX-M", "", "", "", "", "", "", "", ""],
                                        org_row("HTX-N", tax="")])

    assert problems(batch) == [
        (2, "Tên đầy đủ", _(REQUIRED)),
        (2, "Loại đơn vị", _(REQUIRED)),
        (2, "Mã đơn vị cấp trên", _(REQUIRED)),
        (3, "Mã số thuế", _("Required for cooperatives and cooperative unions.")),
    ]
    assert snapshot() == before


def test_organization_unknown_parent_kind_and_province_are_reported(world):
    before = snapshot()

    batch = preview(world.users.admin, [
        org_row("HTX-P", parent="KHONG-CO"),
        org_row("HTX-Q", kind="Công ty"),
        org_row("HTX-R", province="Hà Giang"),
        org_row("HTX-S", province="Sao Hỏa"),
    ])

    assert problems(batch) == [
        (2, "Mã đơn vị cấp trên", _("There is no organization with code “%(code)s”, neither in "
                                    "the system nor in this file.") % {"code": "KHONG-CO"}),
        (3, "Loại đơn vị", _("Unknown kind “%(value)s”. Use one of: %(choices)s.")
         % {"value": "Công ty", "choices": "; ".join(IMPORTABLE_KIND_LABELS)}),
        (4, "Tỉnh, thành phố", _("%(value)s is no longer a province or city: it became part of "
                                 "%(new)s from %(day)s. Write %(new)s.")
         % {"value": "Hà Giang", "new": "Tuyên Quang", "day": "01/07/2025"}),
        (5, "Tỉnh, thành phố", _("Unknown province or city “%(value)s”.") % {"value": "Sao Hỏa"}),
    ]
    assert snapshot() == before


def test_organization_parent_must_come_before_its_members(world):
    batch = preview(world.users.admin, [org_row("HTX-CON", parent="LH-SAU"),
                                        org_row("LH-SAU", kind="Liên hiệp hợp tác xã")])

    assert problems(batch) == [(2, "Mã đơn vị cấp trên", _(
        "Organization “%(code)s” is defined below, in row %(row)s; put parent organizations "
        "above their member units.") % {"code": "LH-SAU", "row": 3})]


def test_organization_bad_dates_are_reported(world):
    before = snapshot()

    batch = preview(world.users.admin, [org_row("HTX-D1", active_from="31/02/2020"),
                                        org_row("HTX-D2", active_from="2020-03-15"),
                                        org_row("HTX-D3", active_from="01/01/2999")])

    invalid = _("Write the date as dd/mm/yyyy, for example 15/03/2020; “%(value)s” is not a valid "
                "date.")
    assert problems(batch) == [
        (2, "Hoạt động từ", invalid % {"value": "31/02/2020"}),
        (3, "Hoạt động từ", invalid % {"value": "2020-03-15"}),
        (4, "Hoạt động từ", _("The date %(value)s is not possible here: it must be between "
                              "01/01/1900 and %(last)s.")
         % {"value": "01/01/2999", "last": date.today().strftime("%d/%m/%Y")}),
    ]
    assert snapshot() == before


def test_organization_bad_tax_codes_are_reported(world):
    before = snapshot()

    batch = preview(world.users.admin, [org_row("HTX-T1", tax="0101234567"),
                                        org_row("HTX-T2", tax="101234568"),
                                        org_row("HTX-T3", tax="abc")])

    assert problems(batch) == [
        (2, "Mã số thuế", tax_message("0101234567")),
        (3, "Mã số thuế", _("%(value)s has only 9 digits: the leading 0 was probably lost "
                            "because the cell holds a number. Format the column as Text and type "
                            "the tax code again.") % {"value": "101234568"}),
        (4, "Mã số thuế", tax_message("abc")),
    ]
    assert snapshot() == before


def test_organization_duplicates_inside_the_file_name_both_rows(world):
    before = snapshot()
    tax = valid_tax_code()

    batch = preview(world.users.admin, [org_row("HTX-DUP", tax=tax), org_row("HTX-X1"),
                                        org_row("htx-dup"), org_row("HTX-X2", tax=tax)])

    assert problems(batch) == [
        (4, "Mã đơn vị", _("Code “%(code)s” appears in both row %(first)s and row %(second)s.")
         % {"code": "HTX-DUP", "first": 2, "second": 4}),
        (5, "Mã số thuế", _("Tax code %(value)s appears in both row %(first)s and row "
                            "%(second)s.") % {"value": tax, "first": 2, "second": 5}),
    ]
    assert snapshot() == before


def test_organization_tax_code_of_an_existing_organization_is_refused(world):
    existing = Organization.objects.get(code="HTX-HUE-1")

    batch = preview(world.users.admin, [org_row("HTX-NEW", tax=existing.tax_code)])

    assert problems(batch) == [(2, "Mã số thuế", _(
        "Tax code %(value)s is already used by organization “%(code)s”.")
        % {"value": existing.tax_code, "code": "HTX-HUE-1"})]


def test_organization_bad_code_and_long_name_are_reported(world):
    batch = preview(world.users.admin, [org_row("HTX MỘT"), org_row("HTX-L", name="Hợp tác xã " + "a" * 300)])

    assert problems(batch) == [
        (2, "Mã đơn vị", _("An organization code contains only unaccented letters, digits, "
                           "hyphens or underscores; “%(value)s” does not.") % {"value": "HTX MỘT"}),
        (3, "Tên đầy đủ", _("At most %(limit)s characters (this cell has %(length)s).")
         % {"limit": 255, "length": 311}),
    ]


def test_organization_central_body_cannot_be_imported(world):
    batch = preview(world.users.admin, [org_row("LMHTX2", kind="Cơ quan Liên minh HTX Việt Nam",
                                                tax="")])

    assert problems(batch) == [(2, "Loại đơn vị", _(
        "The Vietnam Cooperative Alliance body already exists and cannot be imported."))]


def test_organization_rows_outside_a_provincial_admin_scope_are_refused(world):
    before = snapshot()

    batch = preview(world.users.province_admin, [
        org_row("HTX-HN-OK"),
        org_row("HTX-HUE-NO", parent="LM-HUE"),
        org_row("LM-MOI", kind="Liên minh HTX tỉnh, thành phố", parent="LM-HA-NOI", tax=""),
        org_row("htx-hue-1", parent="LM-HA-NOI"),
    ])

    assert problems(batch) == [
        (3, "Mã đơn vị cấp trên", _("Organization “%(code)s” is outside your scope: you manage "
                                    "only %(scope)s and its member units.")
         % {"code": "LM-HUE", "scope": "Liên minh Hợp tác xã Hà Nội"}),
        (4, "Loại đơn vị", _("With your role you may add only cooperative unions, cooperatives "
                             "and cooperative groups.")),
        (5, "Mã đơn vị", _("Code “%(code)s” is already used by another organization.")
         % {"code": "HTX-HUE-1"}),
    ]
    assert snapshot() == before


def test_organization_provincial_admin_imports_under_its_alliance(world):
    admin = world.users.province_admin

    import_commit(batch=preview(admin, [org_row("HTX-HN-9"), org_row("HTX-HN-10", parent="HTX-HN-1",
                                                                     kind="Tổ hợp tác", tax="")]),
                  user=admin)

    assert sorted(Organization.objects.filter(path__startswith=world.hanoi.path).values_list(
        "code", flat=True)) == ["HTX-HN-1", "HTX-HN-10", "HTX-HN-9", "LM-HA-NOI"]


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty: it has no header row and no data."),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
     "The file is not a valid Excel workbook (.xlsx). It may be another kind of file renamed to "
     ".xlsx, damaged, or protected by a password; open it in Excel and save it again as .xlsx."),
])
def test_organization_unreadable_files_are_rejected(world, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = snapshot()

    batch = import_preview(kind="organizations", uploaded_file=SimpleUploadedFile("a.xlsx", content),
                           user=world.users.admin)

    assert (batch.status, problems(batch)) == (ImportBatch.Status.REJECTED, [(None, "", _(message))])
    assert snapshot() == before


def test_organization_header_only_file_is_rejected(world):
    batch = preview(world.users.admin, [])

    assert problems(batch) == [(None, "", _("The file has a header row but no data rows."))]


def test_organization_oversized_file_is_refused_and_not_stored(world, settings):
    from django.template.defaultfilters import filesizeformat

    settings.IMPORT_MAX_BYTES = 1000
    upload = xlsx_upload([ORG] + [org_row(f"HTX-{i}") for i in range(40)])
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        import_preview(kind="organizations", uploaded_file=upload, user=world.users.admin)

    assert caught.value.messages == [
        _("The file is %(size)s; files larger than %(limit)s are not accepted. Split it into "
          "several files.") % {"size": filesizeformat(upload.size), "limit": filesizeformat(1000)}]
    assert ImportBatch.objects.count() == 0
    assert snapshot() == before


def test_organization_formula_and_long_cell_are_rejected(world):
    before = snapshot()

    batch = preview(world.users.admin, [org_row("HTX-F", name="=1+1"), org_row("HTX-G", address="x" * 5000)])

    assert problems(batch) == [
        (2, "Tên đầy đủ", _("Cell %(cell)s contains a formula (%(formula)s); formulas are not "
                            "accepted. Copy the column and paste it back as values only.")
         % {"cell": "B2", "formula": "=1+1"}),
        (3, "Địa chỉ", _("Cell %(cell)s has %(length)s characters; at most %(limit)s are "
                         "allowed.") % {"cell": "H3", "length": 5000, "limit": 500}),
    ]
    assert snapshot() == before


def test_organization_non_utf8_csv_is_rejected(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # Saved by Excel as plain "CSV" on Vietnamese Windows: code page 1258, "à" is one byte.
    content = ",".join(ORG).encode() + "\r\nHTX-W,Hà,,HTX,LM-HA-NOI,,,,\r\n".encode("cp1258")
    before = snapshot()

    batch = import_preview(kind="organizations", user=world.users.admin,
                           uploaded_file=SimpleUploadedFile("a.csv", content))

    assert problems(batch) == [(None, "", _(
        "The CSV file is not encoded in UTF-8 (problem at byte %(position)s). In Excel choose "
        "“Save As” and the type “CSV UTF-8 (Comma delimited)”.")
        % {"position": len(",".join(ORG).encode()) + len("\r\nHTX-W,H") + 1})]
    assert snapshot() == before


# --- committing --------------------------------------------------------------------------------


def test_commit_twice_is_refused(world):
    admin = world.users.admin
    batch = preview(admin, [org_row("HTX-TWICE")])
    import_commit(batch=batch, user=admin)
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        import_commit(batch=batch, user=admin)

    batch.refresh_from_db()
    assert caught.value.messages == [_("This file was already imported on %(when)s; it cannot be "
                                       "imported twice.") % {"when": _local(batch.committed_at)}]
    assert snapshot() == before


def _local(moment):
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def test_commit_of_a_rejected_batch_is_refused(world):
    batch = preview(world.users.admin, [org_row("HTX-BAD", parent="KHONG-CO")])
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        import_commit(batch=batch, user=world.users.admin)

    assert caught.value.messages == [_("This file has errors and cannot be imported. Correct the "
                                       "file and upload it again.")]
    assert snapshot() == before


def test_commit_writes_nothing_when_the_data_changed_since_the_preview(world):
    admin = world.users.admin
    batch = preview(admin, [org_row("HTX-OK-1"), org_row("HTX-LATE")])
    import_commit(batch=preview(admin, [org_row("HTX-LATE", name="Hợp tác xã Khác")]), user=admin)
    before = snapshot()

    with pytest.raises(ValidationError):
        import_commit(batch=batch, user=admin)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED
    assert [p[0] for p in problems(batch)] == [3]
    assert snapshot() == before
    assert not Organization.objects.filter(code="HTX-OK-1").exists()


def test_batch_of_another_user_is_not_found(world):
    batch = preview(world.users.admin, [org_row("HTX-OTHER")])

    with pytest.raises(Http404):
        get_batch_for_user(world.users.province_admin, batch.pk)
    assert get_batch_for_user(world.users.admin, batch.pk) == batch


def test_central_admin_sees_a_provincial_admin_batch(world):
    batch = preview(world.users.province_admin, [org_row("HTX-HN-22")])

    assert get_batch_for_user(world.users.admin, batch.pk) == batch


def test_import_requires_an_administrator(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview(world.users.staff, [org_row("HTX-STAFF")])


def test_organization_import_message_is_vietnamese(world, request):
    expect_vietnamese_after_merge(request, "There is no organization with code “%(code)s”, "
                                           "neither in the system nor in this file.")

    batch = preview(world.users.admin, [org_row("HTX-VI", parent="KHONG-CO")])

    with override("vi"):
        assert problems(batch) == [(2, "Mã đơn vị cấp trên",
                                    "Không có đơn vị nào mang mã “KHONG-CO”, trong hệ thống cũng "
                                    "như trong tệp này.")]


# --- people ------------------------------------------------------------------------------------


def test_people_preview_then_commit_writes_exactly_the_rows(world):
    admin = world.users.admin
    before = snapshot()

    batch = preview(admin, [["Nguyễn Thị Hoà", "Nữ", "1985", "Giám đốc", "HTX-HN-1"],
                            ["trần văn an", "nam", 1970, "", "htx-hue-1"]], kind="people")

    assert (problems(batch), warnings(batch), counts(batch)) == ([], [], {"create": 2, "skip": 0})
    assert snapshot() == before
    import_commit(batch=batch, user=admin)

    people = list(Person.objects.filter(pk__gt=0).order_by("id").values_list(
        "full_name", "gender", "birth_year", "position", "organization__code", "search_text"))
    assert people == [("Nguyễn Thị Hoà", "F", 1985, "Giám đốc", "HTX-HN-1", "nguyen thi hoa"),
                      ("trần văn an", "M", 1970, "", "HTX-HUE-1", "tran van an")]
    assert Person.history.filter(history_user=admin, history_type="+").count() == 2
    assert snapshot()["people"] == before["people"] + 2


def test_people_reimport_skips_identical_people(world):
    admin = world.users.admin
    rows = [["Nguyễn Thị Hoà", "Nữ", "1985", "Giám đốc", "HTX-HN-1"]]
    import_commit(batch=preview(admin, rows, kind="people"), user=admin)
    before = snapshot()

    batch = preview(admin, rows, kind="people")
    import_commit(batch=batch, user=admin)

    assert notes(batch) == [(2, "", _("%(name)s is already recorded at %(org)s with the same "
                                      "details; this row is skipped.")
                             % {"name": "Nguyễn Thị Hoà", "org": "HTX-HN-1"})]
    assert snapshot() == before


def test_people_possible_duplicates_are_warnings_not_errors(world):
    admin = world.users.admin
    PersonFactory(full_name="Nguyễn Thị Hòa", birth_year=1985, organization=world.coop_hanoi,
                  position="Kế toán")

    batch = preview(admin, [["Nguyen Thi Hoa", "", "1985", "Giám đốc", "HTX-HN-1"],
                            ["Lê Văn Bình", "", "1990", "", "HTX-HN-1"],
                            ["LÊ VĂN BÌNH", "", "1990", "Xã viên", "HTX-HN-1"]], kind="people")

    assert problems(batch) == []
    assert warnings(batch) == [
        (2, "Họ và tên", _("The organization already has %(names)s with the same name and birth "
                           "year; check that this is a different person. The row will be added.")
         % {"names": "Nguyễn Thị Hòa"}),
        (4, "Họ và tên", _("Rows %(first)s and %(second)s have the same name and birth year at "
                           "the same organization; check that they are two different people.")
         % {"first": 3, "second": 4}),
    ]
    import_commit(batch=batch, user=admin)
    assert Person.objects.filter(organization=world.coop_hanoi).count() == 4


def test_people_bad_rows_are_reported_and_nothing_is_written(world):
    before = snapshot()

    batch = preview(world.users.admin, [
        ["Hoà", "Nữ", "1985", "", "HTX-HN-1"],
        ["Nguyễn Văn 2", "Khác", "85", "", "HTX-HN-1"],
        ["", "", "2030", "", "KHONG-CO"],
        ["Phạm Thu Dung", "", "", "", ""],
        ["Phạm Thu Dung", "", "", "", "HTX-HN-1"],
        ["Phạm Thu Dung", "", "", "", "HTX-HN-1"],
    ], kind="people")

    max_year = date.today().year - 15
    assert problems(batch) == [
        (2, "Họ và tên", _("Write the full name: family and given names, at least two words.")),
        (3, "Họ và tên", _("A person's name cannot contain digits.")),
        (3, "Giới tính", _("Write “Nam”, “Nữ” or leave the cell empty; “%(value)s” is not "
                           "accepted.") % {"value": "Khác"}),
        (3, "Năm sinh", _("Write a year of four digits between %(low)s and %(high)s; “%(value)s” "
                          "is not accepted.") % {"low": 1900, "high": max_year, "value": "85"}),
        (4, "Họ và tên", _(REQUIRED)),
        (4, "Năm sinh", _("Write a year of four digits between %(low)s and %(high)s; “%(value)s” "
                          "is not accepted.") % {"low": 1900, "high": max_year, "value": "2030"}),
        (4, "Mã đơn vị", _("There is no organization with code “%(code)s”.") % {"code": "KHONG-CO"}),
        (5, "Mã đơn vị", _(REQUIRED)),
        (7, "", _("Rows %(first)s and %(second)s are identical; delete one of them.")
         % {"first": 6, "second": 7}),
    ]
    assert snapshot() == before


def test_people_outside_a_provincial_admin_scope_are_refused(world):
    before = snapshot()

    batch = preview(world.users.province_admin, [["Nguyễn Văn An", "", "", "", "HTX-HUE-1"],
                                                 ["Nguyễn Văn Ba", "", "", "", "HTX-HN-1"]],
                    kind="people")

    assert problems(batch) == [(2, "Mã đơn vị", _(
        "Organization “%(code)s” is outside your scope: you manage only %(scope)s and its member "
        "units.") % {"code": "HTX-HUE-1", "scope": "Liên minh Hợp tác xã Hà Nội"})]
    assert snapshot() == before


def test_people_at_a_merged_organization_are_refused(world):
    from clusters.services import organization_merge

    organization_merge(absorbed=world.coop_hanoi, into=world.hanoi, on_date=date(2025, 1, 1))

    batch = preview(world.users.admin, [["Nguyễn Văn An", "", "", "", "HTX-HN-1"]], kind="people")

    assert problems(batch) == [(2, "Mã đơn vị", _(
        "Organization “%(code)s” has stopped operating or was merged into another; use its "
        "successor.") % {"code": "HTX-HN-1"})]


def test_people_import_message_is_vietnamese(world, request):
    expect_vietnamese_after_merge(request, "Write the full name: family and given names, at "
                                           "least two words.")

    batch = preview(world.users.admin, [["Hoà", "", "", "", "HTX-HN-1"]], kind="people")

    with override("vi"):
        assert problems(batch) == [(2, "Họ và tên",
                                    "Vui lòng ghi đầy đủ họ và tên (ít nhất hai từ).")]


# --- pages -------------------------------------------------------------------------------------


def test_import_pages_upload_preview_commit_and_list(world, client):
    client.force_login(world.users.admin)
    bad = xlsx_upload([ORG, org_row("HTX-WEB", parent="KHONG-CO")], name="don-vi.xlsx")

    response = client.post(reverse("clusters:import_start"), {"kind": "organizations", "file": bad})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("clusters:import_preview", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert _("There is no organization with code “%(code)s”, neither in the system nor in this "
             "file.") % {"code": "KHONG-CO"} in page
    assert reverse("clusters:import_commit", args=[batch.pk]) not in page

    good = xlsx_upload([ORG, org_row("HTX-WEB", name="Hợp tác xã Mây tre Phú Vinh")],
                       name="don-vi.xlsx")
    response = client.post(reverse("clusters:import_start"), {"kind": "organizations", "file": good})
    page = client.get(response.url).content.decode()
    commit_url = reverse("clusters:import_commit", args=[ImportBatch.objects.first().pk])
    assert commit_url in page

    response = client.post(commit_url)

    assert response.status_code == 302
    listing = client.get(reverse("clusters:organization_list"), {"q": "HTX-WEB"})
    assert [org.code for org in listing.context["page"]] == ["HTX-WEB"]
    assert "Hợp tác xã Mây tre Phú Vinh" in listing.content.decode()


def test_preview_page_escapes_hostile_cell_values(world, client):
    client.force_login(world.users.admin)
    upload = xlsx_upload([ORG, org_row("HTX-X", parent="<script>alert(1)</script>")])

    response = client.post(reverse("clusters:import_start"), {"kind": "organizations",
                                                              "file": upload}, follow=True)

    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in page


def test_import_start_lists_own_recent_batches_and_templates(world, client):
    preview(world.users.admin, [org_row("HTX-MINE")])
    preview(world.users.province_admin, [org_row("HTX-HN-THEIRS")])
    client.force_login(world.users.province_admin)

    response = client.get(reverse("clusters:import_start"))

    assert [b.created_by for b in response.context["batches"]] == [world.users.province_admin]
    page = response.content.decode()
    for kind in ("organizations", "people", "users"):
        assert reverse("clusters:import_template", args=[kind]) in page


def test_upload_of_wrong_extension_shows_the_error_and_stores_nothing(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users.admin)

    response = client.post(reverse("clusters:import_start"), {
        "kind": "organizations", "file": SimpleUploadedFile("don-vi.ods", b"abc")})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [
        _("Only Excel (.xlsx) and .csv files are accepted; “%(name)s” is neither.")
        % {"name": "don-vi.ods"}]}
    assert ImportBatch.objects.count() == 0


def test_upload_of_an_oversized_file_shows_the_error_and_stores_nothing(world, client, settings):
    from django.template.defaultfilters import filesizeformat

    settings.IMPORT_MAX_BYTES = 1000
    upload = xlsx_upload([ORG] + [org_row(f"HTX-{i}") for i in range(40)])
    client.force_login(world.users.admin)
    before = snapshot()

    response = client.post(reverse("clusters:import_start"), {"kind": "organizations", "file": upload})

    assert response.context["form"].errors == {"file": [
        _("The file is %(size)s; files larger than %(limit)s are not accepted. Split it into "
          "several files.") % {"size": filesizeformat(upload.size), "limit": filesizeformat(1000)}]}
    assert ImportBatch.objects.count() == 0
    assert snapshot() == before


def test_upload_of_an_empty_file_is_checked_and_rejected_with_the_reason(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users.admin)

    response = client.post(reverse("clusters:import_start"), {
        "kind": "people", "file": SimpleUploadedFile("ca-nhan.csv", b"")}, follow=True)

    assert response.context["report"]["problems"] == [
        {"row": None, "column": "", "message": _("The file is empty: it has no header row and no "
                                                  "data.")}]


def test_template_download_is_a_workbook_the_importer_accepts(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clusters.spreadsheets import read_rows

    client.force_login(world.users.admin)

    response = client.get(reverse("clusters:import_template", args=["organizations"]))

    assert response["Content-Type"] == ("application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet")
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-don-vi.xlsx"'
    rows = read_rows(SimpleUploadedFile("mau.xlsx", response.content), headers=ORG)
    assert [r.values for r in rows] == [dict(zip(ORG, OrganizationImporter.example))]
    assert client.get(reverse("clusters:import_template", args=["khong-co"])).status_code == 404


def test_import_pages_forbid_non_administrators(world, client):
    batch = preview(world.users.admin, [org_row("HTX-P1")])
    client.force_login(world.users.staff)

    assert client.get(reverse("clusters:import_start")).status_code == 403
    assert client.get(reverse("clusters:import_template", args=["people"])).status_code == 403
    assert client.get(reverse("clusters:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("clusters:import_commit", args=[batch.pk])).status_code == 404


def test_import_pages_refuse_a_creator_who_is_no_longer_an_administrator(world, client):
    from accounts.services import role_end

    admin = world.users.province_admin
    batch = preview(admin, [org_row("HTX-HN-LATE")])
    role_end(assignment=admin.role_assignments.get(), valid_to=date(2000, 1, 1))
    client.force_login(admin)
    before = snapshot()

    assert client.get(reverse("clusters:import_preview", args=[batch.pk])).status_code == 403
    assert client.post(reverse("clusters:import_commit", args=[batch.pk])).status_code == 403
    assert snapshot() == before


def test_commit_answers_get_with_method_not_allowed(world, client):
    batch = preview(world.users.admin, [org_row("HTX-GET")])
    client.force_login(world.users.admin)

    response = client.get(reverse("clusters:import_commit", args=[batch.pk]))

    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert batch.__class__.objects.get(pk=batch.pk).status == ImportBatch.Status.PREVIEWED


def test_import_pages_redirect_anonymous(world, client):
    response = client.get(reverse("clusters:import_start"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_commit_of_another_users_batch_is_not_found(world, client):
    batch = preview(world.users.admin, [org_row("HTX-NOT-YOURS")])
    client.force_login(world.users.province_admin)
    before = snapshot()

    assert client.get(reverse("clusters:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("clusters:import_commit", args=[batch.pk])).status_code == 404
    assert snapshot() == before


def test_second_commit_through_the_page_shows_the_refusal(world, client):
    batch = preview(world.users.admin, [org_row("HTX-2X")])
    client.force_login(world.users.admin)
    client.post(reverse("clusters:import_commit", args=[batch.pk]), follow=True)
    before = snapshot()

    response = client.post(reverse("clusters:import_commit", args=[batch.pk]), follow=True)

    batch.refresh_from_db()
    assert [str(m) for m in response.context["messages"]] == [
        _("This file was already imported on %(when)s; it cannot be imported twice.")
        % {"when": _local(batch.committed_at)}]
    assert snapshot() == before


def test_import_navigation_item_shows_to_administrators_only(world):
    from accounts.navigation import navigation_for

    def links(user):
        return [url for area in navigation_for(user) for _label, url in area["items"]]

    assert reverse("clusters:import_start") in links(world.users.province_admin)
    assert reverse("clusters:import_start") not in links(world.users.staff)


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError):
        import_preview(kind="awards-later", uploaded_file=xlsx_upload([ORG]), user=world.users.admin)


def test_provinces_come_from_the_reference_data(db):
    assert Province.objects.filter(valid_to__isnull=True).count() == 34


def test_batches_of_a_dossier_import_stay_off_the_generic_import_pages(world, client):
    """A dossier's nomination list has its own import page; the generic one neither lists nor
    opens its batches (it cannot import them)."""
    from clusters.models import ImportBatch

    batch = ImportBatch.objects.create(kind="nominations", original_name="de-nghi.xlsx",
                                       created_by=world.users.admin, status="previewed",
                                       row_count=1, report={})
    client.force_login(world.users.admin)
    assert "de-nghi.xlsx" not in client.get("/nhap-du-lieu/").content.decode()
    assert client.get(f"/nhap-du-lieu/{batch.pk}/").status_code == 404
