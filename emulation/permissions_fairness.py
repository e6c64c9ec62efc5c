"""Who may read a group's fairness analytics (issue 6 part 7): those who decide on its awards.
Administrators (central, and the organizer's), appraisers, leadership, council members (by
role, or by a seat they hold today in a council of the organizer or of a body above it). A
group's own members and its leader do not: the flags are about them."""

from django.utils import timezone

from accounts.models import Role
from accounts.permissions import has_role, is_central_admin
from accounts.scoping import can_see_organization

DECIDING_ROLES = (Role.ADMIN, Role.APPRAISER, Role.COUNCIL_MEMBER, Role.LEADERSHIP)


def council_seat_paths(user) -> set:
    """The organization paths of the councils where the user holds a seat today (one query,
    remembered on the user)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if not hasattr(user, "_fairness_seat_paths"):
        from awards.models import CouncilMember

        today = timezone.localdate()
        user._fairness_seat_paths = set(
            CouncilMember.objects.filter(user=user, valid_from__lte=today)
            .exclude(valid_to__lt=today)
            .values_list("term__council__organization__path", flat=True))
    return user._fairness_seat_paths


def seat_covers(user, group) -> bool:
    """A seat in a council of the group's organizer or of a body above it."""
    return any(group.organizer.path.startswith(p) for p in council_seat_paths(user))


def can_open_fairness_index(user) -> bool:
    """For the navigation: the roles that may read some group's analytics (no query)."""
    return has_role(user, *DECIDING_ROLES)


def can_view_fairness(user, group) -> bool:
    if is_central_admin(user):
        return True
    if has_role(user, *DECIDING_ROLES) and can_see_organization(user, group.organizer):
        return True
    return seat_covers(user, group)
