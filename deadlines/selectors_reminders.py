"""Reads behind the deadline and reminder pages: a user's upcoming deadlines with their
countdown, and the administrators' lists (scoped like every other list, architecture §8)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import can_administer
from accounts.scoping import scope_q

from .calendar import is_working_day
from .models import Deadline, DeadlineKind, Holiday, LadderStep, Obligation, ReminderDelivery

UPCOMING = "upcoming"
DUE_TODAY = "today"
LATE = "late"


def holiday_cache(years) -> dict[int, set[date]]:
    """The holidays of several years in one query, in the shape deadlines.calendar's
    is_working_day caches them: a page counting days for many rows reads the holidays once."""
    years = sorted(set(years))
    cache: dict[int, set[date]] = {year: set() for year in years}
    if not years:
        return cache
    rows = Holiday.objects.filter(Q(year__in=years) | Q(year__isnull=True)).values_list(
        "day", "month", "year")
    for day, month, year in rows:
        for y in ([year] if year else years):
            try:
                cache[y].add(date(y, month, day))
            except ValueError:  # 29/02 in a common year
                continue
    return cache


@dataclass
class Countdown:
    status: str  # UPCOMING, DUE_TODAY or LATE
    days: int  # working days left (UPCOMING) or calendar days late (LATE)
    label: str


def countdown(due_on: date, today: date, cache: dict) -> Countdown:
    """"còn 3 ngày làm việc", "hạn hôm nay", "quá hạn 2 ngày". Working days are those after
    today up to and including the due day (deadlines.calendar.working_days_between)."""
    if due_on == today:
        return Countdown(DUE_TODAY, 0, _("due today"))
    if due_on < today:
        late = (today - due_on).days
        return Countdown(LATE, late, ngettext("late by %(n)s day", "late by %(n)s days",
                                              late) % {"n": late})
    left, day = 0, today
    while day < due_on:
        day += timedelta(days=1)
        if is_working_day(day, cache):
            left += 1
    if left == 0:
        # Due on a weekend or holiday with no working day before it.
        return Countdown(UPCOMING, 0, _("no working day left"))
    return Countdown(UPCOMING, left, ngettext("%(n)s working day left",
                                              "%(n)s working days left", left) % {"n": left})


def with_countdowns(deadlines, today: date | None = None) -> list[tuple]:
    """(deadline, Countdown) pairs, reading the holidays of the years involved once."""
    today = today or timezone.localdate()
    deadlines = list(deadlines)
    years = {today.year} | {d.due_on.year for d in deadlines}
    cache = holiday_cache(range(min(years), max(years) + 1))
    return [(d, countdown(d.due_on, today, cache)) for d in deadlines]


def upcoming_for(user, *, limit: int | None = None, today: date | None = None) -> list[tuple]:
    """The active deadlines the user still owes (as of the last refresh), soonest first, with
    their countdown: one query for the rows, one for the holidays."""
    rows = (Deadline.objects.filter(active=True, obligations__user=user)
            .order_by("due_on", "id").distinct())
    if limit:
        rows = rows[:limit]
    return with_countdowns(rows, today)


# --- administrators ------------------------------------------------------------------------------

STATE_UPCOMING, STATE_LATE, STATE_CLOSED = "upcoming", "late", "closed"


def admin_deadlines(user):
    """The deadlines an administrator may see: central ones all, a provincial alliance's those
    whose organization lies in its subtree. Nobody else sees any."""
    if not can_administer(user):
        return Deadline.objects.none()
    return Deadline.objects.filter(scope_q(user, "organization"))


def deadline_list(user, *, kind: str = "", state: str = "", today: date | None = None):
    today = today or timezone.localdate()
    rows = admin_deadlines(user).select_related("organization")
    if kind:
        rows = rows.filter(kind=kind)
    if state == STATE_UPCOMING:
        rows = rows.filter(active=True, due_on__gte=today)
    elif state == STATE_LATE:
        rows = rows.filter(active=True, due_on__lt=today)
    elif state == STATE_CLOSED:
        rows = rows.filter(active=False)
    else:
        rows = rows.filter(active=True)
    return rows.annotate(owing=Count("obligations")).order_by("due_on", "id")


def owing_of(deadline: Deadline):
    return (Obligation.objects.filter(deadline=deadline)
            .select_related("user", "organization")
            .order_by("organization__sort_key", "user__full_name", "user__username"))


def ladder_of(deadline: Deadline) -> tuple[list[LadderStep], bool]:
    """The deadline's own steps if it has any, else its kind's; and whether they are its own."""
    own = list(LadderStep.objects.filter(deadline=deadline).order_by("offset"))
    if own:
        return own, True
    return kind_ladder(deadline.kind), False


def kind_ladder(kind: str) -> list[LadderStep]:
    return list(LadderStep.objects.filter(kind=kind, deadline__isnull=True).order_by("offset"))


def kind_ladders() -> list[tuple[str, str, list[int]]]:
    """Every kind with the offsets of its default ladder, in one query."""
    steps: dict[str, list] = {}
    for kind, offset, escalate in LadderStep.objects.filter(deadline__isnull=True).order_by(
            "offset").values_list("kind", "offset", "escalate"):
        steps.setdefault(kind, []).append((offset, escalate))
    return [(value, label, steps.get(value, [])) for value, label in DeadlineKind.choices]


def reminders_of(deadline: Deadline):
    return deadline.reminders.annotate(delivered=Count("deliveries")).order_by("send_at", "id")


def deliveries(user, *, deadline: Deadline | None = None, status: str = ""):
    """Reminder deliveries of the deadlines the administrator may see, newest first."""
    rows = ReminderDelivery.objects.select_related("user", "reminder__deadline")
    if deadline is not None:
        rows = rows.filter(reminder__deadline=deadline)
    else:
        rows = rows.filter(reminder__deadline__in=admin_deadlines(user))
    if status == "repeats":
        rows = rows.filter(possible_repeats__gt=0)
    elif status:
        rows = rows.filter(email_status=status)
    return rows.order_by("-created_at", "-id")
