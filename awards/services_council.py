"""Every write of the council: councils, terms and members; meetings, their agenda, attendance
and recusals; opening and closing the vote; ballots; the tally and its effect on the
nominations. Refusals raise PermissionDenied, ValidationError or TransitionError with a
Vietnamese message and change nothing.

Secrecy (quality-targets S7): `ballot_submit` writes the participation (who voted) and the
ballot (what was voted on the secret items: no user, no date-time, a random key) in one
transaction, and logs, notifies and audits nothing about the choices. The tally reads ballots
only after the close."""

import datetime
import hashlib
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters.models import Organization
from deadlines.services import notify

from . import permissions
from .models import (
    AgendaItem, Attendance, AwardType, Ballot, BallotDraft, BallotParticipation, Choice, Council,
    CouncilMeeting, CouncilMember, CouncilTerm, MeetingEvent, Nomination, OpenVote, Recusal,
)
from .models.dossiers import DossierEvent
from .services_dossiers import _history_user as _with_user
from .services_dossiers import _text
from .selectors import RuleSetMissing, rule_parameters
from .workflow import NOMINATION_TRANSITIONS, TransitionError, target

MAX_TEXT = 300
MAX_REASON = 500
CHOICES = {c.value for c in Choice}
M = CouncilMeeting.Status


def _event(meeting, by, action, *, before="", after="", detail=""):
    MeetingEvent.objects.create(meeting=meeting, actor=by, action=action, from_status=before,
                                to_status=after, detail=detail)


# --- councils, terms, members ------------------------------------------------------------------


@transaction.atomic
def council_create(*, organization: Organization, name: str, by) -> Council:
    council = Council(organization=organization,
                      name=_text(name, field="name", required=True, limit=MAX_TEXT))
    if not permissions.can_manage_council(by, council):
        raise PermissionDenied
    _with_user(council, by).save()
    return council


@transaction.atomic
def council_update(*, council: Council, by, name: str, is_active: bool = True) -> Council:
    if not permissions.can_manage_council(by, council):
        raise PermissionDenied
    council.name = _text(name, field="name", required=True, limit=MAX_TEXT)
    council.is_active = is_active
    _with_user(council, by).save()
    return council


def _check_period(start, end, *, start_field="start_date", end_field="end_date"):
    if start is None:
        raise ValidationError({start_field: _("Please fill in this field.")})
    if end is not None and end < start:
        raise ValidationError({end_field: _("The end date must not be before the start date.")})


@transaction.atomic
def term_save(*, council: Council, by, name: str, start_date: datetime.date,
              end_date: datetime.date | None = None, basis: str = "",
              term: CouncilTerm | None = None) -> CouncilTerm:
    """Create a term, or change one (`term`). Terms of a council do not overlap."""
    if not permissions.can_manage_council(by, council):
        raise PermissionDenied
    _check_period(start_date, end_date)
    term = term or CouncilTerm(council=council)
    term.name = _text(name, field="name", required=True, limit=MAX_TEXT)
    term.basis = _text(basis, field="basis", limit=MAX_TEXT)
    term.start_date, term.end_date = start_date, end_date
    others = CouncilTerm.objects.filter(council=council).exclude(pk=term.pk)
    if end_date is not None:
        others = others.filter(start_date__lte=end_date)
    if others.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date)).exists():
        raise ValidationError({"start_date": _("The term overlaps another term of the council.")})
    outside = Q(date__lt=start_date) | Q(date__gt=end_date) if end_date else Q(
        date__lt=start_date)
    if term.pk and term.meetings.filter(outside).exists():
        raise ValidationError({"start_date": _(
            "A meeting of this term falls outside the new dates.")})
    _with_user(term, by).save()
    return term


def _max_vice_chairs(day) -> int | None:
    try:
        return int(rule_parameters(day)["council_max_vice_chairs"])
    except (RuleSetMissing, KeyError):
        return None


def _overlapping(term, start, end, *, exclude=None):
    seats = CouncilMember.objects.filter(term=term).exclude(pk=getattr(exclude, "pk", None))
    if end is not None:
        seats = seats.filter(valid_from__lte=end)
    return seats.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))


@transaction.atomic
def member_save(*, term: CouncilTerm, by, user, full_name: str, organization: Organization,
                position: str, valid_from: datetime.date, valid_to: datetime.date | None = None,
                job_title: str = "", votes: bool = True, sort_order: int | None = None,
                member: CouncilMember | None = None) -> CouncilMember:
    """Give a seat (or change one). The seat lies within the term; one chair at a time; at most
    the rule set's number of vice chairs (rule 24); one seat per person at a time."""
    if not permissions.can_manage_council(by, term.council):
        raise PermissionDenied
    _check_period(valid_from, valid_to, start_field="valid_from", end_field="valid_to")
    if position not in CouncilMember.Position.values:
        raise ValidationError({"position": _("Choose one of the listed values.")})
    if valid_from < term.start_date or (term.end_date and (valid_to is None
                                                           or valid_to > term.end_date)):
        raise ValidationError({"valid_from": _("The seat must lie within the term (%(term)s).")
                               % {"term": term.name}})
    overlapping = _overlapping(term, valid_from, valid_to, exclude=member)
    if overlapping.filter(user=user).exists():
        raise ValidationError({"user": _("This person already has a seat in the term over "
                                         "these dates.")})
    if position == CouncilMember.Position.CHAIR and overlapping.filter(
            position=CouncilMember.Position.CHAIR).exists():
        raise ValidationError({"position": _("The council already has a chair over these "
                                             "dates.")})
    if position == CouncilMember.Position.VICE_CHAIR:
        limit = _max_vice_chairs(valid_from)
        count = overlapping.filter(position=CouncilMember.Position.VICE_CHAIR).count()
        if limit is not None and count >= limit:
            raise ValidationError({"position": _(
                "The rule set allows at most %(limit)s vice chairs.") % {"limit": limit}})
    member = member or CouncilMember(term=term)
    if member.pk and (valid_from != member.valid_from or valid_to != member.valid_to):
        used = CouncilMeeting.objects.filter(Q(chair=member) | Q(secretary=member))
        outside = used.filter(Q(date__lt=valid_from) | Q(date__gt=valid_to) if valid_to
                              else Q(date__lt=valid_from))
        if outside.exists():
            raise ValidationError({"valid_to": _("The member presides or records a meeting "
                                                 "outside these dates.")})
    member.user, member.organization, member.position = user, organization, position
    member.full_name = _text(full_name, field="full_name", limit=200, required=True)
    member.job_title = _text(job_title, field="job_title", limit=MAX_TEXT)
    member.valid_from, member.valid_to = valid_from, valid_to
    member.votes = bool(votes)
    if sort_order is None and not member.pk:
        sort_order = (CouncilMember.objects.filter(term=term).aggregate(m=Max("sort_order"))["m"]
                      or 0) + 1
    if sort_order is not None:
        member.sort_order = sort_order
    _with_user(member, by).save()
    return member


# --- the rules of the vote ---------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRule:
    mode: str
    threshold: Decimal
    strict: bool
    denominator: str
    written_count: bool


def item_rule(award_type: AwardType, params) -> ItemRule:
    """The ballot mode of the award, and the share, comparison and denominator the rule set
    gives it: the high share (reached: ≥) for the awards listed, a majority (exceeded: >) for
    the others."""
    high = {code.strip().upper() for code in
            str(params.get("council_vote_share_high_awards", "")).split(",") if code.strip()}
    if award_type.code in high:
        threshold, strict = Decimal(params["council_vote_share_high_percent"]), False
    else:
        threshold, strict = Decimal(params["council_vote_share_other_percent"]), True
    return ItemRule(
        mode=AgendaItem.Mode.SECRET if award_type.secret_ballot else AgendaItem.Mode.OPEN,
        threshold=threshold, strict=strict,
        denominator=str(params.get("council_vote_denominator",
                                   AgendaItem.Denominator.ENTITLED)),
        written_count=bool(params.get("council_absent_written_votes_count", True)))


def _params(day):
    try:
        return rule_parameters(day)
    except RuleSetMissing:
        raise ValidationError(_("No rule set is in force on %(day)s: the vote has no "
                                "threshold.") % {"day": day.strftime("%d/%m/%Y")})


def _apply_rule(item: AgendaItem, rule: ItemRule) -> AgendaItem:
    item.mode, item.threshold, item.strict = rule.mode, rule.threshold, rule.strict
    item.denominator, item.written_count = rule.denominator, rule.written_count
    return item


def passes(agree: int, base: int, threshold: Decimal, strict: bool) -> bool:
    """The exact comparison of rule 25: agree × 100 against threshold × base, in integers (the
    threshold has at most four decimals), with no rounding. No base, no pass."""
    if base <= 0:
        return False
    left = agree * 100 * 10_000
    right = int(threshold * 10_000) * base
    return left > right if strict else left >= right


def quorum_for(total: int, params) -> int:
    """The smallest number present that meets numerator/denominator of all members."""
    numerator = int(params.get("council_quorum_numerator", 2))
    denominator = int(params.get("council_quorum_denominator", 3))
    return -(-total * numerator // denominator) if total else 0


# --- meetings ----------------------------------------------------------------------------------


def voting_members(meeting: CouncilMeeting):
    """The term's voting members serving on the meeting day."""
    return (CouncilMember.objects.filter(term_id=meeting.term_id, votes=True,
                                         valid_from__lte=meeting.date)
            .exclude(valid_to__lt=meeting.date))


def members_on(meeting: CouncilMeeting):
    return (CouncilMember.objects.filter(term_id=meeting.term_id, valid_from__lte=meeting.date)
            .exclude(valid_to__lt=meeting.date).order_by("sort_order", "id"))


def _term_on(council: Council, day) -> CouncilTerm:
    term = (CouncilTerm.objects.filter(council=council, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).first())
    if term is None:
        raise ValidationError({"date": _("The council has no term covering that day.")})
    return term


@transaction.atomic
def meeting_save(*, council: Council, by, title: str, date: datetime.date, place: str = "",
                 chair: CouncilMember, secretary: CouncilMember | None = None,
                 meeting: CouncilMeeting | None = None) -> CouncilMeeting:
    """Create a meeting, or change one in preparation. The presiding member and the secretary
    serve in the term on the day; the agenda's rules are read again for a new date."""
    if not permissions.can_prepare_meetings(by, council):
        raise PermissionDenied
    if meeting is not None and meeting.status != M.DRAFT:
        raise TransitionError(_("Only a meeting in preparation can be changed."))
    if date is None:
        raise ValidationError({"date": _("Please fill in this field.")})
    term = _term_on(council, date)
    for field, seat in (("chair", chair), ("secretary", secretary)):
        if seat is not None and (seat.term_id != term.pk or not seat.serves_on(date)):
            raise ValidationError({field: _("%(name)s has no seat in the council on that day.")
                                   % {"name": seat.full_name}})
    if not chair.votes:
        raise ValidationError({"chair": _("The presiding member must be a voting member.")})
    new = meeting is None
    meeting = meeting or CouncilMeeting(council=council, created_by=by)
    date_changed = not new and meeting.date != date
    meeting.term, meeting.date, meeting.chair, meeting.secretary = term, date, chair, secretary
    meeting.title = _text(title, field="title", required=True, limit=MAX_TEXT)
    meeting.place = _text(place, field="place", limit=MAX_TEXT)
    _with_user(meeting, by).save()
    if new:
        _event(meeting, by, "create", after=meeting.status)
    elif date_changed:
        params = _params(date)
        items = list(meeting.items.select_related("nomination__award_type"))
        for item in items:
            _apply_rule(item, item_rule(item.nomination.award_type, params))
        AgendaItem.objects.bulk_update(items, ["mode", "threshold", "strict", "denominator",
                                               "written_count"])
        _refresh_automatic_recusals(meeting)
    return meeting


def _refresh_automatic_recusals(meeting: CouncilMeeting, items=None) -> None:
    """A member does not vote on what their own unit nominated (shown and recorded)."""
    members = list(members_on(meeting).filter(votes=True))
    by_org = {}
    for member in members:
        by_org.setdefault(member.organization_id, []).append(member)
    items = items if items is not None else list(
        meeting.items.select_related("nomination__dossier__organization"))
    Recusal.objects.filter(item__in=items, automatic=True).delete()
    rows = []
    for item in items:
        dossier_org = item.nomination.dossier.organization
        for member in by_org.get(dossier_org.pk, []):
            rows.append(Recusal(item=item, member=member, automatic=True, reason=_(
                "Nominated by the member's own unit (%(unit)s).") % {"unit": dossier_org.name}))
    Recusal.objects.bulk_create(rows, ignore_conflicts=True)


def agenda_candidates(meeting: CouncilMeeting, cycle):
    """Nominations of the cycle the meeting may vote on and that are on no agenda of a meeting
    still in preparation or voting."""
    from .selectors_appraisal import nominations_ready_for_council

    busy = set(AgendaItem.objects.filter(
        nomination__dossier__cycle=cycle, meeting__status__in=[M.DRAFT, M.OPEN])
        .values_list("nomination_id", flat=True))
    return [n for n in nominations_ready_for_council(cycle, meeting.date) if n.pk not in busy]


@transaction.atomic
def agenda_add(*, meeting: CouncilMeeting, nominations, by) -> list[AgendaItem]:
    """Put nominations on the agenda (one, or a whole list at once), each with the ballot mode
    and threshold of its award in the rule set of the meeting day."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.can_edit_meeting(by, meeting):
        raise PermissionDenied
    nominations = list(nominations)
    if not nominations:
        raise ValidationError(_("Choose at least one nomination."))
    cycles = {n.dossier.cycle for n in nominations}
    allowed = set()
    for cycle in cycles:
        if cycle.organizer_id != meeting.council.organization_id:
            raise ValidationError(_("The cycle “%(cycle)s” is not organized by the council's "
                                    "organization.") % {"cycle": cycle.title})
        allowed |= {n.pk for n in agenda_candidates(meeting, cycle)}
    refused = [n for n in nominations if n.pk not in allowed]
    if refused:
        raise ValidationError(_("These nominations cannot be put to the vote (not agreed by "
                                "the appraisal, no council vote for the award, the public "
                                "notice period not over, or already on an agenda): %(names)s.")
                              % {"names": ", ".join(n.candidate_name for n in refused[:10])})
    params = _params(meeting.date)
    start = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
    items = [_apply_rule(AgendaItem(meeting=meeting, nomination=n, position=start + i),
                         item_rule(n.award_type, params))
             for i, n in enumerate(nominations)]
    items = AgendaItem.objects.bulk_create(items)
    items = list(AgendaItem.objects.filter(pk__in=[i.pk for i in items])
                 .select_related("nomination__dossier__organization"))
    _refresh_automatic_recusals(meeting, items)
    _event(meeting, by, "agenda_add", detail=_("%(count)s nomination(s) added to the agenda.")
           % {"count": len(items)})
    return items


@transaction.atomic
def agenda_remove(*, item: AgendaItem, by) -> None:
    meeting = CouncilMeeting.objects.select_for_update().get(pk=item.meeting_id)
    if not permissions.can_edit_meeting(by, meeting):
        raise PermissionDenied
    name = item.nomination.candidate_name
    item.delete()
    _event(meeting, by, "agenda_remove", detail=_("Removed from the agenda: %(name)s.")
           % {"name": name})


@transaction.atomic
def attendance_record(*, meeting: CouncilMeeting, statuses: dict, by) -> None:
    """Record attendance ({member id: status}). Before voting closes; once a member has voted,
    they stay present (or absent with a written opinion)."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.can_record_attendance(by, meeting):
        raise PermissionDenied
    members = {m.pk: m for m in members_on(meeting)}
    voted = set(BallotParticipation.objects.filter(meeting=meeting)
                .values_list("member_id", flat=True))
    current = {a.member_id: a for a in meeting.attendance.all()}
    for member_id, status in statuses.items():
        member = members.get(int(member_id))
        if member is None:
            raise ValidationError(_("That person has no seat in the council on the meeting "
                                    "day."))
        if status not in Attendance.Status.values:
            raise ValidationError(_("Choose one of the listed values."))
        row = current.get(member.pk)
        if row is not None and row.status == status:
            continue
        if member.pk in voted:
            raise ValidationError(_("%(name)s has already voted: their attendance cannot "
                                    "change.") % {"name": member.full_name})
        row = row or Attendance(meeting=meeting, member=member)
        row.status, row.recorded_by = status, by
        _with_user(row, by).save()


def attendance_counts(meeting: CouncilMeeting) -> dict:
    voters = set(voting_members(meeting).values_list("pk", flat=True))
    counts = {s: 0 for s in Attendance.Status.values}
    for member_id, status in meeting.attendance.values_list("member_id", "status"):
        if member_id in voters:
            counts[status] += 1
    counts["total"] = len(voters)
    counts["unrecorded"] = len(voters) - sum(counts[s] for s in Attendance.Status.values)
    return counts


@transaction.atomic
def recusal_declare(*, meeting: CouncilMeeting, item: AgendaItem, by, reason: str) -> Recusal:
    """A member declares a conflict of interest on an item, before they vote."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    seat = permissions.council_seat(by, meeting)
    if seat is None or not seat.votes or item.meeting_id != meeting.pk:
        raise PermissionDenied
    if meeting.status == M.CLOSED:
        raise TransitionError(_("Voting is closed."))
    if BallotParticipation.objects.filter(meeting=meeting, member=seat).exists():
        raise TransitionError(_("You have already voted: a conflict must be declared before "
                                "you vote."))
    reason = _text(reason, field="reason", limit=MAX_REASON, required=True)
    recusal, created = Recusal.objects.get_or_create(
        item=item, member=seat, defaults={"automatic": False, "reason": reason})
    if not created:
        return recusal  # already recused (automatically or before): nothing new to record
    _event(meeting, by, "recuse", detail=_("%(name)s does not vote on “%(item)s”: %(reason)s")
           % {"name": seat.full_name, "item": item.nomination, "reason": recusal.reason})
    return recusal


@transaction.atomic
def meeting_open(*, meeting: CouncilMeeting, by) -> CouncilMeeting:
    """The presiding member opens the vote once the quorum of the rule set is present. The
    rule set, the number of voting members and the quorum are frozen; each item's rule is read
    again from the rule set of the meeting day."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.can_preside(by, meeting):
        raise PermissionDenied
    if meeting.status != M.DRAFT:
        raise TransitionError(_("Voting can be opened only for a meeting in preparation."))
    items = list(meeting.items.select_related("nomination__award_type",
                                              "nomination__dossier__organization"))
    if not items:
        raise TransitionError(_("The agenda is empty."))
    params = _params(meeting.date)
    counts = attendance_counts(meeting)
    quorum = quorum_for(counts["total"], params)
    if counts["total"] == 0 or counts["present"] < quorum:
        raise TransitionError(_("The quorum is not met: %(present)s of %(total)s members are "
                                "present, %(quorum)s are needed.") % {
            "present": counts["present"], "total": counts["total"], "quorum": quorum})
    for item in items:
        _apply_rule(item, item_rule(item.nomination.award_type, params))
    AgendaItem.objects.bulk_update(items, ["mode", "threshold", "strict", "denominator",
                                           "written_count"])
    _refresh_automatic_recusals(meeting, items)
    meeting.rule_set = params.rule_set
    meeting.voting_members, meeting.present_members = counts["total"], counts["present"]
    meeting.quorum = quorum
    meeting.status, meeting.opened_at, meeting.opened_by = M.OPEN, timezone.now(), by
    _with_user(meeting, by).save()
    _event(meeting, by, "open", before=M.DRAFT, after=M.OPEN, detail=_(
        "%(present)s of %(total)s members present; quorum %(quorum)s.") % {
        "present": counts["present"], "total": counts["total"], "quorum": quorum})
    voters = [m.user for m in voting_members(meeting).select_related("user")
              .filter(pk__in=meeting.attendance.filter(status=Attendance.Status.PRESENT)
                      .values("member_id"))]
    transaction.on_commit(lambda: notify(users=voters, text=_(
        "Voting is open: %(meeting)s.") % {"meeting": meeting.title},
        url=meeting.get_absolute_url()))
    return meeting


# --- ballots -----------------------------------------------------------------------------------


def _clean_choices(meeting, seat, choices: dict, *, complete: bool) -> dict:
    """{item id: choice} for the items the member may vote on; every such item answered when
    `complete`."""
    recused = set(Recusal.objects.filter(item__meeting=meeting, member=seat)
                  .values_list("item_id", flat=True))
    items = {pk: mode for pk, mode in meeting.items.values_list("pk", "mode")
             if pk not in recused}
    clean = {}
    for key, value in (choices or {}).items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            raise ValidationError(_("The ballot names an item that is not on the agenda."))
        if pk in recused:
            continue
        if pk not in items:
            raise ValidationError(_("The ballot names an item that is not on the agenda."))
        if value not in CHOICES:
            raise ValidationError(_("Each item takes agree, disagree or abstain."))
        clean[pk] = value
    if complete:
        missing = len(items) - len(clean)
        if missing:
            raise ValidationError(ngettext(
                "%(count)s item has no choice yet. Choose for each item, or “agree to all "
                "remaining”.",
                "%(count)s items have no choice yet. Choose for each item, or “agree to all "
                "remaining”.", missing) % {"count": missing})
    return {pk: (items[pk], value) for pk, value in clean.items()}


def _receipt() -> tuple[str, str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(16))
    code = "-".join(code[i:i + 4] for i in range(0, 16, 4))
    return code, receipt_hash(code)


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _cast(meeting, seat, cleaned: dict, *, written: bool) -> str:
    """Write the participation, then the ballot and the open votes, in the caller's
    transaction. The unique participation makes a second ballot fail as a whole."""
    try:
        with transaction.atomic():
            BallotParticipation.objects.create(meeting=meeting, member=seat, written=written)
    except IntegrityError:
        raise TransitionError(_("This member has already voted in this meeting."))
    code, digest = ("", "") if written else _receipt()
    secret = {str(pk): value for pk, (mode, value) in cleaned.items()
              if mode == AgendaItem.Mode.SECRET}
    if secret:
        Ballot.objects.create(meeting=meeting, choices=secret, written=written,
                              receipt_hash=digest)
        _reshuffle_ballots(meeting)
    OpenVote.objects.bulk_create([
        OpenVote(item_id=pk, member=seat, choice=value, written=written)
        for pk, (mode, value) in cleaned.items() if mode == AgendaItem.Mode.OPEN])
    BallotDraft.objects.filter(meeting=meeting, member=seat).delete()
    return code if secret else ""


def _reshuffle_ballots(meeting) -> None:
    """Write the meeting's ballots again, all of them, in a random order, in the current
    transaction. Otherwise a ballot written in its voter's transaction would sit in the table
    in voting order (SQLite's rowid, PostgreSQL's ctid) and carry that transaction's id
    (PostgreSQL's xmin), which a database administrator could pair with the participation
    written beside it. Now every live ballot carries the id of the latest transaction and a
    random place. The dead row versions keep theirs until VACUUM, which the close runs."""
    ballots = list(Ballot.objects.filter(meeting=meeting))
    random.SystemRandom().shuffle(ballots)
    Ballot.objects.filter(meeting=meeting).delete()
    Ballot.objects.bulk_create(ballots)


def _vacuum_ballots() -> None:
    from django.db import connection

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {connection.ops.quote_name(Ballot._meta.db_table)}")


@transaction.atomic
def ballot_submit(*, meeting: CouncilMeeting, by, choices: dict,
                  agree_remaining: bool = False) -> str:
    """Cast the member's ballot, once. Returns the receipt code (empty when the meeting has no
    secret item). The meeting row is locked so that the close waits for ballots in flight."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    seat = permissions.council_seat(by, meeting)
    if seat is None or not seat.votes:
        raise PermissionDenied
    if meeting.status != M.OPEN:
        raise TransitionError(_("Voting is not open."))
    attendance = meeting.attendance.filter(member=seat).values_list("status", flat=True).first()
    if attendance != Attendance.Status.PRESENT:
        raise TransitionError(_("The secretary has not recorded you as present: only members "
                                "present vote here."))
    choices = dict(choices or {})
    if agree_remaining:
        for pk in meeting.items.values_list("pk", flat=True):
            choices.setdefault(str(pk), Choice.AGREE)
    cleaned = _clean_choices(meeting, seat, choices, complete=True)
    return _cast(meeting, seat, cleaned, written=False)


@transaction.atomic
def written_opinion_record(*, meeting: CouncilMeeting, member: CouncilMember, choices: dict,
                           by) -> None:
    """The secretary enters the written opinion of a member absent with a written opinion.
    Whether it counts is the rule set's (council_absent_written_votes_count)."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.can_record_attendance(by, meeting):
        raise PermissionDenied
    if meeting.status != M.OPEN:
        raise TransitionError(_("Voting is not open."))
    if member.term_id != meeting.term_id or not member.votes or not member.serves_on(
            meeting.date):
        raise ValidationError(_("That person has no seat in the council on the meeting day."))
    status = meeting.attendance.filter(member=member).values_list("status", flat=True).first()
    if status != Attendance.Status.WRITTEN:
        raise ValidationError(_("Record the member as absent with a written opinion first."))
    cleaned = _clean_choices(meeting, member, choices, complete=True)
    _cast(meeting, member, cleaned, written=True)


@transaction.atomic
def draft_save(*, meeting: CouncilMeeting, by, choices: dict) -> int:
    """Keep the member's choices on the open items (secret ones are dropped: their draft stays
    in the browser). Returns how many are kept."""
    seat = permissions.council_seat(by, meeting)
    if seat is None or not seat.votes or meeting.status != M.OPEN:
        raise PermissionDenied
    if BallotParticipation.objects.filter(meeting=meeting, member=seat).exists():
        raise TransitionError(_("This member has already voted in this meeting."))
    if meeting.attendance.filter(member=seat).values_list("status", flat=True).first() != (
            Attendance.Status.PRESENT):
        raise TransitionError(_("The secretary has not recorded you as present: only members "
                                "present vote here."))
    cleaned = _clean_choices(meeting, seat, choices, complete=False)
    kept = {str(pk): value for pk, (mode, value) in cleaned.items()
            if mode == AgendaItem.Mode.OPEN}
    BallotDraft.objects.update_or_create(meeting=meeting, member=seat,
                                         defaults={"choices": kept})
    return len(kept)


# --- the close and the tally -------------------------------------------------------------------


@dataclass
class Count:
    agree: int = 0
    disagree: int = 0
    abstain: int = 0

    def add(self, choice):
        setattr(self, choice, getattr(self, choice) + 1)


def recount(meeting: CouncilMeeting) -> dict[int, Count]:
    """Each item's counts, from the raw ballots and open votes; written opinions only where the
    item's rule counts them."""
    items = {i.pk: i for i in meeting.items.all()}
    counts = {pk: Count() for pk in items}
    for ballot in Ballot.objects.filter(meeting=meeting).only("choices", "written"):
        for key, choice in ballot.choices.items():
            item = items.get(int(key))
            if item is not None and (not ballot.written or item.written_count):
                counts[item.pk].add(choice)
    for item_id, choice, written in OpenVote.objects.filter(item__meeting=meeting).values_list(
            "item_id", "choice", "written"):
        if not written or items[item_id].written_count:
            counts[item_id].add(choice)
    return counts


def _bases(meeting: CouncilMeeting):
    """The numbers each denominator may take, for every item."""
    voters = set(voting_members(meeting).values_list("pk", flat=True))
    statuses = dict(meeting.attendance.filter(member_id__in=voters)
                    .values_list("member_id", "status"))
    present = sum(1 for s in statuses.values() if s == Attendance.Status.PRESENT)
    written = sum(1 for s in statuses.values() if s == Attendance.Status.WRITTEN)
    recused = {}
    for item_id, member_id in Recusal.objects.filter(item__meeting=meeting).values_list(
            "item_id", "member_id"):
        if member_id in voters:
            recused[item_id] = recused.get(item_id, 0) + 1
    return len(voters), present, written, recused


def item_base(item: AgendaItem, total: int, present: int, written: int, recused: int) -> int:
    """The denominator: all members; members present (with those who gave a written opinion,
    when written opinions count); or the members entitled to vote on the item."""
    if item.denominator == AgendaItem.Denominator.TOTAL:
        return total
    if item.denominator == AgendaItem.Denominator.PRESENT:
        return present + (written if item.written_count else 0)
    return total - recused


@transaction.atomic
def meeting_close(*, meeting: CouncilMeeting, by) -> CouncilMeeting:
    """The presiding member closes the vote: each item is counted and decided, and the result
    goes to its nomination (approved: ready for a decision; not approved: closed with the
    count)."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.can_preside(by, meeting):
        raise PermissionDenied
    if meeting.status != M.OPEN:
        raise TransitionError(_("Only an open vote can be closed."))
    _reshuffle_ballots(meeting)
    transaction.on_commit(_vacuum_ballots)
    counts = recount(meeting)
    total, present, written, recused = _bases(meeting)
    items = list(meeting.items.select_related("nomination__dossier", "nomination__award_type",
                                              "nomination__person",
                                              "nomination__organization"))
    for item in items:
        count = counts[item.pk]
        item.agree, item.disagree, item.abstain = count.agree, count.disagree, count.abstain
        item.entitled = total - recused.get(item.pk, 0)
        item.base = item_base(item, total, present, written, recused.get(item.pk, 0))
        item.passed = passes(item.agree, item.base, item.threshold, item.strict)
    AgendaItem.objects.bulk_update(items, ["agree", "disagree", "abstain", "entitled", "base",
                                           "passed"])
    meeting.status, meeting.closed_at, meeting.closed_by = M.CLOSED, timezone.now(), by
    meeting.present_members = present
    _with_user(meeting, by).save()
    _event(meeting, by, "close", before=M.OPEN, after=M.CLOSED, detail=_(
        "%(voted)s ballot(s) received.") % {
        "voted": BallotParticipation.objects.filter(meeting=meeting).count()})
    _apply_results(meeting, items, by)
    return meeting


def result_text(item: AgendaItem) -> str:
    sign = ">" if item.strict else "≥"
    verdict = _("approved") if item.passed else _("not approved")
    return _("Council meeting of %(day)s: %(agree)s agree, %(disagree)s disagree, %(abstain)s "
             "abstain, out of %(base)s (%(denominator)s); needed %(sign)s %(threshold)s%%: "
             "%(verdict)s.") % {
        "day": item.meeting.date.strftime("%d/%m/%Y"), "agree": item.agree,
        "disagree": item.disagree, "abstain": item.abstain, "base": item.base,
        "denominator": item.get_denominator_display().lower(), "sign": sign,
        "threshold": _percent(item.threshold), "verdict": verdict}


def _percent(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _apply_results(meeting, items, by) -> None:
    """Move every nomination still agreed to approved or not approved, with its event and
    history row: a fixed number of queries for the whole agenda, so that the close holds the
    meeting's lock briefly even with 500 items."""
    from simple_history.utils import bulk_update_with_history

    nominations = {n.pk: n for n in Nomination.objects.select_for_update().filter(
        pk__in=[i.nomination_id for i in items], status=Nomination.Status.AGREED)}
    changed, events = [], []
    for item in items:
        nomination = nominations.get(item.nomination_id)
        if nomination is None:
            continue  # withdrawn or changed meanwhile: the count stays on the item only
        action = "council_pass" if item.passed else "council_reject"
        to = target(NOMINATION_TRANSITIONS, action, nomination.status)
        before, nomination.status = nomination.status, to
        item.meeting = meeting
        events.append(DossierEvent(dossier_id=nomination.dossier_id, nomination=nomination,
                                   actor=by, action=action, from_status=before, to_status=to,
                                   reason=result_text(item)))
        changed.append(nomination)
    if not changed:
        return
    bulk_update_with_history(changed, Nomination, ["status"], default_user=by,
                             default_change_reason=meeting.title[:100])
    DossierEvent.objects.bulk_create(events)
    passed = sum(1 for n in changed if n.status == Nomination.Status.PASSED)
    preparers = _preparers(meeting.council)
    transaction.on_commit(lambda: notify(users=preparers, text=_(
        "Voting closed: %(meeting)s. %(passed)s of %(count)s nomination(s) approved.") % {
        "meeting": meeting.title, "passed": passed, "count": len(changed)},
        url=meeting.get_absolute_url()))


def _preparers(council: Council):
    from accounts.models import Role, RoleAssignment, User

    ids = (RoleAssignment.objects.current().filter(
        organization__path__startswith=council.organization.path,
        role__in=[Role.ADMIN, Role.APPRAISER]).values_list("user_id", flat=True))
    return [u for u in User.objects.filter(pk__in=ids, is_active=True)
            if permissions.can_prepare_meetings(u, council)]
