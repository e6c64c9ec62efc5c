"""Edits of the reminder ladders: a kind's default ladder and a deadline's own ladder.

Every change is recorded in the steps' history with the administrator who made it. The sweeper
reads the ladders on its next run and moves or adds the pending reminders accordingly."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Deadline, DeadlineKind, LadderStep

OFFSET_MIN, OFFSET_MAX = -60, 60


def _check_offset(offset: int) -> None:
    if not OFFSET_MIN <= offset <= OFFSET_MAX:
        raise ValidationError({"offset": _(
            "The number of working days must be between -60 and +60.")})


def _save(step: LadderStep, by) -> LadderStep:
    step._history_user = by  # simple_history: who made the change, also outside a request
    step.save()
    return step


@transaction.atomic
def kind_step_add(*, kind: str, offset: int, escalate: bool, by) -> LadderStep:
    if kind not in DeadlineKind.values:
        raise ValidationError(_("This kind of deadline does not exist."))
    _check_offset(offset)
    if LadderStep.objects.filter(kind=kind, deadline__isnull=True, offset=offset).exists():
        raise ValidationError({"offset": _("The ladder already has a step on this day.")})
    return _save(LadderStep(kind=kind, offset=offset, escalate=escalate), by)


@transaction.atomic
def deadline_step_add(*, deadline: Deadline, offset: int, escalate: bool, by) -> LadderStep:
    """Add a step to the deadline's own ladder. A deadline without one starts from a copy of its
    kind's ladder, so adding one step does not silently drop the others."""
    Deadline.objects.select_for_update().get(pk=deadline.pk)  # serialize edits of one ladder
    _check_offset(offset)
    own = LadderStep.objects.filter(deadline=deadline)
    if not own.exists():
        for step in LadderStep.objects.filter(kind=deadline.kind, deadline__isnull=True):
            _save(LadderStep(deadline=deadline, offset=step.offset, escalate=step.escalate), by)
    if own.filter(offset=offset).exists():
        raise ValidationError({"offset": _("The ladder already has a step on this day.")})
    return _save(LadderStep(deadline=deadline, offset=offset, escalate=escalate), by)


@transaction.atomic
def deadline_step_remove(*, deadline: Deadline, offset: int, by) -> None:
    """Remove a step from the deadline's ladder. When it still follows its kind's ladder, that
    ladder is copied first and the step removed from the copy: other deadlines keep theirs."""
    Deadline.objects.select_for_update().get(pk=deadline.pk)
    own = LadderStep.objects.filter(deadline=deadline)
    if not own.exists():
        for step in LadderStep.objects.filter(kind=deadline.kind, deadline__isnull=True):
            _save(LadderStep(deadline=deadline, offset=step.offset, escalate=step.escalate), by)
    step = own.filter(offset=offset).first()
    if step is None:
        raise ValidationError(_("This step is no longer in the ladder."))
    if own.count() == 1:
        raise ValidationError(_("A ladder needs at least one step. Add another step first."))
    _delete(step, by)


@transaction.atomic
def kind_step_remove(*, kind: str, offset: int, by) -> None:
    # order_by: the model's ordering joins Deadline, and FOR UPDATE refuses an outer join.
    steps = LadderStep.objects.select_for_update().filter(
        kind=kind, deadline__isnull=True).order_by("offset")
    step = steps.filter(offset=offset).first()
    if step is None:
        raise ValidationError(_("This step is no longer in the ladder."))
    if steps.count() == 1:
        raise ValidationError(_("A ladder needs at least one step. Add another step first."))
    _delete(step, by)


@transaction.atomic
def deadline_ladder_reset(*, deadline: Deadline, by) -> int:
    """Drop the deadline's own ladder: it follows its kind's again. Returns the steps removed."""
    steps = list(LadderStep.objects.select_for_update().filter(deadline=deadline).order_by("offset"))
    for step in steps:
        _delete(step, by)
    return len(steps)


def _delete(step: LadderStep, by) -> None:
    step._history_user = by
    step.delete()


# The pages' other writes: a user's own reminder setting and unread notifications.
@transaction.atomic
def digest_preference_set(*, user, daily_digest: bool) -> None:
    from .models import ReminderPreference

    preference, _created = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    if preference.daily_digest != daily_digest:
        preference.daily_digest = daily_digest
        preference._history_user = user
        preference.save()


def notifications_mark_all_read(*, user) -> int:
    from django.utils import timezone

    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
