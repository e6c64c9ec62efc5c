"""Who sees the council's entries in the navigation: preparers and managers (administrators and
appraisers, whose councils the pages then narrow down), council members by role, and anyone
holding a seat in a council's term. The pages themselves check the real predicates
(awards.permissions) and answer 404 or 403."""

from accounts.models import Role
from accounts.permissions import has_role


def has_council_seat(user) -> bool:
    """A seat in any council, past or present; asked once per request and cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not hasattr(user, "_has_council_seat"):
        from .models import CouncilMember

        user._has_council_seat = CouncilMember.objects.filter(user=user).exists()
    return user._has_council_seat


def can_open_councils(user) -> bool:
    return has_role(user, Role.ADMIN, Role.APPRAISER, Role.COUNCIL_MEMBER) or has_council_seat(
        user)


def can_open_meetings(user) -> bool:
    return can_open_councils(user)
