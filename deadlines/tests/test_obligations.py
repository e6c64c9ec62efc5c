"""deadlines.obligations for the emulation year (registration, pledge, self- and peer scoring)
and sync_deadlines: the deadline spec of each kind, who owes it before and after the work is
done, inactive users and users without the role left out, the heads for escalation, and the
rows created, updated and deactivated idempotently. States are built through the services,
like the pages build them."""

import datetime
from urllib.parse import urlparse

import pytest
from django.urls import resolve

from accounts.models import Role, RoleAssignment
from accounts.tests.factories import UserFactory, user_with_role
from deadlines.models import Deadline, DeadlineKind
from deadlines.obligations import OBLIGATIONS, heads, owing, sync_deadlines
from emulation import services as emulation_services
from emulation import services_groups
from emulation.tests import scoring_builders as sb
from emulation.tests.builders import central_call, hanoi_registration
from emulation.tests.test_pledges import pledge as make_pledge
from emulation.tests.test_pledges import signed_pledge

pytestmark = pytest.mark.django_db
D = datetime.date
K = DeadlineKind


def deadline_of(kind, source, today):
    sync_deadlines(today)
    return Deadline.objects.get(kind=kind, source_id=source.pk, active=True)


def names(owed):
    return {o.user.username for o in owed}


def assert_spec(deadline, *, url_name, due_on, organization, mentions=()):
    assert resolve(urlparse(deadline.url).path).view_name == url_name
    assert deadline.due_on == due_on
    assert deadline.organization_id == organization.pk
    for text in mentions:
        assert str(text) in deadline.title


# --- registration ------------------------------------------------------------------------------


def test_registration_deadline_names_the_call(world):
    call = central_call(world, deadline=D(2026, 3, 31))
    deadline = deadline_of(K.REGISTRATION, call, D(2026, 3, 1))
    assert deadline.source_model == "emulation.registrationcall"
    assert_spec(deadline, url_name="emulation:registration_list", due_on=D(2026, 3, 31),
                organization=world.central, mentions=(2026, world.central.name))


def test_registration_is_owed_by_the_staff_and_heads_of_every_unit_under_the_organizer(world):
    call = central_call(world)
    owed = owing(deadline_of(K.REGISTRATION, call, D(2026, 3, 1)))
    # Hà Nội (staff, head), Huế (outsider) and the Office; not the group leader, the
    # administrators, the appraiser (other roles) nor the cooperatives (not directly under).
    assert names(owed) == {"canbo.hanoi", "thutruong.hanoi", "canbo.hue", "canbo.vanphong"}
    assert {o.organization.pk for o in owed if o.user.username == "canbo.hue"} == {world.hue.pk}


def test_a_sent_registration_is_no_longer_owed(world):
    call = central_call(world)
    registration = hanoi_registration(world, call)
    deadline = deadline_of(K.REGISTRATION, call, D(2026, 3, 1))
    assert "canbo.hanoi" in names(owing(deadline))  # a draft still owes
    emulation_services.registration_submit(registration=registration, by=world.users.staff)
    assert names(owing(deadline)) == {"canbo.hue", "canbo.vanphong"}


def test_inactive_users_and_ended_roles_are_left_out(world):
    call = central_call(world)
    world.users.outsider.is_active = False
    world.users.outsider.save()
    ended = UserFactory(username="cu.canbo.hue")
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    RoleAssignment.objects.create(user=ended, role=Role.UNIT_STAFF, organization=world.hue,
                                  valid_from=D(2020, 1, 1), valid_to=yesterday)
    owed = owing(deadline_of(K.REGISTRATION, call, D(2026, 3, 1)))
    assert not names(owed) & {"canbo.hue", "cu.canbo.hue", "chuaphanquyen"}


def test_escalation_reaches_the_heads_of_the_units_that_still_owe(world):
    call = central_call(world)
    hue_head = user_with_role(Role.UNIT_HEAD, world.hue, username="thutruong.hue")
    user_with_role(Role.UNIT_HEAD, world.coop_hue, username="thutruong.htx.hue")
    deadline = deadline_of(K.REGISTRATION, call, D(2026, 3, 1))
    owed = owing(deadline)
    # Hà Nội's head already owes the registration: reminded once, not again as a head.
    assert "thutruong.hanoi" in names(owed) and "thutruong.hue" in names(owed)
    staff_only = [o for o in owed if o.user.username == "canbo.hue"]
    assert heads(deadline, staff_only) == [hue_head]
    assert heads(deadline, owed) == []
    assert heads(deadline, []) == []


# --- pledge ------------------------------------------------------------------------------------


def dated_pledge(world, day=D(2026, 2, 15)):
    p = make_pledge(world)
    return services_groups.pledge_update(pledge=p, title=p.title, by=world.users.staff,
                                         sign_by=day)


def test_a_pledge_without_a_signing_day_has_no_deadline(world):
    p = make_pledge(world)
    sync_deadlines(D(2026, 2, 1))
    assert not Deadline.objects.filter(kind=K.PLEDGE, source_id=p.pk).exists()


def test_pledge_deadline_is_its_signing_day(world):
    p = dated_pledge(world)
    deadline = deadline_of(K.PLEDGE, p, D(2026, 2, 1))
    assert_spec(deadline, url_name="emulation:pledge_detail", due_on=D(2026, 2, 15),
                organization=p.group.organizer, mentions=(2026, p.group.name))


def test_pledge_is_owed_by_the_leader_units_staff_and_group_leader_until_signed(world):
    p = dated_pledge(world)
    deadline = deadline_of(K.PLEDGE, p, D(2026, 2, 1))
    owed = owing(deadline)
    assert names(owed) == {"canbo.hanoi", "cumtruong"}  # Hà Nội leads the cluster in 2026
    assert heads(deadline, owed) == [world.users.head]
    signed_pledge(world)
    assert owing(deadline) == []
    assert sync_deadlines(D(2026, 2, 1))["deactivated"] == 1
    assert not Deadline.objects.get(pk=deadline.pk).active


# --- self-scoring and peer scoring -------------------------------------------------------------


POINTS = [40, 30, 5, 0]


def self_round(world, **options):
    s = sb.scoring_world(world, **options)
    sb.advance(s, "self")
    return s


def test_no_scoring_deadline_while_the_round_is_prepared(world):
    s = sb.scoring_world(world)
    sync_deadlines(D(2025, 12, 1))
    assert not Deadline.objects.filter(source_model="emulation.scoringround").exists()
    assert s.round.status == "draft"


def test_self_scoring_is_owed_by_members_whose_sheet_is_not_sent(world):
    s = self_round(world)
    deadline = deadline_of(K.SELF_SCORING, s.round, D(2025, 12, 1))
    assert_spec(deadline, url_name="emulation:round_detail", due_on=D(2025, 12, 10),
                organization=world.central, mentions=(s.group.name,))
    everyone = {u.username for u in [*s.staff.values(), *s.heads.values()]}
    assert names(owing(deadline)) == everyone
    second = s.units[1]
    sb.fill(sb.sheet(s.round, second), s.criteria, POINTS, s.staff[second.pk])
    assert names(owing(deadline)) == everyone - {s.staff[second.pk].username,
                                                 s.heads[second.pk].username}


def test_opening_peer_scoring_ends_self_scoring_and_starts_its_deadline(world):
    s = self_round(world)
    for org in s.units:
        sb.fill(sb.sheet(s.round, org), s.criteria, POINTS, s.staff[org.pk])
    self_deadline = deadline_of(K.SELF_SCORING, s.round, D(2025, 12, 1))
    sb.advance(s, "peer")
    counts = sync_deadlines(D(2025, 12, 1))
    assert counts["deactivated"] == 1 and counts["created"] == 1
    assert not Deadline.objects.get(pk=self_deadline.pk).active
    assert owing(self_deadline) == []
    peer = Deadline.objects.get(kind=K.PEER_SCORING, source_id=s.round.pk)
    assert peer.due_on == D(2025, 12, 20) and peer.active


def test_peer_scoring_is_owed_until_each_of_a_units_peer_sheets_is_sent(world):
    s = self_round(world)
    for org in s.units:
        sb.fill(sb.sheet(s.round, org), s.criteria, POINTS, s.staff[org.pk])
    sb.advance(s, "peer")
    deadline = deadline_of(K.PEER_SCORING, s.round, D(2025, 12, 1))
    scorer = s.units[2]
    mine = {s.staff[scorer.pk].username, s.heads[scorer.pk].username}
    assert mine <= names(owing(deadline)) and "cumtruong" not in names(owing(deadline))
    scored = [o for o in s.units if o != scorer]
    sb.fill(sb.sheet(s.round, scored[0], scorer, "peer"), s.criteria, POINTS,
            s.staff[scorer.pk])
    assert mine <= names(owing(deadline))  # one of its two sheets is still unsent
    sb.fill(sb.sheet(s.round, scored[1], scorer, "peer"), s.criteria, POINTS,
            s.staff[scorer.pk])
    assert not mine & names(owing(deadline))


def test_verification_is_owed_by_the_leader_unit_including_its_group_leader(world):
    s = self_round(world, peer_mode="leader")
    for org in s.units:
        sb.fill(sb.sheet(s.round, org), s.criteria, POINTS, s.staff[org.pk])
    sb.advance(s, "peer")
    deadline = deadline_of(K.PEER_SCORING, s.round, D(2025, 12, 1))
    deputy = s.units[1]
    # Hà Nội verifies the others, the deputy verifies Hà Nội; nobody else scores.
    assert names(owing(deadline)) == {"canbo.hanoi", "thutruong.hanoi", "cumtruong",
                                      s.staff[deputy.pk].username,
                                      s.heads[deputy.pk].username}


def test_closing_the_round_deactivates_its_deadline(world):
    s = self_round(world)
    deadline = deadline_of(K.SELF_SCORING, s.round, D(2025, 12, 1))
    sb.advance(s, "peer", reason="Quá hạn tự chấm")
    sb.advance(s, "closed", reason="Hết hạn chấm chéo")
    counts = sync_deadlines(D(2025, 12, 1))
    assert counts["deactivated"] == 1 and counts["created"] == 0
    assert not Deadline.objects.filter(source_model="emulation.scoringround", active=True).exists()
    assert owing(deadline) == []


# --- sync_deadlines ----------------------------------------------------------------------------


def rows():
    return sorted(Deadline.objects.values_list("pk", "kind", "source_id", "title", "url",
                                               "due_on", "organization_id", "active"))


def test_sync_twice_gives_the_same_rows(world):
    central_call(world)
    dated_pledge(world)
    first = sync_deadlines(D(2026, 2, 1))
    assert first["created"] == 2
    before = rows()
    second = sync_deadlines(D(2026, 2, 1))
    assert second == {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 2}
    assert rows() == before


def test_a_moved_date_updates_the_same_row(world):
    call = central_call(world, deadline=D(2026, 3, 31))
    deadline = deadline_of(K.REGISTRATION, call, D(2026, 3, 1))
    emulation_services.call_update(call=call, deadline=D(2026, 4, 15), by=world.users.admin)
    assert sync_deadlines(D(2026, 3, 1))["updated"] == 1
    moved = Deadline.objects.get(kind=K.REGISTRATION)
    assert (moved.pk, moved.due_on, moved.active) == (deadline.pk, D(2026, 4, 15), True)
    assert sync_deadlines(D(2026, 3, 1))["updated"] == 0


def test_a_deadline_leaves_the_specs_thirty_days_after_it_fell_due(world):
    central_call(world, deadline=D(2026, 3, 31))
    assert sync_deadlines(D(2026, 4, 30))["created"] == 1  # late reminders still go
    assert sync_deadlines(D(2026, 5, 1))["deactivated"] == 1
    assert not Deadline.objects.get(kind=K.REGISTRATION).active


def test_every_kind_has_an_adapter():
    assert set(OBLIGATIONS) == set(DeadlineKind.values)
    for kind, adapter in OBLIGATIONS.items():
        assert adapter.kind == kind
