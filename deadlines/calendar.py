"""One working-day calendar: weekends plus the public holidays administrators enter."""

from datetime import date, timedelta

from django.db.models import Q


def holidays_in(year: int) -> set[date]:
    from .models import Holiday

    days = set()
    for day, month in Holiday.objects.filter(Q(year=year) | Q(year__isnull=True)).values_list(
        "day", "month"
    ):
        try:
            days.add(date(year, month, day))
        except ValueError:  # 29/02 in a common year
            continue
    return days


def is_working_day(day: date, _cache: dict | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    cache = _cache if _cache is not None else {}
    if day.year not in cache:
        cache[day.year] = holidays_in(day.year)
    return day not in cache[day.year]


def add_working_days(start: date, count: int, cache: dict | None = None) -> date:
    """The date `count` working days after `start` (before it when negative); `start` itself
    for 0. `cache` (year → holidays) lets a caller share the holiday lookups across calls."""
    cache = {} if cache is None else cache
    step = 1 if count >= 0 else -1
    day, remaining = start, abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day, cache):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    cache: dict = {}
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, cache):
            count += 1
    return count
