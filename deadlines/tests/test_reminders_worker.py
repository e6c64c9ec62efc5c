"""End to end on the real services (architecture §12, integration layer): a due reminder is
delivered by a real Celery worker on Redis. The sweep task goes through the broker, the worker
runs it, the send tasks it queues after its commit go through the broker too, and the e-mails
land as files under the worker's VAR_DIR/mail."""

import datetime
import time
from email import message_from_string, policy

import pytest

from deadlines.ladder import VIETNAM
from deadlines.models import Notification, Reminder, ReminderDelivery
from deadlines.tasks import sweep_task
from deadlines.tests.test_obligations import dated_pledge
from tests import test_celery_worker

worker = test_celery_worker.worker  # the real worker fixture, shared with tests/

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DUE = datetime.date(2026, 3, 4)


def wait_for_mails(folder, count, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if len(files) >= count:
            return [f.read_text(encoding="utf-8") for f in files]
        time.sleep(0.3)
    pytest.fail(f"Chỉ có {len(files)} e-mail trong {folder} sau {timeout} giây, cần {count}")


def test_a_due_reminder_is_delivered_by_a_real_worker(world, default_ladders, worker,
                                                      celery_not_eager):
    pledge = dated_pledge(world, DUE)
    now = datetime.datetime(2026, 3, 4, 8, 5, tzinfo=VIETNAM)

    sweep_task.delay(now=now.isoformat())
    texts = wait_for_mails(worker, 2)

    messages = [message_from_string(t.split("\n-------", 1)[0], policy=policy.default)
                for t in texts]
    assert sorted(m["To"] for m in messages) == ["canbo.hanoi@example.vn",
                                                 "cumtruong@example.vn"]
    for text in texts:
        assert pledge.get_absolute_url() in text
    # The worker marks each delivery after the server accepted it: wait for the last mark.
    for _ in range(100):
        statuses = set(ReminderDelivery.objects.values_list("email_status", flat=True))
        if statuses == {ReminderDelivery.EmailStatus.SENT}:
            break
        time.sleep(0.2)
    assert statuses == {ReminderDelivery.EmailStatus.SENT}
    assert ReminderDelivery.objects.count() == 2 and Notification.objects.count() == 2
    step = Reminder.objects.get(offset=0)
    assert step.status == Reminder.Status.DONE and step.recipients == 2

    # A second sweep (another beat tick, or a redelivered sweep message) sends nothing more.
    sweep_task.delay(now=(now + datetime.timedelta(minutes=5)).isoformat())
    time.sleep(3)
    assert len(list(worker.glob("*.log"))) == 2
    assert ReminderDelivery.objects.count() == 2
