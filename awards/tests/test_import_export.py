"""Importing the award registry from a spreadsheet, the import_awards command, and the export
of the registry search, which re-imports without changing anything."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.imports import HEADERS, AwardRecordImporter, granting_level_of
from awards.models import AwardRecord, AwardType
from awards.tests.factories import award_record
from clusters.imports import import_commit, import_preview, importers
from clusters.models import ImportBatch, Person
from clusters.tests.factories import PersonFactory
from clusters.tests.importing import counts, csv_upload, notes, problems, warnings, xlsx_upload

pytestmark = pytest.mark.django_db

DECISION = "125/QĐ-LMHTXVN"


def person_row(name="Nguyễn Thị Hoà", *, birth="1985", gender="Nữ", position="Kế toán",
               org="HTX-HN-1", org_name="", code="BK_CT", kind="Công trạng", year="2024",
               number=DECISION, day="15/03/2025", issuer="Chủ tịch Liên minh HTX Việt Nam"):
    return ["Cá nhân", name, birth, gender, position, org, org_name, code, kind, year, number,
            day, issuer]


def collective_row(name="", *, org="HTX-HN-1", org_name="", code="BK_CT", kind="Công trạng",
                   year="2024", number=DECISION, day="15/03/2025", issuer=""):
    return ["Tập thể", name, "", "", "", org, org_name, code, kind, year, number, day, issuer]


def preview(user, rows, *, make=xlsx_upload, headers=HEADERS, **kwargs):
    return import_preview(kind="awards", uploaded_file=make([headers, *rows], **kwargs),
                          user=user)


def state():
    return {
        "records": AwardRecord.objects.count(), "people": Person.objects.count(),
        "record_history": AwardRecord.history.count(), "person_history": Person.history.count(),
    }


def test_the_awards_importer_is_registered_and_offered_on_the_import_page(world, client):
    assert importers()["awards"] is AwardRecordImporter
    client.force_login(world.users.admin)

    page = client.get(reverse("clusters:import_start"))
    template = client.get(reverse("clusters:import_template", args=["awards"]))

    assert 'value="awards"' in page.content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == list(HEADERS)


def test_preview_writes_nothing_then_commit_writes_every_row(world):
    admin = world.users.admin
    known = PersonFactory(full_name="Trần Văn Hòa", birth_year=1970, organization=world.coop_hanoi)
    before = state()

    batch = preview(admin, [
        person_row("TRAN VAN HOA", birth="1970", gender="Nam"),      # matched, accents ignored
        person_row("Nguyễn Thị Hoà"),                                # created
        collective_row(""),                                          # the organization itself
        collective_row("Hợp tác xã Rau sạch Hà Nội", code="TTLDTT", number="7/QĐ-HTX"),
        collective_row("Tổ sản xuất số 1"),                          # a named collective
        person_row("Lê Văn Nam", birth="1960", code="HCLD3", number="99/QĐ-CTN",
                   issuer="Chủ tịch nước"),
    ])

    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)
    assert state() == before
    assert counts(batch) == {"create": 6, "skip": 0, "new_people": 2}

    import_commit(batch=batch, user=admin)

    assert AwardRecord.objects.count() == 6
    assert Person.objects.count() == before["people"] + 2
    assert AwardRecord.objects.filter(person=known).count() == 1
    hoa = Person.objects.get(full_name="Nguyễn Thị Hoà")
    assert (hoa.birth_year, hoa.gender, hoa.organization) == (1985, "F", world.coop_hanoi)
    org_records = AwardRecord.objects.filter(person__isnull=True, collective_name="")
    assert sorted(r.award_type.code for r in org_records) == ["BK_CT", "TTLDTT"]
    team = AwardRecord.objects.get(collective_name="Tổ sản xuất số 1")
    assert team.organization == world.coop_hanoi
    medal = AwardRecord.objects.get(award_type__code="HCLD3")
    assert medal.granting_level == AwardType.GrantingLevel.STATE_PRESIDENT
    assert medal.decision_number == "99/QĐ-CTN"
    history = AwardRecord.history.filter(history_user=admin)
    assert history.count() == 6


def test_known_issuers_map_to_granting_levels():
    assert granting_level_of("Ban Chấp hành Liên minh Hợp tác xã Việt Nam") == "alliance_committee"
    assert granting_level_of("thủ tướng chính phủ") == "prime_minister"
    assert granting_level_of("Chủ tịch Liên minh HTX Việt Nam") == "alliance_chairman"
    assert granting_level_of("Giám đốc Sở") is None


def test_csv_with_bom_and_semicolons_is_read(world):
    batch = preview(world.users.admin, [person_row(), collective_row()], make=csv_upload,
                    delimiter=";", bom=True)

    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)
    assert counts(batch)["create"] == 2


def test_date_cells_are_accepted(world):
    row = person_row()
    row[11] = datetime.datetime(2025, 3, 15)

    batch = preview(world.users.admin, [row])

    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)


def test_the_code_wins_over_a_disagreeing_name_with_a_warning(world):
    batch = preview(world.users.admin, [person_row(org_name="Hợp tác xã Khác")])

    assert batch.status == ImportBatch.Status.PREVIEWED
    assert warnings(batch)[0][:2] == (2, "Tên đơn vị")
    assert "HTX-HN-1" in warnings(batch)[0][2]


def test_history_is_recorded_as_it_happened(world):
    """Not active then: a warning. Another issuer's symbol: nothing."""
    world.coop_hanoi.active_from = datetime.date(2020, 1, 1)
    world.coop_hanoi.save()

    batch = preview(world.users.admin, [
        person_row(year="2015", day="10/02/2016", number="12/QĐ-TTg", code="BK_TTG",
                   issuer="Thủ tướng Chính phủ"),
    ])

    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)
    assert warnings(batch)[0][:2] == (2, "Mã đơn vị")


def test_re_importing_a_file_changes_nothing(world):
    admin = world.users.admin
    rows = [person_row(), collective_row(), collective_row("Tổ sản xuất số 1")]
    import_commit(batch=preview(admin, rows), user=admin)
    before = state()

    batch = preview(admin, rows)
    import_commit(batch=batch, user=admin)

    assert state() == before
    assert counts(batch) == {"create": 0, "skip": 3, "new_people": 0}
    assert len(notes(batch)) == 3


def test_duplicate_rows_are_reported_with_both_row_numbers(world):
    before = state()

    batch = preview(world.users.admin, [person_row(), collective_row(), person_row("nguyen thi hoa")])

    assert batch.status == ImportBatch.Status.REJECTED
    assert problems(batch) == [(4, "", "Dòng 2 và dòng 4 là cùng một bản ghi (cùng số quyết "
                                        "định, khen thưởng và người nhận); hãy xoá một dòng.")]
    assert state() == before


@pytest.mark.parametrize("row, column, fragment", [
    (person_row(code="KHONG_CO"), "Mã khen thưởng", "KHONG_CO"),
    (person_row(day="31/02/2025"), "Ngày quyết định", "31/02/2025"),
    (person_row(day="2025-03-15"), "Ngày quyết định", "dd/mm/yyyy"),
    (person_row(day="15/03/2023"), "Ngày quyết định", "2024"),
    (person_row(org="KHONG-CO"), "Mã đơn vị", "KHONG-CO"),
    (person_row(org="HTX-HUE-1"), "Mã đơn vị", "HTX-HUE-1"),
    (person_row(code="TTLDTT"), "Mã khen thưởng", "tập thể"),
    (collective_row(code="LDTT"), "Mã khen thưởng", "cá nhân"),
    (person_row(year="1900"), "Năm thành tích", "1900"),
    (person_row(name=""), "Họ và tên / Tên tập thể", "để trống"),
    (person_row(kind="Thường"), "Loại hình khen thưởng", "Thường"),
    (person_row(gender="X"), "Giới tính", "X"),
])
def test_a_bad_row_is_refused_with_its_message_and_nothing_changes(world, row, column, fragment):
    before = state()

    batch = preview(world.users.province_admin, [collective_row(), row])

    assert batch.status == ImportBatch.Status.REJECTED
    [(number, found_column, message)] = problems(batch)
    assert (number, found_column) == (3, column)
    assert fragment in message
    assert state() == before


def test_wrong_headers_are_refused(world):
    headers = list(HEADERS)
    headers[7], headers[8] = headers[8], headers[7]

    batch = preview(world.users.admin, [person_row()], headers=headers)

    assert batch.status == ImportBatch.Status.REJECTED
    assert "không khớp với tệp mẫu" in problems(batch)[0][2]
    assert state()["records"] == 0


def test_empty_and_header_only_files_are_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = import_preview(kind="awards", uploaded_file=SimpleUploadedFile("a.csv", b""),
                           user=world.users.admin)
    header_only = preview(world.users.admin, [])

    assert "Tệp rỗng" in problems(empty)[0][2]
    assert "không có dòng dữ liệu" in problems(header_only)[0][2]
    assert state()["records"] == 0


def test_hostile_files_are_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    formula = person_row()
    formula[1] = "=HYPERLINK(\"http://x\",\"y\")"
    long_cell = person_row(position="x" * 600)
    admin = world.users.admin

    with_formula = preview(admin, [formula])
    too_long = preview(admin, [long_cell])
    binary = import_preview(kind="awards", uploaded_file=SimpleUploadedFile(
        "so.xlsx", b"MZ\x90\x00" + bytes(range(256)) * 8), user=admin)

    assert "công thức" in problems(with_formula)[0][2]
    assert "600" in problems(too_long)[0][2]
    assert "không phải là bảng tính Excel" in problems(binary)[0][2]
    assert state()["records"] == 0


def test_validation_does_not_query_per_row(world):
    rows = [person_row(f"Người Số {chr(65 + i % 26)}{chr(65 + i // 26)}", number=f"{i}/QĐ")
            for i in range(200)]
    importer = AwardRecordImporter(user=world.users.admin)
    from clusters.spreadsheets import read_rows

    parsed = read_rows(xlsx_upload([HEADERS, *rows]), headers=HEADERS)
    with CaptureQueriesContext(connection) as queries:
        plan = importer.validate(parsed)

    assert not plan.problems, plan.problems[:3]
    assert len(queries) < 15


# --- the management command --------------------------------------------------------------------


def write(tmp_path, rows, name="so.csv"):
    path = tmp_path / name
    path.write_bytes(csv_upload([HEADERS, *rows]).read())
    return str(path)


def test_command_refuses_a_bad_file_with_the_report_and_imports_nothing(world, tmp_path, capsys):
    path = write(tmp_path, [person_row(), person_row(code="KHONG_CO")])

    with pytest.raises(CommandError) as error:
        call_command("import_awards", path, "--user", "quantri")

    assert "chưa có dữ liệu nào được nhập" in str(error.value)
    assert "KHONG_CO" in capsys.readouterr().err
    assert state()["records"] == 0


def test_command_exits_non_zero_from_the_shell(world, tmp_path):
    path = write(tmp_path, [person_row(code="KHONG_CO")])

    with pytest.raises(SystemExit) as exit_:
        from django.core.management import execute_from_command_line
        execute_from_command_line(["manage.py", "import_awards", path, "--user", "quantri"])

    assert exit_.value.code != 0


def test_command_dry_run_then_import(world, tmp_path):
    path = write(tmp_path, [person_row(), collective_row()])
    out = io.StringIO()

    call_command("import_awards", path, "--dry-run", stdout=out)
    assert state()["records"] == 0
    assert "2" in out.getvalue()

    call_command("import_awards", path, "--user", "quantri", stdout=out)
    assert AwardRecord.objects.count() == 2
    assert AwardRecord.history.filter(history_user=world.users.admin).count() == 2

    call_command("import_awards", path, "--user", "quantri", stdout=out)
    assert AwardRecord.objects.count() == 2


def test_command_refuses_a_user_outside_the_scope(world, tmp_path):
    path = write(tmp_path, [person_row(org="HTX-HUE-1")])

    with pytest.raises(CommandError):
        call_command("import_awards", path, "--user", "quantri.hanoi")

    assert state()["records"] == 0


# --- export ------------------------------------------------------------------------------------


def test_export_re_imports_without_changing_anything(world, client):
    admin = world.users.admin
    moved = PersonFactory(full_name="Phạm Văn Bình", birth_year=1975, gender="M",
                          organization=world.coop_hanoi)
    award_record(code="LDTT", person=moved, year=2022)
    award_record(code="BK_CT", organization=world.coop_hanoi, year=2023,
                 decision_number="5/QĐ-LMHTXVN", issuing_level="Chủ tịch Liên minh HTX Việt Nam")
    award_record(code="TTLDTT", organization=world.coop_hue, collective_name="Tổ nón lá",
                 year=2021)
    moved.organization = world.coop_hue
    moved.save()
    client.force_login(admin)
    before = state()

    page = client.get(reverse("awards:registry_search"))
    response = client.get(reverse("awards:registry_export"))

    assert reverse("awards:registry_export") in page.content.decode()
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0] == list(HEADERS)
    assert len(table) == 4

    from django.core.files.uploadedfile import SimpleUploadedFile

    batch = import_preview(kind="awards", uploaded_file=SimpleUploadedFile(
        "xuat.xlsx", response.content), user=admin)
    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)
    assert counts(batch) == {"create": 0, "skip": 3, "new_people": 0}
    assert warnings(batch) == []
    import_commit(batch=batch, user=admin)
    assert state() == before


def test_export_follows_the_filters_and_the_scope(world, client):
    award_record(code="TTLDTT", organization=world.coop_hanoi, year=2021)
    award_record(code="TTLDTT", organization=world.coop_hue, year=2021)
    award_record(code="TTLDTT", organization=world.coop_hanoi, year=2022)
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:registry_export"), {"year": 2021})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[5], r[9]) for r in rows] == [("HTX-HN-1", 2021)]


def test_exported_cells_are_never_formulas(world, client):
    award_record(code="TTLDTT", organization=world.coop_hanoi, collective_name="=1+2",
                 issuing_level="@SUM(A1)")
    client.force_login(world.users.admin)

    response = client.get(reverse("awards:registry_export"))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert cells[1].value == "=1+2" and cells[1].data_type == "s"
    assert cells[12].value == "@SUM(A1)" and cells[12].data_type == "s"


def test_export_does_not_query_per_row(world, client):
    client.force_login(world.users.admin)
    for i in range(3):
        award_record(code="LDTT", person=PersonFactory(organization=world.coop_hanoi))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("awards:registry_export"))
    for i in range(10):
        award_record(code="LDTT", person=PersonFactory(organization=world.coop_hanoi))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("awards:registry_export"))

    assert len(many) == len(few)


def test_a_10000_row_file_is_checked_and_imported_quickly(world):
    import time

    admin = world.users.admin
    letters = "abcdeghiklmnopqrstuvxy"
    rows = [person_row(f"Người {letters[i % 22]}{letters[i // 22 % 22]}{letters[i // 484]}",
                       number=f"{i}/QĐ-TEST") for i in range(10_000)]
    start = time.monotonic()

    batch = preview(admin, rows, make=csv_upload)
    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)[:3]
    import_commit(batch=batch, user=admin)

    assert AwardRecord.objects.count() == 10_000
    assert time.monotonic() - start < 30


def test_the_preview_page_shows_an_awards_report(world, client):
    batch = preview(world.users.admin, [person_row(), person_row(code="KHONG_CO")])
    client.force_login(world.users.admin)

    page = client.get(reverse("clusters:import_preview", args=[batch.pk])).content.decode()

    assert "KHONG_CO" in page
    assert "Mã khen thưởng" in page


# --- the writes: COPY on PostgreSQL, bulk INSERT elsewhere; the rows kept between the steps ----


def test_commit_writes_each_value_and_a_history_row_by_the_importing_user(world):
    admin = world.users.admin

    batch = preview(admin, [
        person_row("Phạm Thị Lan", birth="1990", position="Tổ trưởng \\ kế toán"),
        collective_row("Tổ\\sản xuất \"số\" 2", number="8/QĐ-HTX", issuer=""),
    ])
    import_commit(batch=batch, user=admin)

    lan = Person.objects.get(full_name="Phạm Thị Lan")
    assert (lan.birth_year, lan.gender, lan.position, lan.organization, lan.search_text) == (
        1990, "F", "Tổ trưởng \\ kế toán", world.coop_hanoi, "pham thi lan")
    record = AwardRecord.objects.get(person=lan)
    assert (record.award_type.code, record.kind, record.achievement_year, record.decision_number,
            record.decision_date, record.issuing_level, record.granting_level, record.revoked) == (
        "BK_CT", AwardRecord.Kind.MERIT, 2024, DECISION, datetime.date(2025, 3, 15),
        "Chủ tịch Liên minh HTX Việt Nam", AwardType.GrantingLevel.ALLIANCE_CHAIRMAN, False)
    team = AwardRecord.objects.get(collective_name="Tổ\\sản xuất \"số\" 2")
    assert (team.organization, team.person, team.collective_search) == (
        world.coop_hanoi, None, "to\\san xuat \"so\" 2")
    reason = f"Nhập từ tệp, lần số {batch.pk}"
    for obj in (lan, record, team):
        [created] = type(obj).history.filter(id=obj.pk)
        assert (created.history_type, created.history_user, created.history_change_reason) == (
            "+", admin, reason)
        fields = [f.attname for f in type(obj)._meta.concrete_fields]
        assert [getattr(created, f) for f in fields] == [getattr(obj, f) for f in fields]
    later = award_record(code="LDTT", person=lan)  # the id sequence moved past the import
    assert later.pk > record.pk


def test_commit_checks_the_kept_rows_against_the_database_again(world):
    """The commit reads the rows kept at preview, not the workbook, and checks them again: an
    award imported meanwhile is skipped, and the person it created is matched, not doubled."""
    admin = world.users.admin
    batch = preview(admin, [person_row("Đỗ Văn Minh", birth="1970", gender="Nam"),
                            person_row("Đỗ Văn Minh", birth="1970", gender="Nam", code="KNC")])
    batch.file.storage.delete(batch.file.name)
    import_commit(batch=preview(admin, [person_row("Đỗ Văn Minh", birth="1970", gender="Nam")]),
                  user=admin)

    import_commit(batch=batch, user=admin)

    batch.refresh_from_db()
    assert counts(batch) == {"create": 1, "skip": 1, "new_people": 0}
    minh = Person.objects.get(full_name="Đỗ Văn Minh")
    assert sorted(r.award_type.code for r in minh.award_records.all()) == ["BK_CT", "KNC"]


def test_rows_kept_in_the_earlier_format_are_still_committed(world):
    import gzip
    import json

    from django.core.files.base import ContentFile

    admin = world.users.admin
    batch = preview(admin, [person_row()])
    kept = f"{batch.file.name}.rows.json.gz"
    batch.file.storage.delete(kept)
    batch.file.storage.save(kept, ContentFile(gzip.compress(json.dumps(
        [[2, dict(zip(HEADERS, person_row()))]]).encode())))

    import_commit(batch=batch, user=admin)

    assert AwardRecord.objects.get().person.full_name == "Nguyễn Thị Hoà"


def test_a_record_written_meanwhile_makes_the_bulk_write_fail_as_a_clash(world):
    """The services turn Django's IntegrityError into "someone changed the same data": the
    COPY of PostgreSQL must raise it as bulk_create does."""
    from django.db import IntegrityError, transaction

    from clusters.imports.base import bulk_insert_with_history, unsaved_instances

    existing = award_record(code="LDTT", person=PersonFactory(organization=world.coop_hanoi))
    [copy] = unsaved_instances(AwardRecord, [{
        "person_id": existing.person_id, "award_type_id": existing.award_type_id,
        "decision_number": existing.decision_number, "decision_date": existing.decision_date,
        "achievement_year": existing.achievement_year,
        "organization_at_award_id": world.coop_hanoi.pk}])

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert_with_history(AwardRecord, [copy], user=world.users.admin, reason="")
