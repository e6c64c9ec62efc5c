"""The authentication backend: Django's ModelBackend, except how the signed-in user of each
request is loaded."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


class UserBackend(ModelBackend):
    """Loads the request's user together with the number of unread notifications, which the
    bell of every page's frame shows: one query instead of two on every page (quality target P1,
    bench/RESULTS.md F4). The count is as of the start of the request; every view that marks
    notifications read redirects afterwards, so no page shows a stale number."""

    def get_user(self, user_id):
        from deadlines.models import Notification

        unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by().values("user").annotate(n=Count("pk")).values("n")
        )
        users = get_user_model()._default_manager.annotate(
            unread_notification_count=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def unread_notification_count(user) -> int:
    """The bell's number: loaded with the user by UserBackend, else counted now."""
    count = getattr(user, "unread_notification_count", None)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
    return count
