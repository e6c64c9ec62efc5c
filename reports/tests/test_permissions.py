"""The predicates of reports.permissions over every state and role."""

import pytest

from reports import permissions as perms
from reports.models import ReportPeriod, UnitReport
from reports.tests.builders import hanoi_report, period

pytestmark = pytest.mark.django_db
R, P = UnitReport.Status, ReportPeriod.Status


@pytest.mark.parametrize("status, period_status, who, allowed", [
    (R.DRAFT, P.OPEN, "staff", True), (R.DRAFT, P.OPEN, "head", True),
    (R.RETURNED, P.OPEN, "staff", True), (R.SUBMITTED, P.OPEN, "staff", False),
    (R.DRAFT, P.CLOSED, "staff", False), (R.DRAFT, P.OPEN, "province_admin", False),
    (R.DRAFT, P.OPEN, "group_leader", False), (R.DRAFT, P.OPEN, "admin", False),
    (R.DRAFT, P.OPEN, "outsider", False), (R.DRAFT, P.OPEN, "no_role", False),
])
def test_can_edit_report(world, status, period_status, who, allowed):
    report = hanoi_report(world)
    report.status, report.period.status = status, period_status

    assert perms.can_edit_report(getattr(world.users, who), report) is allowed


@pytest.mark.parametrize("status, period_status, who, allowed", [
    (R.SUBMITTED, P.OPEN, "admin", True), (R.SUBMITTED, P.CLOSED, "admin", False),
    (R.DRAFT, P.OPEN, "admin", False), (R.RETURNED, P.OPEN, "admin", False),
    (R.SUBMITTED, P.OPEN, "leadership", False), (R.SUBMITTED, P.OPEN, "province_admin", False),
    (R.SUBMITTED, P.OPEN, "staff", False),
])
def test_can_return_report(world, status, period_status, who, allowed):
    report = hanoi_report(world)
    report.status, report.period.status = status, period_status

    assert perms.can_return_report(getattr(world.users, who), report) is allowed


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("leadership", True), ("appraiser", True), ("council", True),
    ("staff", False), ("province_admin", False), ("outsider", False), ("no_role", False),
])
def test_can_view_periods(world, who, allowed):
    period(world)

    assert perms.can_view_periods(getattr(world.users, who)) is allowed


@pytest.mark.parametrize("who, allowed", [
    ("staff", True), ("head", True), ("group_leader", True), ("office_staff", True),
    ("outsider", True), ("province_admin", False), ("admin", False), ("no_role", False),
])
def test_writes_reports(world, who, allowed):
    assert perms.writes_reports(getattr(world.users, who)) is allowed
