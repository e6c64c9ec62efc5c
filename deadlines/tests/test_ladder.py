"""Ladder computation: Vietnam time, working days (weekends and entered holidays), offset 0 on a
non-working due day, quiet hours, and which ladder a deadline follows."""

from datetime import date, datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest

from deadlines import ladder
from deadlines.models import Deadline, DeadlineKind, Holiday, LadderStep

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_step_is_sent_at_eight_in_the_morning_vietnam_time():
    # Wednesday 4 March 2026, on the day.
    moment = ladder.send_at(date(2026, 3, 4), 0)
    assert moment == datetime(2026, 3, 4, 8, 0, tzinfo=VN)
    assert moment.astimezone(dt_timezone.utc) == datetime(2026, 3, 4, 1, 0, tzinfo=dt_timezone.utc)


def test_working_days_skip_weekends_before_and_after():
    monday = date(2026, 3, 9)
    assert ladder.send_day(monday, -1) == date(2026, 3, 6)  # the Friday before
    assert ladder.send_day(monday, -7) == date(2026, 2, 26)  # Thursday a week and a half before
    friday = date(2026, 3, 13)
    assert ladder.send_day(friday, 1) == date(2026, 3, 16)  # the next Monday
    assert ladder.send_day(friday, 3) == date(2026, 3, 18)


def test_an_entered_holiday_is_skipped():
    Holiday.objects.create(name="Giỗ Tổ Hùng Vương", day=27, month=4, year=2026)
    # 30/04 and 01/05 recur every year (seeded by migration 0002; kept here to be explicit).
    Holiday.objects.get_or_create(day=30, month=4, year=None,
                                  defaults={"name": "Ngày Giải phóng miền Nam"})
    Holiday.objects.get_or_create(day=1, month=5, year=None, defaults={"name": "Quốc tế Lao động"})
    # Due Friday 24 April 2026: +1 skips the weekend and Monday 27 (holiday) → Tuesday 28.
    assert ladder.send_day(date(2026, 4, 24), 1) == date(2026, 4, 28)
    # +2 then skips 30/04 and 01/05 (recurring holidays) and the weekend → Monday 4 May.
    assert ladder.send_day(date(2026, 4, 24), 3) == date(2026, 5, 4)
    # Due Monday 4 May: one working day before is Wednesday 29 April.
    assert ladder.send_day(date(2026, 5, 4), -1) == date(2026, 4, 29)


def test_offset_zero_on_a_weekend_due_day_is_that_day():
    saturday = date(2026, 3, 7)
    assert ladder.send_at(saturday, 0) == datetime(2026, 3, 7, 8, 0, tzinfo=VN)
    assert ladder.send_day(saturday, -1) == date(2026, 3, 6)
    assert ladder.send_day(saturday, 1) == date(2026, 3, 9)


@pytest.mark.parametrize("local, expected", [
    (datetime(2026, 3, 4, 22, 0), datetime(2026, 3, 5, 7, 0)),
    (datetime(2026, 3, 4, 21, 0), datetime(2026, 3, 5, 7, 0)),
    (datetime(2026, 3, 4, 23, 59), datetime(2026, 3, 5, 7, 0)),
    (datetime(2026, 3, 5, 0, 30), datetime(2026, 3, 5, 7, 0)),
    (datetime(2026, 3, 5, 6, 59), datetime(2026, 3, 5, 7, 0)),
    (datetime(2026, 3, 5, 7, 0), datetime(2026, 3, 5, 7, 0)),
    (datetime(2026, 3, 5, 20, 59), datetime(2026, 3, 5, 20, 59)),
])
def test_quiet_hours_move_to_seven_in_the_morning(local, expected):
    assert ladder.next_allowed(local.replace(tzinfo=VN)) == expected.replace(tzinfo=VN)


def test_quiet_hours_are_vietnam_time_whatever_the_zone_of_the_moment():
    # 14:30 UTC is 21:30 in Vietnam: quiet; 01:00 UTC is 08:00 in Vietnam: not quiet.
    late = datetime(2026, 3, 4, 14, 30, tzinfo=dt_timezone.utc)
    assert ladder.is_quiet(late)
    assert ladder.next_allowed(late) == datetime(2026, 3, 5, 7, 0, tzinfo=VN)
    assert not ladder.is_quiet(datetime(2026, 3, 4, 1, 0, tzinfo=dt_timezone.utc))


def _deadline(kind=DeadlineKind.UNIT_REPORT):
    return Deadline.objects.create(kind=kind, source_model="reports.reportperiod", source_id=1,
                                   title="Báo cáo 6 tháng", due_on=date(2026, 6, 30))


def test_a_deadline_follows_its_kinds_default_ladder_with_escalation_after_the_due_day():
    steps = ladder.steps_for(_deadline())
    assert steps == [(-14, False), (-7, False), (-3, False), (-1, False), (0, False),
                     (1, True), (3, True)]


def test_a_deadlines_own_ladder_replaces_its_kinds():
    deadline = _deadline()
    LadderStep.objects.create(deadline=deadline, offset=-2, escalate=False)
    LadderStep.objects.create(deadline=deadline, offset=2, escalate=True)
    assert ladder.steps_for(deadline) == [(-2, False), (2, True)]
    other = Deadline.objects.create(kind=DeadlineKind.UNIT_REPORT, source_model="x.y",
                                    source_id=2, title="Khác", due_on=date(2026, 6, 30))
    assert len(ladder.steps_for(other)) == 7


def test_an_edited_kind_ladder_is_used():
    LadderStep.objects.filter(kind=DeadlineKind.COUNCIL_VOTE, offset=-14).delete()
    LadderStep.objects.filter(kind=DeadlineKind.COUNCIL_VOTE, offset=0).update(escalate=True)
    steps = ladder.steps_for(_deadline(DeadlineKind.COUNCIL_VOTE))
    assert (-14, False) not in steps and (0, True) in steps


def test_beat_keeps_utc_and_sends_the_digest_at_half_past_seven_vietnam_time(settings):
    """Quality target C6: CELERY_TIMEZONE is UTC; 07:30 in Vietnam (UTC+7) is 00:30 UTC."""
    schedule = settings.CELERY_BEAT_SCHEDULE["deadlines.digest"]["schedule"]

    assert settings.CELERY_TIMEZONE == "UTC"
    assert (schedule.hour, schedule.minute) == ({0}, {30})
