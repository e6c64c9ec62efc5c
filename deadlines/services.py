from django.db import transaction

from .models import Holiday


@transaction.atomic
def holiday_create(*, name: str, day: int, month: int, year: int | None) -> Holiday:
    holiday = Holiday(name=name, day=day, month=month, year=year)
    holiday.full_clean()
    holiday.save()
    return holiday


@transaction.atomic
def holiday_delete(*, holiday: Holiday) -> None:
    holiday.delete()


def notify(*, users, text: str, url: str = "") -> list:
    """An in-app notification for each user, and an e-mail sent by the worker once the
    surrounding transaction commits (a rolled-back step notifies nobody)."""
    from .models import Notification
    from .tasks import send_notification_email_task

    users = {user.pk: user for user in users if user is not None and user.is_active}
    notes = Notification.objects.bulk_create(
        [Notification(user=user, text=text[:500], url=url[:300]) for user in users.values()])
    for note in notes:
        transaction.on_commit(
            lambda pk=note.pk: send_notification_email_task.delay(notification_id=pk))
    return notes


@transaction.atomic
def notification_mark_read(*, notification) -> None:
    from django.utils import timezone

    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
