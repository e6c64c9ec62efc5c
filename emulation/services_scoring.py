"""Every write of a scoring round: creating it, its transitions (emulation.scoring_workflow),
the sheets' lines and evidence, sending a sheet, and the leader's proposal of the leading units.

Each checks its predicate (emulation.permissions_scoring; PermissionDenied) and its rules
(ValidationError or TransitionError with a Vietnamese message) and changes nothing when it
refuses. Every change is recorded by django-simple-history with the actor (and, for a forced
transition, the reason); transitions notify the members' users once the transaction commits."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import RoleAssignment
from awards.uploads import check_upload, max_dossier_bytes
from clusters.models import GroupLeadership, Organization
from deadlines.services import notify

from . import permissions_scoring as perms
from .models import (
    CriteriaTable, Criterion, RoundProposal, Score, ScoreEvidence, ScoreSheet, ScoringRound,
)
from .scoring import points_text, round_results, rounded, sheet_total
from .scoring_workflow import ROUND_TRANSITIONS, TransitionError, transition
from .services import _actor, _check_date, _text

S = ScoringRound.Status
MAX_COMMENT = 2000
MAX_REASON = 2000
# A forced step's reason is kept in the round's history, whose reason field holds 100 characters.
MAX_STEP_REASON = 100
FLAG, CERTIFICATE = "CTD_LM", "BK_BCH"
# A rule-set parameter limiting certificates per cluster, used only if a rule set defines it.
CERTIFICATE_LIMIT_KEY = "certificates_per_cluster_max"


def _member_users(round: ScoringRound):
    members = round.group.memberships.filter(year=round.year).values("organization_id")
    return [a.user for a in RoleAssignment.objects.current()
            .filter(organization_id__in=members).select_related("user")]


def _names(organizations) -> str:
    return ", ".join(o.name for o in organizations)


# --- rounds ------------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, group, year: int, half: str, peer_mode: str, self_weight: int, by,
                 self_deadline: datetime.date | None = None,
                 peer_deadline: datetime.date | None = None) -> ScoringRound:
    if not perms.can_manage_rounds_of(by, group, year):
        raise PermissionDenied
    if half not in ScoringRound.Half.values:
        raise ValidationError({"half": _("Choose mid-year or year-end.")})
    if peer_mode not in ScoringRound.PeerMode.values:
        raise ValidationError({"peer_mode": _("Choose the second step.")})
    if self_weight is None or not 0 <= int(self_weight) <= 100:
        raise ValidationError({"self_weight": _("The weight is a whole number from 0 to 100.")})
    _check_date(self_deadline, "self_deadline")
    _check_date(peer_deadline, "peer_deadline")
    if self_deadline and peer_deadline and peer_deadline < self_deadline:
        raise ValidationError({"peer_deadline": _(
            "The second step cannot end before self-scoring does.")})
    table = CriteriaTable.objects.filter(group=group, year=year).first()
    if table is None:
        raise ValidationError(_("%(group)s has no criteria table for %(year)s: prepare it "
                                "first.") % {"group": group.name, "year": year})
    if not Criterion.objects.filter(section__table=table).exists():
        raise ValidationError(_("The criteria table of %(year)s has no criterion yet.") % {
            "year": year})
    if ScoringRound.objects.filter(group=group, year=year, half=half).exists():
        raise ValidationError({"half": _("The group already has this round for that year.")})
    round = ScoringRound(group=group, year=year, half=half, table=table, peer_mode=peer_mode,
                         self_weight=int(self_weight), self_deadline=self_deadline,
                         peer_deadline=peer_deadline, created_by=by)
    _actor(round, by).save()
    return round


def round_transition(*, round: ScoringRound, to: str, by, reason: str = "",
                     conference: str = "") -> ScoringRound:
    """Perform status → to through its one service (the transition table says which); only
    the close records how the review conference was held."""
    name = transition(round.status, to)[0]
    extra = {"conference": conference} if name == "round_close" else {}
    return globals()[name](round=round, by=by, reason=reason, **extra)


def _locked_round(round, by, expected) -> ScoringRound:
    if not perms.can_manage_round(by, round):
        raise PermissionDenied
    current = ScoringRound.objects.select_for_update().select_related("group", "table").get(
        pk=round.pk)
    if current.status != expected:
        raise TransitionError(_("The round is no longer “%(state)s”: reload the page.") % {
            "state": S(expected).label})
    return current


def _move(round, to, by, reason=""):
    label = ROUND_TRANSITIONS[(round.status, to)][2]
    round.status = to
    round._change_reason = reason or None
    _actor(round, by).save()
    notify(users=_member_users(round), text=str(label) % {"round": str(round)},
           url=round.get_absolute_url())
    return round


@transaction.atomic
def round_open_self(*, round: ScoringRound, by, reason: str = "") -> ScoringRound:
    """Creates a self sheet for each member of the group that year and locks the criteria
    table."""
    round = _locked_round(round, by, S.DRAFT)
    members = list(Organization.objects.filter(group_memberships__group=round.group,
                                               group_memberships__year=round.year))
    if not members:
        raise TransitionError(_("The group has no member in %(year)s.") % {"year": round.year})
    bulk_create_with_history(
        [ScoreSheet(round=round, scored=m, scorer=m, kind=ScoreSheet.Kind.SELF) for m in members],
        ScoreSheet, default_user=by)
    table = round.table
    if not table.locked:
        table.locked = True
        _actor(table, by).save(update_fields=["locked"])
    return _move(round, S.SELF, by)


@transaction.atomic
def round_open_second_step(*, round: ScoringRound, by, reason: str = "") -> ScoringRound:
    """Creates the peer sheets (every ordered pair of members) or the leader unit's
    verification sheets (pre-filled with the self points). Refuses while a self sheet is not
    sent, naming the units, unless the leader closes self-scoring with a reason: those sheets
    then stay empty and count as 0."""
    round = _locked_round(round, by, S.SELF)
    reason = _text(reason, field="reason", limit=MAX_STEP_REASON)
    selves = list(round.sheets.filter(kind=ScoreSheet.Kind.SELF).select_related("scored"))
    unsent = [s.scored for s in selves if s.status != ScoreSheet.Status.SUBMITTED]
    if unsent and not reason:
        raise TransitionError(_("Not sent yet: %(units)s. Wait for them, or close self-scoring "
                                "with a reason (their self score then counts as 0).") % {
            "units": _names(unsent)})
    members = [s.scored for s in selves]
    if round.peer_mode == ScoringRound.PeerMode.PEERS:
        sheets = [ScoreSheet(round=round, scored=a, scorer=b, kind=ScoreSheet.Kind.PEER)
                  for a in members for b in members if a.pk != b.pk]
        bulk_create_with_history(sheets, ScoreSheet, default_user=by)
    else:
        _create_verification(round, selves, by)
    return _move(round, S.PEER, by, reason)


def _create_verification(round, selves, by):
    """The leader unit verifies every member; the leader unit itself, which may not score
    itself here, is verified by the deputy."""
    roles = dict(GroupLeadership.objects.filter(group=round.group, year=round.year)
                 .values_list("role", "organization_id"))
    leader, deputy = roles.get(GroupLeadership.Role.LEADER), roles.get(GroupLeadership.Role.DEPUTY)
    if leader is None:
        raise TransitionError(_("The group has no leader unit in %(year)s.") % {
            "year": round.year})
    if deputy is None and any(s.scored_id == leader for s in selves):
        raise TransitionError(_("The leader unit cannot verify itself: name the deputy unit of "
                                "%(year)s first, who verifies the leader.") % {"year": round.year})
    sheets = [ScoreSheet(round=round, scored=s.scored,
                         scorer_id=deputy if s.scored_id == leader else leader,
                         kind=ScoreSheet.Kind.VERIFY) for s in selves]
    sheets = bulk_create_with_history(sheets, ScoreSheet, default_user=by)
    sheets = {s.scored_id: s for s in round.sheets.filter(kind=ScoreSheet.Kind.VERIFY)}
    sent = {s.pk: s.scored_id for s in selves if s.status == ScoreSheet.Status.SUBMITTED}
    copies = [Score(sheet=sheets[sent[score.sheet_id]], criterion_id=score.criterion_id,
                    points=score.points)
              for score in Score.objects.filter(sheet_id__in=sent)]
    bulk_create_with_history(copies, Score, default_user=by)


@transaction.atomic
def round_close(*, round: ScoringRound, by, reason: str = "",
                conference: str = "") -> ScoringRound:
    """Closes the round: the ranking follows from the sent sheets (emulation.scoring). A peer
    sheet not sent is left out of the average, and only with a reason; every verification
    must be sent. The round is closed at the group's review conference, so the close records
    how it was held (ScoringRound.Conference; the summary report counts them)."""
    round = _locked_round(round, by, S.PEER)
    if not isinstance(conference, str) or conference not in ScoringRound.Conference.values:
        raise ValidationError({"conference": _(
            "Choose how the review conference was held: in person, online, or no conference "
            "held.")})
    reason = _text(reason, field="reason", limit=MAX_STEP_REASON)
    unsent = list(round.sheets.exclude(kind=ScoreSheet.Kind.SELF)
                  .exclude(status=ScoreSheet.Status.SUBMITTED).select_related("scorer", "scored"))
    if unsent and round.peer_mode == ScoringRound.PeerMode.LEADER:
        raise TransitionError(_("Verification not sent yet for: %(units)s.") % {
            "units": _names(s.scored for s in unsent)})
    if unsent and not reason:
        scorers = {s.scorer.pk: s.scorer for s in unsent}.values()
        raise TransitionError(_("Peer scores not sent yet by: %(units)s. Wait for them, or close "
                                "with a reason (their sheets are then left out of the "
                                "average).") % {"units": _names(scorers)})
    round.closed_at = timezone.now()
    round.closed_by = by
    round.conference = conference
    return _move(round, S.CLOSED, by, reason)


# --- sheets ------------------------------------------------------------------------------------


def _criteria(round):
    return {c.pk: c for c in Criterion.objects.filter(section__table_id=round.table_id)
            .select_related("section")}


def _self_points(sheet) -> dict:
    if sheet.kind == ScoreSheet.Kind.SELF:
        return {}
    return dict(Score.objects.filter(sheet__round_id=sheet.round_id,
                                     sheet__scored_id=sheet.scored_id,
                                     sheet__kind=ScoreSheet.Kind.SELF,
                                     sheet__status=ScoreSheet.Status.SUBMITTED)
                .values_list("criterion_id", "points"))


@transaction.atomic
def sheet_save(*, sheet: ScoreSheet, lines: dict, by) -> ScoreSheet:
    """Writes the lines {criterion id: (points, comment)} of a sheet being prepared. Points go
    from 0 to the criterion's maximum (a penalty's points are what it deducts); in a
    verification, points other than the unit's own need a comment."""
    sheet = ScoreSheet.objects.select_for_update().select_related("round", "scorer").get(
        pk=sheet.pk)
    if not perms.can_edit_sheet(by, sheet):
        raise PermissionDenied
    criteria = _criteria(sheet.round)
    own = _self_points(sheet) if sheet.kind == ScoreSheet.Kind.VERIFY else {}
    errors, clean = {}, {}
    for criterion_id, (points, comment) in lines.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise ValidationError(_("That criterion is not in the round's table."))
        field = f"points_{criterion.pk}"
        try:
            comment = _text(comment, field=f"comment_{criterion.pk}", limit=MAX_COMMENT)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if points is None:
            continue
        points = Decimal(points)
        if points < 0 or points > criterion.max_points:
            errors[field] = [_("From 0 to %(max)s.") % {"max": points_text(criterion.max_points)}]
        elif points != points.quantize(Decimal("0.01")):
            errors[field] = [_("At most two decimal places.")]
        elif own and points != own.get(criterion.pk, points) and not comment:
            errors[f"comment_{criterion.pk}"] = [_(
                "Explain why the points differ from the unit's own (%(own)s).") % {
                "own": points_text(own[criterion.pk])}]
        else:
            clean[criterion.pk] = (points, comment)
    if errors:
        raise ValidationError(errors)
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    for criterion_id, (points, comment) in clean.items():
        score = existing.get(criterion_id) or Score(sheet=sheet, criterion_id=criterion_id)
        if score.pk and score.points == points and score.comment == comment:
            continue
        score.points, score.comment = points, comment
        _actor(score, by).save()
    return sheet


@transaction.atomic
def sheet_submit(*, sheet: ScoreSheet, by) -> ScoreSheet:
    """Sends a sheet: every criterion has points and, on a self sheet, every line whose
    criterion requires evidence has some. The sheet is then locked."""
    sheet = ScoreSheet.objects.select_for_update().select_related("round").get(pk=sheet.pk)
    if not perms.can_submit_sheet(by, sheet):
        raise PermissionDenied
    criteria = _criteria(sheet.round)
    scores = {s.criterion_id: s for s in sheet.scores.prefetch_related("evidence")}
    missing = [c for c in criteria.values() if c.pk not in scores]
    if missing:
        raise ValidationError(_("These lines have no points yet: %(lines)s.") % {
            "lines": ", ".join(_line(c) for c in _ordered(missing))})
    if sheet.kind == ScoreSheet.Kind.SELF:
        bare = [c for c in criteria.values()
                if c.evidence_required and not list(scores[c.pk].evidence.all())]
        if bare:
            raise ValidationError(_("These lines require evidence: %(lines)s.") % {
                "lines": ", ".join(_line(c) for c in _ordered(bare))})
    sheet.total = sheet_total((criteria[k].kind, s.points) for k, s in scores.items())
    sheet.status = ScoreSheet.Status.SUBMITTED
    sheet.submitted_at, sheet.submitted_by = timezone.now(), by
    _actor(sheet, by).save()
    return sheet


def _ordered(criteria):
    return sorted(criteria, key=lambda c: (c.section.position, c.section_id, c.position, c.pk))


def _line(criterion) -> str:
    return criterion.code or criterion.text[:40]


@transaction.atomic
def evidence_add(*, sheet: ScoreSheet, criterion: Criterion, upload, by) -> ScoreEvidence:
    """Attaches a checked file (awards.uploads) to a line of a self sheet being prepared; the
    line is created with 0 points if it has none yet."""
    sheet = ScoreSheet.objects.select_for_update().select_related("round").get(pk=sheet.pk)
    if not perms.can_add_evidence(by, sheet):
        raise PermissionDenied
    if criterion.section.table_id != sheet.round.table_id:
        raise ValidationError(_("That criterion is not in the round's table."))
    checked = check_upload(upload)
    used = sum(ScoreEvidence.objects.filter(score__sheet=sheet).values_list("size", flat=True))
    if used + checked.size > max_dossier_bytes():
        raise ValidationError(_("The sheet's evidence would exceed %(mb)s MB in all.") % {
            "mb": max_dossier_bytes() // (1024 * 1024)})
    score = Score.objects.filter(sheet=sheet, criterion=criterion).first()
    if score is None:
        score = _actor(Score(sheet=sheet, criterion=criterion, points=0), by)
        score.save()
    evidence = ScoreEvidence(score=score, original_name=checked.name,
                             content_type=checked.content_type, size=checked.size,
                             sha256=checked.sha256, uploaded_by=by)
    evidence.file.save(checked.name, upload, save=False)
    _actor(evidence, by).save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: ScoreEvidence, by) -> None:
    """Takes a wrong file off a line of a self sheet still being prepared. The history keeps
    who removed which file (name, size, SHA-256) and when; the stored file goes after the
    commit."""
    sheet = ScoreSheet.objects.select_for_update().select_related("round").get(
        pk=evidence.score.sheet_id)
    if not perms.can_add_evidence(by, sheet):
        raise PermissionDenied
    stored, storage = evidence.file.name, evidence.file.storage
    _actor(evidence, by).delete()
    transaction.on_commit(lambda: storage.delete(stored))


# --- the proposal of the leading units ---------------------------------------------------------


def proposal_limits(round: ScoringRound) -> dict:
    """{award code: the most units the rule set on the closing date allows, or None for no
    limit}. Raises ValidationError when no rule set covers that date."""
    from awards.selectors import RuleSetMissing, rule_parameters

    day = timezone.localdate(round.closed_at) if round.closed_at else timezone.localdate()
    try:
        params = rule_parameters(day)
    except RuleSetMissing:
        raise ValidationError(_("No rule set is in force on %(date)s.") % {
            "date": day.strftime("%d/%m/%Y")}) from None
    return {FLAG: params["flags_per_cluster_max"], CERTIFICATE: params.get(CERTIFICATE_LIMIT_KEY)}


def open_cycle_for(award_type, year):
    """The Alliance's open cycle for the achievements of `year` that accepts the award."""
    from awards.models import AwardCycle

    return (AwardCycle.objects.filter(organizer__kind=Organization.Kind.VCA_CENTRAL,
                                      status=AwardCycle.Status.OPEN, award_types=award_type,
                                      year=year)
            .order_by("-deadline", "-id").first())


def _check_choices(results, choices, reasons, limits, award_types):
    ranked = {r.organization.pk: r for r in results}
    errors = {}
    for code, chosen in choices.items():
        chosen = set(chosen)
        if chosen - set(ranked):
            raise ValidationError(_("Only units ranked in this round may be proposed."))
        limit = limits.get(code)
        if limit is not None and len(chosen) > limit:
            errors[code] = [_("%(award)s: at most %(limit)s unit(s), %(count)s chosen.") % {
                "award": award_types[code].name, "limit": limit, "count": len(chosen)}]
        for pk in chosen:
            passed = [r for r in results if r.rank < ranked[pk].rank
                      and r.organization.pk not in chosen]
            if passed and not reasons.get(pk):
                errors[f"reason_{pk}"] = [_(
                    "%(unit)s is ranked below %(above)s, who is not proposed for %(award)s: "
                    "give the reason.") % {"unit": ranked[pk].organization.name,
                                           "above": _names(r.organization for r in passed),
                                           "award": award_types[code].name}]
    if errors:
        raise ValidationError(errors)


def _summary(round, result, count, reason) -> str:
    text = _("Ranked %(rank)s of %(count)s with a final score of %(score)s in the %(round)s of "
             "%(group)s, %(year)s.") % {
        "rank": result.rank, "count": count, "score": points_text(result.final),
        "round": round.get_half_display().lower(), "group": round.group.name, "year": round.year}
    return f"{text} {reason}".strip()


def _nominate(dossier, award_type, organization, summary, by, group):
    """The leader's dossier takes the group's member units (awards.services_dossiers checks
    that the dossier's unit leads the group that year and that the unit is a member)."""
    from awards.services_dossiers import nomination_add

    return nomination_add(dossier=dossier, award_type=award_type, organization=organization,
                          achievement_summary=summary, by=by, group=group)


def _leader_dossier(cycle, leader, by):
    from awards.models import Dossier
    from awards.services_dossiers import dossier_create

    dossier = Dossier.objects.filter(cycle=cycle, organization=leader).first()
    if dossier is None:
        return dossier_create(cycle=cycle, organization=leader, by=by)
    if dossier.is_locked:
        raise ValidationError(_("The dossier of %(unit)s in “%(cycle)s” has been sent: it can "
                                "take new nominations only after it is returned.") % {
            "unit": leader.name, "cycle": cycle.title})
    return dossier


@transaction.atomic
def proposal_confirm(*, round: ScoringRound, choices: dict, reasons: dict, by) -> list:
    """Proposes the chosen units ({award code: [organization ids]}) of a closed year-end round:
    within the rule set's limit, from the top of the ranking (a unit below an unproposed one
    needs a reason), each as a nomination in the leader unit's draft dossier of the open cycle
    of the Alliance that accepts the award. All or nothing."""
    from awards.models import AwardType

    if not perms.can_propose(by, round):
        raise PermissionDenied
    round = ScoringRound.objects.select_for_update().select_related("group").get(pk=round.pk)
    if round.proposals.exists():
        raise ValidationError(_("The leading units of this round have already been proposed."))
    choices = {code: list(ids) for code, ids in choices.items() if code in (FLAG, CERTIFICATE)
               and ids}
    if not choices:
        raise ValidationError(_("Choose at least one unit to propose."))
    reasons = {int(pk): _text(text, field=f"reason_{pk}", limit=MAX_REASON)
               for pk, text in reasons.items()}
    award_types = {a.code: a for a in AwardType.objects.filter(code__in=[FLAG, CERTIFICATE])}
    results = round_results(round)
    _check_choices(results, choices, reasons, proposal_limits(round), award_types)
    cycles = {}
    for code in choices:
        cycles[code] = open_cycle_for(award_types[code], round.year)
        if cycles[code] is None:
            raise ValidationError(_("No award cycle of the Alliance for the achievements of "
                                    "%(year)s is open for %(award)s: the proposal can be made "
                                    "once one is opened.") % {
                "award": award_types[code].name, "year": round.year})
    leader = Organization.objects.get(pk=perms.access(by, round).leader_id)
    ranked = {r.organization.pk: r for r in results}
    proposals = []
    for code, chosen in choices.items():
        dossier = _leader_dossier(cycles[code], leader, by)
        for pk in sorted(chosen, key=lambda p: (ranked[p].rank, p)):
            result = ranked[pk]
            nomination = _nominate(dossier, award_types[code], result.organization,
                                   _summary(round, result, len(results), reasons.get(pk, "")),
                                   by, round.group)
            proposal = RoundProposal(round=round, organization=result.organization,
                                     award_type=award_types[code], rank=result.rank,
                                     final_score=rounded(result.final), nomination=nomination,
                                     proposed_by=by)
            try:
                with transaction.atomic():
                    _actor(proposal, by).save()
            except IntegrityError:
                raise ValidationError(_("%(unit)s is already proposed.") % {
                    "unit": result.organization.name}) from None
            proposals.append(proposal)
    return proposals
