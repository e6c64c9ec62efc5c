"""Importing a list of nominations into a dossier from a spreadsheet: the template, the check
row by row (preview), adding every row or none (commit), bad files and hostile cells, and who
may do it. Nothing is added until the user confirms a file without errors."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services_dossiers as services
from awards.imports_nominations import HEADERS, NominationImporter
from awards.models import Nomination
from awards.tests.test_dossier_pages import award, today
from clusters.models import ImportBatch
from clusters.spreadsheets import read_rows, write_xlsx
from clusters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cycle(world):
    cycle = services.cycle_create(
        organizer=world.central, kind="merit", year=2025, title="Xét khen thưởng năm 2025",
        award_types=[award(c) for c in ("LDTT", "TTLDTT", "BK_CT")],
        submitters=[world.hanoi, world.hue], deadline=today() + datetime.timedelta(days=30),
        by=world.users.admin)
    return services.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)


@pytest.fixture
def dossier(world, cycle):
    return services.dossier_create(cycle=cycle, organization=world.hanoi, by=world.users.staff)


@pytest.fixture
def people(world):
    return {
        "duc": PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Văn Đức",
                             birth_year=1980),
        "hoa": PersonFactory(organization=world.hanoi, full_name="Trần Thị Hoà", birth_year=1990),
        "hue": PersonFactory(organization=world.coop_hue, full_name="Lê Thị Huế",
                             birth_year=1985),
    }


def xlsx(*rows, name="danh-sach.xlsx", headers=HEADERS):
    return SimpleUploadedFile(name, write_xlsx(headers, rows), content_type=XLSX)


def upload(client, dossier, file):
    return client.post(reverse("awards:nomination_import", args=[dossier.pk]), {"file": file})


def preview_url(dossier, batch):
    return reverse("awards:nomination_import_preview", args=[dossier.pk, batch.pk])


def text_of(response):
    return response.content.decode()


GOOD_ROWS = (
    ("Cá nhân", "nguyen van duc", "1980", "htx-hn-1", "LDTT", "Hoàn thành xuất sắc nhiệm vụ."),
    ("Cá nhân", "Trần Thị Hòa", "", "LM-HA-NOI", "BK_CT", "Có sáng kiến cấp cơ sở."),
    ("Tập thể", "", "", "HTX-HN-1", "TTLDTT", "Tập thể hoàn thành tốt nhiệm vụ."),
)


def test_the_template_has_the_columns_of_the_import(world, client):
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:nomination_import_template"))

    assert response["Content-Type"] == XLSX
    assert "mau-nhap-danh-sach-de-nghi.xlsx" in response["Content-Disposition"]
    rows = read_rows(SimpleUploadedFile("mau.xlsx", response.content), headers=HEADERS)
    assert [r.values for r in rows] == [dict(zip(HEADERS, NominationImporter.example))]


def test_a_good_file_is_previewed_then_added_all_together(world, client, dossier, people):
    client.force_login(world.users.staff)

    response = upload(client, dossier, xlsx(*GOOD_ROWS))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == preview_url(dossier, batch)
    assert (batch.status, batch.kind, batch.report["dossier_id"]) == (
        "previewed", "nominations", dossier.pk)
    assert batch.report["counts"][0]["count"] == 3 and batch.report["problems"] == []
    assert dossier.nominations.count() == 0
    preview = client.get(preview_url(dossier, batch))
    assert "Thêm các đề nghị vào hồ sơ" in text_of(preview)

    committed = client.post(preview_url(dossier, batch))

    assert committed.status_code == 302 and committed.url == dossier.get_absolute_url()
    assert [(n.candidate_name, n.award_type.code, n.achievement_summary, n.position)
            for n in dossier.nominations.all()] == [
        ("Nguyễn Văn Đức", "LDTT", "Hoàn thành xuất sắc nhiệm vụ.", 1),
        ("Trần Thị Hoà", "BK_CT", "Có sáng kiến cấp cơ sở.", 2),
        (world.coop_hanoi.name, "TTLDTT", "Tập thể hoàn thành tốt nhiệm vụ.", 3)]
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert "Đã thêm 3 đề nghị vào hồ sơ." in text_of(client.get(committed.url))


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_added(world, client, dossier,
                                                                          people):
    PersonFactory(organization=world.hanoi, full_name="Phạm Văn An", birth_year=1970)
    PersonFactory(organization=world.hanoi, full_name="Phạm Văn An", birth_year=1975)
    services.nomination_add(dossier=dossier, award_type=award("LDTT"), person=people["hoa"],
                            achievement_summary="Đã có.", by=world.users.staff)
    rows = (
        ("Cá nhân", "Nguyễn Văn Đức", "1980", "HTX-HN-1", "LDTT", "Tốt."),            # 2 ok
        ("Cá nhân", "Nguyễn Văn Đức", "1980", "HTX-HN-1", "LDTT", "Lặp lại."),        # 3 duplicate
        ("Cá nhân", "Không Có Ai", "1980", "HTX-HN-1", "LDTT", "Tốt."),               # 4 unknown
        ("Cá nhân", "Lê Thị Huế", "1985", "HTX-HUE-1", "LDTT", "Tốt."),               # 5 Huế
        ("Cá nhân", "Nguyễn Văn Đức", "1980", "HTX-HN-1", "CSTDTQ", "Tốt."),      # 6 not accepted
        ("Cá nhân", "Nguyễn Văn Đức", "1980", "HTX-HN-1", "TTLDTT", "Tốt."),          # 7 collective
        ("Cá nhân", "Trần Thị Hoà", "1990", "LM-HA-NOI", "LDTT", "Tốt."),             # 8 in dossier
        ("Cá nhân", "Phạm Văn An", "", "LM-HA-NOI", "LDTT", "Tốt."),                  # 9 homonyms
        ("Nhóm", "X", "", "LM-HA-NOI", "LDTT", "Tốt."),                               # 10 kind
        ("Cá nhân", "Nguyễn Văn Đức", "80", "HTX-HN-1", "BK_CT", ""),             # 11 year, text
        ("Tập thể", "", "", "KHONG-CO", "XYZ", "Tốt."),                               # 12 codes
    )
    client.force_login(world.users.staff)

    upload(client, dossier, xlsx(*rows))

    batch = ImportBatch.objects.get()
    assert batch.status == "rejected"
    assert [(p["row"], p["column"], p["message"]) for p in batch.report["problems"]] == [
        (3, "", "Dòng 2 và dòng 3 đề nghị cùng một đối tượng cho cùng một danh hiệu, hình thức "
                "khen thưởng; hãy xóa một trong hai dòng."),
        (4, "Họ và tên / Tên tập thể", "Không có người nào tên Không Có Ai, sinh năm 1980 tại "
         "HTX-HN-1. Chỉ đề nghị được người đã có trong hệ thống: hãy thêm người này trước, hoặc "
         "sửa lại họ tên, năm sinh hay mã đơn vị."),
        (5, "Mã đơn vị", "Đơn vị “HTX-HUE-1” nằm ngoài phạm vi quản lý của bạn: bạn chỉ quản lý "
         "Liên minh Hợp tác xã Hà Nội và các đơn vị trực thuộc."),
        (6, "Mã khen thưởng", "Đợt xét này không nhận Chiến sĩ thi đua toàn quốc."),
        (7, "Mã khen thưởng", "“Tập thể lao động tiên tiến” chỉ tặng cho tập thể."),
        (8, "", "Đối tượng này đã được đề nghị Lao động tiên tiến trong hồ sơ."),
        (9, "Họ và tên / Tên tập thể", "Có 2 người tên Phạm Văn An tại LM-HA-NOI; hãy ghi năm "
         "sinh để xác định đúng người."),
        (10, "Loại đối tượng", "Hãy ghi “Cá nhân” hoặc “Tập thể”; không nhận “Nhóm”."),
        (11, "Tóm tắt thành tích", "Bắt buộc nhập; ô này đang để trống."),
        (11, "Năm sinh", "Hãy ghi năm gồm 4 chữ số, trong khoảng 1900–%s; không nhận “80”."
         % today().year),
        (12, "Mã đơn vị", "Không có đơn vị nào mang mã “KHONG-CO”."),
        (12, "Mã khen thưởng", "Danh mục không có khen thưởng nào mang mã “XYZ”."),
    ]
    page = text_of(client.get(preview_url(dossier, batch)))
    assert "Thêm các đề nghị vào hồ sơ" not in page
    assert client.post(preview_url(dossier, batch)).status_code == 302
    assert [n.person for n in dossier.nominations.all()] == [people["hoa"]]


def test_a_person_who_moved_away_cannot_be_nominated_by_the_old_unit(world, client, dossier,
                                                                      people):
    from awards.tests.factories import award_record

    # Awarded at the Hà Nội cooperative in 2022, now working in Huế.
    moved = PersonFactory(organization=world.coop_hue, full_name="Đỗ Văn Chuyển",
                          birth_year=1982)
    award_record(person=moved, code="LDTT", year=2022, organization_at_award=world.coop_hanoi)
    client.force_login(world.users.staff)

    upload(client, dossier, xlsx(("Cá nhân", "Đỗ Văn Chuyển", "1982", "HTX-HN-1", "LDTT",
                                  "Tốt.")))

    [problem] = ImportBatch.objects.get().report["problems"]
    assert problem["message"] == (f"Đỗ Văn Chuyển hiện công tác tại {world.coop_hue.name}, "
                                  f"không thuộc {world.hanoi.name}.")


def test_a_collective_name_that_disagrees_with_the_code_is_a_warning(world, client, dossier):
    client.force_login(world.users.staff)

    upload(client, dossier, xlsx(("Tập thể", "Tổ khác", "1999", "HTX-HN-1", "TTLDTT", "Tốt.")))

    batch = ImportBatch.objects.get()
    assert batch.status == "previewed"
    assert [(p["row"], p["column"], p["message"]) for p in batch.report["warnings"]] == [
        (2, "Năm sinh", "Tập thể không có năm sinh; ô này được bỏ qua."),
        (2, "Họ và tên / Tên tập thể", f"Mã “HTX-HN-1” là đơn vị “{world.coop_hanoi.name}”, "
                                       "không phải “Tổ khác”; hệ thống lấy theo mã."),
    ]


def test_hostile_cells_are_reported_as_text(world, client, dossier):
    client.force_login(world.users.staff)

    upload(client, dossier, xlsx(("Cá nhân", "<script>alert(1)</script> Văn", "", "LM-HA-NOI",
                                  "LDTT", "=HYPERLINK(\"http://x\")")))

    batch = ImportBatch.objects.get()
    page = text_of(client.get(preview_url(dossier, batch)))
    assert batch.status == "rejected"
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert Nomination.objects.count() == 0


def test_commit_adds_nothing_when_the_dossier_changed_since_the_check(world, client, dossier,
                                                                      people):
    client.force_login(world.users.staff)
    upload(client, dossier, xlsx(*GOOD_ROWS))
    batch = ImportBatch.objects.get()
    services.nomination_add(dossier=dossier, award_type=award("TTLDTT"),
                            organization=world.coop_hanoi, achievement_summary="Thêm tay.",
                            by=world.users.head)

    response = client.post(preview_url(dossier, batch), follow=True)

    assert "Dữ liệu trong hệ thống đã thay đổi kể từ lúc kiểm tra tệp" in text_of(response)
    assert [n.achievement_summary for n in dossier.nominations.all()] == ["Thêm tay."]
    batch.refresh_from_db()
    assert batch.status == "rejected"
    assert batch.report["problems"][0]["row"] == 4


def test_a_file_is_imported_once(world, client, dossier, people):
    client.force_login(world.users.staff)
    upload(client, dossier, xlsx(*GOOD_ROWS))
    batch = ImportBatch.objects.get()
    client.post(preview_url(dossier, batch))

    again = client.post(preview_url(dossier, batch), follow=True)

    assert "Tệp này đã được nhập lúc" in text_of(again)
    assert dossier.nominations.count() == 3


def test_a_sent_dossier_takes_no_import(world, client, dossier, people):
    from awards.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(status="submitted")
    client.force_login(world.users.staff)

    response = upload(client, dossier, xlsx(*GOOD_ROWS))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Hồ sơ đã được gửi: chỉ sửa được sau khi được trả lại để hoàn thiện."]
    assert ImportBatch.objects.count() == 0 and Nomination.objects.count() == 0


@pytest.mark.parametrize("file, message", [
    (SimpleUploadedFile("ds.xls", b"x"), "Không nhận tệp Excel định dạng cũ (.xls): hãy mở tệp "
     "bằng Excel rồi lưu lại dưới dạng “Excel Workbook (.xlsx)”."),
    (SimpleUploadedFile("ds", b"x"), "Chỉ nhận tệp Excel (.xlsx) hoặc tệp .csv; tệp “ds” không "
     "thuộc hai loại này."),
    (None, "Chọn tệp cần tải lên."),
])
def test_the_upload_form_refuses_bad_files(world, client, dossier, file, message):
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_import", args=[dossier.pk]),
                           {"file": file} if file else {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert ImportBatch.objects.count() == 0 and Nomination.objects.count() == 0


@pytest.mark.parametrize("file, message", [
    (SimpleUploadedFile("ds.xlsx", b""), "Tệp rỗng: không có dòng tiêu đề và không có dữ liệu."),
    (SimpleUploadedFile("ds.xlsx", b"not a zip at all"), "Tệp không phải là bảng tính Excel "
     "(.xlsx) hợp lệ: có thể đây là loại tệp khác bị đổi đuôi thành .xlsx, tệp bị hỏng hoặc đang "
     "được đặt mật khẩu. Hãy mở tệp bằng Excel rồi lưu lại dưới dạng .xlsx."),
])
def test_an_unreadable_file_is_rejected_with_its_reason(world, client, dossier, file, message):
    client.force_login(world.users.staff)

    upload(client, dossier, file)

    batch = ImportBatch.objects.get()
    assert batch.status == "rejected"
    assert [p["message"] for p in batch.report["problems"]] == [message]
    assert Nomination.objects.count() == 0


def test_a_summary_longer_than_a_spreadsheet_cell_allows_is_refused(world, client, dossier,
                                                                   people):
    client.force_login(world.users.staff)

    upload(client, dossier, xlsx(("Cá nhân", "Nguyễn Văn Đức", "1980", "HTX-HN-1", "LDTT",
                                  "x" * 501)))

    batch = ImportBatch.objects.get()
    assert batch.status == "rejected"
    assert [p["message"] for p in batch.report["problems"]] == [
        "Ô F2 có 501 ký tự, vượt quá giới hạn 500 ký tự."]
    assert Nomination.objects.count() == 0


def test_a_file_with_other_columns_is_rejected(world, client, dossier):
    client.force_login(world.users.staff)

    upload(client, dossier, xlsx(("a", "b"), headers=("Họ tên", "Ghi chú")))

    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and batch.report["problem_count"] >= 1
    assert batch.report["problems"][0]["row"] == 1
    assert Nomination.objects.count() == 0


def test_an_oversized_file_is_refused(world, client, dossier, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(world.users.staff)

    response = upload(client, dossier, SimpleUploadedFile("ds.xlsx", b"x" * 1001))

    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert message.startswith("Tệp có dung lượng")
    assert ImportBatch.objects.count() == 0


# --- who may import ------------------------------------------------------------------------------


def test_the_import_is_for_those_who_edit_the_dossier(world, client, dossier, people):
    client.force_login(world.users.outsider)
    outsider = upload(client, dossier, xlsx(*GOOD_ROWS))
    client.force_login(world.users.council)
    council = upload(client, dossier, xlsx(*GOOD_ROWS))
    client.logout()
    anonymous = client.get(reverse("awards:nomination_import", args=[dossier.pk]))

    assert (outsider.status_code, council.status_code) == (404, 403)
    assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap/" in anonymous.url
    assert ImportBatch.objects.count() == 0


def test_a_batch_is_seen_only_by_its_author_and_with_its_dossier(world, client, cycle, dossier,
                                                                 people):
    client.force_login(world.users.staff)
    upload(client, dossier, xlsx(*GOOD_ROWS))
    batch = ImportBatch.objects.get()
    other = services.dossier_create(cycle=cycle, organization=world.coop_hanoi,
                                    by=world.users.staff)

    wrong_dossier = client.get(preview_url(other, batch))
    client.force_login(world.users.head)
    colleague = client.post(preview_url(dossier, batch))

    assert (wrong_dossier.status_code, colleague.status_code) == (404, 404)
    assert Nomination.objects.count() == 0


def test_the_dossier_page_links_to_the_import_for_editors(world, client, dossier):
    url = reverse("awards:nomination_import", args=[dossier.pk])
    client.force_login(world.users.staff)
    editor = text_of(client.get(dossier.get_absolute_url()))
    client.force_login(world.users.council)
    reader = text_of(client.get(dossier.get_absolute_url()))

    assert url in editor and "Nhập danh sách đề nghị từ bảng tính" in editor
    assert url not in reader
