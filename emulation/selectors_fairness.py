"""Reads behind the fairness analytics (emulation.fairness): a group's closed rounds, their
submitted score lines, memberships, leaders and Emulation Flag records, loaded in a fixed number
of queries whatever the number of units, rounds or years; then the analytics, with each unit id
turned into its organization for the pages."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.http import Http404

from awards.models import AwardRecord
from clusters.models import EmulationGroup, GroupLeadership, GroupMembership, Organization
from clusters.permissions import can_view_group

from . import fairness
from .models import Criterion, Score, ScoreSheet, ScoringRound
from .permissions_fairness import can_view_fairness, seat_covers

FLAG_AWARD = "CTD_LM"  # the Alliance's Emulation Flag: the year's winner when no round exists


def get_group_for_fairness(user, pk) -> EmulationGroup:
    """The group, or 404 when the user may not even see it (a council seat opens the groups of
    the council's organization and below: the council votes on their awards)."""
    group = EmulationGroup.objects.select_related("organizer").filter(pk=pk).first()
    if group is None or not (can_view_group(user, group) or seat_covers(user, group)):
        raise Http404
    return group


def fairness_groups(user):
    """The groups whose analytics the user may open, for the index page."""
    groups = list(EmulationGroup.objects.select_related("organizer")
                  .order_by("organizer__path", "kind", "sort_key"))
    return [g for g in groups if can_view_fairness(user, g)]


@dataclass
class GroupFairness:
    group: EmulationGroup
    years: list
    rounds: list
    over_claims: list
    flagged_units: list
    reciprocity: object
    matrix: list
    rotation: object
    sequence: list
    evidence: list
    thresholds: dict
    units: dict = field(default_factory=dict)
    focus: Organization | None = None

    @property
    def overclaim_percent(self):
        return self.thresholds["overclaim_share"] * 100

    @property
    def reciprocity_percent(self):
        return self.thresholds["reciprocity_share"] * 100

    @property
    def has_scores(self):
        return bool(self.rounds)

    @property
    def evidence_gaps(self):
        return sum(len(row.missing) for row in self.evidence)

    @property
    def focus_flags(self):
        """What concerns the focused unit (the nominee on a council item)."""
        if self.focus is None:
            return {}
        unit = self.focus.pk
        return {
            "over_claim": any(u.unit == unit and u.flagged for u in self.over_claims),
            "pairs": [p for p in self.reciprocity.flagged_pairs if unit in (p[0], p[1])],
            "leader_wins": [y for y, w, leader, *_ in self.rotation.sequence
                            if w == unit and leader == unit],
            "in_rotation": any(unit in run.order for run in self.rotation.runs),
        }


def _criterion_key(row) -> str:
    return f"{row['code']} {row['text'][:120]}".strip()


def _load(groups):
    """Everything for the groups, in seven queries."""
    group_ids = [g.pk for g in groups]
    rounds = list(ScoringRound.objects.filter(group_id__in=group_ids,
                                              status=ScoringRound.Status.CLOSED)
                  .values("id", "group_id", "year", "half", "peer_mode", "self_weight",
                          "table_id"))
    criteria = {c["id"]: c for c in Criterion.objects.filter(
        section__table_id__in={r["table_id"] for r in rounds}).values(
        "id", "code", "text", "kind", "max_points", "evidence_required", "section__table_id")}
    scores = list(Score.objects.filter(sheet__round_id__in=[r["id"] for r in rounds],
                                       sheet__status=ScoreSheet.Status.SUBMITTED)
                  .values("id", "sheet__round_id", "sheet__scored_id", "sheet__scorer_id",
                          "sheet__kind", "criterion_id", "points")
                  .annotate(evidence_count=Count("evidence")).order_by("id"))
    memberships = list(GroupMembership.objects.filter(group_id__in=group_ids)
                       .values("group_id", "year", "organization_id"))
    leaders = list(GroupLeadership.objects.filter(group_id__in=group_ids,
                                                  role=GroupLeadership.Role.LEADER)
                   .values("group_id", "year", "organization_id"))
    member_ids = {m["organization_id"] for m in memberships}
    flags = list(AwardRecord.objects.counting().filter(
        award_type__code=FLAG_AWARD, organization_id__in=member_ids, person__isnull=True,
        collective_name="").values("organization_id", "achievement_year"))
    unit_ids = member_ids | {s["sheet__scored_id"] for s in scores} | {
        s["sheet__scorer_id"] for s in scores} | {x["organization_id"] for x in leaders}
    units = Organization.objects.in_bulk(unit_ids)
    return rounds, criteria, scores, memberships, leaders, flags, units


def _lines(rounds, criteria, scores):
    max_total = defaultdict(Decimal)
    for c in criteria.values():
        if c["kind"] != Criterion.Kind.PENALTY:
            max_total[c["section__table_id"]] += c["max_points"]
    plain = {r["id"]: fairness.Round(id=r["id"], year=r["year"], half=r["half"],
                                     peer_mode=r["peer_mode"], self_weight=r["self_weight"],
                                     max_total=max_total[r["table_id"]]) for r in rounds}
    lines = defaultdict(list)
    group_of = {r["id"]: r["group_id"] for r in rounds}
    for s in scores:
        c = criteria[s["criterion_id"]]
        lines[group_of[s["sheet__round_id"]]].append(fairness.Line(
            round=plain[s["sheet__round_id"]], scored=s["sheet__scored_id"],
            scorer=s["sheet__scorer_id"], kind=s["sheet__kind"], criterion=_criterion_key(c),
            points=s["points"], max_points=c["max_points"],
            penalty=c["kind"] == Criterion.Kind.PENALTY, evidence=s["evidence_count"],
            evidence_required=c["evidence_required"]))
    return plain, lines


def _winners(group_rounds, lines, members, flags):
    """Year → (winner, source): the first of the closed year-end round, else the member that
    received the Emulation Flag that year (None when several did)."""
    winners = {}
    for r in group_rounds:
        if r.half == fairness.YEAR_END:
            winners[r.year] = (fairness.round_winner(fairness.round_finals(lines, r)), "round")
    flagged = defaultdict(set)
    for f in flags:
        if f["organization_id"] in members.get(f["achievement_year"], set()):
            flagged[f["achievement_year"]].add(f["organization_id"])
    for year, units in flagged.items():
        if year not in winners:
            winners[year] = (next(iter(units)) if len(units) == 1 else None, "award")
    return winners


def group_fairness(groups, *, focus=None) -> list[GroupFairness]:
    """The analytics of each group (in a fixed number of queries for any number of groups)."""
    groups = list(groups)
    if not groups:
        return []
    rounds, criteria, scores, memberships, leaders, flags, units = _load(groups)
    plain, lines = _lines(rounds, criteria, scores)
    limits = fairness.thresholds()
    results = []
    for group in groups:
        members = defaultdict(set)
        for m in memberships:
            if m["group_id"] == group.pk:
                members[m["year"]].add(m["organization_id"])
        leader_of = {x["year"]: x["organization_id"] for x in leaders
                     if x["group_id"] == group.pk}
        group_rounds = sorted((plain[r["id"]] for r in rounds if r["group_id"] == group.pk),
                              key=lambda r: (r.year, r.half))
        group_lines = lines[group.pk]
        winners = _winners(group_rounds, group_lines, members, flags)
        rotation = fairness.rotation({y: w for y, (w, _) in winners.items()}, members, leader_of)
        order = sorted(set().union(*members.values()) if members else set(),
                       key=lambda pk: (units[pk].sort_key, pk))
        reciprocity = fairness.reciprocity(group_lines, units=order,
                                           threshold=limits["reciprocity_share"])
        over = fairness.over_claims(group_lines, threshold=limits["overclaim_share"])
        results.append(_decorate(GroupFairness(
            group=group, years=sorted(members, reverse=True), rounds=group_rounds,
            over_claims=over, flagged_units=[u for u in over if u.flagged],
            reciprocity=reciprocity, matrix=[], rotation=rotation, sequence=[],
            evidence=fairness.evidence_coverage(group_lines), thresholds=limits,
            units=units, focus=focus), winners))
    return results


def _decorate(result: GroupFairness, winners) -> GroupFairness:
    """Organizations in place of ids, for the templates."""
    units = result.units
    for unit in result.over_claims:
        unit.organization = units.get(unit.unit)
        for line in unit.lines:
            line.reference_orgs = [(units.get(s), p) for s, p in line.reference_by]
    result.matrix = [(units.get(a), [(units.get(b), result.reciprocity.cells.get((a, b)))
                                     if a != b else (None, None)
                                     for b in result.reciprocity.units])
                     for a in result.reciprocity.units]
    result.pairs = [(units.get(a), units.get(b), ab, ba)
                    for a, b, ab, ba in result.reciprocity.flagged_pairs]
    result.sequence = [
        {"year": year, "winner": units.get(w), "leader": units.get(leader),
         "source": winners[year][1], "leader_won": w is not None and w == leader,
         "in_run": any(year in run.years for run in result.rotation.runs)}
        for year, w, leader in result.rotation.sequence]
    result.runs = [{"kind": run.kind, "years": run.years,
                    "order": [units.get(w) for w in run.order]} for run in result.rotation.runs]
    for row in result.evidence:
        row.missing_orgs = [(r, units.get(u)) for r, u in row.missing]
    return result


def fairness_panels(user, nomination) -> list[GroupFairness]:
    """For a council agenda item: the analytics of the groups a nominated collective belongs
    to, when the user may see them; empty for individuals."""
    if nomination.person_id or not nomination.organization_id:
        return []
    groups = [g for g in EmulationGroup.objects.select_related("organizer").filter(
        pk__in=GroupMembership.objects.filter(organization_id=nomination.organization_id)
        .values("group_id")).order_by("sort_key") if can_view_fairness(user, g)]
    return group_fairness(groups, focus=nomination.organization)
