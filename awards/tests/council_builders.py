"""Builders for council tests (also used by tests/test_query_counts.py, tests/test_browser.py
and bench/council.py): a council with a term and seated members, and agreed nominations of
awards the council votes on."""

import datetime

from accounts.models import Role
from accounts.tests.factories import UserFactory, user_with_role
from awards import services_council as sc
from awards.models import Attendance, Council, CouncilMember, CouncilTerm
from awards.tests.test_decisions import agreed, make_cycle, make_dossier


MEETING_DAY = datetime.date(2026, 3, 10)
MEMBER_NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quang Vinh", "Phạm Thu Hà",
                "Đỗ Minh Tuấn", "Vũ Thị Lan", "Bùi Văn Nam", "Hoàng Thị Yến", "Ngô Đức Anh",
                "Đặng Thị Hoa"]


def make_council(world, *, members=5, organization=None, secretary=True):
    """A council of `organization` (the central body) with a term from 2025 and `members`
    voting seats (the first is the chair, from world.central), and a non-voting secretary
    (world.users.appraiser's colleague). Returns (council, term, seats, secretary seat)."""
    organization = organization or world.central
    council = Council.objects.create(organization=organization,
                                     name="Hội đồng Thi đua - Khen thưởng Liên minh HTX Việt Nam")
    term = CouncilTerm.objects.create(council=council, name="Nhiệm kỳ 2025–2030",
                                      start_date=datetime.date(2025, 1, 1))
    seats = []
    for i in range(members):
        # The council member role is a central one; a provincial council's members hold
        # their own unit's role.
        role = Role.COUNCIL_MEMBER if organization.is_central else Role.UNIT_HEAD
        username = f"uyvien{i}" if organization.is_central else f"uyvien{i}-{organization.pk}"
        user = world.users.council if i == 1 and organization == world.central else (
            user_with_role(role, organization, username=username))
        position = (CouncilMember.Position.CHAIR if i == 0 else
                    CouncilMember.Position.VICE_CHAIR if i == 1 else CouncilMember.Position.MEMBER)
        seats.append(CouncilMember.objects.create(
            term=term, user=user, full_name=MEMBER_NAMES[i % len(MEMBER_NAMES)] + (
                f" {i}" if i >= len(MEMBER_NAMES) else ""),
            organization=organization, position=position, valid_from=term.start_date,
            sort_order=i + 1))
    secretary_seat = None
    if secretary:
        user = UserFactory(username="thuky" if organization.is_central
                           else f"thuky-{organization.pk}")
        secretary_seat = CouncilMember.objects.create(
            term=term, user=user, full_name="Lý Thị Thư", organization=organization,
            position=CouncilMember.Position.SECRETARY, votes=False, valid_from=term.start_date,
            sort_order=99)
    return council, term, seats, secretary_seat


def council_nominations(world, *, code="CSTDN", n=2, organization=None, cycle=None):
    """`n` nominations of `code` agreed by the appraisal, in an appraised dossier of
    `organization` (Hà Nội) for a central cycle."""
    cycle = cycle or make_cycle(world, codes=(code,))
    dossier = make_dossier(world, cycle, organization=organization or world.hanoi)
    return agreed(world, dossier, code=code, n=n)


def open_meeting(world, *, members=5, nominations=None, present=None, day=MEETING_DAY,
                 written=()):
    """A meeting of a new council with the nominations on its agenda, attendance recorded
    (`present` voting seats present, default all; indexes in `written` absent with a written
    opinion, the rest absent), and voting opened by the chair."""
    council, term, seats, secretary = make_council(world, members=members)
    nominations = nominations if nominations is not None else council_nominations(world)
    meeting = sc.meeting_save(council=council, by=world.users.appraiser,
                              title="Phiên họp xét khen thưởng năm 2025", date=day,
                              place="Hà Nội", chair=seats[0], secretary=secretary)
    sc.agenda_add(meeting=meeting, nominations=nominations, by=world.users.appraiser)
    present = len(seats) if present is None else present
    statuses = {}
    for i, seat in enumerate(seats):
        statuses[seat.pk] = (Attendance.Status.PRESENT if i < present else
                             Attendance.Status.WRITTEN if i in written else
                             Attendance.Status.ABSENT)
    sc.attendance_record(meeting=meeting, statuses=statuses, by=world.users.appraiser)
    meeting = sc.meeting_open(meeting=meeting, by=seats[0].user)
    return meeting, seats, secretary
