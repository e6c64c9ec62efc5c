"""Predicates of a group's year (pledge, criteria table) and of the groups outside the Alliance:
can_<verb>(user, ...) -> bool, nothing else.

Architecture §8 exception: the members of an emulation group see its shared data (pledge,
criteria) for the years they are members. The leader unit of that year and the organizer's
administrators edit them."""

from accounts.models import Role
from accounts.permissions import has_role, is_central_admin
from accounts.scoping import active_role, sees_everything
from clusters.models import EmulationGroup, GroupLeadership
from clusters.permissions import can_manage_groups_of
from clusters.permissions import can_view_group_year as _sees_group_year

# The roles a user holds at the leader unit to run the group's year.
LEADER_UNIT_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD, Role.GROUP_LEADER)


def is_leader_unit_user(user, group: EmulationGroup, year: int) -> bool:
    role = active_role(user)
    if role is None or role.role not in LEADER_UNIT_ROLES:
        return False
    return GroupLeadership.objects.filter(
        group=group, year=year, role=GroupLeadership.Role.LEADER,
        organization_id=role.organization_id).exists()


def can_view_group_year(user, group: EmulationGroup, year: int) -> bool:
    """Members of the group that year (and the units above them), the organizer's side and
    the central roles; the leader unit even before the members are set."""
    return _sees_group_year(user, group, year) or is_leader_unit_user(user, group, year)


def can_edit_group_year(user, group: EmulationGroup, year: int) -> bool:
    """The leader unit of the year, and the administrators of the group's organizer."""
    if active_role(user) is None:
        return False
    if has_role(user, Role.ADMIN) and can_manage_groups_of(user, group.organizer):
        return True
    return is_leader_unit_user(user, group, year)


# --- groups outside the Alliance ---------------------------------------------------------------


def can_view_external_groups(user) -> bool:
    return sees_everything(user)


def can_manage_external_groups(user) -> bool:
    return is_central_admin(user)
