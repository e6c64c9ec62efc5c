"""The authentication backend: Django's ModelBackend, except how the signed-in user of each
request is loaded."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


class UserBackend(ModelBackend):
    """Loads the request's user together with what every page's frame asks of them: the number
    of unread notifications (the bell) and whether they hold a council seat (the council entry of
    the navigation, awards.permissions_council_nav). One query instead of three on every page
    (quality target P1, bench/RESULTS.md F4). Both are as of the start of the request; every
    view that marks notifications read or changes seats redirects afterwards."""

    def get_user(self, user_id):
        from awards.models import CouncilMember
        from deadlines.models import Notification

        unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by().values("user").annotate(n=Count("pk")).values("n")
        )
        users = get_user_model()._default_manager.annotate(
            unread_notification_count=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
            # The attribute awards.permissions_council_nav.has_council_seat caches its answer in.
            _has_council_seat=Exists(CouncilMember.objects.filter(user=OuterRef("pk"))))
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
