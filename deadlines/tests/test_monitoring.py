"""Observability of the background work (quality target C9): the selector on real rows, the
central administrators' page, the Prometheus endpoint, the alert task, and (marked `services`)
queue length and task age at start on the real Redis."""

import datetime
import json
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deadlines import monitoring
from deadlines.models import Deadline, DeadlineKind, Reminder, ReminderDelivery
from deadlines.tasks import check_background_task
from tests import test_celery_worker

pytestmark = pytest.mark.django_db
PAGE = "/lich/tinh-trang/"
METRICS = "/lich/tinh-trang/metrics"
TOKEN = "b1mat-gi4m-sat-" + "x" * 20


@pytest.fixture(autouse=True)
def filesystem_broker(settings, tmp_path):
    """Unit tests: the demo's filesystem broker in a folder of their own, alert state in the
    (cleared) Django cache, whatever broker the environment names."""
    queue = tmp_path / "queue"
    queue.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(queue),
                                                "data_folder_out": str(queue)}
    settings.ADMINS = [("Quản trị hệ thống", "quantri@example.vn")]
    cache.clear()
    yield queue
    cache.clear()


def a_deadline(world, n=1):
    return Deadline.objects.create(kind=DeadlineKind.PLEDGE, source_model="test", source_id=n,
                                   title=f"Ký giao ước {n}", due_on=datetime.date(2026, 3, 4),
                                   organization=world.hanoi)


def due_reminder(world, send_at, n=1, status=Reminder.Status.PENDING):
    return Reminder.objects.create(deadline=a_deadline(world, n), offset=0, send_at=send_at,
                                   status=status)


def failed_delivery(world, at, n=1):
    reminder = due_reminder(world, at - datetime.timedelta(minutes=5), n=n,
                            status=Reminder.Status.DONE)
    return ReminderDelivery.objects.create(
        reminder=reminder, user=world.users.staff, email_status=ReminderDelivery.EmailStatus.FAILED,
        attempts=6, last_attempt_at=at, error="SMTPServerDisconnected: gone")


# --- the selector --------------------------------------------------------------------------------


def test_a_reminder_due_20_minutes_ago_and_unsent_is_an_alert(world):
    now = timezone.now()
    due_reminder(world, now - datetime.timedelta(minutes=20))
    due_reminder(world, now + datetime.timedelta(minutes=20), n=2)  # not due yet: not counted

    status = monitoring.background_status(now)

    assert status.oldest_unsent_age == datetime.timedelta(minutes=20)
    assert status.oldest_unsent_minutes == 20
    assert status.unsent_reminders == 1 and status.unsent_emails == 0
    assert status.reminder_alert and not status.ok
    assert status.alerts == {"stale_reminder": True, "failures": False}


def test_nothing_unsent_is_ok(world):
    now = timezone.now()
    due_reminder(world, now - datetime.timedelta(hours=2), status=Reminder.Status.DONE)
    due_reminder(world, now - datetime.timedelta(hours=2), n=2, status=Reminder.Status.CANCELLED)

    status = monitoring.background_status(now)

    assert status.oldest_unsent_at is None and status.oldest_unsent_age is None
    assert not status.reminder_alert and not status.failures_alert
    assert status.broker == "filesystem" and status.broker_ok
    assert status.queues == [monitoring.QueueLength("celery", 0)]
    assert status.task_lags is None  # not available with the filesystem broker
    assert status.ok


def test_a_pending_email_counts_from_its_creation(world):
    now = timezone.now()
    reminder = due_reminder(world, now - datetime.timedelta(hours=1), status=Reminder.Status.DONE)
    delivery = ReminderDelivery.objects.create(reminder=reminder, user=world.users.staff)
    ReminderDelivery.objects.filter(pk=delivery.pk).update(
        created_at=now - datetime.timedelta(minutes=16))

    status = monitoring.background_status(now)

    assert status.unsent_emails == 1 and status.unsent_reminders == 0
    assert status.oldest_unsent_minutes == 16 and status.reminder_alert


def test_a_reminder_due_10_minutes_ago_is_not_yet_an_alert(world):
    now = timezone.now()
    due_reminder(world, now - datetime.timedelta(minutes=10))

    status = monitoring.background_status(now)

    assert status.oldest_unsent_minutes == 10 and not status.reminder_alert


def test_failures_in_the_last_hour_are_counted(world):
    from reports.models import RenderJob
    from reports.tests.test_summary_services import h1_2021
    from reports import services_summary

    now = timezone.now()
    for n in range(1, 4):
        failed_delivery(world, now - datetime.timedelta(minutes=10 * n), n=n)
    failed_delivery(world, now - datetime.timedelta(minutes=61), n=9)  # older than one hour
    report = services_summary.summary_create(period=h1_2021(world), organization=world.hanoi,
                                             by=world.users.province_admin)
    RenderJob.objects.create(report=report, kind="pdf", status="failed", error="boom",
                             requested_by=world.users.province_admin,
                             finished_at=now - datetime.timedelta(minutes=5))
    RenderJob.objects.create(report=report, kind="pdf", status="failed", error="old",
                             requested_by=world.users.province_admin,
                             finished_at=now - datetime.timedelta(hours=2))

    status = monitoring.background_status(now)

    assert (status.email_failures, status.render_failures, status.failures) == (3, 1, 4)
    assert not status.failures_alert  # 4 ≤ FAILURES_PER_HOUR_MAX
    for n in range(4, 4 + monitoring.FAILURES_PER_HOUR_MAX):
        failed_delivery(world, now - datetime.timedelta(minutes=1), n=10 + n)
    assert monitoring.background_status(now).failures_alert


def test_filesystem_queue_length_counts_the_message_files(world, filesystem_broker):
    for i in range(3):
        (filesystem_broker / f"1700000000{i}_{uuid.uuid4()}.celery.msg").write_text("{}")
    (filesystem_broker / f"17000000009_{uuid.uuid4()}.other.msg").write_text("{}")

    assert monitoring.background_status().queues == [monitoring.QueueLength("celery", 3)]


def test_an_unreachable_broker_is_reported_never_raised(world, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    status = monitoring.background_status()

    assert status.broker == "redis" and not status.broker_ok
    assert "Error" in status.broker_error
    assert status.queues == [monitoring.QueueLength("celery", None)]
    assert status.task_lags is None and status.queue_warning and not status.ok


def test_start_lag_counts_from_publication_or_eta():
    class Request:
        thidua_published_at = 1000.0
        eta = None

    assert monitoring.start_lag(Request(), now=1002.5) == 2.5
    Request.eta = datetime.datetime.fromtimestamp(1010, tz=datetime.timezone.utc).isoformat()
    assert monitoring.start_lag(Request(), now=1012.0) == 2.0  # a countdown is not a delay
    assert monitoring.start_lag(object(), now=1.0) is None


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_figures_in_vietnamese_to_a_central_admin(world, client):
    now = timezone.now()
    due_reminder(world, now - datetime.timedelta(minutes=20))
    failed_delivery(world, now - datetime.timedelta(minutes=3), n=2)
    client.force_login(world.users.admin)

    response = client.get(PAGE)

    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1" in text and "Tình trạng việc nền" in text
    assert "Nhắc việc đến hạn lâu nhất chưa gửi" in text
    assert "20 phút" in text or "21 phút" in text
    due = timezone.localtime(now - datetime.timedelta(minutes=20))
    assert due.strftime("%d/%m/%Y %H:%M") in text
    assert "Cần xử lý" in text and "Bình thường" in text  # text, not colour alone
    assert 'aria-hidden="true">⚠' in text
    assert 'scope="row"' in text and 'scope="col"' in text
    assert "Lỗi trong một giờ qua" in text
    assert "systemctl restart thidua-worker thidua-beat" in text
    assert "Không có số liệu" in text  # task lag with the filesystem broker


def test_the_page_says_when_the_broker_cannot_be_reached(world, client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    client.force_login(world.users.admin)

    text = client.get(PAGE).content.decode()

    assert "Không kết nối được" in text and "Không đo được" in text
    assert "Có việc cần xử lý" in text


def test_the_deadlines_page_links_the_status_for_central_admins_only(world, client):
    client.force_login(world.users.admin)
    assert PAGE in client.get("/lich/han/").content.decode()
    client.force_login(world.users.province_admin)
    assert PAGE not in client.get("/lich/han/").content.decode()


@pytest.mark.parametrize("who", ["province_admin", "staff", "office_staff"])
def test_the_page_is_forbidden_to_other_roles(world, client, who):
    client.force_login(getattr(world.users, who))
    assert client.get(PAGE).status_code == 403


def test_the_page_redirects_anonymous_visitors_to_login(client, world):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_the_page_issues_a_constant_number_of_queries(world, client):
    client.force_login(world.users.admin)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    now = timezone.now()
    for n in range(1, 8):
        due_reminder(world, now - datetime.timedelta(minutes=n), n=n)
        failed_delivery(world, now - datetime.timedelta(minutes=n), n=100 + n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- the metrics endpoint ------------------------------------------------------------------------


def test_metrics_without_a_token_are_refused(world, client, settings):
    settings.MONITORING_TOKEN = TOKEN
    response = client.get(METRICS)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert "thidua_" not in response.content.decode()


def test_metrics_with_a_wrong_token_are_refused(world, client, settings):
    settings.MONITORING_TOKEN = TOKEN
    for header in (f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}"):
        assert client.get(METRICS, HTTP_AUTHORIZATION=header).status_code == 401


def test_no_token_configured_means_no_token_is_accepted(world, client, settings):
    settings.MONITORING_TOKEN = ""
    assert client.get(METRICS, HTTP_AUTHORIZATION="Bearer ").status_code == 401
    assert client.get(METRICS, HTTP_AUTHORIZATION="Bearer x").status_code == 401


def test_metrics_are_forbidden_to_a_signed_in_provincial_admin(world, client, settings):
    settings.MONITORING_TOKEN = TOKEN
    client.force_login(world.users.province_admin)
    assert client.get(METRICS).status_code == 403


def test_metrics_with_the_right_token(world, client, settings):
    settings.MONITORING_TOKEN = TOKEN
    now = timezone.now()
    due_reminder(world, now - datetime.timedelta(minutes=20))
    failed_delivery(world, now - datetime.timedelta(minutes=3), n=2)

    response = client.get(METRICS, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    lines = response.content.decode().splitlines()
    assert "# TYPE thidua_queue_length gauge" in lines
    assert 'thidua_queue_length{queue="celery"} 0' in lines
    assert "thidua_broker_up 1" in lines
    age = next(line for line in lines
               if line.startswith("thidua_oldest_unsent_reminder_age_seconds "))
    assert 1200 <= int(age.split()[1]) < 1260
    assert "thidua_unsent_reminders 1" in lines
    assert 'thidua_failures_last_hour{kind="reminder_email"} 1' in lines
    assert 'thidua_failures_last_hour{kind="report_render"} 0' in lines
    assert 'thidua_alert{condition="stale_reminder"} 1' in lines
    assert 'thidua_alert{condition="failures"} 0' in lines
    assert not any(line.startswith("thidua_task_start_lag") for line in lines)


def test_metrics_for_a_signed_in_central_admin_without_token(world, client, settings):
    settings.MONITORING_TOKEN = ""
    client.force_login(world.users.admin)
    response = client.get(METRICS)
    assert response.status_code == 200 and "thidua_broker_up 1" in response.content.decode()


# --- the alert task ------------------------------------------------------------------------------


def test_a_stale_reminder_mails_admins_once_then_the_recovery(world, caplog):
    reminder = due_reminder(world, timezone.now() - datetime.timedelta(minutes=20))

    with caplog.at_level("ERROR", logger="deadlines.monitoring"):
        first = check_background_task.delay().get()
        second = check_background_task.delay().get()

    assert first["stale_reminder"] == "alerted" and second["stale_reminder"] == "already alerted"
    assert len(mail.outbox) == 1
    alert = mail.outbox[0]
    assert alert.to == ["quantri@example.vn"]
    assert "Nhắc việc bị chậm" in alert.subject
    assert "20 phút" in alert.body and "/lich/tinh-trang/" in alert.body
    assert [r for r in caplog.records
            if r.name == "deadlines.monitoring" and r.levelname == "ERROR"]

    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.DONE)
    assert check_background_task.delay().get()["stale_reminder"] == "recovered"
    assert check_background_task.delay().get()["stale_reminder"] == "ok"
    assert len(mail.outbox) == 2 and "Đã khắc phục" in mail.outbox[1].subject


def test_an_alert_repeats_after_an_hour_while_it_lasts(world):
    now = timezone.now()
    due_reminder(world, now - datetime.timedelta(minutes=20))
    monitoring.check_and_alert(now)
    monitoring.check_and_alert(now + datetime.timedelta(minutes=30))
    assert len(mail.outbox) == 1
    monitoring.check_and_alert(now + datetime.timedelta(minutes=61))
    assert len(mail.outbox) == 2


def test_a_healthy_system_mails_nobody(world):
    due_reminder(world, timezone.now() - datetime.timedelta(minutes=5))
    assert check_background_task.delay().get() == {"stale_reminder": "ok", "failures": "ok"}
    assert mail.outbox == []


def test_too_many_failures_alert(world):
    now = timezone.now()
    for n in range(monitoring.FAILURES_PER_HOUR_MAX + 1):
        failed_delivery(world, now - datetime.timedelta(minutes=2), n=n + 1)
    assert monitoring.check_and_alert(now)["failures"] == "alerted"
    assert len(mail.outbox) == 1 and "lỗi" in mail.outbox[0].subject.lower()


def test_the_beat_schedule_runs_the_check_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deadlines.check_background"]
    assert entry["task"] == check_background_task.name
    assert entry["schedule"] == datetime.timedelta(minutes=5) and entry["options"]["expires"]
    assert check_background_task.time_limit and check_background_task.soft_time_limit


# --- the real Redis (services) -------------------------------------------------------------------


@pytest.fixture
def redis_broker(settings, monkeypatch):
    """A Redis database of its own (13) and a unique queue and key prefix: other tests' queues
    and the workers they start are not disturbed."""
    import redis

    from conftest import require_or_skip

    url = "redis://127.0.0.1:6379/13"
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        require_or_skip(False, "không có Redis ở 127.0.0.1:6379: bỏ qua")
    settings.CELERY_BROKER_URL = url
    queue = f"monitor-test-{uuid.uuid4().hex[:8]}"
    prefix = f"thidua:monitoring-test-{uuid.uuid4().hex[:8]}:"
    monkeypatch.setattr(monitoring, "queue_names", lambda: [queue])
    monkeypatch.setattr(monitoring, "KEY_PREFIX", prefix)
    yield client, url, queue
    client.delete(queue)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.mark.services
def test_queue_length_and_task_age_at_start_on_the_real_redis(world, redis_broker):
    import time

    from celery.app.task import Context

    from config.celery import app
    from deadlines.tasks import send_digests_task

    client, url, queue = redis_broker
    with app.connection_for_write(url) as conn:
        for _ in range(3):
            send_digests_task.apply_async(queue=queue, connection=conn)

    status = monitoring.background_status()
    assert status.broker == "redis" and status.broker_ok
    assert status.queues == [monitoring.QueueLength(queue, 3)]
    assert status.task_lags == []

    # The worker side: the message as published carries the stamp; prerun turns it into a lag.
    message = json.loads(client.rpop(queue))
    headers = message["headers"]
    assert headers["task"] == "deadlines.send_digests"
    assert abs(headers[monitoring.PUBLISHED_HEADER] - time.time()) < 30
    time.sleep(0.2)

    class Task:
        name = headers["task"]
        request = Context(headers)

    monitoring.on_task_prerun(task=Task())
    lags = monitoring.background_status().task_lags
    assert len(lags) == 1 and lags[0].task == "deadlines.send_digests"
    assert 0.2 <= lags[0].last_seconds < 30 and lags[0].samples == 1
    assert monitoring.background_status().queues == [monitoring.QueueLength(queue, 2)]
    text = monitoring.prometheus_text(monitoring.background_status())
    assert f'thidua_queue_length{{queue="{queue}"}} 2' in text
    assert 'thidua_task_start_lag_seconds{task="deadlines.send_digests"} ' in text


@pytest.mark.services
def test_alert_state_lives_in_redis_with_a_redis_broker(world, redis_broker):
    client, _url, _queue = redis_broker
    due_reminder(world, timezone.now() - datetime.timedelta(minutes=20))

    assert monitoring.check_and_alert()["stale_reminder"] == "alerted"
    assert client.get(f"{monitoring.KEY_PREFIX}alert:stale_reminder") is not None
    assert monitoring.check_and_alert()["stale_reminder"] == "already alerted"
    assert len(mail.outbox) == 1



worker = test_celery_worker.worker  # the real worker fixture, shared with tests/


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_the_task_age_at_start(world, settings, worker, celery_not_eager):
    """End to end: this process publishes through the environment's Redis broker, a real worker
    runs the task and its task_prerun handler stores the wait; the selector reads it back."""
    import os
    import time

    from deadlines.tasks import send_digests_task

    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]  # the worker fixture checked it
    client = monitoring.redis_client()
    client.delete(f"{monitoring.KEY_PREFIX}task-lag:deadlines.send_digests")

    send_digests_task.delay()

    lags = []
    for _ in range(150):
        lags = [lag for lag in monitoring.background_status().task_lags or []
                if lag.task == "deadlines.send_digests"]
        if lags:
            break
        time.sleep(0.2)
    assert lags and lags[0].samples == 1 and 0 <= lags[0].last_seconds < 60
