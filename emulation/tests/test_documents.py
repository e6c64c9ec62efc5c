"""The legal document registry: everyone reads it, only central administrators change it, and
bad input changes nothing."""

import datetime

import pytest
from django.urls import reverse

from emulation import services
from emulation.models import LegalDocument

from .builders import doc

pytestmark = pytest.mark.django_db
D = datetime.date

VALID = {"number": "15/2025/TT-BNV", "doc_type": "circular", "issuer": "Bộ Nội vụ",
         "title": "Thông tư quy định biện pháp thi hành Luật Thi đua, khen thưởng",
         "issued_on": "20/07/2025", "effective_from": "05/08/2025", "effective_to": "",
         "replaced_by": "", "source": "", "verified": ""}


def snapshot():
    return list(LegalDocument.objects.order_by("pk").values_list(
        "number", "effective_from", "effective_to", "replaced_by_id", "title"))


def post_bad(client, url, data, *messages):
    before = snapshot()
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    for message in messages:
        assert message in html, message
    assert html.count("<title>Lỗi:") == 1
    assert snapshot() == before
    return html


def test_everyone_with_a_role_reads_the_registry(world, client):
    client.force_login(world.users.outsider)

    response = client.get(reverse("emulation:document_list"), {"q": "91/2017/ND-CP"})

    assert [d.number for d in response.context["page"].object_list] == ["91/2017/NĐ-CP"]
    assert "Tài liệu đã bị thay thế" not in response.content.decode()


def test_the_list_filters_replaced_documents(world, client):
    client.force_login(world.users.staff)

    response = client.get(reverse("emulation:document_list"), {"state": "replaced"})

    assert sorted(d.number for d in response.context["page"].object_list) == [
        "15/2003/QH11", "39/2013/QH13", "91/2017/NĐ-CP", "98/2023/NĐ-CP"]


def test_the_detail_shows_the_chain_of_replacements(world, client):
    client.force_login(world.users.staff)

    response = client.get(reverse("emulation:document_detail", args=[doc("91/2017/NĐ-CP").pk]))

    assert [d.number for d in response.context["chain"]] == ["98/2023/NĐ-CP", "152/2025/NĐ-CP"]


@pytest.mark.parametrize("who", ["province_admin", "staff", "appraiser", "outsider"])
def test_only_central_administrators_add_or_edit_documents(world, client, who):
    client.force_login(getattr(world.users, who))
    before = snapshot()

    statuses = [client.get(reverse("emulation:document_create")).status_code,
                client.post(reverse("emulation:document_create"), VALID).status_code,
                client.post(reverse("emulation:document_edit", args=[doc("30/2020/NĐ-CP").pk]),
                            {**VALID, "number": "30/2020/NĐ-CP"}).status_code]

    assert statuses == [403, 403, 403]
    assert snapshot() == before


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("emulation:document_list"))

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_central_admin_adds_a_document_and_records_a_replacement(world, client):
    client.force_login(world.users.admin)
    client.post(reverse("emulation:document_create"), VALID)
    new = LegalDocument.objects.get(number="15/2025/TT-BNV")
    old = LegalDocument.objects.create(
        number="01/2024/TT-BNV", doc_type="circular", issuer="Bộ Nội vụ", issued_on=D(2024, 2, 1),
        effective_from=D(2024, 3, 15), title="Thông tư cũ")

    response = client.post(reverse("emulation:document_edit", args=[old.pk]), {
        **VALID, "number": "01/2024/TT-BNV", "title": "Thông tư cũ", "issued_on": "01/02/2024",
        "effective_from": "15/03/2024", "effective_to": "04/08/2025", "replaced_by": new.pk})

    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.replaced_by, old.effective_to) == (new, D(2025, 8, 4))
    assert old.history.first().history_user == world.users.admin


@pytest.mark.parametrize("changes, message", [
    ({"number": "", "title": ""}, "Vui lòng nhập thông tin này."),
    ({"issued_on": "31/02/2025"}, "Nhập ngày theo dạng dd/mm/yyyy"),
    ({"effective_to": "01/01/2025"}, "Ngày kết thúc không được trước ngày bắt đầu."),
    ({"effective_from": "01/07/2025"}, "Văn bản không thể có hiệu lực trước ngày ban hành"),
    ({"number": "91/2017/ND-CP"}, "Sổ văn bản đã có 91/2017/NĐ-CP."),
    ({"title": "Thông tư " * 200}, "Tối đa 1000 ký tự"),
    ({"issuer": "Bộ\x00 Nội vụ"}, "Nội dung có ký tự điều khiển không hợp lệ."),
    ({"issuer": "Bộ\x07 Nội vụ"}, "Nội dung có ký tự điều khiển không hợp lệ."),
    ({"replaced_by": "PLACEHOLDER"}, "Văn bản bị thay thế phải có ngày cuối cùng còn hiệu lực."),
    ({"replaced_by": "PLACEHOLDER", "effective_to": "30/12/2025"}, "phải có hiệu lực sau ngày đó"),
    ({"replaced_by": "999999", "effective_to": "30/12/2025"}, "Hãy chọn một mục trong danh sách."),
    ({"issued_on": "01/01/1900", "effective_from": "01/01/1900"}, "Nhập ngày từ 01/01/1945"),
])
def test_document_form_refuses_bad_input(world, client, changes, message):
    client.force_login(world.users.admin)
    if changes.get("replaced_by") == "PLACEHOLDER":
        changes["replaced_by"] = doc("152/2025/NĐ-CP").pk  # in force from 01/07/2025

    post_bad(client, reverse("emulation:document_create"), {**VALID, **changes}, message)


def test_document_form_escapes_hostile_text(world, client):
    client.force_login(world.users.admin)

    html = post_bad(client, reverse("emulation:document_create"),
                    {**VALID, "title": "<script>alert(1)</script>", "effective_to": "01/01/2020"},
                    "Ngày kết thúc không được trước ngày bắt đầu.")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_chain_of_replacements_cannot_loop(world):
    d152 = doc("152/2025/NĐ-CP")
    data = {f: getattr(d152, f) for f in ("number", "doc_type", "issuer", "title", "issued_on",
                                          "effective_from", "source", "verified")}

    with pytest.raises(services.ValidationError) as error:
        services.document_update(document=d152, by=world.users.admin, **data,
                                 effective_to=D(2027, 3, 1), replaced_by=doc("91/2017/NĐ-CP"))

    assert "replaced_by" in error.value.message_dict
    assert doc("152/2025/NĐ-CP").replaced_by is None


def test_a_replacement_cannot_be_moved_before_the_end_of_what_it_replaces(world):
    d98 = doc("98/2023/NĐ-CP")
    data = {f: getattr(d98, f) for f in ("number", "doc_type", "issuer", "title", "issued_on",
                                         "effective_to", "replaced_by", "source", "verified")}

    with pytest.raises(services.ValidationError) as error:
        services.document_update(document=d98, by=world.users.admin, **data,
                                 effective_from=D(2023, 12, 31))

    assert "effective_from" in error.value.message_dict
