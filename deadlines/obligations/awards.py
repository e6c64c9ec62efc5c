"""The commendation deadlines: nomination dossiers for an open award cycle (and each extension an
administrator grants), the appraisal time limit of a submitted dossier, and the council members'
votes at an open meeting. The "done" conditions are those of awards.services_dossiers and
awards.services_council."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from awards.models import AwardCycle, CouncilMeeting, CycleExtension, Dossier
from awards.selectors import RuleBook, RuleSetMissing
from awards.selectors_council import members_not_voted
from clusters.models import Organization

from ..models import DeadlineKind
from .base import Adapter, Owed, WorkingDays, earliest_due, source, users_at

NOMINATING_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD)
# A dossier in these states has not been sent up (or was sent back): its unit still owes it.
NOT_SENT = (Dossier.Status.DRAFT, Dossier.Status.RETURNED)
APPRAISAL_KEY = "appraisal_working_days"
DEFAULT_APPRAISAL_DAYS = 25  # migration awards 0011's figure, for dates no rule set covers


def _covering(extensions, organization):
    """The extension that decides `organization`'s deadline (awards.services_dossiers
    .submission_deadline): the latest of those granted to it or to a body above it."""
    found = [e for e in extensions if organization.path.startswith(e.organization.path)]
    return max(found, key=lambda e: (e.until, e.pk), default=None)


def _decider(cycle, extensions, organization):
    """The extension whose date applies to `organization`, or None for the cycle's own."""
    extension = _covering(extensions, organization)
    return extension if extension is not None and extension.until > cycle.deadline else None


class NominationObligation(Adapter):
    """Each submitter of an open cycle without a dossier sent up owes one by the cycle's
    deadline; an extension is a deadline of its own for the submitters it covers (its
    organization's subtree), who then no longer owe the cycle's. Staff and heads prepare and
    send dossiers (awards.permissions)."""

    kind = DeadlineKind.NOMINATION
    source_model = "awards.awardcycle"
    extension_model = "awards.cycleextension"

    def specs(self, today):
        earliest = earliest_due(today)
        cycles = (AwardCycle.objects.filter(status=AwardCycle.Status.OPEN,
                                            deadline__gte=earliest)
                  .select_related("organizer").order_by("deadline", "id"))
        specs = [self.spec(c, title=_("Send the nomination dossiers for %(cycle)s") % {
            "cycle": c.title}, url=c.get_absolute_url(), due_on=c.deadline,
            organization=c.organizer) for c in cycles]
        extensions = list(CycleExtension.objects.filter(cycle__status=AwardCycle.Status.OPEN)
                          .select_related("cycle", "organization").order_by("until", "id"))
        for e in extensions:
            siblings = [x for x in extensions if x.cycle_id == e.cycle_id]
            if e.until < earliest or _decider(e.cycle, siblings, e.organization) is not e:
                continue  # past, no later than the cycle's own date, or superseded
            specs.append(self.spec(e, model=self.extension_model, title=_(
                "Send the nomination dossiers for %(cycle)s (extended for %(organization)s)") % {
                "cycle": e.cycle.title, "organization": e.organization.name},
                url=e.cycle.get_absolute_url(), due_on=e.until, organization=e.organization))
        return specs

    def owing(self, deadline):
        if deadline.source_model == self.extension_model:
            extension = source(CycleExtension.objects.select_related("cycle"), deadline)
            cycle = extension.cycle if extension else None
        else:
            extension, cycle = None, source(AwardCycle.objects.all(), deadline)
        if cycle is None or cycle.status != AwardCycle.Status.OPEN:
            return []
        extensions = list(cycle.extensions.select_related("organization"))
        sent = set(Dossier.objects.filter(cycle=cycle).exclude(status__in=NOT_SENT)
                   .values_list("organization_id", flat=True))
        due = [s.pk for s in cycle.submitters.all() if s.pk not in sent
               and getattr(_decider(cycle, extensions, s), "pk", None)
               == getattr(extension, "pk", None)]
        return users_at(due, NOMINATING_ROLES) if due else []


class AppraisalObligation(Adapter):
    """A dossier sent to its cycle's organizer waits for appraisal: due the rule set's
    `appraisal_working_days` working days after the day it was received; the organizer's
    appraisers (at the central body, those of its departments: Ban Tổ chức cán bộ) owe it
    until it is appraised or returned."""

    kind = DeadlineKind.APPRAISAL
    source_model = "awards.dossier"

    def specs(self, today):
        earliest = earliest_due(today)
        dossiers = (Dossier.objects.filter(status=Dossier.Status.SUBMITTED,
                                           submitted_at__isnull=False,
                                           recipient_id=F("cycle__organizer_id"))
                    .select_related("cycle__organizer", "organization").order_by("submitted_at",
                                                                                 "id"))
        book, calendar, specs = RuleBook(), WorkingDays(), []
        for d in dossiers:
            received = timezone.localdate(d.submitted_at)
            due = calendar.add(received, self.limit(book, received))
            if due < earliest:
                continue
            specs.append(self.spec(d, title=_("Appraise the dossier of %(unit)s – %(cycle)s") % {
                "unit": d.organization.name, "cycle": d.cycle.title},
                url=reverse("awards:dossier_appraisal", args=[d.pk]), due_on=due,
                organization=d.cycle.organizer))
        return specs

    @staticmethod
    def limit(book: RuleBook, day) -> int:
        try:
            return int(book.for_date(day)[APPRAISAL_KEY])
        except (RuleSetMissing, KeyError, TypeError, ValueError):
            return DEFAULT_APPRAISAL_DAYS

    def owing(self, deadline):
        dossier = source(Dossier.objects.select_related("cycle__organizer"), deadline)
        if (dossier is None or dossier.status != Dossier.Status.SUBMITTED
                or dossier.recipient_id != dossier.cycle.organizer_id):
            return []
        organizer = dossier.cycle.organizer
        units = [organizer.pk]
        if organizer.is_central:
            units = Organization.objects.filter(
                path__startswith=organizer.path,
                kind__in=[Organization.Kind.VCA_CENTRAL, Organization.Kind.DEPARTMENT],
            ).values("pk")
        return users_at(units, (Role.APPRAISER,))


class CouncilVoteObligation(Adapter):
    """Each voting member of an open meeting without a ballot yet
    (awards.selectors_council.members_not_voted), due on the meeting day. Escalation goes to
    the meeting's chair: a member's own unit head has no say over the council."""

    kind = DeadlineKind.COUNCIL_VOTE
    source_model = "awards.councilmeeting"

    def specs(self, today):
        meetings = (CouncilMeeting.objects.filter(status=CouncilMeeting.Status.OPEN,
                                                  date__gte=earliest_due(today))
                    .select_related("council__organization").order_by("date", "id"))
        return [self.spec(m, title=_("Vote at the council meeting: %(meeting)s") % {
            "meeting": m.title}, url=reverse("awards:meeting_ballot", args=[m.pk]),
            due_on=m.date, organization=m.council.organization) for m in meetings]

    def owing(self, deadline):
        meeting = source(CouncilMeeting.objects.all(), deadline)
        if meeting is None:
            return []
        found: dict[int, Owed] = {}
        for seat in (members_not_voted(meeting).filter(user__is_active=True)
                     .select_related("organization")):
            found.setdefault(seat.user_id, Owed(seat.user, seat.organization))
        return list(found.values())

    def heads(self, deadline, owed):
        if not owed:
            return []
        meeting = source(CouncilMeeting.objects.select_related("chair__user"), deadline)
        chair = meeting.chair.user if meeting else None
        debtors = {o.user.pk for o in owed}
        if chair is None or not chair.is_active or chair.pk in debtors:
            return []
        return [chair]
