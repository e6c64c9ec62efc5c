"""Registration calls and registrations: a unit registers its titles, people and movements,
sends (late after the deadline), the organizer follows the year on a dashboard; scoping,
permissions and bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import user_with_role
from clusters.tests.factories import PersonFactory
from emulation import selectors, services
from emulation.models import Registration, RegistrationCall, RegistrationEntry

from .builders import award, central_call, hanoi_call, hanoi_registration, movement

pytestmark = pytest.mark.django_db
D = datetime.date


def moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def entries(registration):
    return list(registration.entries.values_list("person_id", "collective_name",
                                                 "award_type__code"))


# --- calls -------------------------------------------------------------------------------------


def test_province_admin_opens_a_call_for_its_members(world, client):
    client.force_login(world.users.province_admin)

    response = client.post(reverse("emulation:call_create"), {
        "year": "2027", "deadline": "15/01/2027", "note": "Đăng ký trước ngày 15/01."})

    call = RegistrationCall.objects.get()
    assert response.status_code == 302
    assert (call.organizer, call.year, call.deadline) == (world.hanoi, 2027, D(2027, 1, 15))


@pytest.mark.parametrize("data, message", [
    ({"year": "", "deadline": ""}, "Vui lòng nhập thông tin này."),
    ({"year": "20277", "deadline": "15/01/2027"}, "Nhập năm từ 1945 đến 2100."),
    ({"year": "2027", "deadline": "15/01/2030"}, "Hạn đăng ký thi đua năm 2027 phải nằm trong năm 2026 hoặc năm 2027."),
    ({"year": "2027", "deadline": "2027-02-30"}, "Nhập ngày theo dạng dd/mm/yyyy"),
    ({"year": "2027", "deadline": "15/01/2027", "note": "x" * 2001}, "Tối đa 2000 ký tự"),
    ({"year": "2027", "deadline": "15/01/2027", "note": "<script>\x00"}, "Nội dung có ký tự điều khiển không hợp lệ."),
])
def test_call_form_refuses_bad_input(world, client, data, message):
    client.force_login(world.users.province_admin)

    response = client.post(reverse("emulation:call_create"), data)

    html = response.content.decode()
    assert message in html and html.count("<title>Lỗi:") == 1
    assert not RegistrationCall.objects.exists()


def test_a_second_call_for_the_same_year_is_refused(world, client):
    hanoi_call(world, year=2027, deadline=D(2027, 1, 15))
    client.force_login(world.users.province_admin)

    response = client.post(reverse("emulation:call_create"), {"year": "2027",
                                                               "deadline": "20/01/2027"})

    assert "Đơn vị tổ chức đã có đợt đăng ký cho năm này." in response.content.decode()
    assert RegistrationCall.objects.count() == 1


@pytest.mark.parametrize("who", ["staff", "head", "outsider", "appraiser"])
def test_only_administrators_open_calls(world, client, who):
    client.force_login(getattr(world.users, who))

    response = client.post(reverse("emulation:call_create"), {"year": "2027",
                                                               "deadline": "15/01/2027"})

    assert response.status_code == 403
    assert not RegistrationCall.objects.exists()


# --- registering -------------------------------------------------------------------------------


def test_unit_staff_register_their_unit_for_the_year(world, client):
    call = hanoi_call(world)
    staff = user_with_role("unit_staff", world.coop_hanoi)
    worker = PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Thị Lụa")
    active = movement(world, name="Phong trào đang chạy", start_date=D(2026, 1, 1))
    client.force_login(staff)

    start = client.post(reverse("emulation:registration_create"), {"year": "2026"})
    registration = Registration.objects.get()
    url = registration.get_absolute_url()
    found = client.get(reverse("emulation:registration_people", args=[registration.pk]),
                       {"q": "nguyen thi lua"}).json()
    client.post(reverse("emulation:registration_person_add", args=[registration.pk]),
                {"q": "lua", "person": worker.pk, "award_type": award("CSTDCS").pk})
    client.post(reverse("emulation:registration_collective_add", args=[registration.pk]),
                {"collective_name": "", "award_type": award("TTLDXS").pk})
    client.post(reverse("emulation:registration_movements", args=[registration.pk]),
                {"movements": [active.pk]})

    assert start.url == url
    assert (registration.call, registration.year, registration.status) == (call, 2026, "draft")
    assert found["results"][0]["id"] == worker.pk
    assert entries(registration) == [(worker.pk, "", "CSTDCS"), (None, "", "TTLDXS")]
    assert list(registration.movements.all()) == [active]


def test_sending_on_time_and_late(world):
    call = central_call(world, deadline=D(2026, 3, 31))
    registration = hanoi_registration(world, call)

    on_time = services.registration_submit(registration=registration, by=world.users.staff,
                                           now=moment(D(2026, 3, 31)))

    assert (on_time.status, on_time.late, on_time.submitted_by) == (
        "submitted", False, world.users.staff)
    hue = services.registration_create(call=call, organization=world.hue, by=world.users.outsider)
    services.entry_add_collective(registration=hue, award_type=award("TTLDTT"),
                                  by=world.users.outsider)
    late = services.registration_submit(registration=hue, by=world.users.outsider,
                                        now=moment(D(2026, 4, 1)))
    assert (late.status, late.late) == ("submitted", True)


def test_a_late_registration_is_shown_in_red(world, client):
    call = central_call(world, deadline=D(2026, 3, 31))
    registration = hanoi_registration(world, call)
    services.registration_submit(registration=registration, by=world.users.staff,
                                 now=moment(D(2026, 5, 2)))
    client.force_login(world.users.staff)

    list_html = client.get(reverse("emulation:registration_list")).content.decode()
    page_html = client.get(registration.get_absolute_url()).content.decode()

    assert 'class="table-danger"' in list_html and "Gửi muộn" in list_html
    assert 'class="text-danger fw-bold"' in page_html and "sau hạn" in page_html


def test_a_sent_registration_is_locked(world, client):
    registration = hanoi_registration(world)
    services.registration_submit(registration=registration, by=world.users.staff)
    client.force_login(world.users.staff)
    before = entries(registration)

    client.post(reverse("emulation:registration_collective_add", args=[registration.pk]),
                {"collective_name": "Tổ mới", "award_type": award("TTLDTT").pk})
    client.post(reverse("emulation:registration_entry_remove",
                        args=[registration.pk, registration.entries.first().pk]))

    assert entries(registration) == before


def test_an_empty_registration_cannot_be_sent(world, client):
    registration = services.registration_create(call=central_call(world), organization=world.hanoi,
                                                by=world.users.staff)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:registration_submit", args=[registration.pk]),
                           follow=True)

    assert "Hãy thêm ít nhất một danh hiệu" in response.content.decode()
    assert Registration.objects.get().status == "draft"


def test_choosing_an_expired_movement_flags_the_registration(world, client):
    old = movement(world, name="Phong trào 2020–2025", start_date=D(2020, 1, 1),
                   end_date=D(2025, 12, 31))
    registration = hanoi_registration(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:registration_movements", args=[registration.pk]),
                           {"movements": [old.pk]}, follow=True)
    list_html = client.get(reverse("emulation:registration_list")).content.decode()

    page_html = response.content.decode()
    assert "“Phong trào 2020–2025” đã kết thúc ngày 31/12/2025, trước năm 2026" in page_html
    assert "Đơn vị đăng ký tham gia “Phong trào 2020–2025”, đã kết thúc ngày 31/12/2025" in page_html
    assert "Phong trào đã hết hạn: Phong trào 2020–2025" in list_html
    assert selectors.expired_movements(registration) == [old]


# --- scope and permissions ---------------------------------------------------------------------


def test_a_hue_user_gets_404_on_hanoi_registrations(world, client):
    registration = hanoi_registration(world)
    client.force_login(world.users.outsider)

    statuses = [client.get(registration.get_absolute_url()).status_code,
                client.post(reverse("emulation:registration_submit",
                                    args=[registration.pk])).status_code,
                client.get(reverse("emulation:registration_people", args=[registration.pk]),
                           {"q": "a"}).status_code]

    assert statuses == [404, 404, 404]
    assert Registration.objects.get().status == "draft"


def test_a_unit_cannot_edit_another_units_registration(world, client):
    call = hanoi_call(world)
    coop_staff = user_with_role("unit_staff", world.coop_hanoi)
    registration = services.registration_create(call=call, organization=world.coop_hanoi,
                                                by=coop_staff)
    client.force_login(world.users.staff)  # the Hà Nội alliance sees it, but it is not theirs

    seen = client.get(registration.get_absolute_url())
    edit = client.post(reverse("emulation:registration_collective_add", args=[registration.pk]),
                       {"collective_name": "", "award_type": award("TTLDTT").pk})
    send = client.post(reverse("emulation:registration_submit", args=[registration.pk]))

    assert (seen.status_code, edit.status_code, send.status_code) == (200, 403, 403)
    assert entries(registration) == []


def test_a_person_of_another_unit_cannot_be_registered(world, client):
    registration = hanoi_registration(world, with_person=False)
    stranger = PersonFactory(organization=world.coop_hue)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:registration_person_add", args=[registration.pk]),
                           {"person": stranger.pk, "award_type": award("LDTT").pk})

    assert "Hãy chọn cá nhân trong danh sách." in response.content.decode()
    assert entries(registration) == [(None, "", "TTLDXS")]


@pytest.mark.parametrize("data, message", [
    ({"award_type": ""}, "Vui lòng nhập thông tin này."),
    ({"award_type": "LDTT"}, "Hãy chọn một mục trong danh sách."),
    ({"collective_name": "Tổ " * 200}, "Tối đa 300 ký tự"),
    ({"collective_name": "Tổ\x00sản xuất"}, "Nội dung có ký tự điều khiển không hợp lệ."),
    ({"collective_name": ""}, "Tập thể này đã đăng ký danh hiệu này."),
])
def test_collective_form_refuses_bad_input(world, client, data, message):
    registration = hanoi_registration(world, with_person=False)
    client.force_login(world.users.staff)
    data = {"collective_name": "", "award_type": award("TTLDXS").pk, **data}
    if data["award_type"] == "LDTT":
        data["award_type"] = award("LDTT").pk
    before = entries(registration)

    response = client.post(reverse("emulation:registration_collective_add",
                                   args=[registration.pk]), data)

    html = response.content.decode()
    assert message in html and html.count("<title>Lỗi:") == 1
    assert entries(registration) == before


def test_hostile_names_are_escaped(world, client):
    registration = hanoi_registration(world, with_person=False)
    services.entry_add_collective(registration=registration, award_type=award("TTLDTT"),
                                  collective_name="<script>alert(1)</script>",
                                  by=world.users.staff)
    client.force_login(world.users.staff)

    html = client.get(registration.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html


# --- the organizer's dashboard -----------------------------------------------------------------


def test_the_dashboard_counts_registered_late_and_missing_units(world, client):
    call = central_call(world, deadline=D(2026, 3, 31))
    on_time = hanoi_registration(world, call)
    services.registration_submit(registration=on_time, by=world.users.staff,
                                 now=moment(D(2026, 3, 1)))
    hue = services.registration_create(call=call, organization=world.hue, by=world.users.outsider)
    services.entry_add_collective(registration=hue, award_type=award("TTLDTT"),
                                  by=world.users.outsider)
    services.registration_submit(registration=hue, by=world.users.outsider,
                                 now=moment(D(2026, 4, 2)))
    client.force_login(world.users.admin)

    response = client.get(reverse("emulation:call_detail", args=[call.pk]))

    counts = response.context["dashboard"]["counts"]
    states = {row["unit"].name: row["state"] for row in response.context["dashboard"]["rows"]}
    assert (counts["registered"], counts["late"], counts["total"]) == (1, 1, 4)
    assert counts["not_yet"] == 2
    assert states == {"Liên minh Hợp tác xã Hà Nội": "registered",
                      "Liên minh Hợp tác xã Huế": "late", "Ban Tổ chức cán bộ": "missing",
                      "Văn phòng": "missing"}


def test_unit_staff_do_not_see_the_dashboard(world, client):
    call = central_call(world)
    client.force_login(world.users.staff)

    response = client.get(reverse("emulation:call_detail", args=[call.pk]))

    assert response.status_code == 200 and response.context["dashboard"] is None
