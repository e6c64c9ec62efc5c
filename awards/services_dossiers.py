"""Every write to award cycles, dossiers, nominations and their documents, and every
transition of the workflow (awards.workflow). Each transition checks the actor's permission,
writes the new state and a DossierEvent in one transaction, and notifies by
transaction.on_commit. Refusals raise PermissionDenied, ValidationError or TransitionError with
a Vietnamese message, and change nothing."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment
from clusters.models import Organization, Person
from clusters.text import clean_text
from deadlines.services import notify

from . import permissions
from .eligibility import Candidate, ListCheck, Outcome, Request, check_many
from .models import (
    AwardCycle, AwardType, CycleExtension, Dossier, DossierDocument, DossierEvent, Nomination,
    PublicNotice,
)
from .uploads import check_upload, max_dossier_bytes
from .workflow import DOSSIER_TRANSITIONS, NOMINATION_TRANSITIONS, TransitionError, target

MAX_SUMMARY = 8000
MAX_REASON = 4000


def _event(dossier, by, action, *, nomination=None, from_status="", to_status="", reason=""):
    return DossierEvent.objects.create(dossier=dossier, nomination=nomination, actor=by,
                                       action=action, from_status=from_status,
                                       to_status=to_status, reason=reason)


def _history_user(instance, by):
    instance._history_user = by
    return instance


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    value = clean_text(value or "")
    if required and not value:
        raise ValidationError({field: _("Please fill in this field.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)s characters (now %(count)s).") % {
            "limit": limit, "count": len(value)}})
    return value


# --- cycles ------------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(*, organizer: Organization, kind: str, year: int, title: str, award_types,
                 submitters, deadline: datetime.date, note: str = "", by) -> AwardCycle:
    if not permissions.can_manage_cycles_of(by, organizer):
        raise PermissionDenied
    cycle = AwardCycle(organizer=organizer, kind=kind, year=year, deadline=deadline,
                       title=_text(title, field="title", limit=300, required=True),
                       note=_text(note, field="note", limit=4000), created_by=by)
    _check_cycle(cycle, award_types, submitters)
    _history_user(cycle, by).full_clean()
    cycle.save()
    cycle.award_types.set(award_types)
    cycle.submitters.set(submitters)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: AwardCycle, by, award_types=None, submitters=None, **fields):
    if not permissions.can_manage_cycles_of(by, cycle.organizer):
        raise PermissionDenied
    for name in ("kind", "year", "deadline"):
        if name in fields:
            setattr(cycle, name, fields[name])
    if "title" in fields:
        cycle.title = _text(fields["title"], field="title", limit=300, required=True)
    if "note" in fields:
        cycle.note = _text(fields["note"], field="note", limit=4000)
    award_types = list(cycle.award_types.all()) if award_types is None else award_types
    submitters = list(cycle.submitters.all()) if submitters is None else submitters
    _check_cycle(cycle, award_types, submitters)
    _history_user(cycle, by).full_clean()
    cycle.save()
    cycle.award_types.set(award_types)
    cycle.submitters.set(submitters)
    return cycle


def _check_cycle(cycle, award_types, submitters):
    errors = {}
    if not list(award_types):
        errors["award_types"] = _("Choose at least one award.")
    if not list(submitters):
        errors["submitters"] = _("Choose at least one organization that may submit.")
    outside = [o for o in submitters if not o.path.startswith(cycle.organizer.path)]
    if outside:
        errors["submitters"] = _("%(name)s is not under the organizing body.") % {
            "name": outside[0].name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_set_status(*, cycle: AwardCycle, status: str, by) -> AwardCycle:
    if not permissions.can_manage_cycles_of(by, cycle.organizer):
        raise PermissionDenied
    cycle.status = status
    _history_user(cycle, by).save(update_fields=["status"])
    return cycle


@transaction.atomic
def cycle_extend(*, cycle: AwardCycle, organization: Organization, until: datetime.date,
                 reason: str, by) -> CycleExtension:
    """Reopen the cycle after its deadline for one organization (and its members)."""
    if not permissions.can_manage_cycles_of(by, cycle.organizer):
        raise PermissionDenied
    reason = _text(reason, field="reason", limit=2000, required=True)
    if until < timezone.localdate():
        raise ValidationError({"until": _("The new date cannot be in the past.")})
    extension = CycleExtension(cycle=cycle, organization=organization, until=until,
                               reason=reason, granted_by=by)
    _history_user(extension, by).save()
    for dossier in cycle.dossiers.filter(organization=organization):
        _event(dossier, by, "extend", reason=f"{until:%d/%m/%Y}: {reason}")
    return extension


def submission_deadline(cycle: AwardCycle, organization: Organization) -> datetime.date:
    """The cycle's deadline, or a later one an administrator granted to the organization or to
    an organization above it."""
    extensions = [e for e in cycle.extensions.select_related("organization")
                  if organization.path.startswith(e.organization.path)]
    return max([cycle.deadline] + [e.until for e in extensions])


# --- dossiers and nominations ------------------------------------------------------------------


def dossier_recipient(cycle: AwardCycle, organization: Organization) -> Organization:
    """Where the organization's dossier goes: the organizer when the organization is a
    submitter of the cycle, else the nearest submitter above it, which reviews and forwards."""
    submitters = list(cycle.submitters.all())
    if any(s.pk == organization.pk for s in submitters):
        return cycle.organizer
    above = [s for s in submitters if organization.path.startswith(s.path)]
    if not above:
        raise ValidationError(_("%(name)s may not submit a dossier in this cycle.") % {
            "name": organization.name})
    return max(above, key=lambda s: len(s.path))


@transaction.atomic
def dossier_create(*, cycle: AwardCycle, organization: Organization, by) -> Dossier:
    if not permissions.can_prepare_dossier_for(by, organization):
        raise PermissionDenied
    if cycle.status != AwardCycle.Status.OPEN:
        raise ValidationError(_("The cycle is not open for submissions."))
    if Dossier.objects.filter(cycle=cycle, organization=organization).exists():
        raise ValidationError(_("This unit already has a dossier in this cycle."))
    dossier = Dossier(cycle=cycle, organization=organization, created_by=by,
                      recipient=dossier_recipient(cycle, organization))
    _history_user(dossier, by).save()
    _event(dossier, by, "create", to_status=dossier.status)
    return dossier


def _editable(dossier: Dossier, by) -> None:
    if not permissions.can_edit_dossier(by, dossier):
        raise PermissionDenied
    if dossier.is_locked:
        raise TransitionError(_("The dossier has been sent: it can be changed only after it is "
                                "returned for correction."))


@transaction.atomic
def nomination_add(*, dossier: Dossier, award_type: AwardType, achievement_summary: str,
                   person: Person | None = None, organization: Organization | None = None,
                   by, source: Nomination | None = None, group=None) -> Nomination:
    """Add a nomination to a draft dossier. The candidate belongs to the dossier's unit; or,
    with `group` (a clusters.EmulationGroup the unit leads in the cycle's year), the candidate
    is a member unit of that group: the leader proposes its cluster's leading units."""
    if source is None:
        _editable(dossier, by)
    if (person is None) == (organization is None):
        raise ValidationError(_("Choose a person or a collective."))
    if not dossier.cycle.award_types.filter(pk=award_type.pk).exists():
        raise ValidationError({"award_type": _("This cycle does not accept %(award)s.") % {
            "award": award_type.name}})
    candidate_org = person.organization if person else organization
    if group is not None:
        _check_group_nomination(dossier, group, person, organization)
    elif source is None and not candidate_org.path.startswith(dossier.organization.path):
        raise ValidationError(_("%(name)s does not belong to %(unit)s.") % {
            "name": person.full_name if person else organization.name,
            "unit": dossier.organization.name})
    if person is not None and not award_type.for_individuals:
        raise ValidationError({"award_type": _("%(award)s is awarded to collectives only.") % {
            "award": award_type.name}})
    if organization is not None and not award_type.for_collectives:
        raise ValidationError({"award_type": _("%(award)s is awarded to individuals only.") % {
            "award": award_type.name}})
    summary = _text(achievement_summary, field="achievement_summary", limit=MAX_SUMMARY,
                    required=True)
    position = (dossier.nominations.aggregate(m=Max("position"))["m"] or 0) + 1
    nomination = Nomination(dossier=dossier, person=person, organization=organization,
                            award_type=award_type, achievement_summary=summary,
                            position=position, source=source)
    _history_user(nomination, by).full_clean()
    nomination.save()
    return nomination


def _check_group_nomination(dossier, group, person, organization) -> None:
    from clusters.models import GroupLeadership, GroupMembership

    year = dossier.cycle.year
    leads = GroupLeadership.objects.filter(group=group, year=year,
                                           organization=dossier.organization,
                                           role=GroupLeadership.Role.LEADER).exists()
    if not leads:
        raise ValidationError(_("%(unit)s does not lead %(group)s in %(year)s.") % {
            "unit": dossier.organization.name, "group": group.name, "year": year})
    if person is not None or not GroupMembership.objects.filter(
            group=group, year=year, organization=organization).exists():
        raise ValidationError(_("%(name)s is not a member unit of %(group)s in %(year)s.") % {
            "name": person.full_name if person else organization.name, "group": group.name,
            "year": year})


@transaction.atomic
def nomination_update(*, nomination: Nomination, by, achievement_summary: str | None = None,
                      award_type: AwardType | None = None) -> Nomination:
    _editable(nomination.dossier, by)
    if award_type is not None:
        if not nomination.dossier.cycle.award_types.filter(pk=award_type.pk).exists():
            raise ValidationError({"award_type": _("This cycle does not accept %(award)s.") % {
                "award": award_type.name}})
        nomination.award_type = award_type
    if achievement_summary is not None:
        nomination.achievement_summary = _text(achievement_summary, field="achievement_summary",
                                               limit=MAX_SUMMARY, required=True)
    _history_user(nomination, by).full_clean()
    nomination.save()
    return nomination


@transaction.atomic
def nomination_remove(*, nomination: Nomination, by) -> None:
    _editable(nomination.dossier, by)
    for document in nomination.documents.all():
        document.file.delete(save=False)
    _history_user(nomination, by).delete()


# --- documents ---------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, dossier: Dossier, kind: str, upload, by,
                 nomination: Nomination | None = None) -> DossierDocument:
    _editable(dossier, by)
    if kind not in DossierDocument.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    if nomination is not None and nomination.dossier_id != dossier.pk:
        raise PermissionDenied
    checked = check_upload(upload)
    used = sum(dossier.documents.values_list("size", flat=True))
    if used + checked.size > max_dossier_bytes():
        raise ValidationError(_("The dossier's files would exceed %(mb)s MB in all.") % {
            "mb": max_dossier_bytes() // (1024 * 1024)})
    document = DossierDocument(dossier=dossier, nomination=nomination, kind=kind,
                               original_name=checked.name, content_type=checked.content_type,
                               size=checked.size, sha256=checked.sha256, uploaded_by=by)
    document.file.save(checked.name, upload, save=False)
    _history_user(document, by).save()
    return document


@transaction.atomic
def document_remove(*, document: DossierDocument, by) -> None:
    _editable(document.dossier, by)
    document.file.delete(save=False)
    _history_user(document, by).delete()


# --- checks before sending ---------------------------------------------------------------------

DOSSIER_DOCUMENTS = (DossierDocument.Kind.SUBMISSION, DossierDocument.Kind.REVIEW_MINUTES)


@dataclass
class DossierCheck:
    checked: ListCheck
    problems: list[str] = field(default_factory=list)

    @property
    def by_nomination(self) -> dict:
        return {id(r): r for r in self.checked.results}


def dossier_check(dossier: Dossier, *, on_date: datetime.date | None = None,
                  nominations=None) -> DossierCheck:
    """The verdict of every nomination (as one list: quotas and one form per achievement) and
    what stops the dossier from being sent: missing documents, missing facts, ineligible
    nominations. Constant queries whatever the number of nominations."""
    on_date = on_date or (dossier.submitted_at.date() if dossier.submitted_at and dossier.is_locked
                          else timezone.localdate())
    if nominations is None:
        nominations = list(dossier.nominations.exclude(status=Nomination.Status.WITHDRAWN)
                           .select_related("person__organization", "organization", "award_type"))
    requests = [Request(Candidate(person=n.person) if n.person_id
                        else Candidate(organization=n.organization),
                        n.award_type.code, dossier.cycle.year) for n in nominations]
    checked = check_many(requests, on_date=on_date, as_list=True)
    for nomination, result in zip(nominations, checked.results):
        nomination.result = result
    problems = []
    if not nominations:
        problems.append(_("The dossier has no nomination."))
    documents = list(dossier.documents.all())
    kinds = {d.kind for d in documents if d.nomination_id is None}
    for kind in DOSSIER_DOCUMENTS:
        if kind not in kinds:
            problems.append(_("Missing document of the dossier: %(kind)s.") % {
                "kind": DossierDocument.Kind(kind).label})
    by_nomination = {}
    for document in documents:
        if document.nomination_id:
            by_nomination.setdefault(document.nomination_id, set()).add(document.kind)
    for nomination in nominations:
        have = by_nomination.get(nomination.pk, set())
        for kind in nomination.award_type.required_documents or []:
            if kind not in have and kind in DossierDocument.Kind.values:
                problems.append(_("%(name)s (%(award)s): missing %(kind)s.") % {
                    "name": nomination.candidate_name, "award": nomination.award_type.name,
                    "kind": DossierDocument.Kind(kind).label})
        result = nomination.result
        for reason in result.reasons:
            if reason.outcome == Outcome.NOT_MET:
                problems.append(_("%(name)s (%(award)s) is not eligible: %(reason)s") % {
                    "name": nomination.candidate_name, "award": nomination.award_type.name,
                    "reason": reason.text})
            elif reason.outcome == Outcome.MISSING:
                problems.append(_("%(name)s (%(award)s): %(reason)s") % {
                    "name": nomination.candidate_name, "award": nomination.award_type.name,
                    "reason": reason.text})
    return DossierCheck(checked, problems)


# --- transitions -------------------------------------------------------------------------------


def _users_with_role_at(organization: Organization, *roles):
    ids = (RoleAssignment.objects.current().filter(organization=organization, role__in=roles)
           .values_list("user_id", flat=True))
    from accounts.models import User

    return list(User.objects.filter(pk__in=ids, is_active=True))


def _reviewers(dossier: Dossier):
    if dossier.recipient_id == dossier.cycle.organizer_id:
        users = _users_with_role_at(dossier.recipient, Role.APPRAISER, Role.ADMIN)
        if not users and dossier.recipient.is_central:
            # Central appraisers work in Ban Tổ chức cán bộ, a department of the central body.
            users = list({u for org in Organization.objects.filter(
                path__startswith=dossier.recipient.path, kind=Organization.Kind.DEPARTMENT)
                for u in _users_with_role_at(org, Role.APPRAISER)})
        return users
    return _users_with_role_at(dossier.recipient, Role.UNIT_HEAD, Role.UNIT_STAFF, Role.ADMIN)


def _unit_users(dossier: Dossier):
    return _users_with_role_at(dossier.organization, Role.UNIT_HEAD, Role.UNIT_STAFF)


@transaction.atomic
def dossier_submit(*, dossier: Dossier, by) -> Dossier:
    """Send the dossier up. Refused (TransitionError listing the problems) when the cycle is
    closed or past its deadline, or when a document, a fact or an eligible verdict is
    missing. The verdicts are frozen under the rule set of the submission date."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not permissions.can_submit_dossier(by, dossier):
        raise PermissionDenied
    action = "resubmit" if dossier.status == Dossier.Status.RETURNED else "submit"
    to = target(DOSSIER_TRANSITIONS, action, dossier.status)
    today = timezone.localdate()
    if dossier.cycle.status != AwardCycle.Status.OPEN:
        raise TransitionError(_("The cycle is closed: the dossier cannot be sent."))
    deadline = submission_deadline(dossier.cycle, dossier.organization)
    if today > deadline and action == "submit":
        raise TransitionError(_("The deadline (%(date)s) has passed: ask the administrator to "
                                "reopen the cycle for your unit.") % {
            "date": deadline.strftime("%d/%m/%Y")})
    nominations = list(dossier.nominations.exclude(status=Nomination.Status.WITHDRAWN)
                       .select_related("person__organization", "organization", "award_type"))
    report = dossier_check(dossier, on_date=today, nominations=nominations)
    if report.problems:
        raise TransitionError(_("The dossier cannot be sent yet."), report.problems)
    # Freeze the verdicts of the submission day, with the rule set they were read from.
    for nomination in nominations:
        result = nomination.result
        nomination.verdict = result.verdict
        nomination.verdict_reasons = [
            {"outcome": r.outcome, "text": r.text, "citation": r.citation, "verified": r.verified}
            for r in result.reasons]
        nomination.verdict_rule_set = result.rule_set
        if nomination.status in (Nomination.Status.AGREED, Nomination.Status.DISAGREED):
            # A new round is appraised afresh; the previous opinion stays in the events.
            nomination.status = Nomination.Status.PROPOSED
            nomination.appraisal_comment = ""
            nomination.appraised_by = nomination.appraised_at = None
        _history_user(nomination, by).save()
    before = dossier.status
    dossier.status, dossier.submitted_by, dossier.submitted_at = to, by, timezone.now()
    dossier.round += 1
    _history_user(dossier, by).save()
    _event(dossier, by, action, from_status=before, to_status=to)
    notify(users=_reviewers(dossier),
           text=_("%(unit)s sent its dossier for “%(cycle)s”.") % {
               "unit": dossier.organization.name, "cycle": dossier.cycle.title},
           url=reverse("awards:dossier_detail", args=[dossier.pk]))
    return dossier


@transaction.atomic
def dossier_return(*, dossier: Dossier, reason: str, by) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not permissions.can_review_dossier(by, dossier):
        raise PermissionDenied
    reason = _text(reason, field="reason", limit=MAX_REASON)
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for returning the dossier.")})
    to = target(DOSSIER_TRANSITIONS, "return", dossier.status)
    before, dossier.status = dossier.status, to
    _history_user(dossier, by).save()
    _event(dossier, by, "return", from_status=before, to_status=to, reason=reason)
    notify(users=_unit_users(dossier),
           text=_("Your dossier for “%(cycle)s” was returned for correction: %(reason)s") % {
               "cycle": dossier.cycle.title, "reason": reason},
           url=reverse("awards:dossier_detail", args=[dossier.pk]))
    return dossier


@transaction.atomic
def dossier_accept(*, dossier: Dossier, by) -> Dossier:
    """A provincial alliance accepts a member's dossier: its nominations are forwarded in the
    alliance's own dossier of the same cycle (created when needed), for the alliance to send."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not permissions.can_review_dossier(by, dossier):
        raise PermissionDenied
    if dossier.recipient_id == dossier.cycle.organizer_id:
        raise TransitionError(_("This dossier is appraised, not forwarded."))
    to = target(DOSSIER_TRANSITIONS, "accept", dossier.status)
    upper = Dossier.objects.filter(cycle=dossier.cycle, organization=dossier.recipient).first()
    if upper is None:
        upper = Dossier(cycle=dossier.cycle, organization=dossier.recipient, created_by=by,
                        recipient=dossier_recipient(dossier.cycle, dossier.recipient))
        _history_user(upper, by).save()
        _event(upper, by, "create", to_status=upper.status)
    elif upper.is_locked:
        raise TransitionError(_("%(unit)s has already sent its own dossier; it must be returned "
                                "before more nominations are forwarded.") % {
            "unit": dossier.recipient.name})
    for nomination in dossier.nominations.filter(status=Nomination.Status.PROPOSED):
        nomination_add(dossier=upper, award_type=nomination.award_type, person=nomination.person,
                       organization=nomination.organization, source=nomination,
                       achievement_summary=nomination.achievement_summary, by=by)
        nomination.status = Nomination.Status.FORWARDED
        _history_user(nomination, by).save()
        _event(dossier, by, "forward", nomination=nomination,
               from_status=Nomination.Status.PROPOSED, to_status=Nomination.Status.FORWARDED)
    before, dossier.status = dossier.status, to
    _history_user(dossier, by).save()
    _event(dossier, by, "accept", from_status=before, to_status=to)
    notify(users=_unit_users(dossier),
           text=_("Your dossier for “%(cycle)s” was accepted and forwarded by %(unit)s.") % {
               "cycle": dossier.cycle.title, "unit": dossier.recipient.name},
           url=reverse("awards:dossier_detail", args=[dossier.pk]))
    return dossier


@transaction.atomic
def nomination_appraise(*, nomination: Nomination, agree: bool, comment: str = "",
                        by) -> Nomination:
    # Read the dossier's state from the database, not from a possibly stale instance.
    dossier = Dossier.objects.select_related("cycle").get(pk=nomination.dossier_id)
    if not permissions.can_appraise_dossier(by, dossier):
        raise PermissionDenied
    if dossier.status != Dossier.Status.SUBMITTED:
        raise TransitionError(_("Only a submitted dossier is appraised."))
    comment = _text(comment, field="comment", limit=MAX_REASON)
    action = "agree" if agree else "disagree"
    if not agree and not comment:
        raise ValidationError({"comment": _("Please say why the appraisal disagrees.")})
    to = target(NOMINATION_TRANSITIONS, action, nomination.status)
    before = nomination.status
    nomination.status, nomination.appraisal_comment = to, comment
    nomination.appraised_by, nomination.appraised_at = by, timezone.now()
    _history_user(nomination, by).save()
    _event(dossier, by, action, nomination=nomination, from_status=before, to_status=to,
           reason=comment)
    return nomination


@transaction.atomic
def dossier_mark_appraised(*, dossier: Dossier, by) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not permissions.can_appraise_dossier(by, dossier):
        raise PermissionDenied
    to = target(DOSSIER_TRANSITIONS, "appraise", dossier.status)
    pending = dossier.nominations.filter(status=Nomination.Status.PROPOSED)
    if pending.exists():
        raise TransitionError(_("Give the appraisal opinion on every nomination first."),
                              ["%s (%s)" % (n.candidate_name, n.award_type.name)
                               for n in pending.select_related("person", "organization",
                                                               "award_type")])
    before, dossier.status = dossier.status, to
    _history_user(dossier, by).save()
    _event(dossier, by, "appraise", from_status=before, to_status=to)
    notify(users=_unit_users(dossier),
           text=_("Your dossier for “%(cycle)s” has been appraised.") % {
               "cycle": dossier.cycle.title},
           url=reverse("awards:dossier_detail", args=[dossier.pk]))
    return dossier


# --- public notice -----------------------------------------------------------------------------


@transaction.atomic
def public_notice_record(*, nominations, channel: str, start_date: datetime.date,
                         by) -> PublicNotice:
    nominations = list(nominations)
    if not nominations:
        raise ValidationError(_("Choose the nominations that were published."))
    for nomination in nominations:
        if not permissions.can_appraise_dossier(by, nomination.dossier):
            raise PermissionDenied
    if len({n.dossier.cycle_id for n in nominations}) > 1:
        raise ValidationError(_("Choose nominations of one cycle."))
    for nomination in nominations:
        if not nomination.award_type.public_notice_required:
            raise ValidationError(_("%(award)s does not need a public notice.") % {
                "award": nomination.award_type.name})
        if nomination.dossier.status not in (Dossier.Status.SUBMITTED, Dossier.Status.APPRAISED):
            raise ValidationError(_("Only nominations of a sent dossier are published."))
    channel = _text(channel, field="channel", limit=300, required=True)
    notice = PublicNotice(channel=channel, start_date=start_date, recorded_by=by)
    _history_user(notice, by).save()
    notice.nominations.set(nominations)
    return notice


def notice_ready_on(nomination: Nomination, *, book=None) -> datetime.date | None:
    """The first day the nomination may go on a council meeting's agenda: the notice's start
    plus the rule set's number of working days; None while no notice is recorded. Awards that
    need no notice are ready at once (today)."""
    from deadlines.calendar import add_working_days

    from .selectors import RuleSetMissing, rule_parameters

    if not nomination.award_type.public_notice_required:
        return timezone.localdate()
    notices = [n.start_date for n in nomination.public_notices.all()]
    if not notices:
        return None
    start = min(notices)
    try:
        days = rule_parameters(start, book=book)["public_notice_working_days"]
    except RuleSetMissing:
        return None  # no rule says how long: never ready on its own
    return add_working_days(start, days)


# --- submission delegations --------------------------------------------------------------------

from .models import SubmitDelegation  # noqa: E402


@transaction.atomic
def delegation_grant(*, organization: Organization, user, valid_until: datetime.date | None,
                     by) -> SubmitDelegation:
    """The unit head lets a user of the unit send its dossiers up (until `valid_until`, or
    without end). Granting again to the same user changes the date. Audited (history)."""
    if not permissions.can_delegate_submission(by, organization):
        raise PermissionDenied
    if user.pk == by.pk:
        raise ValidationError({"user": _("You already send the unit's dossiers yourself.")})
    works_here = RoleAssignment.objects.current().filter(organization=organization,
                                                         user=user).exists()
    if not works_here or not user.is_active:
        raise ValidationError({"user": _("Choose a user who works in your unit.")})
    if valid_until is not None and valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The date cannot be in the past.")})
    delegation = (SubmitDelegation.objects.filter(organization=organization, user=user).first()
                  or SubmitDelegation(organization=organization, user=user, granted_by=by))
    delegation.valid_until, delegation.granted_by = valid_until, by
    _history_user(delegation, by).save()
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: SubmitDelegation, by) -> None:
    if not permissions.can_delegate_submission(by, delegation.organization):
        raise PermissionDenied
    _history_user(delegation, by).delete()
