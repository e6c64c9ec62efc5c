"""The figures of a summary report (issue 7 §3), computed from the records for a period and,
optionally, one organization's subtree. Every figure is an aggregate in the database, so the
number of queries does not grow with the number of awards, movements or meetings; each figure
also has `records_for` returning the queryset behind it (traceability, §4)."""

import dataclasses
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

COOPERATIVE_KINDS = ("cooperative", "coop_union", "coop_group")
STATE_LEVELS = ("prime_minister", "state_president")
INDIVIDUAL = "individual"
COLLECTIVE = "collective"

_PERIOD_CODE = re.compile(r"^(?P<year>\d{4})(?P<half>-H1)?$")


@dataclasses.dataclass(frozen=True)
class PeriodSpan:
    """A period without its row: "2021-H1" (1 January – 30 June) or "2021" (the whole year).
    ReportPeriod has the same `year`, `half`, `code`, `start` and `end`."""

    year: int
    half: str  # "H1" or "FY", as ReportPeriod.Half

    @property
    def code(self) -> str:
        return f"{self.year}-H1" if self.half == "H1" else str(self.year)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == "H1" else datetime.date(
            self.year, 12, 31)


def parse_period(code: str) -> PeriodSpan:
    """"2021-H1" or "2021" → PeriodSpan; anything else is a ValidationError in Vietnamese."""
    match = _PERIOD_CODE.match((code or "").strip().upper())
    if not match or not 2000 <= int(match["year"]) <= 2100:
        raise ValidationError(_(
            "The period must be a year followed by -H1 for the first six months, or the year "
            "alone for the whole year."), code="invalid_period")
    return PeriodSpan(int(match["year"]), "H1" if match["half"] else "FY")


# --- filters -----------------------------------------------------------------------------------


def _subtree(organization, field: str) -> Q:
    """Q keeping rows whose `field` organization lies in the organization's subtree."""
    if organization is None:
        return Q()
    return Q(**{f"{field}__path__startswith": organization.path})


def _cooperative_q() -> Q:
    """The recipient is a cooperative, union or group, or a person (or named collective) that
    belonged to one when the award was decided (organization_at_award)."""
    return (Q(person__isnull=True, organization__kind__in=COOPERATIVE_KINDS)
            | Q(organization_at_award__kind__in=COOPERATIVE_KINDS))


def _state_q() -> Q:
    return Q(level__in=STATE_LEVELS)


def awards_decided(period, organization=None):
    """Awards decided within the period (decision date, whatever the achievement year), not
    revoked, by any issuer; with `organization`, those of its subtree at the time of the award."""
    from awards.models import AwardRecord

    return (AwardRecord.objects.counting()
            .filter(decision_date__range=(period.start, period.end))
            .filter(_subtree(organization, "organization_at_award"))
            .annotate(level=Coalesce("granting_level", "award_type__granting_level"),
                      recipient_kind=Case(When(person__isnull=False, then=Value(INDIVIDUAL)),
                                          default=Value(COLLECTIVE), output_field=CharField())))


def movements_active(period, organization=None):
    """Movements under way at some time during the period."""
    from emulation.models import Movement

    return (Movement.objects
            .filter(start_date__lte=period.end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
            .filter(_subtree(organization, "organization")))


def movements_expired_still_reported(period, organization=None):
    """Movements that ended before the period but that registrations of its year still name."""
    from emulation.models import Movement

    # One filter() call: the same registration is of the year and in the subtree.
    return (Movement.objects
            .filter(_subtree(organization, "registrations__organization"),
                    end_date__lt=period.start, registrations__year=period.year)
            .distinct())


def registrations_sent(period, organization=None):
    from emulation.models import Registration

    return (Registration.objects.filter(year=period.year, status=Registration.Status.SUBMITTED)
            .filter(_subtree(organization, "organization")))


def pledges_signed(period, organization=None):
    from emulation.models import Pledge

    qs = Pledge.objects.filter(status=Pledge.Status.SIGNED,
                               signed_on__range=(period.start, period.end))
    if organization is not None:
        qs = qs.filter(Q(group__organizer__path__startswith=organization.path)
                       | Q(signatories__path__startswith=organization.path)).distinct()
    return qs


def scoring_rounds_closed(period, organization=None):
    from emulation.models import ScoringRound

    return (ScoringRound.objects
            .filter(status=ScoringRound.Status.CLOSED,
                    closed_at__date__range=(period.start, period.end))
            .filter(_subtree(organization, "group__organizer")))


def scoring_round_figures(period, organization=None) -> dict:
    """The rounds closed in the period and how their review conference was held (issue 7 §3:
    "rounds held, online or in person"), in one query; "not_recorded" are rounds closed
    before the close asked it."""
    from emulation.models import ScoringRound

    kinds = ScoringRound.Conference
    return scoring_rounds_closed(period, organization).aggregate(
        total=Count("id"),
        in_person=Count("id", filter=Q(conference=kinds.IN_PERSON)),
        online=Count("id", filter=Q(conference=kinds.ONLINE)),
        not_held=Count("id", filter=Q(conference=kinds.NOT_HELD)),
        not_recorded=Count("id", filter=Q(conference="")))


def council_meetings_closed(period, organization=None):
    from awards.models import CouncilMeeting

    return (CouncilMeeting.objects
            .filter(status=CouncilMeeting.Status.CLOSED,
                    closed_at__date__range=(period.start, period.end))
            .filter(_subtree(organization, "council__organization")))


def report_period_row(period):
    """The ReportPeriod of the same year and half, or None (the reports app is imported here,
    not at module level, so that statistics load without it)."""
    from reports.models import ReportPeriod

    if isinstance(period, ReportPeriod):
        return period
    return ReportPeriod.objects.filter(year=period.year, half=period.half).first()


def unit_reports_submitted(period, organization=None):
    from reports.models import UnitReport

    row = report_period_row(period)
    if row is None:
        return UnitReport.objects.none()
    qs = UnitReport.objects.filter(period=row, first_submitted_at__isnull=False)
    if organization is not None:
        qs = qs.filter(Q(organization__path__startswith=organization.path)
                       | Q(group__organizer__path__startswith=organization.path))
    return qs


def unit_reports_late(period, organization=None):
    row = report_period_row(period)
    if row is None:
        return unit_reports_submitted(period, organization)
    return unit_reports_submitted(row, organization).filter(
        first_submitted_at__date__gt=row.deadline)


# --- figures -----------------------------------------------------------------------------------


def percent_one_decimal(part: int, whole: int) -> float:
    """100 × part / whole rounded half up to one decimal; 0.0 when there is nothing."""
    if not whole:
        return 0.0
    share = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(share)


def award_figures(period, organization=None) -> dict:
    """One grouped query: counts by award, recipient kind and whether the State granted it."""
    rows = (awards_decided(period, organization)
            .values("award_type__code", "award_type__name", "award_type__display_order",
                    "recipient_kind", "level")
            .annotate(count=Count("id"), cooperative=Count("id", filter=_cooperative_q()))
            .order_by())
    awards, state, total, cooperative = {}, {}, 0, 0
    for row in rows:
        key = (row["award_type__display_order"], row["award_type__code"], row["recipient_kind"])
        line = {"award_code": row["award_type__code"], "award_name": row["award_type__name"],
                "recipient_kind": row["recipient_kind"], "count": 0}
        awards.setdefault(key, dict(line))["count"] += row["count"]
        if row["level"] in STATE_LEVELS:
            state.setdefault(key, dict(line))["count"] += row["count"]
        total += row["count"]
        cooperative += row["cooperative"]
    for figure_key, lines in (("awards", awards), ("state_awards", state)):
        for line in lines.values():
            line["records_url"] = figure_records_url(
                period, figure_key, organization, award_code=line["award_code"],
                recipient_kind=line["recipient_kind"])
    return {
        "awards": [awards[key] for key in sorted(awards)],
        "awards_total": total,
        "state_awards": [state[key] for key in sorted(state)],
        "state_awards_total": sum(line["count"] for line in state.values()),
        "cooperative_awards": cooperative,
        "cooperative_share_percent": percent_one_decimal(cooperative, total),
    }


def movement_figures(period, organization=None) -> dict:
    from emulation.models import Movement

    counts = movements_active(period, organization).aggregate(
        active=Count("id"),
        launched=Count("id", filter=Q(start_date__gte=period.start)),
        campaigns=Count("id", filter=Q(kind=Movement.Kind.CAMPAIGN)))
    expired = (movements_expired_still_reported(period, organization)
               .values("id", "name", "end_date").order_by("name", "id"))
    return {**counts, "expired_still_reported": [
        {"id": row["id"], "name": row["name"], "end_date": row["end_date"]} for row in expired]}


def unit_report_figures(period, organization=None) -> dict:
    """Submitted, on time and late reports, and the expected authors that have sent nothing
    (R1's expected units and clusters/blocs); `missing` is None when that list is unknown."""
    row = report_period_row(period)
    if row is None:
        return {"deadline": None, "submitted": 0, "on_time": 0, "late": [], "missing": None}
    submitted = list(
        unit_reports_submitted(row, organization)
        .select_related("organization", "group", "period").order_by("first_submitted_at", "id"))
    late = [report for report in submitted if report.late]
    return {
        "deadline": row.deadline,
        "submitted": len(submitted),
        "on_time": len(submitted) - len(late),
        "late": [{"id": report.pk, "name": report.author_name,
                  "first_submitted_at": report.first_submitted_at} for report in late],
        "missing": _missing_authors(row, submitted, organization),
    }


def _expected_authors(row) -> list | None:
    """R1's list of who must report for the period: `expected_authors` if it exists, else its
    expected units and clusters/blocs; None when neither exists."""
    from reports import selectors

    if hasattr(selectors, "expected_authors"):
        return list(selectors.expected_authors(row))
    if hasattr(selectors, "expected_organizations") and hasattr(selectors, "expected_groups"):
        return (list(selectors.expected_organizations(row))
                + list(selectors.expected_groups(row).select_related("organizer")))
    return None


def _as_author(author):
    """("organization", Organization) or ("group", EmulationGroup) from either the row itself
    or an object holding it (reports.selectors.Author)."""
    from clusters.models import EmulationGroup, Organization

    if isinstance(author, Organization):
        return "organization", author
    if isinstance(author, EmulationGroup):
        return "group", author
    if getattr(author, "organization", None) is not None:
        return "organization", author.organization
    return "group", author.group


def _missing_authors(row, submitted, organization):
    expected = _expected_authors(row)
    if expected is None:
        return None
    done = {("organization", r.organization_id) if r.organization_id else ("group", r.group_id)
            for r in submitted}
    missing = []
    for kind, author in map(_as_author, expected):
        path = author.organizer.path if kind == "group" else author.path
        if organization is not None and not path.startswith(organization.path):
            continue
        if (kind, author.pk) not in done:
            missing.append({"kind": kind, "id": author.pk, "name": author.name})
    return missing


def summary_figures(period, organization=None) -> dict:
    """Every figure of the summary report for a period (ReportPeriod or PeriodSpan) and, with
    `organization`, its subtree. A fixed number of queries whatever the data."""
    council = council_meetings_closed(period, organization).aggregate(
        meetings=Count("id", distinct=True), agenda_items=Count("items"),
        items_passed=Count("items", filter=Q(items__passed=True)))
    registrations = registrations_sent(period, organization).aggregate(
        submitted=Count("id"), late=Count("id", filter=Q(late=True)))
    rounds = scoring_round_figures(period, organization)
    return {
        "period": period.code,
        "start": period.start,
        "end": period.end,
        "organization": ({"code": organization.code, "name": organization.name}
                         if organization is not None else None),
        **award_figures(period, organization),
        "movements": movement_figures(period, organization),
        "registrations": registrations,
        "pledges_signed": pledges_signed(period, organization).count(),
        "scoring_rounds_closed": rounds.pop("total"),
        "scoring_rounds_by_conference": rounds,
        "council": {"meetings": council["meetings"], "items": council["agenda_items"],
                    "passed": council["items_passed"]},
        "unit_reports": unit_report_figures(period, organization),
        "sources": figure_sources(period, organization),
    }


# --- traceability ------------------------------------------------------------------------------

# figure key → (queryset function, the kind of record listed)
FIGURES = {
    "awards": (awards_decided, "award"),
    "state_awards": (awards_decided, "award"),
    "cooperative_awards": (awards_decided, "award"),
    "movements_active": (movements_active, "movement"),
    "movements_launched": (movements_active, "movement"),
    "campaigns": (movements_active, "movement"),
    "movements_expired": (movements_expired_still_reported, "movement"),
    "registrations": (registrations_sent, "registration"),
    "pledges": (pledges_signed, "pledge"),
    "scoring_rounds": (scoring_rounds_closed, "scoring_round"),
    "council_meetings": (council_meetings_closed, "council_meeting"),
    "unit_reports": (unit_reports_submitted, "unit_report"),
    "unit_reports_late": (unit_reports_late, "unit_report"),
    "group_awards": (awards_decided, "award"),
}
# Figures that need a parameter (the group) have no link of their own in `sources`.
PARAMETER_FIGURES = ("group_awards",)
RECORD_RELATED = {
    "award": ("person", "organization", "organization_at_award", "award_type"),
    "movement": ("organization",),
    "registration": ("organization",),
    "pledge": ("group",),
    "scoring_round": ("group",),
    "council_meeting": ("council",),
    "unit_report": ("organization", "group", "period"),
}


FIGURE_LABELS = {
    "awards": _lazy("Awards decided in the period"),
    "state_awards": _lazy("Awards granted by the State"),
    "cooperative_awards": _lazy("Awards to cooperatives and their members"),
    "movements_active": _lazy("Movements under way"),
    "movements_launched": _lazy("Movements launched in the period"),
    "campaigns": _lazy("Short campaigns"),
    "movements_expired": _lazy("Expired movements still reported"),
    "registrations": _lazy("Registrations sent"),
    "pledges": _lazy("Pledges signed"),
    "scoring_rounds": _lazy("Scoring rounds held"),
    "council_meetings": _lazy("Council meetings held"),
    "unit_reports": _lazy("Unit reports submitted"),
    "unit_reports_late": _lazy("Unit reports late"),
    "group_awards": _lazy("Awards in an emulation cluster or bloc"),
}


def figure_records_url(period, figure_key: str, organization=None, **params) -> str | None:
    """The page listing the records behind a figure (reports:figure_records), or None while the
    page is not installed."""
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    try:
        base = reverse("reports:figure_records")
    except NoReverseMatch:
        return None
    query = {"period": period.code, "figure": figure_key}
    if organization is not None:
        query["organization"] = organization.code
    query.update({key: value for key, value in params.items() if value})
    return f"{base}?{urlencode(query)}"


def figure_sources(period, organization=None) -> dict:
    """figure key → the URL of its records (the traceability descriptor of every figure)."""
    return {key: figure_records_url(period, key, organization) for key in FIGURES
            if key not in PARAMETER_FIGURES}


def records_for(period, figure_key: str, organization=None, **params):
    """The records behind one figure. `params` narrow the awards: award_code, recipient_kind
    ("individual" / "collective"); "group_awards" needs `group`, the id of an emulation group
    of the scope with members in the period's year. An unknown key or group is a
    ValidationError."""
    from emulation.models import Movement

    if figure_key not in FIGURES:
        raise ValidationError(_("Unknown figure."), code="unknown_figure")
    selector, kind = FIGURES[figure_key]
    qs = selector(period, organization)
    if figure_key == "state_awards":
        qs = qs.filter(_state_q())
    elif figure_key == "cooperative_awards":
        qs = qs.filter(_cooperative_q())
    elif figure_key == "movements_launched":
        qs = qs.filter(start_date__gte=period.start)
    elif figure_key == "campaigns":
        qs = qs.filter(kind=Movement.Kind.CAMPAIGN)
    elif figure_key == "group_awards":
        qs = qs.filter(_group_q(period, organization, params.get("group")))
    if kind == "award":
        if params.get("award_code"):
            qs = qs.filter(award_type__code=params["award_code"])
        if params.get("recipient_kind") in (INDIVIDUAL, COLLECTIVE):
            qs = qs.filter(recipient_kind=params["recipient_kind"])
        qs = qs.order_by("award_type__display_order", "decision_date", F("id"))
    return qs.select_related(*RECORD_RELATED[kind])


def _group_q(period, organization, group) -> Q:
    """Awards under any member of the group in the period's year (see reports.document_figures.group_figures)."""
    if not str(group or "").isdigit() or len(str(group)) > 9:
        raise ValidationError(_("Unknown figure."), code="unknown_group")
    members = group_members(period, organization, group_id=int(group))
    if not members:
        raise ValidationError(_("Unknown figure."), code="unknown_group")
    query = Q()
    for row in members:
        query |= Q(organization_at_award__path__startswith=row["organization__path"])
    return query


def record_kind(figure_key: str) -> str:
    return FIGURES[figure_key][1]


def group_members(period, organization=None, group_id=None) -> list[dict]:
    """The memberships of the period's year of the groups in scope (organizer in the subtree),
    with each member's path: one query of a few hundred rows."""
    from clusters.models import GroupMembership

    qs = (GroupMembership.objects.filter(year=period.year)
          .filter(_subtree(organization, "group__organizer")))
    if group_id is not None:
        qs = qs.filter(group_id=group_id)
    return list(qs.values("group_id", "group__name", "group__kind", "group__sort_key",
                          "organization__path").order_by())
