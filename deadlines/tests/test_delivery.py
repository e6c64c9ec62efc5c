"""The send task of one delivery: idempotent when retried or redelivered, a cut-off attempt
counted as a possible repeat, SMTP errors retried then marked failed, the e-mail in Vietnamese
with a link to the page where the work is done."""

import datetime
import itertools
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from deadlines.models import Deadline, DeadlineKind, Reminder, ReminderDelivery
from deadlines.tasks import send_reminder_email_task

pytestmark = pytest.mark.django_db
Status = ReminderDelivery.EmailStatus
FAILURES = {"left": 0}
SOURCES = itertools.count(1)


class FlakySMTPBackend(EmailBackend):
    """A mail server that drops the connection the next FAILURES["left"] times."""

    def send_messages(self, messages):
        if FAILURES["left"]:
            FAILURES["left"] -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    """Eager mode runs each retry at once in apply() (on a worker the countdown applies); with
    errors not propagated, every retry level runs as it would on the worker."""
    from config.celery import app

    settings.EMAIL_BACKEND = "deadlines.tests.test_delivery.FlakySMTPBackend"
    app.conf.task_eager_propagates = False
    yield FAILURES
    FAILURES["left"] = 0
    app.conf.task_eager_propagates = True


def make_delivery(user, *, offset=-3, escalation=False, **fields):
    deadline = Deadline.objects.create(
        kind=DeadlineKind.UNIT_REPORT, source_model="reports.reportperiod", source_id=next(SOURCES),
        title="Gửi báo cáo 6 tháng đầu năm 2026", url="/bao-cao/", due_on=datetime.date(2026, 7, 15))
    reminder = Reminder.objects.create(deadline=deadline, offset=offset, escalate=escalation,
                                       send_at=timezone.now(), status=Reminder.Status.DONE)
    return ReminderDelivery.objects.create(reminder=reminder, user=user, escalation=escalation,
                                           **fields)


def test_the_email_is_vietnamese_with_a_link_to_the_page_of_the_work(world, settings):
    settings.SITE_URL = "https://thidua.example.vn"
    row = make_delivery(world.users.staff)
    assert send_reminder_email_task.delay(delivery_id=row.pk).get() is True

    message, = mail.outbox
    assert message.to == ["canbo.hanoi@example.vn"]
    assert message.subject == ("Nhắc việc: Gửi báo cáo 6 tháng đầu năm 2026 – hạn ngày 15/07/2026")
    assert ("Nhắc việc: “Gửi báo cáo 6 tháng đầu năm 2026” đến hạn ngày 15/07/2026, còn 3 ngày "
            "làm việc.") in message.body
    assert "https://thidua.example.vn/bao-cao/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and '<a href="https://thidua.example.vn/bao-cao/">' in html
    row.refresh_from_db()
    assert row.email_status == Status.SENT and row.sent_at and row.attempts == 1
    assert row.possible_repeats == 0


def test_the_due_day_and_overdue_texts(world):
    make_delivery(world.users.staff, offset=0)
    Reminder.objects.update(offset=0)
    send_reminder_email_task.delay(delivery_id=ReminderDelivery.objects.get().pk)
    assert "đến hạn hôm nay, ngày 15/07/2026" in mail.outbox[0].body
    head = make_delivery(world.users.head, offset=3, escalation=True)
    send_reminder_email_task.delay(delivery_id=head.pk)
    assert mail.outbox[1].subject.startswith("Nhắc cấp trên: ")
    assert "vẫn chưa hoàn thành" in mail.outbox[1].body
    assert "thủ trưởng đơn vị" in mail.outbox[1].body


def test_a_retried_or_redelivered_task_sends_one_email(world):
    row = make_delivery(world.users.staff)
    for _attempt in range(3):
        send_reminder_email_task.delay(delivery_id=row.pk)
    send_reminder_email_task.apply(kwargs={"delivery_id": row.pk}, retries=2)
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1 and row.possible_repeats == 0


def test_an_attempt_started_and_never_marked_is_sent_again_and_counted(world):
    row = make_delivery(world.users.staff, attempts=1,
                        last_attempt_at=timezone.now() - datetime.timedelta(minutes=10))
    assert send_reminder_email_task.delay(delivery_id=row.pk).get() is True
    row.refresh_from_db()
    assert len(mail.outbox) == 1
    assert row.email_status == Status.SENT and row.attempts == 2 and row.possible_repeats == 1


def test_an_attempt_that_may_still_be_running_is_not_doubled(world):
    row = make_delivery(world.users.staff, attempts=1,
                        last_attempt_at=timezone.now() - datetime.timedelta(seconds=20))
    assert send_reminder_email_task.delay(delivery_id=row.pk).get() is False
    row.refresh_from_db()
    assert not mail.outbox and row.email_status == Status.PENDING and row.attempts == 1


def test_smtp_errors_are_retried_and_the_retry_is_not_a_repeat(world, flaky_smtp):
    flaky_smtp["left"] = 2
    row = make_delivery(world.users.staff)
    send_reminder_email_task.apply(kwargs={"delivery_id": row.pk})
    row.refresh_from_db()
    assert len(mail.outbox) == 1
    assert row.email_status == Status.SENT and row.attempts == 3 and row.possible_repeats == 0
    assert row.error == ""


def test_the_last_smtp_failure_marks_the_delivery_failed_with_the_error(world, flaky_smtp):
    flaky_smtp["left"] = 100
    row = make_delivery(world.users.staff)
    send_reminder_email_task.apply(kwargs={"delivery_id": row.pk})
    row.refresh_from_db()
    assert not mail.outbox
    assert row.email_status == Status.FAILED and row.attempts == 6  # the first and 5 retries
    assert row.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    # A late redelivery of the task does nothing more.
    send_reminder_email_task.apply(kwargs={"delivery_id": row.pk})
    row.refresh_from_db()
    assert row.attempts == 6 and row.email_status == Status.FAILED


def test_a_user_without_an_address_is_marked_no_address(world):
    world.users.staff.email = ""
    world.users.staff.save()
    row = make_delivery(world.users.staff)
    assert send_reminder_email_task.delay(delivery_id=row.pk).get() is False
    row.refresh_from_db()
    assert row.email_status == Status.NO_ADDRESS and not mail.outbox


def test_a_missing_delivery_is_ignored(world):
    assert send_reminder_email_task.delay(delivery_id=987654).get() is False
