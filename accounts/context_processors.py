from .backends import unread_notification_count
from .navigation import navigation_for
from .scoping import active_role, current_roles


def shell(request):
    """What every page's frame shows: the user's active role, the roles to switch to, and the
    navigation the role may use."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "active_role": active_role(user),
        "user_roles": lambda: current_roles(user),
        "navigation": navigation_for(user),
        # Loaded with the user (accounts.backends.UserBackend): no query of its own.
        "unread_notifications": lambda: unread_notification_count(user),
    }
