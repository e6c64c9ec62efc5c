"""The emulation year's deadlines: registration calls, pledges to sign, and the two steps of a
scoring round. The "done" conditions are those of emulation.services*: a registration sent, a
pledge signed, a score sheet sent."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from clusters.models import GroupLeadership
from emulation.models import Pledge, Registration, RegistrationCall, ScoreSheet, ScoringRound
from emulation.permissions_scoring import SCORING_ROLES
from emulation.selectors import expected_units

from ..models import DeadlineKind
from .base import Adapter, earliest_due, source, users_at

UNIT_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD)


class RegistrationObligation(Adapter):
    """The units directly under a call's organizer (emulation.selectors.expected_units) owe a
    sent registration for the call's year; their staff and heads are reminded."""

    kind = DeadlineKind.REGISTRATION
    source_model = "emulation.registrationcall"

    def specs(self, today):
        calls = (RegistrationCall.objects.filter(deadline__gte=earliest_due(today))
                 .select_related("organizer").order_by("deadline", "id"))
        url = reverse("emulation:registration_list")
        return [self.spec(call, title=_("Send the emulation registration %(year)s to "
                                        "%(organizer)s") % {"year": call.year,
                                                            "organizer": call.organizer.name},
                          url=url, due_on=call.deadline, organization=call.organizer)
                for call in calls]

    def owing(self, deadline):
        call = source(RegistrationCall.objects.all(), deadline)
        if call is None:
            return []
        sent = Registration.objects.filter(organization=OuterRef("pk"), year=call.year,
                                           status=Registration.Status.SUBMITTED)
        units = expected_units(call).filter(~Exists(sent)).order_by().values("pk")
        return users_at(units, UNIT_ROLES)


class PledgeObligation(Adapter):
    """A draft pledge with a signing day: the group's leader unit of the year prepares and
    records the signing (emulation.permissions_groups); its staff and group leader are
    reminded, its head on escalation."""

    kind = DeadlineKind.PLEDGE
    source_model = "emulation.pledge"

    def specs(self, today):
        pledges = (Pledge.objects.filter(status=Pledge.Status.DRAFT, sign_by__isnull=False,
                                         sign_by__gte=earliest_due(today))
                   .select_related("group__organizer").order_by("sign_by", "id"))
        return [self.spec(p, title=_("Sign the emulation pledge %(year)s of %(group)s") % {
            "year": p.year, "group": p.group.name}, url=p.get_absolute_url(), due_on=p.sign_by,
            organization=p.group.organizer) for p in pledges]

    def owing(self, deadline):
        pledge = source(Pledge.objects.all(), deadline)
        if pledge is None or pledge.status != Pledge.Status.DRAFT:
            return []
        leader = GroupLeadership.objects.filter(group_id=pledge.group_id, year=pledge.year,
                                                role=GroupLeadership.Role.LEADER)
        return users_at(leader.values("organization_id"), (Role.UNIT_STAFF, Role.GROUP_LEADER))


class _RoundObligation(Adapter):
    source_model = "emulation.scoringround"
    status = ""
    date_field = ""

    def title(self, round):
        raise NotImplementedError

    def specs(self, today):
        rounds = (ScoringRound.objects.filter(status=self.status, **{
            f"{self.date_field}__isnull": False, f"{self.date_field}__gte": earliest_due(today)})
            .select_related("group__organizer").order_by(self.date_field, "id"))
        return [self.spec(r, title=self.title(r), url=r.get_absolute_url(),
                          due_on=getattr(r, self.date_field), organization=r.group.organizer)
                for r in rounds]

    def unsent(self, deadline):
        """The round's unsent sheets while the round is still at this step, else None."""
        round = source(ScoringRound.objects.all(), deadline)
        if round is None or round.status != self.status:
            return None
        return ScoreSheet.objects.filter(round=round).exclude(status=ScoreSheet.Status.SUBMITTED)


class SelfScoringObligation(_RoundObligation):
    """Each member unit whose self-scoring sheet is not sent, while the round is in
    self-scoring; the staff and heads who may fill it (emulation.permissions_scoring)."""

    kind = DeadlineKind.SELF_SCORING
    status = ScoringRound.Status.SELF
    date_field = "self_deadline"

    def title(self, round):
        return _("Self-scoring: %(round)s") % {"round": round}

    def owing(self, deadline):
        sheets = self.unsent(deadline)
        if sheets is None:
            return []
        return users_at(sheets.filter(kind=ScoreSheet.Kind.SELF).values("scorer_id"),
                        SCORING_ROLES)


class PeerScoringObligation(_RoundObligation):
    """Each scoring unit with a peer or verification sheet not sent, while the round is in its
    second step; the group leader may also fill a verification sheet."""

    kind = DeadlineKind.PEER_SCORING
    status = ScoringRound.Status.PEER
    date_field = "peer_deadline"

    def title(self, round):
        if round.peer_mode == ScoringRound.PeerMode.LEADER:
            return _("Verification of the self-scoring: %(round)s") % {"round": round}
        return _("Peer scoring: %(round)s") % {"round": round}

    def owing(self, deadline):
        sheets = self.unsent(deadline)
        if sheets is None:
            return []
        peer = sheets.filter(kind=ScoreSheet.Kind.PEER).values("scorer_id")
        verify = sheets.filter(kind=ScoreSheet.Kind.VERIFY).values("scorer_id")
        return users_at(peer, SCORING_ROLES,
                        extra=[(verify, SCORING_ROLES + (Role.GROUP_LEADER,))])
