"""Reads of the appraisal (thẩm định): the queues of submitted dossiers, one dossier's review
page, the nominations that need a public notice, and the nominations a council meeting may vote
on. Every queryset starts from what the user may see (architecture §8); lists cost a constant
number of queries whatever the number of rows."""

import datetime

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import has_role
from accounts.scoping import active_role, can_see_organization, scope_q, sees_everything
from clusters.models import Organization
from deadlines.calendar import holidays_in, is_working_day

from .models import AwardCycle, Dossier, DossierEvent, Nomination, PublicNotice
from .selectors import RuleBook, RuleSetMissing
from .services_dossiers import notice_ready_on

REVIEWING_ROLES = (Role.UNIT_HEAD, Role.UNIT_STAFF, Role.ADMIN)
RECEIVING_KINDS = (Organization.Kind.PROVINCIAL_ALLIANCE, Organization.Kind.COOP_UNION)

# --- who may open the queues (the predicates on one dossier are in awards.permissions) ---------


def can_open_appraisal_queue(user) -> bool:
    """Appraisers and administrators: of the Alliance, or of a provincial alliance for the
    cycles it organizes itself."""
    return has_role(user, Role.APPRAISER, Role.ADMIN)


def can_open_member_queue(user) -> bool:
    """The staff, head and administrator of a unit that receives its members' dossiers: a
    provincial alliance (or a cooperative union sending for its members)."""
    role = active_role(user)
    return bool(has_role(user, *REVIEWING_ROLES)
                and role.organization.kind in RECEIVING_KINDS)


def can_open_queues(user) -> bool:
    return can_open_appraisal_queue(user) or can_open_member_queue(user)


def can_record_notices(user, cycle: AwardCycle) -> bool:
    """The appraisers and administrators of the cycle's organizer record its public notices."""
    return has_role(user, Role.APPRAISER, Role.ADMIN) and can_see_organization(user,
                                                                              cycle.organizer)


# --- the queues --------------------------------------------------------------------------------


def _queue_rows(dossiers):
    return (dossiers.filter(status=Dossier.Status.SUBMITTED)
            .select_related("cycle", "organization", "recipient", "submitted_by")
            .annotate(nomination_count=Count("nominations", filter=~Q(
                nominations__status=Nomination.Status.WITHDRAWN)))
            .order_by("submitted_at", "id"))


def appraisal_queue(user, *, cycle: AwardCycle | None = None):
    """Submitted dossiers the user may appraise: sent to the cycle's organizer, an organizer
    in the user's scope; the oldest submission first."""
    if not can_open_appraisal_queue(user):
        return Dossier.objects.none()
    dossiers = Dossier.objects.filter(scope_q(user, "cycle__organizer"),
                                      recipient_id=F("cycle__organizer_id"))
    if cycle is not None:
        dossiers = dossiers.filter(cycle=cycle)
    return _queue_rows(dossiers)


def member_queue(user, *, cycle: AwardCycle | None = None):
    """Submitted dossiers of member units sent to the user's own unit (a provincial alliance),
    which reviews them and forwards their nominations."""
    role = active_role(user)
    if role is None or not can_open_member_queue(user):
        return Dossier.objects.none()
    dossiers = (Dossier.objects.filter(recipient_id=role.organization_id)
                .exclude(recipient_id=F("cycle__organizer_id")))
    if cycle is not None:
        dossiers = dossiers.filter(cycle=cycle)
    return _queue_rows(dossiers)


def queue_cycles(user):
    """The cycles offered by the queue's filter: those whose organizer is in the user's scope,
    or to which the user's unit may send dossiers."""
    role = active_role(user)
    if role is None:
        return AwardCycle.objects.none()
    cycles = AwardCycle.objects.all()
    if not sees_everything(user):  # (an empty Q would vanish from an OR)
        cycles = cycles.filter(scope_q(user, "organizer") | Q(submitters=role.organization_id))
    return cycles.distinct().order_by("-year", "-deadline", "id")


def with_waiting_days(dossiers, *, today: datetime.date | None = None) -> list:
    """Set `waiting_working_days` and `waiting_days` on each dossier of a page: the working
    days (the calendar's weekends and holidays) and the calendar days since it was submitted.

    deadlines.calendar.working_days_between reads the holidays again on each call; the page
    shares one cache instead (one query per year spanned, whatever the number of rows)."""
    today = today or timezone.localdate()
    dossiers = list(dossiers)
    starts = [timezone.localdate(d.submitted_at) for d in dossiers if d.submitted_at]
    cache = {year: holidays_in(year) for year in range(min(starts, default=today).year,
                                                        today.year + 1)}
    for dossier in dossiers:
        start = timezone.localdate(dossier.submitted_at) if dossier.submitted_at else today
        dossier.waiting_days = max((today - start).days, 0)
        dossier.waiting_working_days = sum(
            1 for offset in range(1, dossier.waiting_days + 1)
            if is_working_day(start + datetime.timedelta(days=offset), cache))
    return dossiers


# --- one dossier -------------------------------------------------------------------------------


def appraisal_nominations(dossier: Dossier) -> list[Nomination]:
    """The nominations of the review page, with what each row shows, in four queries."""
    return list(dossier.nominations.exclude(status=Nomination.Status.WITHDRAWN)
                .select_related("person__organization", "organization", "award_type",
                                "appraised_by", "source__dossier__organization")
                .prefetch_related("documents"))


def dossier_history(dossier: Dossier) -> list[dict]:
    """The events of the dossier grouped by submission round: round 0 is the preparation, each
    "submit"/"resubmit" starts the next round."""
    rounds: list[dict] = [{"number": 0, "events": []}]
    for event in (DossierEvent.objects.filter(dossier=dossier)
                  .select_related("actor", "nomination__person", "nomination__organization")):
        if event.action in ("submit", "resubmit"):
            rounds.append({"number": len(rounds), "events": []})
        rounds[-1]["events"].append(event)
    return [r for r in rounds if r["events"]]


# --- public notice -----------------------------------------------------------------------------


def notice_nominations(cycle: AwardCycle):
    """The nominations of the cycle whose award must be published before the council meets,
    in dossiers the organizer is appraising or has appraised."""
    return (Nomination.objects.filter(
        dossier__cycle=cycle, dossier__recipient_id=F("dossier__cycle__organizer_id"),
        dossier__status__in=[Dossier.Status.SUBMITTED, Dossier.Status.APPRAISED],
        award_type__public_notice_required=True,
        status__in=[Nomination.Status.PROPOSED, Nomination.Status.AGREED,
                    Nomination.Status.DISAGREED])
        .select_related("person", "organization", "award_type", "dossier__organization")
        .prefetch_related(Prefetch("public_notices",
                                   queryset=PublicNotice.objects.order_by("start_date", "id")))
        .order_by("dossier__organization__sort_key", "dossier_id", "position", "id"))


class ReadyDates:
    """notice_ready_on for many nominations: one rule book, and one computation per notice
    start date (nominations published together share it)."""

    def __init__(self):
        self.book = RuleBook()
        self._by_start: dict = {}

    def __call__(self, nomination: Nomination) -> datetime.date | None:
        if not nomination.award_type.public_notice_required:
            return notice_ready_on(nomination, book=self.book)
        starts = [n.start_date for n in nomination.public_notices.all()]
        if not starts:
            return None
        start = min(starts)
        if start not in self._by_start:
            try:
                self._by_start[start] = notice_ready_on(nomination, book=self.book)
            except RuleSetMissing:  # no rule set says how long: never ready
                self._by_start[start] = None
        return self._by_start[start]


def with_ready_dates(nominations) -> list[Nomination]:
    ready_on = ReadyDates()
    nominations = list(nominations)
    for nomination in nominations:
        nomination.ready_on = ready_on(nomination)
    return nominations


def nominations_ready_for_council(cycle: AwardCycle, meeting_date: datetime.date) -> list:
    """The nominations a council meeting of `meeting_date` may vote on: agreed by the appraisal,
    of an award the council votes on, and, when the award must be published first, whose
    notice period (the rule set's working days from the notice's start) has passed by the
    meeting date. In the order of the dossiers and of their lists."""
    nominations = (Nomination.objects.filter(
        dossier__cycle=cycle, status=Nomination.Status.AGREED,
        award_type__council_vote_required=True)
        .select_related("person", "organization", "award_type", "dossier__organization")
        .prefetch_related("public_notices")
        .order_by("dossier__organization__sort_key", "dossier_id", "position", "id"))
    ready_on = ReadyDates()
    ready = []
    for nomination in nominations:
        if nomination.award_type.public_notice_required:
            day = ready_on(nomination)
            if day is None or day > meeting_date:
                continue
        ready.append(nomination)
    return ready
