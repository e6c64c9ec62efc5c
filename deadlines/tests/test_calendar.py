from datetime import date

import pytest

from deadlines.calendar import add_working_days, is_working_day, working_days_between
from deadlines.models import Holiday

pytestmark = pytest.mark.django_db


def test_fixed_holidays_are_seeded_by_migration():
    fixed = set(Holiday.objects.filter(year__isnull=True).values_list("day", "month"))

    assert {(1, 1), (30, 4), (1, 5), (2, 9)} <= fixed


def test_weekends_and_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert not is_working_day(date(2026, 9, 2))  # National Day, a Wednesday
    assert is_working_day(date(2026, 11, 27))  # Friday


def test_add_working_days_skips_weekends_and_holidays():
    # Tuesday 28/04/2026 + 3 working days: 29/04, (30/04 and 01/05 holidays, weekend), 04/05, 05/05
    assert add_working_days(date(2026, 4, 28), 3) == date(2026, 5, 5)


def test_a_holiday_entered_for_one_year_counts_that_year_only():
    Holiday.objects.create(name="Tết Nguyên đán", day=17, month=2, year=2026)

    assert not is_working_day(date(2026, 2, 17))
    assert is_working_day(date(2027, 2, 17))


def test_working_days_between_and_backwards():
    assert working_days_between(date(2026, 11, 27), date(2026, 12, 4)) == 5
    assert add_working_days(date(2026, 11, 30), -1) == date(2026, 11, 27)
