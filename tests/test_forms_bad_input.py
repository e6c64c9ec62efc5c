"""Bad input on every form: a clear Vietnamese message beside the field, the user's input kept,
and nothing saved."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment, User
from clusters import services
from clusters.models import EmulationGroup, GroupMembership, Organization, OrganizationName, Person, PersonMove
from clusters.tests.factories import GroupFactory, PersonFactory, alliance
from deadlines.models import Holiday

pytestmark = pytest.mark.django_db

LONG = "Hợp tác xã " + "rất dài " * 60


def snapshot():
    return (Organization.objects.count(), OrganizationName.objects.count(), Person.objects.count(),
            PersonMove.objects.count(), User.objects.count(), RoleAssignment.objects.count(),
            GroupMembership.objects.count(), Holiday.objects.count(),
            list(Organization.objects.order_by("pk").values_list("name", "parent_id", "merged_into_id")))


def post_bad(client, url, data, *messages):
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    for message in messages:
        assert message in html, f"thiếu thông báo: {message}"
    assert 'id="error-summary"' in html
    assert html.count("<title>Lỗi:") == 1
    assert snapshot() == before
    return html


ORG_VALID = {"code": "HTX-MOI", "kind": "cooperative", "name": "Hợp tác xã Mới", "short_name": "",
             "parent": "LM-HA-NOI", "province": "", "tax_code": "", "address": "", "active_from": ""}


@pytest.mark.parametrize("changes, messages", [
    ({"name": "", "code": ""}, ["Trường này là bắt buộc."]),
    ({"tax_code": "12345"}, ["Mã số thuế phải gồm 10 chữ số"]),
    ({"tax_code": "0100109105"}, ["chữ số kiểm tra"]),
    ({}, ["Hợp tác xã và liên hiệp hợp tác xã phải có mã số thuế."]),
    ({"parent": "KHONG-CO", "tax_code": "0100109106"}, ["Không tìm thấy đơn vị có mã “KHONG-CO”"]),
    ({"parent": "LM-HUE", "tax_code": "0100109106"}, ["Không tìm thấy đơn vị có mã “LM-HUE”"]),
    ({"code": "LM-HA-NOI", "tax_code": "0100109106"}, ["Đơn vị có Mã đơn vị đã tồn tại."]),
    ({"code": "HTX MOI <script>", "tax_code": "0100109106"}, ["Mã đơn vị chỉ gồm chữ cái không dấu"]),
    ({"name": LONG, "tax_code": "0100109106"}, ["tối đa 255 ký tự"]),
    ({"active_from": "31/02/2026", "tax_code": "0100109106"}, ["Nhập một ngày hợp lệ."]),
])
def test_organization_form_rejects_bad_input(world, client, changes, messages):
    client.force_login(world.users.province_admin)

    html = post_bad(client, reverse("clusters:organization_create"), {**ORG_VALID, **changes}, *messages)

    if changes.get("name") and changes["name"] != LONG:
        assert changes["name"] in html  # what was typed is kept


def test_organization_form_escapes_hostile_text(world, client):
    client.force_login(world.users.admin)

    html = post_bad(client, reverse("clusters:organization_create"),
                    {**ORG_VALID, "name": "<script>alert(1)</script>"},
                    "Hợp tác xã và liên hiệp hợp tác xã phải có mã số thuế.")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_organization_create_with_valid_input_saves(world, client):
    client.force_login(world.users.province_admin)

    response = client.post(reverse("clusters:organization_create"), {**ORG_VALID, "tax_code": "0100109106"})

    org = Organization.objects.get(code="HTX-MOI")
    assert response.status_code == 302 and response.url == org.get_absolute_url()
    assert org.parent == world.hanoi and org.path.startswith(world.hanoi.path)


@pytest.mark.parametrize("data, messages", [
    ({"name": "", "short_name": "", "on_date": "01/01/2025"}, ["Trường này là bắt buộc."]),
    ({"name": "Tên mới", "short_name": "", "on_date": "2025-13-01"}, ["Nhập một ngày hợp lệ."]),
])
def test_rename_form_rejects_bad_input(world, client, data, messages):
    client.force_login(world.users.admin)

    post_bad(client, reverse("clusters:organization_rename", args=[world.hue.pk]), data, *messages)


def test_rename_before_the_current_name_began_is_refused(world, client):
    services.organization_rename(organization=world.hue, name="Liên minh HTX thành phố Huế",
                                 short_name="", on_date=date(2025, 1, 1))
    client.force_login(world.users.admin)

    post_bad(client, reverse("clusters:organization_rename", args=[world.hue.pk]),
             {"name": "Tên khác", "short_name": "", "on_date": "01/06/2024"},
             "Ngày đổi tên phải sau ngày bắt đầu của tên hiện tại.")


@pytest.mark.parametrize("data, messages", [
    ({"into": "", "on_date": "", "confirm": ""}, ["Trường này là bắt buộc."]),
    ({"into": "LM-HA-NOI", "on_date": "01/07/2025"}, ["Trường này là bắt buộc."]),
    ({"into": "KHONG-CO", "on_date": "01/07/2025", "confirm": "on"}, ["Không tìm thấy đơn vị có mã “KHONG-CO”"]),
])
def test_merge_form_rejects_bad_input(world, client, data, messages):
    client.force_login(world.users.admin)

    post_bad(client, reverse("clusters:organization_merge", args=[world.hue.pk]), data, *messages)


def test_merge_into_an_inactive_organization_is_refused(world, client):
    gone = alliance("Hà Tĩnh", code="LM-HA-TINH")
    services.organization_merge(absorbed=gone, into=world.hanoi, on_date=date(2025, 7, 1))
    other = alliance("Nghệ An", code="LM-NGHE-AN")
    client.force_login(world.users.admin)

    post_bad(client, reverse("clusters:organization_merge", args=[other.pk]),
             {"into": "LM-HA-TINH", "on_date": "01/07/2025", "confirm": "on"},
             "Đơn vị tiếp nhận đã ngừng hoạt động.")


PERSON_VALID = {"full_name": "Nguyễn Văn Mới", "gender": "M", "birth_year": "1985",
                "position": "Chuyên viên", "organization": "LM-HA-NOI"}


@pytest.mark.parametrize("changes, messages", [
    ({"full_name": ""}, ["Trường này là bắt buộc."]),
    ({"full_name": "Mới"}, ["Vui lòng nhập đầy đủ họ và tên (ít nhất hai từ)."]),
    ({"full_name": "Nguyễn Văn 3"}, ["Họ và tên không được chứa chữ số."]),
    ({"birth_year": "1850"}, ["Năm sinh phải trong khoảng"]),
    ({"birth_year": "abc"}, ["Nhập một số nguyên."]),
    ({"gender": "X"}, ["Hãy chọn một lựa chọn hợp lệ."]),
    ({"organization": "LM-HUE"}, ["Không tìm thấy đơn vị có mã “LM-HUE”"]),
])
def test_person_form_rejects_bad_input(world, client, changes, messages):
    client.force_login(world.users.staff)

    post_bad(client, reverse("clusters:person_create"), {**PERSON_VALID, **changes}, *messages)


def test_person_form_warns_about_a_possible_duplicate_and_accepts_confirmation(world, client):
    PersonFactory(full_name="Nguyễn Văn Mới", birth_year=1985, organization=world.hanoi)
    client.force_login(world.users.staff)

    html = post_bad(client, reverse("clusters:person_create"), PERSON_VALID,
                    "Đơn vị đã có người cùng họ tên và năm sinh.")
    assert 'value="Nguyễn Văn Mới"' in html

    response = client.post(reverse("clusters:person_create"), {**PERSON_VALID, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(full_name="Nguyễn Văn Mới").count() == 2


@pytest.mark.parametrize("data, messages", [
    ({"to_organization": "", "moved_on": ""}, ["Trường này là bắt buộc."]),
    ({"to_organization": "KHONG-CO", "moved_on": "01/01/2026"}, ["Không tìm thấy đơn vị có mã “KHONG-CO”"]),
    ({"to_organization": "HTX-HN-1", "moved_on": "01/01/2026"}, ["Cá nhân đã công tác tại đơn vị này."]),
])
def test_person_move_form_rejects_bad_input(world, client, data, messages):
    person = PersonFactory(organization=world.coop_hanoi)
    client.force_login(world.users.staff)

    post_bad(client, reverse("clusters:person_move", args=[person.pk]), data, *messages)


def test_person_move_before_the_last_move_is_refused(world, client):
    person = PersonFactory(organization=world.coop_hanoi)
    services.person_move(person=person, to_organization=world.hanoi, moved_on=date(2026, 3, 1))
    client.force_login(world.users.staff)

    post_bad(client, reverse("clusters:person_move", args=[person.pk]),
             {"to_organization": "HTX-HN-1", "moved_on": "01/01/2026"},
             "Ngày chuyển không được trước lần chuyển gần nhất (01/03/2026).")


def test_group_year_form_rejects_a_leader_who_is_not_a_member(world, client):
    group = GroupFactory()
    client.force_login(world.users.admin)

    post_bad(client, reverse("clusters:group_year_edit", args=[group.pk, 2026]),
             {"members": [world.hanoi.pk], "leader": world.hue.pk, "deputy": world.hanoi.pk},
             "Đơn vị trưởng phải là thành viên của nhóm trong năm đó.")


def test_group_year_form_rejects_an_unknown_member(world, client):
    group = GroupFactory()
    client.force_login(world.users.admin)

    post_bad(client, reverse("clusters:group_year_edit", args=[group.pk, 2026]),
             {"members": [world.coop_hanoi.pk]}, "Hãy chọn một lựa chọn hợp lệ.")


@pytest.mark.parametrize("data, messages", [
    ({"from_year": "2026", "to_year": "2025"}, ["Năm mới phải sau năm được sao chép."]),
    ({"from_year": "", "to_year": "abc"}, ["Trường này là bắt buộc.", "Nhập một số nguyên."]),
    ({"from_year": "1999", "to_year": "2026"}, ["lớn hơn hoặc bằng 2000"]),
])
def test_group_copy_form_rejects_bad_input(world, client, data, messages):
    client.force_login(world.users.admin)

    post_bad(client, reverse("clusters:group_copy_year"), data, *messages)


USER_VALID = {"username": "nguoimoi", "full_name": "Người Mới", "email": "moi@example.vn",
              "is_active": "on", "password": "mot-mat-khau-du-dai", "role-role": "unit_staff",
              "role-organization": "LM-HA-NOI", "role-valid_from": "", "role-valid_to": ""}


@pytest.mark.parametrize("changes, messages", [
    ({"username": "", "email": ""}, ["Trường này là bắt buộc."]),
    ({"password": "ngan"}, ["Mật khẩu này quá ngắn. Nó phải chứa ít nhất 12 ký tự."]),
    ({"password": "123456789012345"}, ["Mật khẩu này hoàn toàn là số."]),
    ({"email": "canbo.hanoi@example.vn"}, []),  # valid: factories use another domain
    ({"username": "canbo.hanoi"}, ["Tên đăng nhập đã được sử dụng"]),
    ({"email": "khong-phai-email"}, ["Nhập địa chỉ e-mail hợp lệ."]),
    ({"role-organization": "LM-HUE"}, ["Không tìm thấy đơn vị có mã “LM-HUE”"]),
    ({"role-role": "appraiser"}, ["Hãy chọn một lựa chọn hợp lệ."]),
    ({"role-valid_from": "01/02/2026", "role-valid_to": "01/01/2026"}, ["Ngày kết thúc phải sau ngày bắt đầu."]),
])
def test_user_form_rejects_bad_input(world, client, changes, messages):
    if not messages:
        return
    client.force_login(world.users.province_admin)

    post_bad(client, reverse("accounts:user_create"), {**USER_VALID, **changes}, *messages)


def test_central_roles_cannot_be_given_at_a_province(world, client):
    client.force_login(world.users.admin)

    post_bad(client, reverse("accounts:user_detail", args=[world.users.staff.pk]),
             {"role": "appraiser", "organization": "LM-HA-NOI"},
             "Vai trò này chỉ gán tại Cơ quan Liên minh HTX Việt Nam hoặc các ban.")


def test_the_same_role_twice_is_refused(world, client):
    client.force_login(world.users.admin)

    post_bad(client, reverse("accounts:user_detail", args=[world.users.staff.pk]),
             {"role": "unit_staff", "organization": "LM-HA-NOI"},
             "Người dùng đã có vai trò này tại đơn vị này.")


@pytest.mark.parametrize("data, messages", [
    ({"name": "", "day": "", "month": ""}, ["Trường này là bắt buộc."]),
    ({"name": "Ngày lạ", "day": "31", "month": "2", "year": "2026"}, ["Ngày 31/2 không tồn tại."]),
    ({"name": "Quốc khánh", "day": "2", "month": "9", "year": ""}, ["Ngày nghỉ này đã có trong lịch."]),
    ({"name": "Ngày xa", "day": "1", "month": "6", "year": "3000"}, ["Năm phải trong khoảng 2000–2100."]),
])
def test_holiday_form_rejects_bad_input(world, client, data, messages):
    client.force_login(world.users.admin)

    post_bad(client, reverse("deadlines:holiday_list"), data, *messages)


def test_login_with_a_wrong_password_says_so_and_keeps_the_username(world, client):
    response = client.post(reverse("accounts:login"), {"username": "canbo.hanoi", "password": "sai"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in html
    assert 'value="canbo.hanoi"' in html
    assert '_auth_user_id' not in client.session


def test_password_change_rejects_a_mismatch(world, client):
    client.force_login(world.users.staff)
    old_hash = User.objects.get(pk=world.users.staff.pk).password

    response = client.post(reverse("accounts:password_change"), {
        "old_password": "mat-khau-thu-nghiem-2026", "new_password1": "mat-khau-moi-dai-hon",
        "new_password2": "mat-khau-khac-han"})

    assert response.status_code == 200
    assert "Hai trường mật khẩu không giống nhau." in response.content.decode()
    assert User.objects.get(pk=world.users.staff.pk).password == old_hash


def test_user_form_refuses_a_username_with_diacritics(world, client):
    client.force_login(world.users.province_admin)

    html = post_bad(client, reverse("accounts:user_create"), {**USER_VALID, "username": "nguyễn.an"},
                    "Tên đăng nhập")

    assert 'value="nguyễn.an"' in html


def test_organization_code_with_diacritics_is_refused(world, client):
    client.force_login(world.users.province_admin)

    post_bad(client, reverse("clusters:organization_create"),
             {**ORG_VALID, "code": "HTX-MỘT", "tax_code": "0100109106"},
             "Mã đơn vị chỉ gồm chữ cái không dấu")
