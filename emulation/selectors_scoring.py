"""Reads of the scoring rounds, scoped (architecture §8 and emulation.permissions_scoring): an
object the user may not see answers 404; a sheet of a round the user sees but whose step does
not show it yet answers 403. Each page's data is read in a fixed number of queries."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404

from accounts.models import Role
from accounts.permissions import has_role
from accounts.scoping import active_role, sees_everything
from clusters.models import EmulationGroup, GroupLeadership, GroupMembership

from . import permissions_scoring as perms
from .models import (
    CriteriaSection, Criterion, Score, ScoreEvidence, ScoreSheet, ScoringRound,
)

SHEET_RELATED = ("round__group__organizer", "round__table", "scored", "scorer", "submitted_by")


def rounds_for(user, *, group=None, year=None):
    role = active_role(user)
    if role is None:
        return ScoringRound.objects.none()
    rounds = ScoringRound.objects.select_related("group", "table")
    if not sees_everything(user):
        path = role.organization.path
        member = GroupMembership.objects.filter(group=OuterRef("group"), year=OuterRef("year"),
                                                organization__path__startswith=path)
        leader = GroupLeadership.objects.filter(group=OuterRef("group"), year=OuterRef("year"),
                                                organization=role.organization)
        visible = Exists(member) | Exists(leader)
        if has_role(user, Role.ADMIN):
            visible |= Q(group__organizer__path__startswith=path)
        rounds = rounds.filter(visible)
    if group is not None:
        rounds = rounds.filter(group=group)
    if year:
        rounds = rounds.filter(year=year)
    return rounds.order_by("-year", "group__sort_key", "half")


def manageable_groups(user):
    """The groups whose rounds the user may create: led by the user's unit in some year, or
    organized by a body the user administers."""
    role = active_role(user)
    if role is None:
        return EmulationGroup.objects.none()
    if sees_everything(user) and has_role(user, Role.ADMIN):
        return EmulationGroup.objects.all()
    query = Q(leaderships__organization=role.organization,
              leaderships__role=GroupLeadership.Role.LEADER)
    if has_role(user, Role.ADMIN):
        query |= Q(organizer__path__startswith=role.organization.path)
    return EmulationGroup.objects.filter(query).distinct()


def get_round_for_user(user, pk) -> ScoringRound:
    round = ScoringRound.objects.select_related("group__organizer", "table", "closed_by").filter(
        pk=pk).first()
    if round is None or not perms.can_view_round(user, round):
        raise Http404
    return round


def get_sheet_for_user(user, pk) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_related(*SHEET_RELATED).filter(pk=pk).first()
    if sheet is None or not perms.can_view_round(user, sheet.round):
        raise Http404
    if not perms.can_view_sheet(user, sheet):
        raise PermissionDenied
    return sheet


def get_evidence_for_user(user, pk) -> ScoreEvidence:
    evidence = ScoreEvidence.objects.select_related(
        *(f"score__sheet__{name}" for name in SHEET_RELATED)).filter(pk=pk).first()
    if evidence is None or not perms.can_view_round(user, evidence.score.sheet.round):
        raise Http404
    if not perms.can_view_sheet(user, evidence.score.sheet):
        raise PermissionDenied
    return evidence


def round_sheets(round):
    """The round's sheets with their units, ordered for the status table (one query)."""
    return list(round.sheets.select_related("scored", "scorer")
                .order_by("kind", "scored__sort_key", "scorer__sort_key"))


def criteria_of(table):
    """The table's sections with their criteria (two queries)."""
    return list(CriteriaSection.objects.filter(table=table).order_by("position", "id")
                .prefetch_related(Prefetch("criteria",
                                           queryset=Criterion.objects.order_by("position", "id"))))


def _scores_with_evidence(sheets):
    evidence = ScoreEvidence.objects.order_by("uploaded_at", "id")
    scores = Score.objects.filter(sheet__in=sheets).prefetch_related(
        Prefetch("evidence", queryset=evidence))
    by_id = {s.pk: s for s in sheets}
    found = defaultdict(dict)
    for score in scores:
        score.sheet = by_id[score.sheet_id]
        found[score.sheet_id][score.criterion_id] = score
    return found


def sheet_page(sheet: ScoreSheet, *, show_self: bool) -> dict:
    """The criteria, the sheet's lines and evidence, and (for peer scoring and verification,
    when `show_self`) the scored unit's own lines beside them. Six queries at most."""
    sections = criteria_of(sheet.round.table)
    own = None
    if sheet.kind != ScoreSheet.Kind.SELF and show_self:
        own = ScoreSheet.objects.filter(round_id=sheet.round_id, scored_id=sheet.scored_id,
                                        kind=ScoreSheet.Kind.SELF).first()
    sheets = [sheet] + ([own] if own else [])
    scores = _scores_with_evidence(sheets)
    return {"sections": sections, "scores": scores.get(sheet.pk, {}), "own_sheet": own,
            "own_scores": scores.get(own.pk, {}) if own else {},
            "criteria": [c for s in sections for c in s.criteria.all()]}


def unit_audit(round, organization) -> dict:
    """Everything behind one unit's place in the ranking: per criterion, its own points and
    evidence, and each scorer's points and explanation. Five queries."""
    sections = criteria_of(round.table)
    sheets = list(round.sheets.filter(scored=organization).select_related("scorer")
                  .order_by("kind", "scorer__sort_key"))
    scores = _scores_with_evidence(sheets)
    own = next((s for s in sheets if s.kind == ScoreSheet.Kind.SELF), None)
    others = [s for s in sheets if s.kind != ScoreSheet.Kind.SELF]
    rows = []
    for section in sections:
        for criterion in section.criteria.all():
            rows.append({
                "section": section, "criterion": criterion,
                "own": scores.get(own.pk, {}).get(criterion.pk) if own else None,
                "others": [scores.get(s.pk, {}).get(criterion.pk) for s in others],
            })
    return {"own_sheet": own, "other_sheets": others, "rows": rows}
