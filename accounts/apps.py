from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'accounts'

    def ready(self):
        # Login and logout signal receivers: login time and session tracking (S6).
        from . import sessions  # noqa: F401
        # Login receiver: the re-authentication stamp (S6, before ballots and role changes).
        from . import reauth  # noqa: F401
