"""The council's pages (awards/views_council.py): who may open what, the meeting's life cycle in
the browser (agenda, attendance, opening with the quorum, closing with confirmation, written
opinions), the results after the close and the receipt check. Builders at the end serve
tests/test_cross_province.py and tests/test_query_counts.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.tests.factories import user_with_role
from awards import services_council as sc
from awards.models import (
    AgendaItem, Attendance, AwardCycle, Ballot, BallotParticipation, Council, CouncilMeeting, CouncilMember,
    CouncilTerm, Recusal,
)
from awards.tests.council_builders import (
    MEETING_DAY, council_nominations, make_council, open_meeting,
)
from awards.tests.test_decisions import agreed, make_cycle, make_dossier

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, method="get", data=None):
    client.force_login(user)
    return getattr(client, method)(reverse(name, args=args), data or {})


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def cast(world):
    """The central council (chair uyvien0, vice chair hoidong, members uyvien2–4, secretary
    thuky), a draft meeting with two nominations on its agenda, and a Hà Nội council whose
    member is the other council's member."""
    council, term, seats, secretary = make_council(world)
    nominations = council_nominations(world, n=2)
    meeting = sc.meeting_save(council=council, by=world.users.appraiser,
                              title="Phiên họp xét khen thưởng năm 2025", date=MEETING_DAY,
                              place="Hà Nội", chair=seats[0], secretary=secretary)
    sc.agenda_add(meeting=meeting, nominations=nominations, by=world.users.appraiser)
    other = hanoi_council(world)
    return {"council": council, "term": term, "seats": seats, "secretary": secretary,
            "meeting": meeting, "nominations": nominations, "other": other,
            "other_member": other["seats"][0].user}


def more_in(world, cycle, *, n, code="CSTDN"):
    """n more agreed nominations of `code` in the cycle's Hà Nội dossier."""
    dossier = cycle.dossiers.filter(organization=world.hanoi).first() or make_dossier(
        world, cycle, organization=world.hanoi)
    return agreed(world, dossier, code=code, n=n)


def all_present(world, meeting, seats):
    sc.attendance_record(meeting=meeting, statuses={s.pk: Attendance.Status.PRESENT
                                                    for s in seats}, by=world.users.appraiser)


# --- permissions, role by role -----------------------------------------------------------------


MEETING_PAGES = ["meeting_detail", "meeting_edit", "meeting_agenda", "meeting_attendance",
                 "meeting_open", "meeting_results", "receipt_check"]


def statuses(client, user, meeting):
    return {name: page(client, user, f"awards:{name}", meeting.pk).status_code
            for name in MEETING_PAGES}


def test_draft_meeting_pages_by_role(world, client, cast):
    meeting, seats = cast["meeting"], cast["seats"]
    who = {
        "administrator": world.users.admin, "appraiser": world.users.appraiser,
        "presiding": seats[0].user, "member": seats[2].user, "secretary": cast["secretary"].user,
    }

    found = {role: statuses(client, user, meeting) for role, user in who.items()}

    assert found == {
        "administrator": {"meeting_detail": 200, "meeting_edit": 200, "meeting_agenda": 200,
                          "meeting_attendance": 200, "meeting_open": 403,
                          "meeting_results": 403, "receipt_check": 403},
        "appraiser": {"meeting_detail": 200, "meeting_edit": 200, "meeting_agenda": 200,
                      "meeting_attendance": 200, "meeting_open": 403, "meeting_results": 403,
                      "receipt_check": 403},
        "presiding": {"meeting_detail": 200, "meeting_edit": 403, "meeting_agenda": 403,
                      "meeting_attendance": 403, "meeting_open": 200, "meeting_results": 403,
                      "receipt_check": 403},
        "member": {"meeting_detail": 200, "meeting_edit": 403, "meeting_agenda": 403,
                   "meeting_attendance": 403, "meeting_open": 403, "meeting_results": 403,
                   "receipt_check": 403},
        "secretary": {"meeting_detail": 200, "meeting_edit": 403, "meeting_agenda": 403,
                      "meeting_attendance": 200, "meeting_open": 403, "meeting_results": 403,
                      "receipt_check": 403},
    }


@pytest.mark.parametrize("who", ["non_member", "other_council", "hue"])
def test_outsiders_get_404_on_every_page_of_the_meeting_and_the_council(world, client, cast,
                                                                        who):
    user = {"non_member": world.users.leadership, "other_council": cast["other_member"],
            "hue": world.users.outsider}[who]
    meeting, council, term = cast["meeting"], cast["council"], cast["term"]
    item = meeting.items.first()
    urls = [reverse(f"awards:{name}", args=[meeting.pk]) for name in MEETING_PAGES + [
        "meeting_close"]] + [
        reverse("awards:council_detail", args=[council.pk]),
        reverse("awards:council_edit", args=[council.pk]),
        reverse("awards:term_create", args=[council.pk]),
        reverse("awards:meeting_create", args=[council.pk]),
        reverse("awards:term_edit", args=[term.pk]),
        reverse("awards:member_create", args=[term.pk]),
        reverse("awards:member_edit", args=[cast["seats"][2].pk]),
        reverse("awards:agenda_item_remove", args=[item.pk]),
        reverse("awards:written_opinion", args=[meeting.pk, cast["seats"][2].pk]),
    ]
    client.force_login(user)

    codes = {url: (client.get(url).status_code, client.post(url).status_code) for url in urls}

    assert set(codes.values()) == {(404, 404)}
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_anonymous_users_are_sent_to_the_login_page(client, cast):
    response = client.get(reverse("awards:meeting_detail", args=[cast["meeting"].pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_council_pages_by_role(world, client, cast):
    council, term, seats = cast["council"], cast["term"], cast["seats"]
    names = [("council_detail", council.pk), ("council_edit", council.pk),
             ("term_create", council.pk), ("term_edit", term.pk), ("member_create", term.pk),
             ("member_edit", seats[2].pk), ("meeting_create", council.pk)]
    who = {"administrator": world.users.admin, "appraiser": world.users.appraiser,
           "member": seats[2].user}

    found = {role: [page(client, user, f"awards:{name}", pk).status_code for name, pk in names]
             for role, user in who.items()}

    assert found == {"administrator": [200, 200, 200, 200, 200, 200, 200],
                     "appraiser": [200, 403, 403, 403, 403, 403, 200],
                     "member": [200, 403, 403, 403, 403, 403, 403]}


def test_lists_show_what_the_user_may_open(world, client, cast):
    member = cast["seats"][2].user

    councils = page(client, member, "awards:council_list")
    meetings = page(client, member, "awards:meeting_list")
    stranger = page(client, world.users.leadership, "awards:meeting_list")

    assert [c.pk for c in councils.context["page"]] == [cast["council"].pk]
    assert [m.pk for m in meetings.context["page"]] == [cast["meeting"].pk]
    assert cast["meeting"].get_status_display() in text(meetings)
    assert list(stranger.context["page"]) == []


def test_meetings_are_listed_newest_first(world, client, cast):
    council, seats = cast["council"], cast["seats"]
    later = sc.meeting_save(council=council, by=world.users.appraiser, title="Phiên họp sau",
                            date=MEETING_DAY + datetime.timedelta(days=30), chair=seats[0])

    response = page(client, world.users.appraiser, "awards:meeting_list")

    assert [m.pk for m in response.context["page"]] == [later.pk, cast["meeting"].pk]


def test_navigation_shows_the_council_to_members_and_preparers_only(world, cast):
    from accounts.navigation import navigation_for

    def entries(user):
        return [label for area in navigation_for(user) for label, url in area["items"]
                if url in (reverse("awards:council_list"), reverse("awards:meeting_list"))]

    assert len(entries(world.users.appraiser)) == 2
    assert len(entries(cast["secretary"].user)) == 2  # a seat without any role
    assert entries(world.users.staff) == []


# --- councils, terms and members ---------------------------------------------------------------


def test_administrator_creates_a_council_and_its_term_and_member(world, client):
    admin = world.users.province_admin
    member_user = user_with_role(Role.UNIT_HEAD, world.hanoi, username="uyvien.hn",
                                 full_name="Trần Văn Bình")

    created = page(client, admin, "awards:council_create", method="post", data={
        "organization": world.hanoi.pk, "name": "Hội đồng TĐKT Liên minh HTX Hà Nội"})
    council = Council.objects.get(organization=world.hanoi)
    page(client, admin, "awards:term_create", council.pk, method="post", data={
        "name": "Nhiệm kỳ 2025–2030", "start_date": "01/01/2025", "end_date": ""})
    term = CouncilTerm.objects.get(council=council)
    saved = page(client, admin, "awards:member_create", term.pk, method="post", data={
        "username": "uyvien.hn", "full_name": "", "position": "chair", "votes": "on",
        "valid_from": "01/01/2025", "valid_to": ""})
    detail = page(client, admin, "awards:council_detail", council.pk)

    assert created.status_code == 302 and saved.status_code == 302
    member = CouncilMember.objects.get(term=term)
    assert (member.user, member.full_name, member.organization, member.position) == (
        member_user, "Trần Văn Bình", world.hanoi, "chair")
    assert "Trần Văn Bình" in text(detail) and "01/01/2025" in text(detail)


def test_a_provincial_administrator_may_create_only_its_own_council(world, client):
    response = page(client, world.users.province_admin, "awards:council_create")

    assert [o.pk for o in response.context["form"].fields["organization"].queryset] == [
        world.hanoi.pk]
    assert page(client, world.users.staff, "awards:council_create").status_code == 403


def test_the_services_refusals_show_on_the_member_form(world, client, cast):
    term = cast["term"]
    newcomer = user_with_role(Role.COUNCIL_MEMBER, world.central, username="uyvien.moi")
    data = {"username": newcomer.username, "full_name": "Người Mới", "position": "chair",
            "votes": "on", "valid_from": "01/01/2025", "valid_to": ""}
    before = CouncilMember.objects.count()

    second_chair = page(client, world.users.admin, "awards:member_create", term.pk,
                        method="post", data=data)
    early = page(client, world.users.admin, "awards:member_create", term.pk, method="post",
                 data={**data, "position": "member", "valid_from": "01/01/2020"})

    assert second_chair.context["form"].errors["position"] == [
        _("The council already has a chair over these dates.")]
    assert early.context["form"].errors["valid_from"] == [
        _("The seat must lie within the term (%(term)s).") % {"term": term.name}]
    assert CouncilMember.objects.count() == before
    assert second_chair.context["form"]["full_name"].value() == "Người Mới"


def test_overlapping_terms_are_refused_on_the_form(world, client, cast):
    response = page(client, world.users.admin, "awards:term_create", cast["council"].pk,
                    method="post", data={"name": "Nhiệm kỳ chồng", "start_date": "01/06/2026"})

    assert response.status_code == 200
    assert response.context["form"].errors["start_date"]
    assert CouncilTerm.objects.filter(council=cast["council"]).count() == 1


# --- meetings: create and edit -----------------------------------------------------------------


def test_preparer_creates_a_meeting_with_a_chair_serving_that_day(world, client, cast):
    council, seats = cast["council"], cast["seats"]

    response = page(client, world.users.appraiser, "awards:meeting_create", council.pk,
                    method="post", data={"title": "Phiên họp quý II", "date": "15/04/2026",
                                         "place": "Hà Nội", "chair": seats[1].pk,
                                         "secretary": cast["secretary"].pk})

    meeting = CouncilMeeting.objects.get(title="Phiên họp quý II")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert (meeting.date, meeting.chair, meeting.status) == (
        datetime.date(2026, 4, 15), seats[1], "draft")


def test_a_chair_without_a_seat_that_day_is_refused(world, client, cast):
    council, seats = cast["council"], cast["seats"]
    seats[3].valid_to = datetime.date(2025, 12, 31)
    seats[3].save()

    response = page(client, world.users.appraiser, "awards:meeting_create", council.pk,
                    method="post", data={"title": "Phiên họp quý II", "date": "15/04/2026",
                                         "chair": seats[3].pk})

    assert response.status_code == 200
    assert response.context["form"].errors["chair"] == [
        _("%(name)s has no seat in the council on that day.") % {"name": seats[3].full_name}]
    assert not CouncilMeeting.objects.filter(title="Phiên họp quý II").exists()


def test_preparer_edits_a_draft_meeting(world, client, cast):
    meeting, seats = cast["meeting"], cast["seats"]

    response = page(client, world.users.appraiser, "awards:meeting_edit", meeting.pk,
                    method="post", data={"title": "Phiên họp đã đổi tên", "date": "12/03/2026",
                                         "place": "Hội trường A", "chair": seats[1].pk,
                                         "secretary": ""})

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.title, meeting.date, meeting.place, meeting.chair, meeting.secretary) == (
        "Phiên họp đã đổi tên", datetime.date(2026, 3, 12), "Hội trường A", seats[1], None)


def test_administrator_edits_a_member_keeping_the_account(world, client, cast):
    seat = cast["seats"][3]
    form = page(client, world.users.admin, "awards:member_edit", seat.pk)

    response = page(client, world.users.admin, "awards:member_edit", seat.pk, method="post",
                    data={"username": seat.user.username, "full_name": seat.full_name,
                          "job_title": "Phó Trưởng ban", "organization": world.hanoi.pk,
                          "position": "standing", "votes": "on", "valid_from": "01/01/2025",
                          "valid_to": "31/12/2026", "sort_order": "4"})

    seat.refresh_from_db()
    assert form.context["form"]["username"].value() == seat.user.username
    assert response.status_code == 302
    assert (seat.job_title, seat.organization, seat.position, seat.valid_to) == (
        "Phó Trưởng ban", world.hanoi, "standing", datetime.date(2026, 12, 31))


# --- the meeting's detail: the hub -------------------------------------------------------------


def test_detail_shows_status_quorum_agenda_counts_and_buttons_by_role(world, client, cast):
    meeting, seats = cast["meeting"], cast["seats"]
    all_present(world, meeting, seats)

    chair = page(client, seats[0].user, "awards:meeting_detail", meeting.pk)
    preparer = page(client, world.users.appraiser, "awards:meeting_detail", meeting.pk)

    assert chair.context["counts"]["present"] == 5 and chair.context["quorum"] == 4
    assert reverse("awards:meeting_open", args=[meeting.pk]) in text(chair)
    assert reverse("awards:meeting_open", args=[meeting.pk]) not in text(preparer)
    assert reverse("awards:meeting_agenda", args=[meeting.pk]) in text(preparer)
    assert [row["n"] for row in preparer.context["by_award"]] == [2]
    for nomination in cast["nominations"]:
        assert nomination.candidate_name in text(preparer)


def test_opening_without_quorum_shows_the_message_and_stays_draft(world, client, cast):
    meeting, seats = cast["meeting"], cast["seats"]
    sc.attendance_record(meeting=meeting, statuses={seats[0].pk: "present"},
                         by=world.users.appraiser)

    response = page(client, seats[0].user, "awards:meeting_open", meeting.pk, method="post")
    shown = client.get(response["Location"])

    meeting.refresh_from_db()
    assert meeting.status == "draft"
    message = _("The quorum is not met: %(present)s of %(total)s members are present, "
                "%(quorum)s are needed.") % {"present": 1, "total": 5, "quorum": 4}
    assert [str(m) for m in shown.context["messages"]] == [message]
    assert message in text(shown)


def test_the_chair_opens_and_closes_with_confirmation(world, client, cast):
    meeting, seats = cast["meeting"], cast["seats"]
    all_present(world, meeting, seats)
    chair = seats[0].user

    opened = page(client, chair, "awards:meeting_open", meeting.pk, method="post")
    confirm = page(client, chair, "awards:meeting_close", meeting.pk)
    closed = page(client, chair, "awards:meeting_close", meeting.pk, method="post")

    meeting.refresh_from_db()
    assert opened.status_code == 302 and confirm.status_code == 200
    assert [row["member"] for row in confirm.context["not_voted"]] == seats
    assert closed["Location"] == reverse("awards:meeting_results", args=[meeting.pk])
    assert meeting.status == "closed" and meeting.closed_by == chair
    events = [e.action for e in meeting.events.all()]
    assert events[-2:] == ["open", "close"]


def test_open_and_close_pages_send_back_to_the_meeting_in_the_wrong_state(world, client, cast):
    meeting, chair = cast["meeting"], cast["seats"][0].user

    close_draft = page(client, chair, "awards:meeting_close", meeting.pk)

    assert close_draft.status_code == 302
    assert close_draft["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.status == "draft"


def test_the_detail_links_the_minutes_only_after_the_close(world, client):
    meeting, seats, _secretary = open_meeting(world)
    url = reverse("awards:meeting_minutes_pdf", args=[meeting.pk])

    during = page(client, seats[1].user, "awards:meeting_detail", meeting.pk)
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    after = page(client, seats[1].user, "awards:meeting_detail", meeting.pk)

    assert url not in text(during) and url in text(after)
    assert reverse("awards:meeting_results", args=[meeting.pk]) in text(after)


# --- the agenda --------------------------------------------------------------------------------


def test_agenda_lists_candidates_filters_and_adds_the_whole_list(world, client, cast):
    meeting = cast["meeting"]
    cycle = cast["nominations"][0].dossier.cycle
    bk = council_nominations(world, code="BK_CT", n=1, cycle=make_cycle(world,
                                                                        codes=("BK_CT",)))
    more = more_in(world, cycle, n=2)
    url = reverse("awards:meeting_agenda", args=[meeting.pk]) + f"?cycle={cycle.pk}"
    client.force_login(world.users.appraiser)

    listed = client.get(url)
    added = client.post(url, {"whole_list": "1"})

    assert [n.pk for n in listed.context["candidates"]] == [n.pk for n in more]
    assert bk[0].pk not in [n.pk for n in listed.context["candidates"]]
    assert added.status_code == 302
    assert set(meeting.items.values_list("nomination_id", flat=True)) == {
        n.pk for n in cast["nominations"] + more}


def test_agenda_adds_ticked_nominations_and_shows_recusals(world, client, cast):
    meeting, seats = cast["meeting"], cast["seats"]
    seats[2].organization = world.hanoi
    seats[2].save()
    cycle = cast["nominations"][0].dossier.cycle
    more = more_in(world, cycle, n=2)
    url = reverse("awards:meeting_agenda", args=[meeting.pk]) + f"?cycle={cycle.pk}"
    client.force_login(world.users.appraiser)

    client.post(url, {"nominations": [more[1].pk]})
    response = client.get(url)

    assert meeting.items.filter(nomination=more[1]).exists()
    assert not meeting.items.filter(nomination=more[0]).exists()
    item = meeting.items.get(nomination=more[1])
    assert [r.member for r in item.recusals.all()] == [seats[2]]
    assert seats[2].full_name in text(response)


def test_agenda_filter_by_award_and_unit(world, client, cast):
    meeting = cast["meeting"]
    cycle = make_cycle(world, codes=("CSTDN", "BK_CT"))
    cstdn = council_nominations(world, n=1, cycle=cycle)
    bk = more_in(world, cycle, code="BK_CT", n=1)
    hue = agreed(world, make_dossier(world, cycle, organization=world.hue), code="BK_CT",
                 person_org=world.coop_hue)
    base = reverse("awards:meeting_agenda", args=[meeting.pk]) + f"?cycle={cycle.pk}"
    client.force_login(world.users.appraiser)
    award = bk[0].award_type_id

    by_award = client.get(base + f"&award={award}")
    by_unit = client.get(base + f"&award={award}&unit={world.hue.pk}")

    assert sorted(n.pk for n in by_award.context["candidates"]) == sorted([bk[0].pk, hue[0].pk])
    assert [n.pk for n in by_unit.context["candidates"]] == [hue[0].pk]
    assert cstdn[0].pk not in [n.pk for n in by_award.context["candidates"]]


def test_remove_an_item_asks_then_removes(world, client, cast):
    meeting = cast["meeting"]
    item = meeting.items.first()

    confirm = page(client, world.users.appraiser, "awards:agenda_item_remove", item.pk)
    removed = page(client, world.users.appraiser, "awards:agenda_item_remove", item.pk,
                   method="post")

    assert confirm.status_code == 200
    assert AgendaItem.objects.filter(pk=item.pk).exists() is False
    assert removed["Location"] == reverse("awards:meeting_agenda", args=[meeting.pk])


def test_adding_the_whole_list_takes_a_bounded_number_of_queries(world, client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = cast["meeting"]
    cycle = cast["nominations"][0].dossier.cycle
    counts = []
    for n in (2, 20):
        more_in(world, cycle, n=n)
        url = reverse("awards:meeting_agenda", args=[meeting.pk]) + f"?cycle={cycle.pk}"
        client.force_login(world.users.appraiser)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"whole_list": "1"})
        assert response.status_code == 302
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert meeting.items.count() == 24


def test_members_cannot_remove_items(world, client, cast):
    item = cast["meeting"].items.first()

    response = page(client, cast["seats"][2].user, "awards:agenda_item_remove", item.pk,
                    method="post")

    assert response.status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- attendance and written opinions -----------------------------------------------------------


def test_the_secretary_records_attendance(world, client, cast):
    meeting, seats = cast["meeting"], cast["seats"]
    data = {f"member_{s.pk}": "present" for s in seats[:4]}
    data[f"member_{seats[4].pk}"] = "written"

    response = page(client, cast["secretary"].user, "awards:meeting_attendance", meeting.pk,
                    method="post", data=data)

    assert response.status_code == 302
    assert dict(meeting.attendance.values_list("member_id", "status")) == {
        **{s.pk: "present" for s in seats[:4]}, seats[4].pk: "written"}


def test_attendance_shows_who_voted_never_how_and_links_written_opinions(world, client):
    meeting, seats, secretary = open_meeting(world, present=4, written=(4,))
    items = list(meeting.items.all())
    sc.ballot_submit(meeting=meeting, by=seats[1].user,
                     choices={str(i.pk): "disagree" for i in items})

    response = page(client, secretary.user, "awards:meeting_attendance", meeting.pk)

    rows = {row["member"]: row for row in response.context["form"].bound_rows()}
    assert rows[seats[1]]["voted"] and not rows[seats[2]]["voted"]
    assert "Không đồng ý" not in text(response) and "disagree" not in text(response)
    assert reverse("awards:written_opinion", args=[meeting.pk, seats[4].pk]) in text(response)


def test_the_secretary_enters_a_written_opinion(world, client):
    meeting, seats, secretary = open_meeting(world, present=4, written=(4,))
    items = list(meeting.items.all())
    url_args = (meeting.pk, seats[4].pk)

    form = page(client, secretary.user, "awards:written_opinion", *url_args)
    saved = page(client, secretary.user, "awards:written_opinion", *url_args, method="post",
                 data={f"item_{i.pk}": "agree" for i in items})

    assert form.status_code == 200 and saved.status_code == 302
    participation = BallotParticipation.objects.get(meeting=meeting, member=seats[4])
    assert participation.written is True


def test_a_written_opinion_needs_a_choice_for_every_item(world, client):
    meeting, seats, secretary = open_meeting(world, present=4, written=(4,))
    first = meeting.items.first()

    response = page(client, secretary.user, "awards:written_opinion", meeting.pk, seats[4].pk,
                    method="post", data={f"item_{first.pk}": "agree"})

    assert response.status_code == 200
    assert not BallotParticipation.objects.filter(member=seats[4]).exists()


# --- results and the receipt check -------------------------------------------------------------


def test_results_are_403_before_the_close_and_exact_after(world, client):
    meeting, seats, _secretary = open_meeting(world)
    items = list(meeting.items.all())
    receipts = [sc.ballot_submit(meeting=meeting, by=s.user,
                                 choices={str(i.pk): ("agree" if n < 4 else "disagree")
                                          for i in items})
                for n, s in enumerate(seats)]

    before = page(client, seats[1].user, "awards:meeting_results", meeting.pk)
    check_before = page(client, seats[1].user, "awards:receipt_check", meeting.pk,
                        method="post", data={"code": receipts[1]})
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    after = page(client, seats[1].user, "awards:meeting_results", meeting.pk)

    assert before.status_code == 403 and check_before.status_code == 403
    assert after.status_code == 200
    rows = [(i.agree, i.disagree, i.abstain, i.entitled, i.base, i.passed)
            for i in after.context["items"]]
    assert rows == [(4, 1, 0, 5, 5, False), (4, 1, 0, 5, 5, False)]  # 80 % < 90 %
    assert "≥ 90%" in text(after)
    assert sorted(after.context["receipts"]) == sorted(sc.receipt_hash(r) for r in receipts)


def test_receipt_check_says_counted_or_not_found_and_nothing_else(world, client):
    meeting, seats, _secretary = open_meeting(world, present=4)
    items = list(meeting.items.all())
    code = sc.ballot_submit(meeting=meeting, by=seats[1].user,
                            choices={str(i.pk): "disagree" for i in items})
    sc.meeting_close(meeting=meeting, by=seats[0].user)

    right = page(client, seats[1].user, "awards:receipt_check", meeting.pk, method="post",
                 data={"code": code})
    typed_in_lower_case = page(client, seats[1].user, "awards:receipt_check", meeting.pk,
                               method="post", data={"code": f"  {code.lower()} "})
    wrong = page(client, seats[1].user, "awards:receipt_check", meeting.pk, method="post",
                 data={"code": "AAAA-BBBB-CCCC-DDDD"})

    assert right.context["counted"] is True and wrong.context["counted"] is False
    assert typed_in_lower_case.context["counted"] is True
    assert "Không đồng ý" not in text(right) and "disagree" not in text(right)
    assert code not in text(right)


def test_receipt_check_refuses_a_malformed_code(world, client):
    meeting, seats, _secretary = open_meeting(world)
    sc.meeting_close(meeting=meeting, by=seats[0].user)

    response = page(client, seats[1].user, "awards:receipt_check", meeting.pk, method="post",
                    data={"code": "<script>alert(1)</script>"})

    assert response.context["counted"] is None
    assert response.context["form"].errors["code"]
    assert "<script>alert(1)</script>" not in text(response)


# --- builders for tests/test_cross_province.py and tests/test_query_counts.py ------------------


HANOI_COUNCIL = "Hội đồng TĐKT Liên minh HTX thành phố Hà Nội"


def hanoi_council(world, members=3):
    """A Hà Nội council (its own accounts) with a term from 2025."""
    council = Council.objects.filter(name=HANOI_COUNCIL).first()
    if council is not None:
        term = council.terms.get()
        return {"council": council, "term": term, "seats": list(term.members.all())}
    council = Council.objects.create(organization=world.hanoi, name=HANOI_COUNCIL)
    term = CouncilTerm.objects.create(council=council, name="Nhiệm kỳ 2025–2030",
                                      start_date=datetime.date(2025, 1, 1))
    seats = [CouncilMember.objects.create(
        term=term, user=user_with_role(Role.UNIT_HEAD, world.hanoi,
                                       username=f"hoidong.hanoi{i}"),
        full_name=f"Ủy viên Hà Nội {i}", organization=world.hanoi,
        position="chair" if i == 0 else "member", valid_from=term.start_date, sort_order=i)
        for i in range(members)]
    return {"council": council, "term": term, "seats": seats}


def hanoi_open_meeting(world):
    """An open meeting of the Hà Nội council with one Chiến sĩ thi đua cơ sở nomination of a
    Hà Nội cooperative; its last member is absent with a written opinion."""
    existing = CouncilMeeting.objects.filter(council__name=HANOI_COUNCIL).first()
    if existing is not None:
        return existing
    built = hanoi_council(world)
    seats = built["seats"]
    cycle = make_cycle(world, organizer=world.hanoi, codes=("CSTDCS",))
    nominations = agreed(world, make_dossier(world, cycle, organization=world.coop_hanoi),
                         code="CSTDCS")
    by = world.users.province_admin
    meeting = sc.meeting_save(council=built["council"], by=by, title="Phiên họp Hà Nội",
                              date=MEETING_DAY, chair=seats[0])
    sc.agenda_add(meeting=meeting, nominations=nominations, by=by)
    sc.attendance_record(meeting=meeting, by=by, statuses={
        s.pk: ("written" if s == seats[-1] else "present") for s in seats})
    return sc.meeting_open(meeting=meeting, by=seats[0].user)


def cross_province_objects(world):
    meeting = hanoi_open_meeting(world)
    council, term = meeting.council, meeting.term
    member = term.members.order_by("-sort_order").first()
    one = {"pk": meeting.pk}
    return {
        "awards:council_detail": {"pk": council.pk},
        "awards:council_edit": {"pk": council.pk},
        "awards:term_create": {"pk": council.pk},
        "awards:term_edit": {"pk": term.pk},
        "awards:member_create": {"pk": term.pk},
        "awards:member_edit": {"pk": member.pk},
        "awards:meeting_create": {"pk": council.pk},
        "awards:meeting_detail": one,
        "awards:meeting_edit": one,
        "awards:meeting_agenda": one,
        "awards:agenda_item_remove": {"pk": meeting.items.get().pk},
        "awards:meeting_attendance": one,
        "awards:meeting_open": one,
        "awards:meeting_close": one,
        "awards:written_opinion": {"pk": meeting.pk, "member_pk": member.pk},
        "awards:meeting_results": one,
        "awards:receipt_check": one,
    }


QUERY_MEETING = "Phiên họp đo số truy vấn"
QUERY_CYCLE = "Đợt xét đo số truy vấn"


def _query_meeting(world):
    meeting = CouncilMeeting.objects.filter(title=QUERY_MEETING).first()
    if meeting is None:
        council, _term, seats, secretary = make_council(world)
        seats[2].organization = world.hanoi  # a recusal on every item
        seats[2].save()
        meeting = sc.meeting_save(council=council, by=world.users.appraiser,
                                  title=QUERY_MEETING, date=MEETING_DAY, chair=seats[0],
                                  secretary=secretary)
        cycle = make_cycle(world, codes=("CSTDN",))
        cycle.title = QUERY_CYCLE
        cycle.save()
    meeting.query_cycle = AwardCycle.objects.get(title=QUERY_CYCLE)
    return meeting


def make_meeting_items(world, n):
    """n more items on a draft meeting's agenda, and n more candidates of its cycle."""
    meeting = _query_meeting(world)
    cycle = meeting.query_cycle
    sc.agenda_add(meeting=meeting, nominations=more_in(world, cycle, n=n),
                  by=world.users.appraiser)
    more_in(world, cycle, n=n)


def meeting_detail_url(world):
    return reverse("awards:meeting_detail", args=[_query_meeting(world).pk])


def meeting_agenda_url(world):
    meeting = _query_meeting(world)
    return reverse("awards:meeting_agenda", args=[meeting.pk]) + (
        f"?cycle={meeting.query_cycle.pk}")


def make_closed_items(world, n):
    """n more counted items (each with a recusal) and receipts on a closed meeting."""
    meeting = _query_meeting(world)
    if meeting.status != "closed":
        sc.agenda_add(meeting=meeting, nominations=more_in(world, meeting.query_cycle, n=1),
                      by=world.users.appraiser)
        seats = list(sc.voting_members(meeting))
        all_present(world, meeting, seats)
        sc.meeting_open(meeting=meeting, by=meeting.chair.user)
        sc.meeting_close(meeting=meeting, by=meeting.chair.user)
    seat = sc.voting_members(meeting).exclude(pk=meeting.chair_id).first()
    start = meeting.items.count()
    for i, nomination in enumerate(more_in(world, meeting.query_cycle, n=n)):
        item = AgendaItem.objects.create(
            meeting=meeting, nomination=nomination, position=start + i + 1, mode="secret",
            threshold=90, strict=False, denominator="entitled_members", agree=4, disagree=0,
            abstain=0, entitled=4, base=4, passed=True)
        Recusal.objects.create(item=item, member=seat, reason="Đơn vị của thành viên đề nghị.")
        Ballot.objects.create(meeting=meeting, choices={str(item.pk): "agree"},
                              receipt_hash=sc.receipt_hash(f"CODE-{item.pk:04d}-AAAA-BBBB"))


def meeting_results_url(world):
    meeting = CouncilMeeting.objects.get(title=QUERY_MEETING)
    return reverse("awards:meeting_results", args=[meeting.pk])


def make_meetings(world, n):
    meeting = _query_meeting(world)
    for i in range(n):
        sc.meeting_save(council=meeting.council, by=world.users.appraiser,
                        title=f"Phiên họp {i}", date=MEETING_DAY, chair=meeting.chair)


def make_members(world, n):
    meeting = _query_meeting(world)
    for i in range(n):
        CouncilMember.objects.create(
            term=meeting.term, user=user_with_role(Role.COUNCIL_MEMBER, world.central),
            full_name=f"Thành viên {i}", organization=world.central, valid_from=MEETING_DAY,
            sort_order=100 + i)


def council_detail_url(world):
    return reverse("awards:council_detail", args=[_query_meeting(world).council_id])

