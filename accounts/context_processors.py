from .navigation import navigation_for
from .scoping import active_role


def shell(request):
    """What every page's frame shows: the user's active role, the roles to switch to, and the
    navigation the role may use."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "active_role": active_role(user),
        "user_roles": lambda: list(
            user.role_assignments.current().select_related("organization").order_by("id")
        ),
        "navigation": navigation_for(user),
        # Lazy: one COUNT, only on pages whose frame shows the bell.
        "unread_notifications": lambda: user.notifications.filter(read_at__isnull=True).count(),
    }
