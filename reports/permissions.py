"""Who may do what with report periods and units' reports: can_<verb>(user, obj) -> bool.

Periods belong to the whole system: central roles read them (the on-time dashboard), central
administrators create, close and reopen them and return reports. A report is written by the
staff or head of its unit; a cluster's or bloc's report by the staff, head or group leader of
its leader unit in the period's year. It is read by the users of that unit, by central roles,
and (architecture §8) by the leader unit of a cluster or bloc for the reports its members
sent for the group's year. Everyone else gets 404 (reports.selectors.get_report_for_user)."""

from accounts.models import Role
from accounts.permissions import has_role, is_central_admin
from accounts.scoping import active_role, sees_everything
from clusters.models import GroupLeadership, Organization

from .models import ReportPeriod, UnitReport
from .workflow import EDITABLE

WRITER_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD)
GROUP_WRITER_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD, Role.GROUP_LEADER)
REPORTING_KINDS = {Organization.Kind.DEPARTMENT, Organization.Kind.PUBLIC_UNIT,
                   Organization.Kind.ENTERPRISE, Organization.Kind.PROVINCIAL_ALLIANCE}


def leader_id(group, year) -> int | None:
    return (GroupLeadership.objects.filter(group=group, year=year,
                                           role=GroupLeadership.Role.LEADER)
            .values_list("organization_id", flat=True).first())


def author_unit_id(report: UnitReport) -> int | None:
    """The unit that writes the report: its organization, or the group's leader unit that
    year (read once per report object)."""
    if report.organization_id:
        return report.organization_id
    if "_author_unit_id" not in report.__dict__:
        report.__dict__["_author_unit_id"] = leader_id(report.group, report.period.year)
    return report.__dict__["_author_unit_id"]


def _role_org_id(user):
    role = active_role(user)
    return role.organization_id if role else None


# --- periods -----------------------------------------------------------------------------------


def can_view_periods(user) -> bool:
    return sees_everything(user)


def can_manage_periods(user) -> bool:
    return is_central_admin(user)


def writes_reports(user) -> bool:
    """Whether the user's unit reports to the Alliance: a unit directly under the central body
    (read from the path, no query), in a role that writes."""
    role = active_role(user)
    if role is None or not has_role(user, *GROUP_WRITER_ROLES):
        return False
    org = role.organization
    return org.kind in REPORTING_KINDS and org.path.count("/") == 3


# --- writing -----------------------------------------------------------------------------------


def can_write_for_organization(user, organization) -> bool:
    return (organization is not None and has_role(user, *WRITER_ROLES)
            and _role_org_id(user) == organization.pk)


def can_write_for_group(user, group, year) -> bool:
    if group is None or not has_role(user, *GROUP_WRITER_ROLES):
        return False
    leader = leader_id(group, year)
    return leader is not None and _role_org_id(user) == leader


def is_writer(user, report: UnitReport) -> bool:
    roles = WRITER_ROLES if report.organization_id else GROUP_WRITER_ROLES
    unit = author_unit_id(report)
    return unit is not None and has_role(user, *roles) and _role_org_id(user) == unit


def can_edit_report(user, report: UnitReport) -> bool:
    return (report.period.status == ReportPeriod.Status.OPEN and report.status in EDITABLE
            and is_writer(user, report))


can_submit_report = can_edit_report


def can_return_report(user, report: UnitReport) -> bool:
    return (report.period.status == ReportPeriod.Status.OPEN
            and report.status == UnitReport.Status.SUBMITTED and is_central_admin(user))


# --- reading -----------------------------------------------------------------------------------


def leads_member(user, report: UnitReport) -> bool:
    """A role at the leader unit of a cluster or bloc of which the report's unit is a member
    in the period's year."""
    unit = _role_org_id(user)
    if unit is None or not report.organization_id:
        return False
    return GroupLeadership.objects.filter(
        organization_id=unit, year=report.period.year, role=GroupLeadership.Role.LEADER,
        group__memberships__organization_id=report.organization_id,
        group__memberships__year=report.period.year).exists()


def can_view_report(user, report: UnitReport) -> bool:
    if active_role(user) is None:
        return False
    if sees_everything(user):
        return True
    unit = author_unit_id(report)
    if unit is not None and _role_org_id(user) == unit:
        return True
    # The leader reads what a member has sent, not its drafts.
    return report.first_submitted_at is not None and leads_member(user, report)


# --- summary reports ---------------------------------------------------------------------------


def can_make_summary(user, organization) -> bool:
    """An administrator of the issuing organization: the central administrators for the
    Alliance's report, a provincial alliance's administrator for its own."""
    if organization is None or not has_role(user, Role.ADMIN):
        return False
    if organization.parent_id is None:
        return is_central_admin(user)
    return _role_org_id(user) == organization.pk


def can_view_summary(user, report) -> bool:
    """Central roles read every summary report; the issuing organization's users read theirs."""
    if active_role(user) is None:
        return False
    return sees_everything(user) or _role_org_id(user) == report.organization_id


def can_edit_summary(user, report) -> bool:
    from .models import SummaryReport

    return (report.status == SummaryReport.Status.DRAFT
            and can_make_summary(user, report.organization))


def can_reopen_summary(user, report) -> bool:
    from .models import SummaryReport

    return (report.status == SummaryReport.Status.FINALIZED
            and can_make_summary(user, report.organization))
