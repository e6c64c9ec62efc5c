"""Predicates about users and roles: can_<verb>(user, obj) -> bool, nothing else."""

from clusters.models import Organization

from .models import Role
from .scoping import active_role, can_see_organization, sees_everything


def has_role(user, *roles) -> bool:
    role = active_role(user)
    return bool(role and role.role in roles)


def is_central_admin(user) -> bool:
    return has_role(user, Role.ADMIN) and sees_everything(user)


def can_administer(user) -> bool:
    """Any administrator, central or of a provincial alliance."""
    return has_role(user, Role.ADMIN)


def can_manage_users_of(user, organization: Organization) -> bool:
    return can_administer(user) and can_see_organization(user, organization)


def can_use_django_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or is_central_admin(user)
