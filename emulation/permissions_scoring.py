"""Who may do what in a scoring round: can_<verb>(user, obj) -> bool, nothing else.

The group's year decides: its members (clusters.GroupMembership), its leader unit
(GroupLeadership, role "leader"), its organizer. Architecture §8's exception applies: the users
of a member unit see the group's shared data for that year (the round, the peer-scoring step,
the ranking) and nothing else of the other members: another member's self-scoring only once the
round reaches the step that shows it (peer scoring in "peers" mode; verification by the leader
unit in "leader" mode; everyone after the round is closed).

The facts about the year are read once per user and round (`access`), so that a page asking
many questions costs no query per question."""

from dataclasses import dataclass

from accounts.models import Role
from accounts.permissions import has_role
from accounts.scoping import active_role, can_see_organization, sees_everything
from clusters.models import GroupLeadership, GroupMembership

from .models import ScoreSheet, ScoringRound

S = ScoringRound.Status
SCORING_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD)


@dataclass
class Access:
    role: object
    leader_id: int | None
    member_ids: set
    overseer: bool  # central roles and the organizer's administrators: see every sheet
    leader_user: bool  # a role at the leader unit of the year
    member_user: bool  # a role at a member unit (or above one)

    @property
    def unit_id(self):
        return self.role.organization_id if self.role else None


def year_facts(group, year) -> tuple[int | None, set]:
    leader = (GroupLeadership.objects.filter(group=group, year=year,
                                             role=GroupLeadership.Role.LEADER)
              .values_list("organization_id", flat=True).first())
    members = set(GroupMembership.objects.filter(group=group, year=year)
                  .values_list("organization_id", flat=True))
    return leader, members


def access(user, round: ScoringRound) -> Access:
    cache = round.__dict__.setdefault("_access", {})
    key = getattr(user, "pk", None)
    if key in cache:
        return cache[key]
    role = active_role(user)
    leader_id, member_ids = year_facts(round.group, round.year)
    found = Access(role=role, leader_id=leader_id, member_ids=member_ids, overseer=False,
                   leader_user=False, member_user=False)
    if role is not None:
        found.overseer = sees_everything(user) or (
            has_role(user, Role.ADMIN) and can_see_organization(user, round.group.organizer))
        found.leader_user = leader_id is not None and role.organization_id == leader_id
        path = role.organization.path
        found.member_user = bool(member_ids) and GroupMembership.objects.filter(
            group=round.group, year=round.year, organization__path__startswith=path).exists()
    cache[key] = found
    return found


def _sees_unit(user, organization) -> bool:
    return can_see_organization(user, organization)


# --- rounds ------------------------------------------------------------------------------------


def can_manage_rounds_of(user, group, year) -> bool:
    """The leader unit of the year (any role there) or the organizer's administrators."""
    role = active_role(user)
    if role is None:
        return False
    if has_role(user, Role.ADMIN) and can_see_organization(user, group.organizer):
        return True
    leader_id, _ = year_facts(group, year)
    return leader_id is not None and role.organization_id == leader_id


def can_view_round(user, round: ScoringRound) -> bool:
    a = access(user, round)
    return a.role is not None and (a.overseer or a.leader_user or a.member_user)


def can_manage_round(user, round: ScoringRound) -> bool:
    a = access(user, round)
    if a.role is None:
        return False
    return a.leader_user or (has_role(user, Role.ADMIN)
                             and can_see_organization(user, round.group.organizer))


# --- sheets ------------------------------------------------------------------------------------


def can_view_sheet(user, sheet: ScoreSheet) -> bool:
    round = sheet.round
    if not can_view_round(user, round):
        return False
    a = access(user, round)
    if a.overseer or round.status == S.CLOSED or _sees_unit(user, sheet.scorer):
        return True
    if sheet.kind != ScoreSheet.Kind.SELF or round.status != S.PEER:
        return False
    # The second step shows the self-scoring it checks: to every member scoring its peers, or
    # to the leader unit verifying.
    if round.peer_mode == ScoringRound.PeerMode.PEERS:
        return a.unit_id in a.member_ids
    return a.leader_user


def can_edit_sheet(user, sheet: ScoreSheet) -> bool:
    """The scoring unit's own staff or head, while its step is open and the sheet not sent; the
    leader unit's cluster leader may also fill its verification sheets."""
    a = access(user, sheet.round)
    if a.role is None or a.role.organization_id != sheet.scorer_id:
        return False
    if sheet.status != ScoreSheet.Status.DRAFT:
        return False
    step = S.SELF if sheet.kind == ScoreSheet.Kind.SELF else S.PEER
    if sheet.round.status != step:
        return False
    roles = SCORING_ROLES + ((Role.GROUP_LEADER,) if sheet.kind == ScoreSheet.Kind.VERIFY
                             else ())
    return has_role(user, *roles)


def can_submit_sheet(user, sheet: ScoreSheet) -> bool:
    return can_edit_sheet(user, sheet)


def can_add_evidence(user, sheet: ScoreSheet) -> bool:
    return sheet.kind == ScoreSheet.Kind.SELF and can_edit_sheet(user, sheet)


# --- ranking and proposals ---------------------------------------------------------------------


def can_view_ranking(user, round: ScoringRound) -> bool:
    return round.status == S.CLOSED and can_view_round(user, round)


def can_view_proposal(user, round: ScoringRound) -> bool:
    return (round.half == ScoringRound.Half.YEAR_END and can_view_round(user, round)
            and (can_manage_round(user, round) or access(user, round).overseer))


def can_propose(user, round: ScoringRound) -> bool:
    """The leader unit proposes from a closed year-end round. The proposal becomes the leader
    unit's dossier, so the user must also be one who prepares that unit's dossiers."""
    from awards.permissions import can_prepare_dossier_for
    from clusters.models import Organization

    a = access(user, round)
    if (round.status != S.CLOSED or round.half != ScoringRound.Half.YEAR_END
            or a.leader_id is None or not can_manage_round(user, round)):
        return False
    leader = Organization.objects.filter(pk=a.leader_id).first()
    return leader is not None and can_prepare_dossier_for(user, leader)
