"""Reminder ladders: which steps a deadline has and when each step is sent.

Times are computed in Vietnam time (Asia/Ho_Chi_Minh, no daylight saving) whatever the server's
or Celery's time zone, and stored as aware datetimes. No reminder goes out in the quiet hours
21:00–07:00; working days skip weekends and the holidays administrators enter
(deadlines.calendar)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .calendar import add_working_days

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SEND_TIME = time(8, 0)
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)


def default_ladders() -> dict[str, list[tuple[int, bool]]]:
    """Every kind's default ladder, in one query."""
    from .models import LadderStep

    ladders: dict[str, list[tuple[int, bool]]] = {}
    for kind, offset, escalate in (LadderStep.objects.filter(deadline__isnull=True)
                                   .order_by("kind", "offset")
                                   .values_list("kind", "offset", "escalate")):
        ladders.setdefault(kind, []).append((offset, escalate))
    return ladders


def own_ladders(deadline_ids) -> dict[int, list[tuple[int, bool]]]:
    """The deadlines' own ladders (which replace their kind's), in one query."""
    from .models import LadderStep

    ladders: dict[int, list[tuple[int, bool]]] = {}
    for deadline_id, offset, escalate in (LadderStep.objects.filter(deadline_id__in=deadline_ids)
                                          .order_by("deadline_id", "offset")
                                          .values_list("deadline_id", "offset", "escalate")):
        ladders.setdefault(deadline_id, []).append((offset, escalate))
    return ladders


def steps_for(deadline) -> list[tuple[int, bool]]:
    """(offset, escalate) of the deadline's own steps if it has any, else its kind's."""
    own = own_ladders([deadline.pk]).get(deadline.pk)
    if own:
        return own
    return default_ladders().get(deadline.kind, [])


def send_day(due_on: date, offset: int, cache: dict | None = None) -> date:
    """The working day `offset` working days from the due date. Offset 0 is the due day itself,
    even when it is not a working day (the obligation still falls on it)."""
    return add_working_days(due_on, offset, cache)


def send_at(due_on: date, offset: int, cache: dict | None = None) -> datetime:
    """When a step is sent: 08:00 Vietnam time on its day (never in the quiet hours)."""
    return next_allowed(datetime.combine(send_day(due_on, offset, cache), SEND_TIME,
                                         tzinfo=VIETNAM))


def is_quiet(moment: datetime) -> bool:
    local = moment.astimezone(VIETNAM).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_allowed(moment: datetime) -> datetime:
    """The moment itself outside the quiet hours, else the 07:00 (Vietnam time) that ends them."""
    local = moment.astimezone(VIETNAM)
    if local.time() >= QUIET_FROM:
        return datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, tzinfo=VIETNAM)
    if local.time() < QUIET_UNTIL:
        return datetime.combine(local.date(), QUIET_UNTIL, tzinfo=VIETNAM)
    return moment


def local_date(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()
