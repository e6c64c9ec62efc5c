from .scoping import current_roles

SESSION_KEY = "active_role_id"


class ActiveRoleMiddleware:
    """Attach the role chosen in the session, when it is still valid, to request.user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        role_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if role_id and request.user.is_authenticated:
            # The same list the page frame shows, so the role switcher costs no second query.
            role = next((r for r in current_roles(request.user) if r.pk == role_id), None)
            if role:
                request.user._active_role = role
            else:
                del request.session[SESSION_KEY]
        return self.get_response(request)
