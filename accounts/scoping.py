"""Which organizations a user may see (architecture §8). Every view filters through here."""

from django.db.models import Q

from clusters.models import Organization

from .models import Role, RoleAssignment

# Roles that work for the whole system when held at the central body or one of its departments.
CENTRAL_ROLES = {Role.ADMIN, Role.APPRAISER, Role.COUNCIL_MEMBER, Role.LEADERSHIP}


def current_roles(user) -> list[RoleAssignment]:
    """The user's valid roles, oldest first, with their organizations: read once per request and
    shared by the active role, the role switcher in the page frame and the scoping rules."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_current_roles"):
        user._current_roles = list(
            RoleAssignment.objects.current().filter(user=user)
            .select_related("organization").order_by("id")
        )
    return user._current_roles


def active_role(user) -> RoleAssignment | None:
    """The role the user works in now: the one chosen in the session, else the first valid."""
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_active_role"):
        return user._active_role
    roles = current_roles(user)
    role = roles[0] if roles else None
    user._active_role = role
    return role


def sees_everything(user) -> bool:
    role = active_role(user)
    return bool(role and role.role in CENTRAL_ROLES and role.organization.is_central)


def scope_q(user, field: str = "") -> Q:
    """A filter on `<field>path` that keeps what the user may see; Q(pk__in=[]) for nobody."""
    prefix = f"{field}__" if field else ""
    role = active_role(user)
    if role is None:
        return Q(pk__in=[])
    if sees_everything(user):
        return Q()
    return Q(**{f"{prefix}path__startswith": role.organization.path})


def visible_organizations(user):
    return Organization.objects.filter(scope_q(user))


def can_see_organization(user, organization: Organization) -> bool:
    role = active_role(user)
    if role is None:
        return False
    return sees_everything(user) or organization.path.startswith(role.organization.path)
