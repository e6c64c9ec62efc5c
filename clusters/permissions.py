"""Predicates for organizations, people and emulation groups."""

from accounts.models import Role
from accounts.permissions import can_administer, has_role, is_central_admin
from accounts.scoping import active_role, can_see_organization, sees_everything

from .models import EmulationGroup, GroupMembership, Organization, Person


def can_view_organization(user, organization: Organization) -> bool:
    return can_see_organization(user, organization)


def can_edit_organization(user, organization: Organization) -> bool:
    """Central administrators edit every unit; a provincial administrator edits the units
    below its alliance (its cooperatives), not the alliance record itself."""
    if is_central_admin(user):
        return True
    role = active_role(user)
    return (
        can_administer(user)
        and organization.pk != role.organization_id
        and can_see_organization(user, organization)
    )


def can_add_organization_under(user, parent: Organization | None) -> bool:
    if parent is None:
        return is_central_admin(user)
    return can_administer(user) and can_see_organization(user, parent)


def can_merge_organization(user, absorbed: Organization, into: Organization) -> bool:
    return can_edit_organization(user, absorbed) and can_see_organization(user, into)


def can_view_person(user, person: Person) -> bool:
    return can_see_organization(user, person.organization)


def can_edit_person(user, person: Person) -> bool:
    return can_manage_people_of(user, person.organization)


def can_manage_people_of(user, organization: Organization) -> bool:
    return has_role(user, Role.ADMIN, Role.UNIT_STAFF, Role.UNIT_HEAD) and can_see_organization(
        user, organization
    )


def can_view_group(user, group: EmulationGroup) -> bool:
    """Exception to the subtree rule (architecture §8): a member sees the group it belongs
    to, for the years it is a member."""
    if can_see_organization(user, group.organizer) or sees_everything(user):
        return True
    role = active_role(user)
    return bool(role) and GroupMembership.objects.filter(
        group=group, organization__path__startswith=role.organization.path
    ).exists()


def can_view_group_year(user, group: EmulationGroup, year: int) -> bool:
    if can_see_organization(user, group.organizer) or sees_everything(user):
        return True
    role = active_role(user)
    return bool(role) and GroupMembership.objects.filter(
        group=group, year=year, organization__path__startswith=role.organization.path
    ).exists()


def can_manage_groups_of(user, organizer: Organization) -> bool:
    """The organizer's administrators set up its clusters and blocs."""
    if is_central_admin(user):
        return True
    role = active_role(user)
    return can_administer(user) and role.organization_id == organizer.pk


def can_import(user) -> bool:
    return can_administer(user)
