"""Movements: the status follows the dates at the boundaries, who may launch what, what each
user sees, flags on the page, and bad input (nothing changes)."""

import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from emulation import permissions
from emulation.models import Movement

from .builders import doc, movement

pytestmark = pytest.mark.django_db
D = datetime.date
L = Movement.Level


@pytest.mark.parametrize("day, status", [
    (D(2025, 12, 31), Movement.Status.UPCOMING),
    (D(2026, 1, 1), Movement.Status.ACTIVE),     # the start day is a day of the movement
    (D(2026, 6, 30), Movement.Status.ACTIVE),
    (D(2026, 12, 31), Movement.Status.ACTIVE),   # so is the end day
    (D(2027, 1, 1), Movement.Status.EXPIRED),    # the day after, it has ended
])
def test_status_is_derived_from_the_dates_at_the_boundaries(day, status):
    m = Movement(name="x", level=L.UNIT, start_date=D(2026, 1, 1), end_date=D(2026, 12, 31))

    assert m.status_on(day) == status


def test_a_movement_without_an_end_never_expires():
    m = Movement(name="x", level=L.UNIT, start_date=D(2020, 1, 1))

    assert m.status_on(D(2100, 1, 1)) == Movement.Status.ACTIVE


@pytest.mark.parametrize("status, expected", [
    ("upcoming", ["Sắp tới"]), ("active", ["Bắt đầu hôm nay", "Đang chạy"]),
    ("expired", ["Đã hết"]), ("", ["Sắp tới", "Bắt đầu hôm nay", "Đang chạy", "Đã hết"]),
])
def test_the_list_filters_by_status_with_the_same_boundaries(world, client, status, expected):
    today = datetime.date.today()
    one = datetime.timedelta(days=1)
    movement(world, name="Sắp tới", start_date=today + one)
    movement(world, name="Bắt đầu hôm nay", start_date=today, end_date=today)
    movement(world, name="Đang chạy", start_date=today - one * 30, end_date=today + one)
    movement(world, name="Đã hết", start_date=today - one * 40, end_date=today - one)
    client.force_login(world.users.staff)

    response = client.get(reverse("emulation:movement_list"), {"status": status})

    assert [m.name for m in response.context["page"].object_list] == expected


def test_the_list_filters_by_level_and_kind(world, client):
    movement(world, name="Quốc gia", level=L.NATIONAL, launched_by_name="Thủ tướng Chính phủ")
    movement(world, name="Đợt ngắn", kind=Movement.Kind.CAMPAIGN)
    client.force_login(world.users.staff)

    by_level = client.get(reverse("emulation:movement_list"), {"level": "national"})
    by_kind = client.get(reverse("emulation:movement_list"), {"kind": "campaign"})

    assert [m.name for m in by_level.context["page"].object_list] == ["Quốc gia"]
    assert [m.name for m in by_kind.context["page"].object_list] == ["Đợt ngắn"]


@pytest.mark.parametrize("who, level, org, allowed", [
    ("admin", L.NATIONAL, None, True),
    ("admin", L.ALLIANCE, "central", True),
    ("province_admin", L.ALLIANCE, "central", False),
    ("province_admin", L.PROVINCIAL, "hanoi", True),
    ("province_admin", L.PROVINCIAL, "hue", False),
    ("staff", L.PROVINCIAL, "hanoi", False),
    ("staff", L.UNIT, "hanoi", True),
    ("head", L.UNIT, "coop_hanoi", True),
    ("staff", L.UNIT, "hue", False),
    ("outsider", L.UNIT, "hanoi", False),
    ("appraiser", L.NATIONAL, None, False),
    ("leadership", L.UNIT, "hanoi", False),
])
def test_who_may_launch_a_movement(world, who, level, org, allowed):
    organization = getattr(world, org) if org else None

    assert permissions.can_launch_movement(getattr(world.users, who), level, organization) is allowed


def test_a_provincial_movement_is_hidden_from_another_province(world, client):
    m = movement(world, by=world.users.province_admin, name="Phong trào Hà Nội",
                 level=L.PROVINCIAL, organization=world.hanoi)
    coop_user = user_with_role("unit_staff", world.coop_hanoi)

    client.force_login(world.users.outsider)
    outsider = client.get(reverse("emulation:movement_detail", args=[m.pk])).status_code
    client.force_login(coop_user)
    member = client.get(reverse("emulation:movement_detail", args=[m.pk])).status_code

    assert (outsider, member) == (404, 200)


def test_unit_staff_cannot_edit_the_alliance_movement(world, client):
    m = movement(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:movement_edit", args=[m.pk]), {"name": "Đổi"})

    assert response.status_code == 403
    assert Movement.objects.get(pk=m.pk).name == "Phong trào thi đua thử"


def test_province_admin_launches_a_provincial_movement(world, client):
    client.force_login(world.users.province_admin)

    response = client.post(reverse("emulation:movement_create"), {
        "name": "Thi đua chuyển đổi số 2026", "level": "provincial", "kind": "thematic",
        "organization": world.hanoi.pk, "start_date": "01/01/2026", "end_date": "31/12/2026",
        "participants": [world.coop_hanoi.pk], "motto": "Đoàn kết - Sáng tạo"})

    m = Movement.objects.get(name="Thi đua chuyển đổi số 2026")
    assert response.status_code == 302
    assert (m.organization, list(m.participants.all()), m.created_by) == (
        world.hanoi, [world.coop_hanoi], world.users.province_admin)


def test_the_page_flags_a_launching_document_not_in_force_on_the_start_date(world, client):
    m = movement(world, document=doc("98/2023/NĐ-CP"), start_date=D(2025, 9, 1),
                 end_date=D(2025, 12, 31))
    client.force_login(world.users.staff)

    html = client.get(reverse("emulation:movement_detail", args=[m.pk])).content.decode()

    assert "98/2023/NĐ-CP đã được thay thế trước ngày 01/09/2025" in html
    assert "Nghị định 152/2025/NĐ-CP" in html
    assert "Phong trào này đã kết thúc ngày 31/12/2025" in html


def test_the_page_flags_a_replaced_decree_cited_in_the_description(world, client):
    m = movement(world, start_date=D(2026, 1, 1),
                 description="Căn cứ Nghị định số 91/2017/ND-CP.")
    client.force_login(world.users.staff)

    response = client.get(reverse("emulation:movement_detail", args=[m.pk]))

    assert [(f.document.number, f.replacement.number) for f in response.context["flags"]] == [
        ("91/2017/NĐ-CP", "152/2025/NĐ-CP")]


def test_a_movement_in_force_is_not_flagged(world, client):
    m = movement(world, document=doc("34-CT/TW"), start_date=D(2026, 1, 1))
    client.force_login(world.users.staff)

    response = client.get(reverse("emulation:movement_detail", args=[m.pk]))

    assert response.context["flags"] == []
    assert response.context["status"] == Movement.Status.ACTIVE


VALID = {"name": "Phong trào mới", "level": "unit", "kind": "regular", "organization": "",
         "start_date": "01/01/2026", "end_date": "31/12/2026", "theme": "", "motto": "",
         "launched_by_name": "", "document": "", "description": ""}


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Vui lòng nhập thông tin này."),
    ({"start_date": ""}, "Vui lòng nhập thông tin này."),
    ({"start_date": "32/01/2026"}, "Nhập ngày theo dạng dd/mm/yyyy"),
    ({"end_date": "31/12/2025"}, "Ngày kết thúc không được trước ngày bắt đầu."),
    ({"name": "Phong trào " * 60}, "Tối đa 500 ký tự"),
    ({"motto": "Đoàn kết\x00"}, "Nội dung có ký tự điều khiển không hợp lệ."),
    ({"theme": "Chủ đề\x1b[31m"}, "Nội dung có ký tự điều khiển không hợp lệ."),
    ({"organization": "HUE"}, "Bạn không thể phát động phong trào cho đơn vị này."),
    ({"level": "provincial"}, "Bạn không thể phát động phong trào ở cấp này cho đơn vị này."),
    ({"level": "galaxy"}, "Hãy chọn một mục trong danh sách."),
    ({"document": "91", "start_date": "01/01/2014"},
     "có hiệu lực từ ngày 01/01/2024, sau ngày bắt đầu phong trào"),
])
def test_movement_form_refuses_bad_input(world, client, changes, message):
    client.force_login(world.users.staff)
    data = {**VALID, "organization": world.hanoi.pk, **changes}
    if data["organization"] == "HUE":
        data["organization"] = world.hue.pk
    if data["document"] == "91":
        data["document"] = doc("06/2022/QH15").pk
    before = list(Movement.objects.values_list("name", flat=True))

    response = client.post(reverse("emulation:movement_create"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert html.count("<title>Lỗi:") == 1
    assert list(Movement.objects.values_list("name", flat=True)) == before


def test_movement_form_escapes_hostile_text(world, client):
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:movement_create"), {
        **VALID, "organization": world.hanoi.pk, "name": "<script>alert(1)</script>",
        "end_date": "01/01/2020"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert not Movement.objects.exists()
