"""Importing annual assessments and recognised initiatives from spreadsheets: people matched as
the award importer matches them, never invented; every problem reported by row and column;
nothing written unless the whole file is right; re-importing changes nothing."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.imports_facts import AssessmentImporter, InitiativeImporter
from awards.models import AnnualAssessment, Initiative
from awards.tests.factories import award_record
from clusters.imports import import_commit, import_preview, importers
from clusters.models import ImportBatch, Person
from clusters.tests.factories import OrganizationFactory, PersonFactory
from clusters.tests.importing import counts, notes, problems, warnings, xlsx_upload

pytestmark = pytest.mark.django_db

ASSESSMENT_HEADERS = AssessmentImporter.headers
INITIATIVE_HEADERS = InitiativeImporter.headers


@pytest.fixture
def people(world):
    return {
        "hoa": PersonFactory(full_name="Nguyễn Thị Hoà", birth_year=1985,
                             organization=world.coop_hanoi),
        "duc": PersonFactory(full_name="Trần Văn Đức", birth_year=1970,
                             organization=world.coop_hanoi),
        "hue": PersonFactory(full_name="Lê Thị Lan", birth_year=1990,
                             organization=world.coop_hue),
    }


def assessment_row(name="Nguyễn Thị Hoà", *, birth="1985", org="HTX-HN-1", year="2024",
                   rating="Hoàn thành xuất sắc nhiệm vụ", months="12", absence="0", note=""):
    return [name, birth, org, year, rating, months, absence, note]


def initiative_row(name="Nguyễn Thị Hoà", *, birth="1985", org="HTX-HN-1",
                   title="Bán rau qua sàn thương mại điện tử", year="2024", scope="Cơ sở",
                   by="Hội đồng sáng kiến Liên minh HTX Hà Nội", number="12/QĐ-HĐSK",
                   day="20/11/2024"):
    return [name, birth, org, title, year, scope, by, number, day]


def preview(user, rows, *, kind="assessments", headers=None, name="du-lieu.xlsx"):
    headers = headers or (ASSESSMENT_HEADERS if kind == "assessments" else INITIATIVE_HEADERS)
    return import_preview(kind=kind, uploaded_file=xlsx_upload([headers, *rows], name=name),
                          user=user)


def state():
    return {
        "assessments": list(AnnualAssessment.objects.order_by("id").values_list(
            "person_id", "year", "rating", "months_worked", "absence_days", "note")),
        "initiatives": list(Initiative.objects.order_by("id").values_list(
            "person_id", "title", "year", "scope", "recognised_by", "decision_number",
            "decision_date")),
        "assessment_history": AnnualAssessment.history.count(),
        "initiative_history": Initiative.history.count(),
        "people": Person.objects.count(),
    }


def messages_of(batch) -> str:
    return "\n".join(message for _row, _column, message in problems(batch))


# --- registration and templates ----------------------------------------------------------------


@pytest.mark.parametrize("kind, importer", [("assessments", AssessmentImporter),
                                            ("initiatives", InitiativeImporter)])
def test_the_fact_importers_are_offered_with_their_templates(world, client, kind, importer):
    assert importers()[kind] is importer
    client.force_login(world.users.admin)

    page = client.get(reverse("clusters:import_start")).content.decode()
    template = client.get(reverse("clusters:import_template", args=[kind]))

    assert f'value="{kind}"' in page
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))] == list(
        importer.headers)
    assert len(book.worksheets) == 2


def test_the_columns_are_the_contract():
    assert ASSESSMENT_HEADERS == ("Họ và tên", "Năm sinh", "Mã đơn vị", "Năm", "Xếp loại",
                                  "Số tháng công tác", "Số ngày nghỉ", "Ghi chú")
    assert INITIATIVE_HEADERS == ("Họ và tên", "Năm sinh", "Mã đơn vị", "Tên sáng kiến",
                                  "Năm công nhận", "Phạm vi ảnh hưởng", "Cơ quan công nhận",
                                  "Số quyết định", "Ngày quyết định")


# --- assessments -------------------------------------------------------------------------------


def test_a_good_assessment_file_previews_nothing_then_commits_every_row(world, people):
    admin = world.users.admin
    before = state()

    batch = preview(admin, [
        assessment_row(),
        assessment_row("TRAN VAN DUC", birth="1970", rating="hoan thanh tot nhiem vu",
                       months="", absence=""),
        assessment_row("Trần Văn Đức", birth="1970", year="2023", rating="htnv",
                       note="Chuyển công tác giữa năm"),
        assessment_row(year="2023", rating="KHTNV", months="6", absence="30"),
        assessment_row(year="2022", rating="  HOÀN THÀNH XUẤT SẮC NHIỆM VỤ "),
    ])

    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)
    assert counts(batch) == {"create": 5, "update": 0, "unchanged": 0}
    assert state() == before

    batch = import_commit(batch=batch, user=admin)

    assert batch.status == ImportBatch.Status.COMMITTED
    hoa, duc = people["hoa"], people["duc"]
    ratings = {(a.person_id, a.year): (a.rating, a.months_worked, a.absence_days)
               for a in AnnualAssessment.objects.all()}
    assert ratings == {
        (hoa.pk, 2024): ("excellent", 12, 0), (hoa.pk, 2023): ("not_completed", 6, 30),
        (hoa.pk, 2022): ("excellent", 12, 0),
        (duc.pk, 2024): ("good", None, None), (duc.pk, 2023): ("completed", 12, 0),
    }
    assert AnnualAssessment.history.filter(history_user=admin, history_type="+").count() == 5
    assert Person.objects.count() == before["people"]


def test_reimporting_the_same_file_changes_nothing(world, people):
    admin = world.users.admin
    rows = [assessment_row(), assessment_row("Trần Văn Đức", birth="1970", rating="HTTNV")]
    import_commit(batch=preview(admin, rows), user=admin)
    after_first = state()

    again = preview(admin, rows)
    committed = import_commit(batch=again, user=admin)

    assert counts(again) == {"create": 0, "update": 0, "unchanged": 2}
    assert committed.status == ImportBatch.Status.COMMITTED
    assert state() == after_first


def test_a_changed_row_updates_the_recorded_assessment(world, people):
    admin = world.users.admin
    import_commit(batch=preview(admin, [assessment_row()]), user=admin)

    batch = preview(admin, [assessment_row(rating="HTTNV", months="11")])
    import_commit(batch=batch, user=admin)

    assert counts(batch) == {"create": 0, "update": 1, "unchanged": 0}
    assert notes(batch) == [(2, "", "Kết quả đánh giá, xếp loại năm 2024 đã có; nội dung sẽ "
                                    "được cập nhật theo tệp.")]
    assessment = AnnualAssessment.objects.get()
    assert (assessment.rating, assessment.months_worked) == ("good", 11)
    assert [h.history_type for h in assessment.history.order_by("history_date")] == ["+", "~"]


def test_a_person_not_found_is_an_error_and_nobody_is_created(world, people):
    before = state()

    batch = preview(world.users.admin, [
        assessment_row(),
        assessment_row("Phạm Văn Không Có", birth="1980"),
        assessment_row(birth="1986"),
    ])

    assert batch.status == ImportBatch.Status.REJECTED
    assert problems(batch) == [
        (3, "Họ và tên", "Không tìm thấy cá nhân Phạm Văn Không Có, sinh năm 1980 tại đơn vị "
                         "HTX-HN-1. Chỉ ghi nhận dữ liệu cho cá nhân đã có trong hệ thống: hãy "
                         "thêm cá nhân trước, hoặc sửa lại họ tên, năm sinh hoặc mã đơn vị."),
        (4, "Họ và tên", "Không tìm thấy cá nhân Nguyễn Thị Hoà, sinh năm 1986 tại đơn vị "
                         "HTX-HN-1. Chỉ ghi nhận dữ liệu cho cá nhân đã có trong hệ thống: hãy "
                         "thêm cá nhân trước, hoặc sửa lại họ tên, năm sinh hoặc mã đơn vị."),
    ]
    assert state() == before


def test_people_awarded_at_an_organization_are_matched_there_after_moving(world, people):
    """The award importer's matching, reused: a person who moved is found where awarded."""
    other = OrganizationFactory(parent=world.hanoi, code="HTX-HN-2", name="Hợp tác xã Chè")
    moved = PersonFactory(full_name="Vũ Văn Chè", birth_year=1975, organization=other)
    award_record(person=moved, organization_at_award=world.coop_hanoi)

    batch = preview(world.users.admin, [assessment_row("Vu Van Che", birth="1975")])
    import_commit(batch=batch, user=world.users.admin)

    assert AnnualAssessment.objects.get().person == moved


def test_namesakes_are_a_warning_and_the_first_recorded_is_used(world, people):
    twin = PersonFactory(full_name="Nguyễn Thị Hoà", birth_year=1985,
                         organization=world.coop_hanoi)

    batch = preview(world.users.admin, [assessment_row()])
    import_commit(batch=batch, user=world.users.admin)

    assert warnings(batch)[0][:2] == (2, "Họ và tên")
    assert "Có 2 người tên Nguyễn Thị Hoà" in warnings(batch)[0][2]
    assert AnnualAssessment.objects.get().person == people["hoa"] != twin


@pytest.mark.parametrize("row, column, message", [
    (assessment_row(rating="Xuất sắc"), "Xếp loại",
     "Ghi một trong các mức: “Hoàn thành xuất sắc nhiệm vụ” (HTXSNV); “Hoàn thành tốt nhiệm "
     "vụ” (HTTNV); “Hoàn thành nhiệm vụ” (HTNV); “Không hoàn thành nhiệm vụ” (KHTNV); không "
     "chấp nhận “Xuất sắc”."),
    (assessment_row(rating=""), "Xếp loại", "Bắt buộc nhập; ô này đang để trống."),
    (assessment_row(year="20x4"), "Năm", "Hãy ghi năm gồm 4 chữ số, trong khoảng"),
    (assessment_row(year="1900"), "Năm", "Hãy ghi năm gồm 4 chữ số, trong khoảng"),
    (assessment_row(year="2999"), "Năm", "Hãy ghi năm gồm 4 chữ số, trong khoảng"),
    (assessment_row(year=""), "Năm", "Bắt buộc nhập; ô này đang để trống."),
    (assessment_row(months="13"), "Số tháng công tác",
     "Ghi số nguyên từ 0 đến 12; không chấp nhận “13”."),
    (assessment_row(months="mười"), "Số tháng công tác",
     "Ghi số nguyên từ 0 đến 12; không chấp nhận “mười”."),
    (assessment_row(absence="-3"), "Số ngày nghỉ",
     "Ghi số nguyên từ 0 đến 366; không chấp nhận “-3”."),
    (assessment_row(org="HTX-KHONG-CO"), "Mã đơn vị", "Không có đơn vị nào mang mã “HTX-KHONG-CO”."),
    (assessment_row(org=""), "Mã đơn vị", "Bắt buộc nhập; ô này đang để trống."),
    (assessment_row(name=""), "Họ và tên", "Bắt buộc nhập; ô này đang để trống."),
    (assessment_row(birth="85"), "Năm sinh", "Hãy ghi năm gồm 4 chữ số, trong khoảng"),
], ids=["rating", "no-rating", "year-text", "year-old", "year-future", "no-year", "months",
        "months-text", "absence", "unknown-org", "no-org", "no-name", "birth-year"])
def test_each_bad_cell_gives_its_message_and_changes_nothing(world, people, row, column,
                                                              message):
    before = state()

    batch = preview(world.users.admin, [assessment_row(year="2023"), row])

    assert batch.status == ImportBatch.Status.REJECTED
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [(3, column)], found
    assert found[0][2].startswith(message)
    assert state() == before
    with pytest.raises(Exception):
        import_commit(batch=batch, user=world.users.admin)
    assert state() == before


def test_duplicate_person_and_year_rows_are_an_error_naming_both(world, people):
    before = state()

    batch = preview(world.users.admin, [
        assessment_row(), assessment_row("Trần Văn Đức", birth="1970"),
        assessment_row("NGUYEN THI HOA", rating="HTTNV"),
    ])

    assert problems(batch) == [(4, "", "Dòng 2 và dòng 4 cùng một cá nhân và cùng một năm; "
                                       "chỉ giữ lại một dòng.")]
    assert state() == before


def test_a_provincial_admin_imports_only_for_its_subtree(world, people):
    before = state()

    batch = preview(world.users.province_admin, [
        assessment_row(), assessment_row("Lê Thị Lan", birth="1990", org="HTX-HUE-1")])

    assert batch.status == ImportBatch.Status.REJECTED
    assert [(r, c) for r, c, _m in problems(batch)] == [(3, "Mã đơn vị")]
    assert messages_of(batch).startswith("Đơn vị “HTX-HUE-1” nằm ngoài phạm vi quản lý của bạn")
    assert state() == before


def test_wrong_headers_are_refused(world, people):
    headers = list(ASSESSMENT_HEADERS)
    headers[3], headers[4] = headers[4], headers[3]

    batch = preview(world.users.admin, [assessment_row()], headers=headers)

    assert batch.status == ImportBatch.Status.REJECTED
    assert "không khớp với tệp mẫu" in problems(batch)[0][2]
    assert AnnualAssessment.objects.count() == 0


def test_empty_header_only_oversized_and_renamed_binary_files_are_refused(world, people):
    admin = world.users.admin
    before = state()

    empty = import_preview(kind="assessments", uploaded_file=SimpleUploadedFile("a.xlsx", b""),
                           user=admin)
    header_only = preview(admin, [])
    oversized = preview(admin, [assessment_row(note="x" * 10_000)])
    binary = import_preview(kind="assessments", uploaded_file=SimpleUploadedFile(
        "danh-gia.xlsx", b"MZ\x90\x00" + bytes(range(256)) * 8), user=admin)
    formula = preview(admin, [assessment_row(note="=cmd|' /C calc'!A0")])

    assert "Tệp rỗng" in problems(empty)[0][2]
    assert "không có dòng dữ liệu" in problems(header_only)[0][2]
    assert "10000" in problems(oversized)[0][2] and problems(oversized)[0][1] == "Ghi chú"
    assert "không phải là bảng tính Excel" in problems(binary)[0][2]
    assert "công thức" in problems(formula)[0][2]
    assert all(b.status == ImportBatch.Status.REJECTED
               for b in (empty, header_only, oversized, binary, formula))
    assert state() == before


def test_one_bad_row_blocks_the_whole_file(world, people):
    before = state()

    batch = preview(world.users.admin, [assessment_row(), assessment_row(year="2023"),
                                        assessment_row(rating="?")])

    assert batch.status == ImportBatch.Status.REJECTED
    assert state() == before


# --- initiatives -------------------------------------------------------------------------------


def test_a_good_initiative_file_commits_and_reimports_unchanged(world, people):
    admin = world.users.admin
    rows = [
        initiative_row(),
        initiative_row("tran van duc", birth="1970", title="Sổ tay xã viên điện tử",
                       scope="TOAN NGANH", by="", number="", day=""),
        initiative_row(title="Quy trình sơ chế rau", year="2023", scope="Toàn quốc"),
        initiative_row(title="<script>alert(1)</script>", scope=""),
    ]

    batch = preview(admin, rows, kind="initiatives")
    assert batch.status == ImportBatch.Status.PREVIEWED, problems(batch)
    assert counts(batch) == {"create": 4, "update": 0, "unchanged": 0}
    import_commit(batch=batch, user=admin)
    after_first = state()

    found = {(i.person_id, i.title): (i.year, i.scope, i.decision_date)
             for i in Initiative.objects.all()}
    hoa, duc = people["hoa"].pk, people["duc"].pk
    assert found == {
        (hoa, "Bán rau qua sàn thương mại điện tử"): (2024, "grassroots",
                                                      datetime.date(2024, 11, 20)),
        (duc, "Sổ tay xã viên điện tử"): (2024, "sector", None),
        (hoa, "Quy trình sơ chế rau"): (2023, "national", datetime.date(2024, 11, 20)),
        (hoa, "<script>alert(1)</script>"): (2024, "grassroots", datetime.date(2024, 11, 20)),
    }
    assert Initiative.history.filter(history_user=admin).count() == 4

    again = preview(admin, rows, kind="initiatives")
    import_commit(batch=again, user=admin)

    assert counts(again) == {"create": 0, "update": 0, "unchanged": 4}
    assert state() == after_first


def test_a_changed_initiative_row_updates_it(world, people):
    admin = world.users.admin
    import_commit(batch=preview(admin, [initiative_row()], kind="initiatives"), user=admin)

    batch = preview(admin, [initiative_row(title="BÁN RAU QUA SÀN THƯƠNG MẠI ĐIỆN TỬ",
                                           scope="Toàn ngành")], kind="initiatives")
    import_commit(batch=batch, user=admin)

    assert counts(batch) == {"create": 0, "update": 1, "unchanged": 0}
    assert Initiative.objects.get().scope == "sector"


@pytest.mark.parametrize("row, column, message", [
    (initiative_row(scope="Cấp tỉnh"), "Phạm vi ảnh hưởng",
     "Ghi một trong các giá trị: “Cơ sở”; “Toàn ngành”; “Toàn quốc”; không chấp nhận "
     "“Cấp tỉnh”."),
    (initiative_row(title=""), "Tên sáng kiến", "Bắt buộc nhập; ô này đang để trống."),
    (initiative_row(year=""), "Năm công nhận", "Bắt buộc nhập; ô này đang để trống."),
    (initiative_row(year="năm 2024"), "Năm công nhận", "Hãy ghi năm gồm 4 chữ số"),
    (initiative_row(day="31/02/2024"), "Ngày quyết định", "Ngày phải ghi theo dạng dd/mm/yyyy"),
    (initiative_row(number="9" * 61), "Số quyết định", "Tối đa 60 ký tự"),
    (initiative_row(name="Ai Đó Khác"), "Họ và tên", "Không tìm thấy cá nhân Ai Đó Khác"),
    (initiative_row(org="HTX-KHONG-CO"), "Mã đơn vị", "Không có đơn vị nào mang mã"),
], ids=["scope", "no-title", "no-year", "bad-year", "bad-date", "long-number", "unknown-person",
        "unknown-org"])
def test_each_bad_initiative_cell_gives_its_message(world, people, row, column, message):
    before = state()

    batch = preview(world.users.admin, [row], kind="initiatives")

    assert [(r, c) for r, c, _m in problems(batch)] == [(2, column)], problems(batch)
    assert problems(batch)[0][2].startswith(message)
    assert state() == before


def test_duplicate_initiative_rows_are_an_error_naming_both(world, people):
    batch = preview(world.users.admin, [initiative_row(), initiative_row(scope="Toàn quốc")],
                    kind="initiatives")

    assert problems(batch) == [(3, "", "Dòng 2 và dòng 3 là cùng một sáng kiến (cùng cá nhân, "
                                       "tên sáng kiến và năm); chỉ giữ lại một dòng.")]
    assert Initiative.objects.count() == 0


def test_the_import_pages_preview_and_commit_a_fact_file(world, client, people):
    client.force_login(world.users.province_admin)
    upload = xlsx_upload([ASSESSMENT_HEADERS, assessment_row()])

    response = client.post(reverse("clusters:import_start"),
                           {"kind": "assessments", "file": upload})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("clusters:import_preview", args=[batch.pk])).content.decode()
    client.post(reverse("clusters:import_commit", args=[batch.pk]))

    assert response.status_code == 302
    assert "Kết quả đánh giá, xếp loại mới" in page
    assert AnnualAssessment.objects.get().history.get().history_user == world.users.province_admin
