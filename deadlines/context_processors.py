"""The home page's block of the user's upcoming deadlines, computed only where a template
shows it (the dashboard include), never on other pages."""

UPCOMING_LIMIT = 5


def upcoming(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}

    def rows():
        from .selectors_reminders import upcoming_for

        return upcoming_for(user, limit=UPCOMING_LIMIT)

    return {"upcoming_deadlines": rows}
