"""deadlines.obligations for units' reports, nomination cycles (with extensions), appraisal
time limits and council votes: the spec, who owes before and after the work, the heads, and
the rows deactivated when the source closes."""

import datetime
from urllib.parse import urlparse

import pytest
from django.urls import resolve
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import user_with_role
from awards import services as award_services
from awards import services_council as sc
from awards import services_dossiers as dossiers
from awards.models import CouncilMeeting, RuleParameter
from awards.tests.council_builders import MEETING_DAY, open_meeting
from awards.tests.test_dossier_pages import award, ready_dossier
from awards.tests.test_dossier_workflow_services import worker
from deadlines.calendar import add_working_days
from deadlines.models import Deadline, DeadlineKind
from deadlines.obligations import heads, owing, sync_deadlines
from reports import services as report_services
from reports.tests.builders import cluster_with_hanoi_and_hue, period, sent_hanoi_report

pytestmark = pytest.mark.django_db
D = datetime.date
K = DeadlineKind
TODAY = timezone.localdate


def deadline_of(kind, source, today=None, model=None):
    sync_deadlines(today or TODAY())
    rows = Deadline.objects.filter(kind=kind, source_id=source.pk, active=True)
    return rows.get(source_model=model) if model else rows.get()


def names(owed):
    return {o.user.username for o in owed}


def resolves_to(url, name):
    return resolve(urlparse(url).path).view_name == name


# --- unit reports ------------------------------------------------------------------------------


def test_unit_report_deadline_is_the_periods(world):
    p = period(world, deadline=D(2026, 7, 20))
    deadline = deadline_of(K.UNIT_REPORT, p, D(2026, 7, 1))
    assert resolves_to(deadline.url, "reports:report_list")
    assert (deadline.due_on, deadline.organization_id) == (D(2026, 7, 20), world.central.pk)


def test_a_sent_report_is_no_longer_owed_and_a_returned_one_is_owed_again(world):
    p = period(world, deadline=D(2026, 7, 20))
    deadline = deadline_of(K.UNIT_REPORT, p, D(2026, 7, 1))
    # The writers (staff, head) of each unit directly under the central body.
    assert names(owing(deadline)) == {"canbo.hanoi", "thutruong.hanoi", "canbo.hue",
                                      "canbo.vanphong"}
    report = sent_hanoi_report(world, p)
    assert names(owing(deadline)) == {"canbo.hue", "canbo.vanphong"}
    report_services.report_return(report=report, reason="Bổ sung số liệu", by=world.users.admin)
    assert {"canbo.hanoi", "thutruong.hanoi"} <= names(owing(deadline))


def test_a_clusters_report_is_owed_by_its_leader_unit_including_the_group_leader(world):
    p = period(world, deadline=D(2026, 7, 20))
    cluster_with_hanoi_and_hue(world)
    owed = owing(deadline_of(K.UNIT_REPORT, p, D(2026, 7, 1)))
    assert "cumtruong" in names(owed)


def test_closing_the_period_deactivates_its_deadline_and_reopening_brings_it_back(world):
    p = period(world, deadline=D(2026, 7, 20))
    deadline = deadline_of(K.UNIT_REPORT, p, D(2026, 7, 1))
    report_services.period_close(period=p, by=world.users.admin)
    assert sync_deadlines(D(2026, 7, 1))["deactivated"] == 1
    assert owing(deadline) == []
    report_services.period_reopen(period=p, by=world.users.admin)
    assert sync_deadlines(D(2026, 7, 1))["updated"] == 1
    assert Deadline.objects.get(pk=deadline.pk).active


# --- nomination cycles -------------------------------------------------------------------------


@pytest.fixture
def cycle(world):
    cycle = dossiers.cycle_create(
        organizer=world.central, kind="merit", year=2025, title="Xét khen thưởng năm 2025",
        award_types=[award(c) for c in ("LDTT", "CSTDCS", "TTLDTT", "BK_CT")],
        submitters=[world.hanoi, world.hue], deadline=TODAY() + datetime.timedelta(days=30),
        by=world.users.admin)
    return dossiers.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)


def hanoi_dossier(world, cycle, *, send=True):
    dossier = dossiers.dossier_create(cycle=cycle, organization=world.hanoi,
                                      by=world.users.staff)
    ready_dossier(world, dossier, worker(world.hanoi))
    return dossiers.dossier_submit(dossier=dossier, by=world.users.head) if send else dossier


def test_nomination_deadline_is_the_cycles(world, cycle):
    deadline = deadline_of(K.NOMINATION, cycle)
    assert resolves_to(deadline.url, "awards:cycle_detail") and cycle.title in deadline.title
    assert (deadline.due_on, deadline.organization_id) == (cycle.deadline, world.central.pk)


def test_submitters_owe_a_dossier_until_it_is_sent_and_again_when_returned(world, cycle):
    deadline = deadline_of(K.NOMINATION, cycle)
    assert names(owing(deadline)) == {"canbo.hanoi", "thutruong.hanoi", "canbo.hue"}
    dossier = hanoi_dossier(world, cycle, send=False)
    assert "canbo.hanoi" in names(owing(deadline))  # a draft is not sent
    dossier = dossiers.dossier_submit(dossier=dossier, by=world.users.head)
    assert names(owing(deadline)) == {"canbo.hue"}
    dossiers.dossier_return(dossier=dossier, reason="Thiếu biên bản", by=world.users.appraiser)
    assert "canbo.hanoi" in names(owing(deadline))


def test_an_extension_is_a_deadline_of_its_own_for_its_organization(world, cycle):
    main = deadline_of(K.NOMINATION, cycle)
    until = cycle.deadline + datetime.timedelta(days=10)
    extension = dossiers.cycle_extend(cycle=cycle, organization=world.hue, until=until,
                                      reason="Bão lũ", by=world.users.admin)
    assert sync_deadlines(TODAY())["created"] == 1
    extended = Deadline.objects.get(kind=K.NOMINATION, source_model="awards.cycleextension",
                                    source_id=extension.pk)
    assert (extended.due_on, extended.organization_id) == (until, world.hue.pk)
    assert resolves_to(extended.url, "awards:cycle_detail")
    assert names(owing(extended)) == {"canbo.hue"}
    assert names(owing(main)) == {"canbo.hanoi", "thutruong.hanoi"}  # Huế: the later date


def test_closing_the_cycle_deactivates_its_deadlines(world, cycle):
    deadline = deadline_of(K.NOMINATION, cycle)
    dossiers.cycle_set_status(cycle=cycle, status="closed", by=world.users.admin)
    assert sync_deadlines(TODAY())["deactivated"] == 1
    assert owing(deadline) == [] and not Deadline.objects.get(pk=deadline.pk).active


# --- appraisal ---------------------------------------------------------------------------------


def test_a_submitted_dossier_is_due_for_appraisal_after_the_rule_sets_working_days(world, cycle):
    dossier = hanoi_dossier(world, cycle)
    deadline = deadline_of(K.APPRAISAL, dossier)
    received = timezone.localdate(dossier.submitted_at)
    assert deadline.due_on == add_working_days(received, 25)
    assert resolves_to(deadline.url, "awards:dossier_appraisal")
    assert deadline.organization_id == world.central.pk and world.hanoi.name in deadline.title
    parameter = RuleParameter.objects.get(key="appraisal_working_days",
                                          rule_set__valid_from__lte=received,
                                          rule_set__valid_to__isnull=True)
    award_services.rule_parameter_set_value(parameter=parameter, value="10",
                                            by=world.users.admin)
    assert sync_deadlines(TODAY())["updated"] == 1
    assert Deadline.objects.get(pk=deadline.pk).due_on == add_working_days(received, 10)


def test_the_appraisers_owe_the_appraisal_and_their_head_is_escalated_to(world, cycle):
    dossier = hanoi_dossier(world, cycle)
    tccb_head = user_with_role(Role.UNIT_HEAD, world.tccb, username="truongban.tccb")
    deadline = deadline_of(K.APPRAISAL, dossier)
    owed = owing(deadline)
    assert names(owed) == {"thamdinh"}
    assert heads(deadline, owed) == [tccb_head]


def test_a_returned_dossier_is_no_longer_waiting_for_appraisal(world, cycle):
    dossier = hanoi_dossier(world, cycle)
    deadline = deadline_of(K.APPRAISAL, dossier)
    dossiers.dossier_return(dossier=dossier, reason="Thiếu biên bản", by=world.users.appraiser)
    assert owing(deadline) == []
    assert sync_deadlines(TODAY())["deactivated"] == 1


def test_a_members_dossier_sent_to_its_alliance_has_no_appraisal_deadline(world, cycle):
    coop_head = user_with_role(Role.UNIT_HEAD, world.coop_hanoi, username="thutruong.htx")
    dossier = dossiers.dossier_create(cycle=cycle, organization=world.coop_hanoi, by=coop_head)
    ready_dossier(world, dossier, worker(world.coop_hanoi, "Lê Văn Nam"))
    dossiers.dossier_submit(dossier=dossier, by=coop_head)
    sync_deadlines(TODAY())
    assert not Deadline.objects.filter(kind=K.APPRAISAL).exists()


# --- council votes -----------------------------------------------------------------------------


def test_council_vote_is_due_on_the_meeting_day(world):
    meeting, seats, secretary = open_meeting(world)
    deadline = deadline_of(K.COUNCIL_VOTE, meeting, MEETING_DAY)
    assert resolves_to(deadline.url, "awards:meeting_ballot") and meeting.title in deadline.title
    assert (deadline.due_on, deadline.organization_id) == (MEETING_DAY, world.central.pk)


def test_members_owe_their_ballot_until_cast_and_the_chair_is_escalated_to(world):
    meeting, seats, secretary = open_meeting(world)
    deadline = deadline_of(K.COUNCIL_VOTE, meeting, MEETING_DAY)
    owed = owing(deadline)
    assert {o.user.pk for o in owed} == {s.user_id for s in seats}  # not the secretary
    assert heads(deadline, owed) == []  # the chair has not voted either
    sc.ballot_submit(meeting=meeting, by=seats[0].user, choices={}, agree_remaining=True)
    owed = owing(deadline)
    assert {o.user.pk for o in owed} == {s.user_id for s in seats[1:]}
    assert heads(deadline, owed) == [seats[0].user]


def test_a_closed_meeting_is_owed_by_nobody(world):
    meeting, seats, secretary = open_meeting(world)
    deadline = deadline_of(K.COUNCIL_VOTE, meeting, MEETING_DAY)
    for seat in seats:
        sc.ballot_submit(meeting=meeting, by=seat.user, choices={}, agree_remaining=True)
    assert owing(deadline) == []
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    assert CouncilMeeting.objects.get(pk=meeting.pk).status == "closed"
    assert sync_deadlines(MEETING_DAY)["deactivated"] == 1
