"""Bad input on every council form: missing, wrong dates, oversized text, hostile markup and
control characters. Each answer shows the Vietnamese message, keeps what was typed, and changes
nothing."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from awards import services_council as sc
from awards.models import (
    AgendaItem, Attendance, BallotParticipation, Council, CouncilMeeting, CouncilMember,
    CouncilTerm,
)
from awards.tests.council_builders import (
    MEETING_DAY, council_nominations, make_council, open_meeting,
)

pytestmark = pytest.mark.django_db

REQUIRED = "Vui lòng nhập thông tin này."
BAD_DATE = "Vui lòng nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/01/2026."
CONTROL = "Nội dung có ký tự điều khiển không hợp lệ."
HOSTILE = "<script>alert(1)</script>"


def too_long(limit, count):
    return _("At most %(limit_value)d characters are allowed (this text has %(show_value)d).") % {
        "limit_value": limit, "show_value": count}


def snapshot():
    return (list(Council.objects.values_list("name", "is_active")),
            list(CouncilTerm.objects.values_list("name", "start_date", "end_date", "basis")),
            list(CouncilMember.objects.values_list("full_name", "position", "valid_from",
                                                   "valid_to", "job_title")),
            list(CouncilMeeting.objects.values_list("title", "date", "place", "chair_id")),
            list(AgendaItem.objects.values_list("pk", flat=True)),
            list(Attendance.objects.values_list("member_id", "status")),
            BallotParticipation.objects.count())


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.fixture
def council(world):
    council, term, seats, secretary = make_council(world)
    return {"council": council, "term": term, "seats": seats, "secretary": secretary}


# --- the council -------------------------------------------------------------------------------


@pytest.mark.parametrize("data, field, message", [
    ({"name": ""}, "name", REQUIRED),
    ({"name": "H" * 301}, "name", too_long(300, 301)),
    ({"name": "Hội đồng\x07"}, "name", CONTROL),
    ({"organization": "999999"}, "organization", None),
    ({"organization": ""}, "organization", REQUIRED),
])
def test_council_create_bad_input(world, client, data, field, message):
    before = snapshot()

    response = post(client, world.users.admin, reverse("awards:council_create"),
                    {"organization": world.central.pk, "name": "Hội đồng mới", **data})

    assert response.status_code == 200
    if message:
        assert errors(response, field) == [message]
    else:
        assert errors(response, field) == [_("Choose one of the listed organizations.")]
    assert snapshot() == before


def test_council_edit_keeps_hostile_text_escaped_when_shown_again(world, client, council):
    url = reverse("awards:council_edit", args=[council["council"].pk])
    before = snapshot()

    response = post(client, world.users.admin, url, {"name": HOSTILE + "\x00"})

    assert errors(response, "name") == [CONTROL]
    assert HOSTILE not in response.content.decode()
    assert escape(HOSTILE) in response.content.decode()
    assert snapshot() == before


def test_hostile_markup_is_stored_as_text_and_shown_escaped(world, client, council):
    url = reverse("awards:council_edit", args=[council["council"].pk])

    post(client, world.users.admin, url, {"name": HOSTILE, "is_active": "on"})
    page = client.get(reverse("awards:council_detail", args=[council["council"].pk]))

    assert Council.objects.get().name == HOSTILE
    assert HOSTILE not in page.content.decode() and escape(HOSTILE) in page.content.decode()


# --- terms -------------------------------------------------------------------------------------


@pytest.mark.parametrize("data, field, message", [
    ({"name": ""}, "name", REQUIRED),
    ({"start_date": ""}, "start_date", REQUIRED),
    ({"start_date": "31/02/2031"}, "start_date", BAD_DATE),
    ({"start_date": "2031-13-01"}, "start_date", BAD_DATE),
    ({"start_date": HOSTILE}, "start_date", BAD_DATE),
    ({"end_date": "01/01/2030"}, "end_date", None),
    ({"basis": "Q" * 301}, "basis", too_long(300, 301)),
    ({"name": "Nhiệm kỳ\x1b"}, "name", CONTROL),
])
def test_term_bad_input(world, client, council, data, field, message):
    url = reverse("awards:term_create", args=[council["council"].pk])
    before = snapshot()

    response = post(client, world.users.admin, url, {
        "name": "Nhiệm kỳ 2031–2035", "start_date": "01/01/2031", "end_date": "", **data})

    assert response.status_code == 200
    expected = message or _("The end date must not be before the start date.")
    assert errors(response, field) == [expected]
    assert response.context["form"]["name"].value() == data.get("name", "Nhiệm kỳ 2031–2035")
    assert snapshot() == before


def test_term_edit_overlap_is_refused(world, client, council):
    first = council["term"]
    second = CouncilTerm.objects.create(council=council["council"], name="Nhiệm kỳ trước",
                                        start_date="2020-01-01", end_date="2024-12-31")
    before = snapshot()

    response = post(client, world.users.admin, reverse("awards:term_edit", args=[second.pk]),
                    {"name": "Nhiệm kỳ trước", "start_date": "01/01/2020",
                     "end_date": "31/12/2025"})

    assert errors(response, "start_date") == [
        _("The term overlaps another term of the council.")]
    assert snapshot() == before and first.pk != second.pk


# --- members -----------------------------------------------------------------------------------


def member_data(**overrides):
    data = {"username": "hoidong", "full_name": "", "job_title": "", "position": "member",
            "votes": "on", "valid_from": "01/01/2026", "valid_to": "", "sort_order": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("data, field, message", [
    ({"username": ""}, "username", REQUIRED),
    ({"username": "khong.ton.tai"}, "username", "no_account"),
    ({"username": "chuaphanquyen"}, "username", "no_account"),  # an account without a role
    ({"valid_from": ""}, "valid_from", REQUIRED),
    ({"valid_from": "32/01/2026"}, "valid_from", BAD_DATE),
    ({"valid_to": "01/01/2025"}, "valid_to", "order"),
    ({"job_title": "C" * 301}, "job_title", too_long(300, 301)),
    ({"full_name": "N" * 201}, "full_name", too_long(200, 201)),
    ({"full_name": "Tên\x00"}, "full_name", CONTROL),
    ({"position": "emperor"}, "position", "choice"),
    ({"sort_order": "-1"}, "sort_order", "order_number"),
    ({"sort_order": "mười"}, "sort_order", "whole"),
])
def test_member_bad_input(world, client, council, data, field, message):
    url = reverse("awards:member_create", args=[council["term"].pk])
    before = snapshot()

    response = post(client, world.users.admin, url, member_data(**data))

    expected = {
        "no_account": _("No active account with this user name works in the council's "
                        "organization or a unit below it."),
        "order": _("The end date must not be before the start date."),
        "choice": _("Choose one of the listed values."),
        "order_number": _("Enter a number from 0 to 999."),
        "whole": _("Enter a whole number."),
    }.get(message, message)
    assert response.status_code == 200
    assert errors(response, field) == [expected]
    assert snapshot() == before


def test_member_of_a_province_cannot_sit_on_another_provinces_council(world, client):
    from awards.tests.test_council_pages import hanoi_council

    built = hanoi_council(world)
    url = reverse("awards:member_create", args=[built["term"].pk])
    before = snapshot()

    response = post(client, world.users.province_admin, url,
                    member_data(username="canbo.hue", valid_from="01/01/2025"))

    assert errors(response, "username") == [_(
        "No active account with this user name works in the council's organization or a unit "
        "below it.")]
    assert snapshot() == before


def test_too_many_vice_chairs_are_refused_with_the_rule_sets_number(world, client, council):
    from accounts.models import Role
    from accounts.tests.factories import user_with_role
    from awards.selectors import rule_parameters

    limit = int(rule_parameters(MEETING_DAY)["council_max_vice_chairs"])
    term = council["term"]
    for i in range(limit - 1):  # seats[1] is already a vice chair
        CouncilMember.objects.create(
            term=term, user=user_with_role(Role.COUNCIL_MEMBER, world.central, username=f"pct{i}"),
            full_name=f"Phó Chủ tịch {i}", organization=world.central, position="vice_chair",
            valid_from=term.start_date)
    user_with_role(Role.COUNCIL_MEMBER, world.central, username="pct.thua")
    before = snapshot()

    response = post(client, world.users.admin, reverse("awards:member_create", args=[term.pk]),
                    member_data(username="pct.thua", position="vice_chair",
                                valid_from="01/01/2026"))

    assert errors(response, "position") == [
        _("The rule set allows at most %(limit)s vice chairs.") % {"limit": limit}]
    assert snapshot() == before


def test_a_second_seat_for_the_same_person_is_refused(world, client, council):
    before = snapshot()

    response = post(client, world.users.admin,
                    reverse("awards:member_create", args=[council["term"].pk]),
                    member_data(username=council["seats"][2].user.username))

    assert errors(response, "username") == [
        _("This person already has a seat in the term over these dates.")]
    assert snapshot() == before


# --- meetings ----------------------------------------------------------------------------------


def meeting_data(council, **overrides):
    data = {"title": "Phiên họp tháng 4", "date": "15/04/2026", "place": "Hà Nội",
            "chair": council["seats"][0].pk, "secretary": council["secretary"].pk}
    data.update(overrides)
    return data


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": ""}, "title", REQUIRED),
    ({"title": "T" * 301}, "title", too_long(300, 301)),
    ({"title": "Phiên\x08họp"}, "title", CONTROL),
    ({"place": "P" * 301}, "place", too_long(300, 301)),
    ({"date": ""}, "date", REQUIRED),
    ({"date": "15-04-2026x"}, "date", BAD_DATE),
    ({"date": "29/02/2026"}, "date", BAD_DATE),
    ({"date": "01/01/2001"}, "date", "no_term"),
    ({"chair": ""}, "chair", REQUIRED),
    ({"chair": "999999"}, "chair", "choice"),
    ({"chair": HOSTILE}, "chair", "choice"),
    ({"chair": "secretary"}, "chair", "not_voting"),
])
def test_meeting_bad_input(world, client, council, overrides, field, message):
    url = reverse("awards:meeting_create", args=[council["council"].pk])
    if overrides.get("chair") == "secretary":
        overrides = {**overrides, "chair": council["secretary"].pk}
    before = snapshot()

    response = post(client, world.users.appraiser, url, meeting_data(council, **overrides))

    expected = {
        "no_term": _("The council has no term covering that day."),
        "choice": _("Choose one of the listed members."),
        "not_voting": _("The presiding member must be a voting member."),
    }.get(message, message)
    assert response.status_code == 200
    assert errors(response, field) == [expected]
    assert snapshot() == before


def test_an_open_meeting_cannot_be_edited(world, client):
    meeting, seats, _secretary = open_meeting(world)
    before = snapshot()

    response = post(client, world.users.appraiser,
                    reverse("awards:meeting_edit", args=[meeting.pk]),
                    {"title": "Đổi tên", "date": "10/03/2026", "chair": seats[0].pk})

    assert response.status_code == 403
    assert snapshot() == before


# --- agenda, attendance, written opinions, receipts --------------------------------------------


def draft_meeting(world, council):
    return sc.meeting_save(council=council["council"], by=world.users.appraiser,
                           title="Phiên họp", date=MEETING_DAY, chair=council["seats"][0],
                           secretary=council["secretary"])


@pytest.mark.parametrize("data, message", [
    ({}, "none"),
    ({"nominations": ["999999"]}, "gone"),
    ({"nominations": [HOSTILE]}, "pk"),
])
def test_agenda_bad_input(world, client, council, data, message):
    meeting = draft_meeting(world, council)
    nominations = council_nominations(world, n=1)
    url = reverse("awards:meeting_agenda", args=[meeting.pk]) + (
        f"?cycle={nominations[0].dossier.cycle_id}")
    before = snapshot()

    response = post(client, world.users.appraiser, url, data)

    expected = {
        "none": _("Choose at least one nomination."),
        "gone": _("A chosen nomination can no longer be put on the agenda. Reload the page."),
        "pk": _("Choose among the listed nominations."),
    }[message]
    assert response.status_code == 200
    form = response.context["form"]
    assert [str(e) for errs in form.errors.values() for e in errs] == [expected]
    assert snapshot() == before


def test_agenda_refuses_a_nomination_of_another_cycle(world, client, council):
    meeting = draft_meeting(world, council)
    shown = council_nominations(world, n=1)
    other = council_nominations(world, n=1)  # another cycle
    url = reverse("awards:meeting_agenda", args=[meeting.pk]) + (
        f"?cycle={shown[0].dossier.cycle_id}")
    before = snapshot()

    response = post(client, world.users.appraiser, url, {"nominations": [other[0].pk]})

    assert errors(response, "nominations") == [
        _("A chosen nomination can no longer be put on the agenda. Reload the page.")]
    assert snapshot() == before


def test_attendance_bad_choice_changes_nothing(world, client, council):
    meeting = draft_meeting(world, council)
    seat = council["seats"][0]
    before = snapshot()

    response = post(client, council["secretary"].user,
                    reverse("awards:meeting_attendance", args=[meeting.pk]),
                    {f"member_{seat.pk}": HOSTILE})

    assert errors(response, f"member_{seat.pk}") == [_("Choose one of the listed values.")]
    assert snapshot() == before


def test_attendance_of_a_member_who_voted_cannot_change(world, client):
    meeting, seats, secretary = open_meeting(world)
    sc.ballot_submit(meeting=meeting, by=seats[1].user, choices={},
                     agree_remaining=True)
    before = snapshot()

    response = post(client, secretary.user,
                    reverse("awards:meeting_attendance", args=[meeting.pk]),
                    {f"member_{seats[1].pk}": "absent"})

    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].non_field_errors()] == [
        _("%(name)s has already voted: their attendance cannot change.") % {
            "name": seats[1].full_name}]
    assert snapshot() == before


@pytest.mark.parametrize("value", ["", "maybe", HOSTILE])
def test_written_opinion_bad_choice_changes_nothing(world, client, value):
    meeting, seats, secretary = open_meeting(world, present=4, written=(4,))
    item = meeting.items.first()
    before = snapshot()

    response = post(client, secretary.user,
                    reverse("awards:written_opinion", args=[meeting.pk, seats[4].pk]),
                    {f"item_{item.pk}": value})

    assert errors(response, f"item_{item.pk}") == [_("Choose agree, disagree or abstain.")]
    assert snapshot() == before


def test_a_written_opinion_for_a_member_marked_present_is_refused(world, client):
    meeting, seats, secretary = open_meeting(world)
    items = list(meeting.items.all())
    before = snapshot()

    response = post(client, secretary.user,
                    reverse("awards:written_opinion", args=[meeting.pk, seats[2].pk]),
                    {f"item_{i.pk}": "agree" for i in items})

    assert [str(m) for m in response.context["messages"]] == [
        _("Record the member as absent with a written opinion first.")]
    assert snapshot() == before


@pytest.mark.parametrize("code", ["", "ABCD", "A" * 41, HOSTILE, "ABCD-EFGH-JKLM-NPQ\x00"])
def test_receipt_check_bad_input(world, client, code):
    meeting, seats, _secretary = open_meeting(world)
    sc.meeting_close(meeting=meeting, by=seats[0].user)

    response = post(client, seats[1].user, reverse("awards:receipt_check", args=[meeting.pk]),
                    {"code": code})

    assert response.status_code == 200 and response.context["counted"] is None
    assert len(errors(response, "code")) == 1
    assert HOSTILE not in response.content.decode()
