"""The figures only the summary report's document has, on top of
reports.statistics.summary_figures: awards by cluster and bloc, the annex of awards at the
Alliance's level and above, and for a whole year the previous year with a comparison. Like the
rest of the figures, a fixed number of queries whatever the data."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, F, Value, When
from django.utils.translation import gettext as _

from .statistics import (
    COLLECTIVE, INDIVIDUAL, STATE_LEVELS, PeriodSpan, awards_decided, figure_records_url,
    group_members, summary_figures,
)

ANNEX_LEVELS = ("alliance_chairman", "alliance_committee") + STATE_LEVELS


def _prefix(depth: int):
    """The first `depth` ids of the award's organization path ("/1/17/" for depth 2 of
    "/1/17/402/"), computed in the database (StrIndex/Substr exist on SQLite and PostgreSQL).
    A shorter path gives a shorter text, which matches no member path of that depth."""
    from django.db.models.functions import StrIndex, Substr

    path = F("organization_at_award__path")
    end = Value(1)
    for _level in range(depth):
        end = end + StrIndex(Substr(path, end + 1), Value("/"))
    return Substr(path, 1, end)


def group_figures(period, organization=None) -> list[dict]:
    """Awards decided in the period per emulation group: an award counts once for a group when
    its organization at the time lies under a member of that group in the period's year. Two
    queries whatever the data: the memberships, then the awards grouped by the ancestor path of
    each depth members have (few rows: one per combination of member ancestors)."""
    members = group_members(period, organization)
    if not members:
        return []
    groups, by_path = {}, {}
    for row in members:
        groups.setdefault(row["group_id"], {
            "group_id": row["group_id"], "name": row["group__name"], "kind": row["group__kind"],
            "count": 0, "sort": row["group__sort_key"]})
        by_path.setdefault(row["organization__path"], set()).add(row["group_id"])
    depths = sorted({path.count("/") - 1 for path in by_path})
    keys = {}
    for depth in depths:
        paths = [path for path in by_path if path.count("/") - 1 == depth]
        keys[f"ancestor_{depth}"] = Case(
            When(**{f"prefix_{depth}__in": paths}, then=F(f"prefix_{depth}")),
            default=Value(""), output_field=CharField())
    rows = (awards_decided(period, organization)
            .alias(**{f"prefix_{depth}": _prefix(depth) for depth in depths})
            .annotate(**keys).values(*keys).annotate(count=Count("id")).order_by())
    for row in rows:
        # A set: an award under two members of one group counts once for it.
        credited = set().union(*(by_path.get(row[key], ()) for key in keys))
        for group_id in credited:
            groups[group_id]["count"] += row["count"]
    result = sorted(groups.values(), key=lambda g: (g["sort"], g["group_id"]))
    for line in result:
        del line["sort"]
        line["records_url"] = figure_records_url(period, "group_awards", organization,
                                                 group=line["group_id"])
    return result


def _recipient_sort(row) -> str:
    from clusters.text import sort_key

    if row["person__sort_key"]:
        return row["person__sort_key"]
    if row["collective_name"]:
        return sort_key(row["collective_name"])
    return row["organization__sort_key"] or ""


def annex_figures(period, organization=None) -> dict:
    """Every award of the Alliance's or the State's level decided in the period (the unit
    heads' Giấy khen are counted in the tables, not listed): one query, ordered by the award's
    display order, the decision date and the recipient's name."""
    rows = list(awards_decided(period, organization).filter(level__in=ANNEX_LEVELS).values(
        "id", "award_type__code", "award_type__name", "award_type__display_order",
        "person__full_name", "person__sort_key", "collective_name", "organization__name",
        "organization__sort_key", "organization_at_award_id", "organization_id",
        "organization_at_award__name", "organization_at_award__parent__name",
        "decision_number", "decision_date").order_by())
    rows.sort(key=lambda r: (r["award_type__display_order"], r["decision_date"],
                             _recipient_sort(r), r["id"]))
    annex = []
    for row in rows:
        if row["person__full_name"] is not None:
            name, unit = row["person__full_name"], row["organization_at_award__name"]
        elif row["collective_name"]:
            name, unit = row["collective_name"], row["organization__name"]
        else:
            # The organization itself: its unit is the one above it.
            name = row["organization__name"]
            unit = (row["organization_at_award__name"]
                    if row["organization_at_award_id"] != row["organization_id"]
                    else row["organization_at_award__parent__name"] or "")
        annex.append({
            "award_code": row["award_type__code"], "award_name": row["award_type__name"],
            "recipient_kind": INDIVIDUAL if row["person__full_name"] is not None else COLLECTIVE,
            "recipient_name": name, "unit_name": unit,
            "decision_number": row["decision_number"], "decision_date": row["decision_date"]})
    return {"annex": annex, "annex_total": len(annex)}


def _comparison_values(figures) -> list[tuple]:
    return [
        ("awards_total", _("Awards decided in the period"), figures["awards_total"]),
        ("cooperative_share_percent", _("Share of awards to cooperatives and their members (%)"),
         figures["cooperative_share_percent"]),
        ("state_awards_total", _("Awards granted by the State"), figures["state_awards_total"]),
        ("movements_active", _("Movements under way"), figures["movements"]["active"]),
        ("registrations_submitted", _("Registrations sent"),
         figures["registrations"]["submitted"]),
        ("pledges_signed", _("Pledges signed"), figures["pledges_signed"]),
        ("scoring_rounds_closed", _("Scoring rounds held"), figures["scoring_rounds_closed"]),
        ("council_meetings", _("Council meetings held"), figures["council"]["meetings"]),
        ("unit_reports_submitted", _("Unit reports submitted"),
         figures["unit_reports"]["submitted"]),
    ]


def change_percent(current, previous) -> float | None:
    """(current − previous) / previous × 100, half up to one decimal; None without a base."""
    if not previous:
        return None
    change = (Decimal(str(current)) - Decimal(str(previous))) * 100 / Decimal(str(previous))
    return float(change.quantize(Decimal("0.1"), ROUND_HALF_UP))


def comparison_rows(current: dict, previous: dict) -> list[dict]:
    rows = []
    for (key, label, now), (_key, _label, before) in zip(
            _comparison_values(current), _comparison_values(previous), strict=True):
        change = now - before
        rows.append({"key": key, "label": label, "current": now, "previous": before,
                     "change": round(change, 1) if isinstance(change, float) else change,
                     "change_percent": change_percent(now, before)})
    return rows


def document_figures(period, organization=None) -> dict:
    """The figures of the summary report document, JSON-ready: summary_figures plus the awards
    per emulation group, the annex of higher awards and, for a whole year, the previous year
    and the comparison with it. A fixed number of queries whatever the data."""
    from .exports import figures_json_data

    figures = summary_figures(period, organization)
    previous = None
    if period.half == "FY":
        previous = summary_figures(PeriodSpan(period.year - 1, "FY"), organization)
        previous.pop("sources")
    figures.update({
        "by_group": group_figures(period, organization),
        **annex_figures(period, organization),
        "previous": previous,
        "comparison": comparison_rows(figures, previous) if previous is not None else [],
    })
    return figures_json_data(figures)
