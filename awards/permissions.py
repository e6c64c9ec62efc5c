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


# --- facts for the eligibility rules: assessments, initiatives, discipline ---------------------
# Objects are looked up in the user's scope first (404 outside it); these answer what the user
# may do with what they can see.


def can_view_person_facts(user, person) -> bool:
    from clusters.permissions import can_view_person

    return can_view_person(user, person)


def can_edit_person_facts(user, person) -> bool:
    """Administrators, unit staff and unit heads, within their scope."""
    from clusters.permissions import can_edit_person

    return can_edit_person(user, person)


def can_view_discipline(user, person) -> bool:
    """Discipline is sensitive: those who record it read it, and so do the appraisers who must
    weigh it (the eligibility verdicts name a measure that excludes an award)."""
    from accounts.models import Role
    from accounts.permissions import has_role

    return can_edit_person_facts(user, person) or (
        has_role(user, Role.APPRAISER) and can_view_person_facts(user, person))


def can_view_collective_facts(user, organization) -> bool:
    from clusters.permissions import can_view_organization

    return can_view_organization(user, organization)


def can_edit_collective_facts(user, organization) -> bool:
    from clusters.permissions import can_manage_people_of

    return is_central_admin(user) or can_manage_people_of(user, organization)
