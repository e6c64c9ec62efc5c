"""owing() and heads() cost the same number of queries for 2 and for 20 owing units, for each
kind whose audience grows with the number of units (or of council members)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import user_with_role
from awards import services_dossiers as dossiers
from awards.models import AwardType
from awards.tests import council_builders
from clusters.tests.factories import OrganizationFactory, alliance
from deadlines.models import Deadline, DeadlineKind
from deadlines.obligations import heads, owing, sync_deadlines
from emulation.tests import scoring_builders as sb
from emulation.tests.builders import hanoi_call
from reports.tests.builders import period

pytestmark = pytest.mark.django_db
D = datetime.date
K = DeadlineKind


def measure(kind, today, **which):
    sync_deadlines(today)
    deadline = Deadline.objects.get(kind=kind, active=True, **which)
    with CaptureQueriesContext(connection) as queries:
        owed = owing(deadline)
        escalated = heads(deadline, [o for o in owed if o.user.username.startswith("staff")])
    return len(queries), len(owed), len(escalated)


def units_with_staff(parent, n, *, tag):
    units = [OrganizationFactory(parent=parent) for _ in range(n)]
    for i, unit in enumerate(units):
        user_with_role(Role.UNIT_STAFF, unit, username=f"staff-{tag}-{i}")
        user_with_role(Role.UNIT_HEAD, unit, username=f"head-{tag}-{i}")
    return units


def registration(world, n):
    units_with_staff(world.hanoi, n, tag=n)
    hanoi_call(world, deadline=D(2026, 3, 31))
    return measure(K.REGISTRATION, D(2026, 3, 1))


def unit_report(world, n):
    for i in range(n):
        unit = alliance(f"Tỉnh đếm {n}-{i}")
        user_with_role(Role.UNIT_STAFF, unit, username=f"staff-{n}-{i}")
        user_with_role(Role.UNIT_HEAD, unit, username=f"head-{n}-{i}")
    period(world, deadline=D(2026, 7, 20))
    return measure(K.UNIT_REPORT, D(2026, 7, 1))


def nomination(world, n):
    units = units_with_staff(world.central, n, tag=n)
    cycle = dossiers.cycle_create(
        organizer=world.central, kind="merit", year=2025, title="Xét khen thưởng năm 2025",
        award_types=list(AwardType.objects.filter(code__in=["LDTT"])), submitters=units,
        deadline=timezone.localdate() + datetime.timedelta(days=30), by=world.users.admin)
    dossiers.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)
    dossiers.cycle_extend(cycle=cycle, organization=units[0], until=cycle.deadline
                          + datetime.timedelta(days=5), reason="Gia hạn", by=world.users.admin)
    # The cycle's own deadline, which leaves out the extended unit.
    return measure(K.NOMINATION, timezone.localdate(), source_model="awards.awardcycle")


def self_scoring(world, n):
    year = 2000 + n  # the builder names its units by year
    s = sb.scoring_world(world, units=n, year=year)
    sb.advance(s, "self")
    for org in s.units[1:]:
        s.staff[org.pk].username = f"staff-{org.pk}"
        s.staff[org.pk].save()
    return measure(K.SELF_SCORING, D(year, 12, 1))


def council_vote(world, n):
    # The builder names its members uyvien0… and the secretary thuky: free the names.
    for user in User.objects.filter(username__regex=r"^(uyvien\d+|thuky)$"):
        user.username = f"{user.username}-{user.pk}"
        user.save()
    council_builders.open_meeting(world, members=n)
    return measure(K.COUNCIL_VOTE, council_builders.MEETING_DAY)


@pytest.mark.parametrize("build", [registration, unit_report, nomination, self_scoring,
                                   council_vote])
def test_owing_and_heads_cost_the_same_queries_for_2_and_20(world, build):
    small = build(world, 2)
    # A fresh world would need a second database: remove the first build's deadline instead.
    Deadline.objects.all().delete()
    _clear(build)
    large = build(world, 20)
    assert large[1] > small[1] >= 2, (small, large)
    assert large[0] == small[0], (small, large)


def _clear(build):
    """Undo what makes the second build collide with the first (one source per kind)."""
    from awards.models import CouncilMeeting
    from emulation.models import RegistrationCall
    from reports.models import ReportPeriod

    if build is registration:
        RegistrationCall.objects.all().delete()
    elif build is unit_report:
        ReportPeriod.objects.all().delete()
    elif build is nomination:
        from awards.models import AwardCycle
        AwardCycle.objects.update(status="closed")
    elif build is council_vote:
        CouncilMeeting.objects.update(status="closed")
    elif build is self_scoring:
        from emulation.models import ScoringRound
        ScoringRound.objects.update(status="closed")
