"""Dossier documents through the pages: the type is read from the content, sizes are limited,
names from the user never reach the file system, and only those who see the dossier download."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services_dossiers as services
from awards.models import DossierDocument
from awards.tests.test_dossier_pages import award, cycle, dossier, good_worker  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
# A real image: uploads are decoded and re-encoded (awards.uploads), a bare signature is refused.
PNG = __import__("tests.hostile_uploads", fromlist=["_"]).png_bytes()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, dossier, name, content, **data):
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("awards:document_create", args=[dossier.pk]),
                       {"kind": "submission", "file": file, **data})


def text_of(response):
    return response.content.decode()


@pytest.fixture
def staff(world, client):
    client.force_login(world.users.staff)
    return world.users.staff


@pytest.mark.parametrize("name, content", [
    ("to-trinh.pdf", PDF),
    ("anh-chup.png", PNG),
    ("bao-cao.docx", docx_bytes()),
])
def test_valid_files_are_accepted(world, client, staff, dossier, name, content):
    response = upload(client, dossier, name, content)

    document = DossierDocument.objects.get()
    assert response.status_code == 302
    assert (document.original_name, document.size, document.uploaded_by) == (
        name, len(content), staff)
    assert document.file.read() == content


@pytest.mark.parametrize("name, content, message", [
    ("chuong-trinh.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "không thực sự là tệp PDF"),
    ("trang-web.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "không thực sự là tệp PDF"),
    ("anh.png", PDF, "không thực sự là tệp PNG"),
    ("bao-cao.docx", b"PK\x03\x04" + b"\x00" * 50, "không thực sự là tệp DOCX"),
    ("virus.exe", b"MZ\x90\x00", "chỉ nhận tệp PDF, DOCX, XLSX, JPEG và PNG"),
    ("khong-duoi", PDF, "chỉ nhận tệp PDF, DOCX, XLSX, JPEG và PNG"),
    ("rong.pdf", b"", "Tệp không có nội dung."),
])
def test_hostile_or_wrong_files_are_refused(world, client, staff, dossier, name, content,
                                            message):
    response = upload(client, dossier, name, content)

    assert response.status_code == 200
    assert message in text_of(response)
    assert DossierDocument.objects.count() == 0


def test_an_oversized_file_is_refused(world, client, staff, dossier, settings):
    settings.UPLOAD_MAX_FILE_MB = 1

    response = upload(client, dossier, "lon.pdf", PDF + b"0" * (1536 * 1024))

    assert "“lon.pdf” lớn hơn 1 MB." in text_of(response)
    assert DossierDocument.objects.count() == 0


def test_the_dossier_total_is_limited(world, client, staff, dossier, settings):
    settings.UPLOAD_MAX_DOSSIER_MB = 1
    upload(client, dossier, "mot.pdf", PDF + b"0" * (600 * 1024))

    response = upload(client, dossier, "hai.pdf", PDF + b"0" * (600 * 1024))

    assert "Tổng dung lượng các tệp của hồ sơ sẽ vượt quá 1 MB." in text_of(response)
    assert list(DossierDocument.objects.values_list("original_name", flat=True)) == ["mot.pdf"]


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\x.pdf", "x.pdf"),
])
def test_names_with_path_separators_are_stored_under_a_random_name(world, client, staff,
                                                                    dossier, name, shown):
    response = upload(client, dossier, name, PDF)
    document = DossierDocument.objects.get()
    download = client.get(reverse("awards:document_download", args=[document.pk]))

    assert response.status_code == 302
    assert document.original_name == shown
    assert re.fullmatch(rf"dossiers/{dossier.pk}/[0-9a-f]{{32}}\.pdf", document.file.name)
    assert download["Content-Disposition"] == f'attachment; filename="{shown}"'


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\x.pdf", "x.pdf"),
    ('a"b;c<d>\x00.pdf', "abcd.pdf"),
])
def test_the_service_itself_never_uses_the_given_name(world, dossier, name, shown):
    document = services.document_add(dossier=dossier, kind="submission", by=world.users.staff,
                                     upload=SimpleUploadedFile(name, PDF))

    assert document.original_name == shown
    assert re.fullmatch(rf"dossiers/{dossier.pk}/[0-9a-f]{{32}}\.pdf", document.file.name)


@pytest.mark.parametrize("data, message", [
    ({"kind": ""}, "Chọn loại tài liệu."),
    ({"kind": "virus"}, "Chọn loại tài liệu."),
    ({"nomination": "999999"}, "Đề nghị này không thuộc hồ sơ."),
])
def test_document_form_refuses_bad_choices(world, client, staff, dossier, data, message):
    response = upload(client, dossier, "to-trinh.pdf", PDF, **data)

    assert message in text_of(response)
    assert DossierDocument.objects.count() == 0


def test_a_missing_file_is_refused(world, client, staff, dossier):
    response = client.post(reverse("awards:document_create", args=[dossier.pk]),
                           {"kind": "submission"})

    assert "Chọn tệp cần tải lên." in text_of(response)
    assert DossierDocument.objects.count() == 0


def test_an_attachment_of_another_dossiers_nomination_is_refused(world, client, staff, cycle,
                                                                 dossier):
    from clusters.tests.factories import PersonFactory

    other_dossier = services.dossier_create(cycle=cycle, organization=world.hue,
                                            by=world.users.outsider)
    other = services.nomination_add(
        dossier=other_dossier, award_type=award("LDTT"), achievement_summary="Tốt.",
        person=PersonFactory(organization=world.hue), by=world.users.outsider)

    response = upload(client, dossier, "bao-cao.pdf", PDF, nomination=other.pk)

    assert "Đề nghị này không thuộc hồ sơ." in text_of(response)
    assert DossierDocument.objects.count() == 0


def test_a_nomination_attachment_satisfies_what_it_needs(world, client, staff, dossier,
                                                         good_worker):
    nomination = services.nomination_add(dossier=dossier, award_type=award("LDTT"),
                                         person=good_worker, achievement_summary="Tốt.",
                                         by=staff)
    before = client.get(dossier.get_absolute_url()).context["nominations"][0].missing_documents

    upload(client, dossier, "bao-cao.pdf", PDF, kind="achievement_report",
           nomination=nomination.pk)
    after = client.get(dossier.get_absolute_url()).context["nominations"][0]

    assert before == ["Báo cáo thành tích"]
    assert after.missing_documents == []
    assert [d.original_name for d in after.attachments] == ["bao-cao.pdf"]


# --- download and removal ----------------------------------------------------------------------


@pytest.fixture
def document(world, dossier):
    return services.document_add(dossier=dossier, kind="submission", by=world.users.staff,
                                 upload=SimpleUploadedFile("Tờ trình số 1.pdf", PDF))


def test_those_who_see_the_dossier_download_as_an_attachment(world, client, document):
    for user in (world.users.staff, world.users.head, world.users.appraiser):
        client.force_login(user)

        response = client.get(reverse("awards:document_download", args=[document.pk]))

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''T%E1%BB%9D%20tr%C3%ACnh%20s%E1%BB%91%201.pdf" in (
            response["Content-Disposition"])


def test_outsider_cannot_download(world, client, document):
    client.force_login(world.users.outsider)

    response = client.get(reverse("awards:document_download", args=[document.pk]))

    assert response.status_code == 404


def test_anonymous_cannot_download(world, client, document):
    response = client.get(reverse("awards:document_download", args=[document.pk]))

    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response.url


def test_media_is_not_served_as_static(world, client, document):
    client.force_login(world.users.staff)

    response = client.get(f"/media/{document.file.name}")

    assert response.status_code == 404


def test_staff_remove_a_document_and_its_file(world, client, staff, document):
    storage, name = document.file.storage, document.file.name

    confirm = client.get(reverse("awards:document_delete", args=[document.pk]))
    response = client.post(reverse("awards:document_delete", args=[document.pk]))

    assert confirm.status_code == 200 and response.status_code == 302
    assert DossierDocument.objects.count() == 0
    assert not storage.exists(name)


def test_outsider_cannot_remove_a_document(world, client, document):
    client.force_login(world.users.outsider)

    response = client.post(reverse("awards:document_delete", args=[document.pk]))

    assert response.status_code == 404
    assert DossierDocument.objects.count() == 1


def test_a_sent_dossier_takes_no_upload_and_no_removal(world, client, staff, dossier,
                                                       good_worker):
    from awards.tests.test_dossier_pages import ready_dossier

    ready_dossier(world, dossier, good_worker)
    services.dossier_submit(dossier=dossier, by=world.users.head)
    document = DossierDocument.objects.first()

    added = upload(client, dossier, "them.pdf", PDF)
    removed = client.post(reverse("awards:document_delete", args=[document.pk]), follow=True)

    assert "chỉ sửa được sau khi được trả lại để hoàn thiện" in text_of(added)
    assert "chỉ sửa được sau khi được trả lại để hoàn thiện" in text_of(removed)
    assert DossierDocument.objects.count() == 3
