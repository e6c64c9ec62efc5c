"""The sweeper on real obligations (a pledge to sign, a registration to send): one delivery and
one e-mail per (step, user) however often it runs, escalation to the heads, quiet hours, leases,
done work, the daily digest, and two sweepers at once."""

import datetime
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from deadlines import sweeper
from deadlines.delivery import send_digests
from deadlines.ladder import VIETNAM
from deadlines.models import (
    Deadline, DeadlineKind, DigestDelivery, Notification, Reminder, ReminderDelivery,
    ReminderPreference,
)
from deadlines.tests.test_obligations import dated_pledge
from emulation import services as emulation_services
from emulation.tests.builders import central_call, hanoi_registration
from emulation.tests.test_pledges import signed_pledge

D = datetime.date
DUE = D(2026, 3, 4)  # a Wednesday
Status = ReminderDelivery.EmailStatus


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM)


def run(now, capture, worker="sweeper", sync=True):
    with capture(execute=True):
        return sweeper.sweep(now=now, worker=worker, sync=sync)


def delivered(step=None):
    rows = ReminderDelivery.objects.select_related("user", "reminder")
    if step is not None:
        rows = rows.filter(reminder__offset=step)
    return {(row.user.username, row.escalation) for row in rows}


def prepare(now):
    """The sweeper's first two phases alone: deadlines synced, ladder steps materialized."""
    from deadlines.obligations import sync_deadlines

    sync_deadlines(today=now.date())
    sweeper.materialize(now)


def pledge_deadline():
    return Deadline.objects.get(kind=DeadlineKind.PLEDGE, active=True)


@pytest.mark.django_db
def test_the_sweeper_run_twice_gives_one_delivery_and_one_email_per_step_and_user(
        world, django_capture_on_commit_callbacks):
    dated_pledge(world, DUE)
    first = run(at(DUE, 8, 5), django_capture_on_commit_callbacks)
    second = run(at(DUE, 8, 6), django_capture_on_commit_callbacks)

    assert delivered() == {("canbo.hanoi", False), ("cumtruong", False)}
    assert first["claimed"] == 1 and first["deliveries"] == 2 and first["emails"] == 2
    assert second["claimed"] == 0 and second["deliveries"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["canbo.hanoi@example.vn",
                                                   "cumtruong@example.vn"]
    assert Notification.objects.count() == 2
    assert set(ReminderDelivery.objects.values_list("email_status", flat=True)) == {Status.SENT}
    step = Reminder.objects.get(deadline=pledge_deadline(), offset=0)
    assert step.status == Reminder.Status.DONE and step.recipients == 2
    assert step.lease_until is None


@pytest.mark.django_db
def test_a_deadline_seen_late_does_not_fire_its_whole_ladder(world,
                                                             django_capture_on_commit_callbacks):
    dated_pledge(world, DUE)
    run(at(DUE, 8, 5), django_capture_on_commit_callbacks)
    steps = dict(Reminder.objects.values_list("offset", "status"))
    # -14 … -1 fell more than a day before: recorded as cancelled; 0 sent; +1 and +3 ahead.
    assert steps == {-14: "cancelled", -7: "cancelled", -3: "cancelled", -1: "cancelled",
                     0: "done", 1: "pending", 3: "pending"}
    assert Reminder.objects.get(offset=1).send_at == at(D(2026, 3, 5), 8)
    assert Reminder.objects.get(offset=3).send_at == at(D(2026, 3, 9), 8)  # after the weekend


@pytest.mark.django_db
def test_escalation_steps_add_the_heads_of_the_units_that_still_owe(
        world, django_capture_on_commit_callbacks):
    dated_pledge(world, DUE)
    run(at(DUE, 8, 5), django_capture_on_commit_callbacks)
    run(at(D(2026, 3, 5), 8, 5), django_capture_on_commit_callbacks)

    assert delivered(0) == {("canbo.hanoi", False), ("cumtruong", False)}
    assert delivered(1) == {("canbo.hanoi", False), ("cumtruong", False),
                            ("thutruong.hanoi", True)}
    to_head = [m for m in mail.outbox if m.to == ["thutruong.hanoi@example.vn"]]
    assert len(to_head) == 1 and len(mail.outbox) == 5
    note = Notification.objects.get(user=world.users.head)
    assert note.text.startswith("Nhắc cấp trên")


@pytest.mark.django_db
def test_nothing_is_claimed_in_the_quiet_hours_and_it_goes_at_seven(
        world, django_capture_on_commit_callbacks):
    dated_pledge(world, DUE)
    night = run(at(DUE, 22), django_capture_on_commit_callbacks)
    assert night["quiet"] and night["claimed"] == 0
    assert Reminder.objects.get(offset=0).status == Reminder.Status.PENDING
    assert not ReminderDelivery.objects.exists() and not mail.outbox

    assert run(at(D(2026, 3, 5), 6, 59), django_capture_on_commit_callbacks)["claimed"] == 0
    morning = run(at(D(2026, 3, 5), 7), django_capture_on_commit_callbacks)
    assert morning["claimed"] == 1  # step 0; step +1 is due at 08:00
    assert delivered() == {("canbo.hanoi", False), ("cumtruong", False)}
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_done_work_gets_no_reminder(world, django_capture_on_commit_callbacks):
    call = central_call(world, deadline=DUE)
    registration = hanoi_registration(world, call)
    emulation_services.registration_submit(registration=registration, by=world.users.staff)
    dated_pledge(world, DUE)
    run(at(D(2026, 3, 3), 8, 5), django_capture_on_commit_callbacks)  # both deadlines' step -1
    signed_pledge(world)  # the pledge is done before its day

    run(at(DUE, 8, 5), django_capture_on_commit_callbacks)

    # Hà Nội sent its registration: only Huế and the Office are reminded, at each step.
    registration_users = {(row.user.username, row.reminder.offset) for row in
                          ReminderDelivery.objects.filter(reminder__deadline__kind="registration")
                          .select_related("user", "reminder")}
    assert registration_users == {("canbo.hue", -1), ("canbo.vanphong", -1),
                                  ("canbo.hue", 0), ("canbo.vanphong", 0)}
    pledge_steps = Reminder.objects.filter(deadline__kind="pledge")
    assert not pledge_steps.filter(offset=0, status=Reminder.Status.DONE).exists()
    assert not pledge_steps.filter(status=Reminder.Status.PENDING).exists()
    assert not ReminderDelivery.objects.filter(reminder__deadline__kind="pledge",
                                               reminder__offset=0).exists()


@pytest.mark.django_db
def test_a_moved_due_date_moves_the_pending_steps(world, django_capture_on_commit_callbacks):
    pledge = dated_pledge(world, DUE)
    run(at(D(2026, 2, 2), 8, 5), django_capture_on_commit_callbacks)
    assert Reminder.objects.get(offset=-1).send_at == at(D(2026, 3, 3), 8)
    from emulation import services_groups

    services_groups.pledge_update(pledge=pledge, title=pledge.title, by=world.users.staff,
                                  sign_by=D(2026, 3, 11))
    result = run(at(D(2026, 2, 3), 8, 5), django_capture_on_commit_callbacks)
    assert result["rescheduled"] == 7
    assert Reminder.objects.get(offset=-1).send_at == at(D(2026, 3, 10), 8)


@pytest.mark.django_db
def test_an_expired_lease_is_taken_again_and_a_held_one_is_not(
        world, django_capture_on_commit_callbacks):
    dated_pledge(world, DUE)
    prepare(at(DUE, 8, 5))
    # A sweeper claims the step and dies before delivering it.
    assert len(sweeper.claim_due(at(DUE, 8, 5), "crashed")) == 1

    # The lease (REMINDER_LEASE_SECONDS, 5 minutes) still holds at 08:08 …
    held = run(at(DUE, 8, 8), django_capture_on_commit_callbacks, worker="second", sync=False)
    assert held["claimed"] == 0 and not ReminderDelivery.objects.exists()
    # The crashed sweeper's claim cannot be used by anyone else either.
    assert sweeper.deliver(Reminder.objects.get(offset=0).pk, "second", at(DUE, 8, 8)) == (None, 0)

    # … and has expired at 08:11.
    later = run(at(DUE, 8, 11), django_capture_on_commit_callbacks, worker="second", sync=False)
    assert later["claimed"] == 1
    assert delivered() == {("canbo.hanoi", False), ("cumtruong", False)}
    assert Reminder.objects.get(offset=0).claimed_by == "second"


@pytest.mark.django_db
def test_notifications_are_written_with_the_deliveries_and_rolled_back_with_them(
        world, django_capture_on_commit_callbacks):
    dated_pledge(world, DUE)
    prepare(at(DUE, 8, 5))
    reminder_id, = sweeper.claim_due(at(DUE, 8, 5), "w")
    with django_capture_on_commit_callbacks() as queued:
        try:
            with transaction.atomic():
                sweeper.deliver(reminder_id, "w", at(DUE, 8, 5))
                assert Notification.objects.count() == 2
                raise RuntimeError("the worker dies before the commit")
        except RuntimeError:
            pass
    assert queued == []  # nothing queued for a rolled-back transaction
    assert not Notification.objects.exists() and not ReminderDelivery.objects.exists()
    assert Reminder.objects.get(pk=reminder_id).status == Reminder.Status.PENDING

    run(at(DUE, 8, 16), django_capture_on_commit_callbacks, worker="w2", sync=False)
    for row in ReminderDelivery.objects.select_related("notification"):
        assert row.notification.user_id == row.user_id
        assert row.notification.url == pledge_deadline().url
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_email_whose_task_the_broker_lost_is_queued_again(
        world, django_capture_on_commit_callbacks):
    dated_pledge(world, DUE)
    prepare(at(DUE, 8, 5))
    reminder_id, = sweeper.claim_due(at(DUE, 8, 5), "w")
    with django_capture_on_commit_callbacks(execute=False) as lost:  # never reach the broker
        sweeper.deliver(reminder_id, "w", at(DUE, 8, 5))
    assert len(lost) == 2 and not mail.outbox
    ReminderDelivery.objects.update(created_at=at(DUE, 8, 5))

    # REMINDER_REQUEUE_SECONDS (4 minutes): at 08:08 the task may just be waiting in line …
    soon = run(at(DUE, 8, 8), django_capture_on_commit_callbacks, sync=False)
    assert soon["requeued"] == 0 and not mail.outbox
    # … at 08:10, the next sweep, it is queued again: sent within ten minutes (C1).
    later = run(at(DUE, 8, 10), django_capture_on_commit_callbacks, sync=False)
    assert later["requeued"] == 2 and len(mail.outbox) == 2
    again = run(at(DUE, 8, 40), django_capture_on_commit_callbacks, sync=False)
    assert again["requeued"] == 0 and len(mail.outbox) == 2


@pytest.mark.django_db
def test_digest_users_get_no_single_email_and_one_digest_a_day(
        world, django_capture_on_commit_callbacks):
    ReminderPreference.objects.create(user=world.users.staff, daily_digest=True)
    dated_pledge(world, DUE)
    run(at(DUE, 8, 5), django_capture_on_commit_callbacks)
    assert ReminderDelivery.objects.get(user=world.users.staff).email_status == Status.DIGEST
    assert [m.to for m in mail.outbox] == [["cumtruong@example.vn"]]
    assert Notification.objects.filter(user=world.users.staff).count() == 1  # in-app as usual

    mail.outbox.clear()
    assert send_digests(at(D(2026, 3, 5), 7, 31))["sent"] == 1
    assert send_digests(at(D(2026, 3, 5), 9))["sent"] == 0
    assert [m.to for m in mail.outbox] == [["canbo.hanoi@example.vn"]]
    assert pledge_deadline().title in mail.outbox[0].body
    digest = DigestDelivery.objects.get(user=world.users.staff)
    assert digest.day == D(2026, 3, 5) and digest.items == 1 and digest.sent_at is not None


@pytest.mark.django_db
def test_send_due_reminders_prints_a_vietnamese_summary(world):
    dated_pledge(world, DUE)
    out = StringIO()
    call_command("send_due_reminders", "--at", "2026-03-04 08:05", stdout=out)
    text = out.getvalue()
    assert "Hạn công việc: 1 mới" in text
    assert "Đã gửi nhắc việc: 1; người nhận: 2" in text
    quiet = StringIO()
    call_command("send_due_reminders", "--at", "2026-03-04 22:00", stdout=quiet)
    assert "Giờ yên lặng (21:00–07:00)" in quiet.getvalue()


# --- two sweepers at once ------------------------------------------------------------------------


def _two_sweepers(now):
    """PostgreSQL: two threads, each with its own connection, start together (FOR UPDATE SKIP
    LOCKED splits the rows). SQLite has no row locks and one writer at a time: interleave the
    two sweepers' claims, so that both race on the conditional UPDATE."""
    if connection.vendor == "postgresql":
        barrier, results, errors = threading.Barrier(2), [], []

        def one(name):
            try:
                barrier.wait(timeout=10)
                results.append(sweeper.sweep(now=now, worker=name, sync=False))
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=one, args=(f"beat-{i}",)) for i in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        return results
    first = sweeper.claim_due(now, "beat-1")
    second = sweeper.claim_due(now, "beat-2")
    made = [sweeper.deliver(pk, "beat-1", now) for pk in first]
    made += [sweeper.deliver(pk, "beat-2", now) for pk in first + second]
    return [{"claimed": len(first)}, {"claimed": len(second)}, made]


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_send_one_email(world, default_ladders):
    dated_pledge(world, DUE)
    prepare(at(DUE, 8, 5))
    results = _two_sweepers(at(DUE, 8, 5))

    assert sorted(r["claimed"] for r in results[:2]) == [0, 1]
    assert delivered() == {("canbo.hanoi", False), ("cumtruong", False)}
    assert ReminderDelivery.objects.count() == 2 and Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(status=Reminder.Status.DONE).count() == 1
