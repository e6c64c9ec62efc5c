"""Predicates for the award catalogue and the rule sets. Both are system-wide: only central
administrators change them."""

from accounts.permissions import is_central_admin
from accounts.scoping import active_role, sees_everything


def can_view_award_types(user) -> bool:
    """Everyone with a role nominates for awards and reads their names."""
    return active_role(user) is not None


def can_manage_award_types(user) -> bool:
    return is_central_admin(user)


def can_view_rule_sets(user) -> bool:
    """Central roles (administrators, appraisers, council members, leadership) read the
    thresholds they apply; provincial users see the verdicts that cite them."""
    return sees_everything(user)


def can_manage_rule_sets(user) -> bool:
    return is_central_admin(user)


def can_view_registry(user) -> bool:
    """Everyone with a role reads the registry, each within their organization scope."""
    return active_role(user) is not None
