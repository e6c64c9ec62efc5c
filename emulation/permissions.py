"""Predicates of the emulation year: can_<verb>(user, obj) -> bool, nothing else. Objects are
looked up in the user's scope first (emulation.selectors; 404 outside it); these say what the
user may do with what they can see."""

from accounts.models import Role
from accounts.permissions import has_role, is_central_admin
from accounts.scoping import active_role, can_see_organization
from clusters.models import Organization

from .models import Movement


def _role_at(user, organization) -> bool:
    role = active_role(user)
    return bool(role and organization is not None and role.organization_id == organization.pk)


# --- legal documents: one registry for the whole system ----------------------------------------


def can_view_documents(user) -> bool:
    return active_role(user) is not None


def can_manage_documents(user) -> bool:
    return is_central_admin(user)


# --- movements ---------------------------------------------------------------------------------


def can_view_movements(user) -> bool:
    return active_role(user) is not None


def can_launch_movement(user, level: str, organization: Organization | None) -> bool:
    """Central administrators launch (or record) national and Alliance movements; a provincial
    alliance's administrators its own; a unit's head and staff the unit's, within their scope."""
    if level in (Movement.Level.NATIONAL, Movement.Level.ALLIANCE):
        return is_central_admin(user)
    if organization is None or not can_see_organization(user, organization):
        return False
    if level == Movement.Level.PROVINCIAL:
        return (organization.kind == Organization.Kind.PROVINCIAL_ALLIANCE
                and has_role(user, Role.ADMIN))
    return has_role(user, Role.ADMIN, Role.UNIT_HEAD, Role.UNIT_STAFF)


def can_launch_any_movement(user) -> bool:
    return has_role(user, Role.ADMIN, Role.UNIT_HEAD, Role.UNIT_STAFF)


def can_edit_movement(user, movement: Movement) -> bool:
    return can_launch_movement(user, movement.level, movement.organization)


# --- registration calls and registrations ------------------------------------------------------


def can_manage_calls_of(user, organizer: Organization) -> bool:
    """The organizer's administrators (and central administrators) open its calls and follow
    who has registered."""
    return has_role(user, Role.ADMIN) and can_see_organization(user, organizer)


def can_register_for(user, organization: Organization) -> bool:
    """A unit's own staff and head prepare and send its registration; administrators above it
    may help."""
    if has_role(user, Role.UNIT_STAFF, Role.UNIT_HEAD) and _role_at(user, organization):
        return True
    return has_role(user, Role.ADMIN) and can_see_organization(user, organization)


def can_edit_registration(user, registration) -> bool:
    return can_register_for(user, registration.organization)


def can_view_call_dashboard(user, call) -> bool:
    return can_manage_calls_of(user, call.organizer)
