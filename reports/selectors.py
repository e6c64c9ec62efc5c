"""Reads of the reports pages, each with a fixed number of queries: the periods, the expected
authors of a period with their reports (the on-time dashboard), a report in the user's scope,
a unit's own reports, and the figures that pre-fill a report's statistical sections."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import active_role
from awards.documents import format_number
from awards.models import AwardRecord
from clusters.models import EmulationGroup, GroupLeadership, GroupMembership, Organization

from . import permissions as perms
from .html import sanitize
from .models import ReportPeriod, UnitReport
from .outline import OUTLINE

R = UnitReport.Status


# --- periods -----------------------------------------------------------------------------------


def period_list():
    """Every period with the number of reports sent (one query)."""
    return ReportPeriod.objects.annotate(
        sent=Count("reports", filter=Q(reports__first_submitted_at__isnull=False)))


def get_period(pk) -> ReportPeriod:
    return get_object_or_404(ReportPeriod, pk=pk)


# --- the on-time dashboard ---------------------------------------------------------------------


NOT_STARTED, WRITING, ON_TIME, LATE, RETURNED = "not_started", "writing", "on_time", "late", \
    "returned"
STATE_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"), WRITING: gettext_lazy("Being written"),
    ON_TIME: gettext_lazy("Sent on time"), LATE: gettext_lazy("Sent late"),
    RETURNED: gettext_lazy("Returned for correction"),
}


@dataclass
class Author:
    """One expected author of a period: a unit, or a cluster or bloc with its leader unit."""

    organization: Organization | None = None
    group: EmulationGroup | None = None
    leader: Organization | None = None
    report: UnitReport | None = None
    state: str = NOT_STARTED

    @property
    def name(self) -> str:
        return self.organization.name if self.organization else self.group.name

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def report_state(report: UnitReport | None) -> str:
    if report is None:
        return NOT_STARTED
    if report.status == R.RETURNED:
        return RETURNED
    if report.status == R.SUBMITTED:
        return LATE if report.late else ON_TIME
    return WRITING


def expected_organizations(period: ReportPeriod):
    """The units directly under the central body that exist at the end of the period (an
    alliance merged later still reports for the periods before its merger)."""
    return (Organization.objects.active_on(period.end)
            .filter(parent__kind=Organization.Kind.VCA_CENTRAL, parent__parent__isnull=True)
            .exclude(kind=Organization.Kind.VCA_CENTRAL))


def expected_groups(period: ReportPeriod):
    """The Alliance's clusters and blocs of the period's year (those with members that year),
    each with its leader unit's id that year (`leader_id`, None when none is named)."""
    leader = GroupLeadership.objects.filter(group=OuterRef("pk"), year=period.year,
                                            role=GroupLeadership.Role.LEADER)
    years = GroupMembership.objects.filter(year=period.year).values("group_id")
    return (EmulationGroup.objects.filter(organizer__kind=Organization.Kind.VCA_CENTRAL,
                                          pk__in=years)
            .annotate(leader_id=Subquery(leader.values("organization_id")[:1])))


def period_dashboard(period: ReportPeriod) -> dict:
    """Every expected author with its report's state, and the counts by state: four queries
    whatever the number of authors."""
    reports = list(period.reports.select_related("submitted_by"))
    by_org = {r.organization_id: r for r in reports if r.organization_id}
    by_group = {r.group_id: r for r in reports if r.group_id}
    for r in reports:
        r.period = period
    authors = [Author(organization=o, report=by_org.get(o.pk))
               for o in expected_organizations(period)]
    groups = list(expected_groups(period))
    leaders = Organization.objects.in_bulk([g.leader_id for g in groups if g.leader_id])
    authors += [Author(group=g, leader=leaders.get(g.leader_id), report=by_group.get(g.pk))
                for g in groups]
    for author in authors:
        author.state = report_state(author.report)
    counts = {state: 0 for state in STATE_LABELS}
    for author in authors:
        counts[author.state] += 1
    return {"authors": authors, "total": len(authors),
            "counts": [(state, STATE_LABELS[state], counts[state]) for state in STATE_LABELS]}


# --- reports -----------------------------------------------------------------------------------


def get_report_for_user(user, pk) -> UnitReport:
    report = get_object_or_404(
        UnitReport.objects.select_related("period", "organization", "group", "submitted_by"),
        pk=pk)
    if not perms.can_view_report(user, report):
        raise Http404
    return report


def report_sections(report: UnitReport) -> list:
    """The outline with each section's stored text (one query)."""
    bodies = dict(report.sections.values_list("key", "body"))
    return [(section, bodies.get(section.key, "")) for section in OUTLINE]


def report_events(report: UnitReport):
    return list(report.events.select_related("actor"))


@dataclass
class UnitPeriod:
    """A period as one unit sees it: its own report and those of the groups it leads."""

    period: ReportPeriod
    authors: list = field(default_factory=list)


def unit_reports(user) -> list:
    """For each period, the user's unit and the clusters and blocs it leads that year, with
    their reports (four queries)."""
    role = active_role(user)
    if role is None:
        return []
    unit = role.organization
    periods = list(ReportPeriod.objects.all()[:50])
    years = {p.year for p in periods}
    led = {}
    for lead in (GroupLeadership.objects.filter(organization=unit, year__in=years,
                                                role=GroupLeadership.Role.LEADER)
                 .select_related("group")):
        led.setdefault(lead.year, []).append(lead.group)
    reports = UnitReport.objects.filter(period__in=periods).filter(
        Q(organization=unit) | Q(group__in=[g for gs in led.values() for g in gs]))
    found = {(r.period_id, r.organization_id, r.group_id): r for r in reports}
    rows = []
    for period in periods:
        row = UnitPeriod(period=period)
        if perms.writes_reports(user) and perms.can_write_for_organization(user, unit):
            report = found.get((period.pk, unit.pk, None))
            row.authors.append(Author(organization=unit, report=report))
        for group in led.get(period.year, []):
            row.authors.append(Author(group=group, leader=unit,
                                      report=found.get((period.pk, None, group.pk))))
        for author in row.authors:
            author.state = report_state(author.report)
            if author.report:
                author.report.period = period
        if row.authors:
            rows.append(row)
    return rows


def member_reports(user):
    """The reports the user's unit reads as the leader of a cluster or bloc: its members' for
    the group's year, sent or returned (one query)."""
    role = active_role(user)
    if role is None:
        return []
    members = GroupMembership.objects.filter(
        group__leaderships__organization=role.organization,
        group__leaderships__role=GroupLeadership.Role.LEADER,
        group__leaderships__year=OuterRef("period__year"),
        year=OuterRef("period__year"), organization=OuterRef("organization"))
    return list(UnitReport.objects.filter(Exists(members))
                .exclude(organization=role.organization)
                .exclude(first_submitted_at__isnull=True)
                .select_related("period", "organization")
                .order_by("-period__year", "-period__half", "organization__sort_key")[:200])


# --- statistics that pre-fill a report ---------------------------------------------------------


def _subtree(organizations, field_name):
    query = Q()
    for org in organizations:
        query |= Q(**{f"{field_name}__path__startswith": org.path})
    return query if organizations else Q(pk__in=[])


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else ""


def _esc(text) -> str:
    from django.utils.html import escape

    return escape(str(text))


def report_statistics(period: ReportPeriod, *, organization=None, group=None) -> dict:
    """The sanitized HTML of each statistical section, from the author's records of the period:
    awards decided within it for its subtree (by award), registrations sent, movements it
    launched that ran during it, and the scoring rounds of the groups it leads (of the group,
    for a group's report). Five queries."""
    from emulation.models import Movement, Registration, ScoringRound

    if group is not None:
        roots = list(Organization.objects.filter(group_memberships__group=group,
                                                 group_memberships__year=period.year))
        groups = [group]
    else:
        roots = [organization]
        groups = list(EmulationGroup.objects.filter(
            leaderships__organization=organization, leaderships__year=period.year,
            leaderships__role=GroupLeadership.Role.LEADER))
    start, end = period.start, period.end
    awards = list(AwardRecord.objects.counting()
                  .filter(_subtree(roots, "organization_at_award"),
                          decision_date__gte=start, decision_date__lte=end)
                  .values("award_type__code", "award_type__name")
                  .annotate(n=Count("id")).order_by("-n", "award_type__name"))
    sent = Registration.objects.filter(
        _subtree(roots, "organization"), status=Registration.Status.SUBMITTED,
        submitted_at__date__gte=start, submitted_at__date__lte=end).count()
    movements = list(Movement.objects.filter(organization__in=roots, start_date__lte=end)
                     .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
                     .order_by("start_date", "name")[:50])
    halves = ([ScoringRound.Half.MID_YEAR] if period.half == ReportPeriod.Half.FIRST_HALF
              else list(ScoringRound.Half.values))
    rounds = list(ScoringRound.objects.filter(group__in=groups, year=period.year,
                                              half__in=halves).select_related("group"))
    return {
        "movements": _movements_text(movements, sent, start, end),
        "commendation": _awards_text(awards, start, end),
        "group_activity": _rounds_text(rounds, groups),
    }


def _movements_text(movements, sent, start, end) -> str:
    lines = [_("%(from)s – %(to)s: %(count)s emulation movement(s) launched by the unit were "
               "under way.") % {"from": start.strftime("%d/%m/%Y"), "to": end.strftime("%d/%m/%Y"),
                                "count": format_number(len(movements))}]
    items = [_esc(m.name) + " (" + _("from %(date)s") % {
        "date": m.start_date.strftime("%d/%m/%Y")} + ")" for m in movements]
    text = f"<p>{lines[0]}</p>" + _list(items)
    text += "<p>" + _("Emulation registrations sent in the period: %(count)s.") % {
        "count": format_number(sent)} + "</p>"
    return sanitize(text)


def _awards_text(awards, start, end) -> str:
    total = sum(a["n"] for a in awards)
    head = _("Awards decided from %(from)s to %(to)s: %(count)s.") % {
        "from": start.strftime("%d/%m/%Y"), "to": end.strftime("%d/%m/%Y"),
        "count": format_number(total)}
    items = [f"{_esc(a['award_type__name'])}: {format_number(a['n'])}" for a in awards]
    return sanitize(f"<p>{head}</p>" + _list(items))


def _rounds_text(rounds, groups) -> str:
    if not groups:
        return ""
    head = _("Scoring rounds of the clusters and blocs led: %(count)s.") % {
        "count": format_number(len(rounds))}
    items = [f"{_esc(r.group.name)} – {_esc(r.get_half_display())} {r.year}: "
             f"{_esc(r.get_status_display())}" for r in rounds]
    return sanitize(f"<p>{head}</p>" + _list(items))
