"""Observability of the background work (quality target C9): broker queue lengths, task age at
start, failures in the last hour and the oldest due-but-unsent reminder, for the status page,
the Prometheus endpoint and the alert task (deadlines.check_background).

Nothing here raises because a service is down: a broker that cannot be reached is reported as
such, so the page and the alert keep working exactly when they are needed. No model: the task
lags live in the broker's Redis (capped lists), the alert state in Redis or the Django cache."""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min
from django.utils import timezone

logger = logging.getLogger("deadlines.monitoring")

# --- thresholds (quality target C9), all in one place --------------------------------------------
# C9: "Alert when the oldest unsent reminder is > 15 min old" (the sweep runs every 5 minutes,
# so a healthy system never lets a due reminder wait more than one or two sweeps).
REMINDER_MAX_AGE = timedelta(minutes=15)
# Failures (reminder e-mails failed for good + report renders failed) in the last hour above this
# number raise the alert: one failure is an unlucky address, several mean a broken mail server.
FAILURES_PER_HOUR_MAX = 5
FAILURE_WINDOW = timedelta(hours=1)
# Page-only warnings (not e-mailed): a backlog, or tasks starting long after they were queued.
QUEUE_LENGTH_WARN = 100
TASK_LAG_WARN_SECONDS = 300
# At most one alert e-mail per condition per hour while it lasts.
ALERT_REPEAT = timedelta(hours=1)
REDIS_TIMEOUT = 2  # seconds, connect and read: the broker must never hold a page or a worker
LAG_SAMPLES = 100  # per task name

KEY_PREFIX = "thidua:monitoring:"
PUBLISHED_HEADER = "thidua_published_at"

# kombu's Redis transport keeps prioritized messages under "<queue>\x06\x16<priority>".
_PRIORITY_SEP = "\x06\x16"
_PRIORITY_STEPS = (0, 3, 6, 9)


@dataclass
class QueueLength:
    name: str
    length: int | None  # None: unknown (broker unreachable)

    @property
    def warning(self) -> bool:
        return self.length is not None and self.length > QUEUE_LENGTH_WARN


@dataclass
class TaskLag:
    task: str
    last_seconds: float
    max_seconds: float
    samples: int

    @property
    def warning(self) -> bool:
        return self.max_seconds > TASK_LAG_WARN_SECONDS


@dataclass
class BackgroundStatus:
    measured_at: datetime
    broker: str  # "redis", "filesystem" or the URL scheme
    broker_ok: bool
    broker_error: str
    queues: list[QueueLength]
    oldest_unsent_at: datetime | None
    unsent_reminders: int
    unsent_emails: int
    email_failures: int
    render_failures: int
    task_lags: list[TaskLag] | None = field(default=None)  # None: not available

    @property
    def oldest_unsent_age(self) -> timedelta | None:
        if self.oldest_unsent_at is None:
            return None
        return max(self.measured_at - self.oldest_unsent_at, timedelta(0))

    @property
    def oldest_unsent_minutes(self) -> int | None:
        age = self.oldest_unsent_age
        return None if age is None else int(age.total_seconds() // 60)

    @property
    def reminder_alert(self) -> bool:
        age = self.oldest_unsent_age
        return age is not None and age > REMINDER_MAX_AGE

    @property
    def failures(self) -> int:
        return self.email_failures + self.render_failures

    @property
    def failures_alert(self) -> bool:
        return self.failures > FAILURES_PER_HOUR_MAX

    @property
    def queue_warning(self) -> bool:
        return not self.broker_ok or any(q.warning for q in self.queues)

    @property
    def lag_warning(self) -> bool:
        return any(lag.warning for lag in self.task_lags or [])

    @property
    def ok(self) -> bool:
        return not (self.reminder_alert or self.failures_alert or self.queue_warning
                    or self.lag_warning)

    @property
    def alerts(self) -> dict[str, bool]:
        """The conditions the alert task e-mails about."""
        return {"stale_reminder": self.reminder_alert, "failures": self.failures_alert}


# --- the broker ----------------------------------------------------------------------------------


def queue_names() -> list[str]:
    """The queues the project uses: Celery's default queue plus any named in the task routes
    (today only the default one: docs/deployment.md §9)."""
    from config.celery import app

    names = {app.conf.task_default_queue or "celery"}
    routes = app.conf.task_routes or {}
    if isinstance(routes, dict):
        for route in routes.values():
            if isinstance(route, dict) and route.get("queue"):
                names.add(str(route["queue"]))
    return sorted(names)


def _broker_url() -> str:
    return getattr(settings, "CELERY_BROKER_URL", "") or ""


_clients: dict = {}


def redis_client():
    """A client on the broker's Redis with short timeouts, or None when the broker is not Redis.
    One per process (and per URL): a worker records a lag at every task."""
    import os

    url = _broker_url()
    if not url.startswith(("redis://", "rediss://")):
        return None
    key = (os.getpid(), url)
    client = _clients.get(key)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT,
                                      socket_connect_timeout=REDIS_TIMEOUT)
        _clients.clear()
        _clients[key] = client
    return client


def _redis_queue_lengths(client, names) -> list[QueueLength]:
    pipe = client.pipeline(transaction=False)
    for name in names:
        for step in _PRIORITY_STEPS:
            pipe.llen(name if not step else f"{name}{_PRIORITY_SEP}{step}")
    counts = pipe.execute()
    per = len(_PRIORITY_STEPS)
    return [QueueLength(name, sum(counts[i * per:(i + 1) * per])) for i, name in enumerate(names)]


def _filesystem_queue_lengths(names) -> list[QueueLength]:
    # kombu's filesystem transport writes one file per message: "<time>_<uuid>.<queue>.msg".
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    folder = Path(options.get("data_folder_in", "data_in"))
    files = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return [QueueLength(name, sum(1 for f in files if f.endswith(f".{name}.msg")))
            for name in names]


def broker_state() -> tuple[str, bool, str, list[QueueLength]]:
    """(kind, reachable, error, queue lengths). Never raises."""
    url = _broker_url()
    kind = url.split(":", 1)[0] or "unknown"
    names = queue_names()
    try:
        if kind in ("redis", "rediss"):
            return "redis", True, "", _redis_queue_lengths(redis_client(), names)
        if kind == "filesystem":
            return kind, True, "", _filesystem_queue_lengths(names)
        return kind, False, "unsupported broker", [QueueLength(n, None) for n in names]
    except Exception as error:  # noqa: BLE001 - any failure means "cannot be reached"
        return kind, False, f"{type(error).__name__}: {error}"[:200], [
            QueueLength(n, None) for n in names]


# --- task age at start (Celery signals, connected in deadlines/apps.py) --------------------------


def _lag_key(task_name: str) -> str:
    return f"{KEY_PREFIX}task-lag:{task_name}"


def on_before_task_publish(sender=None, headers=None, **kwargs):
    """Stamp each message with its publication time (UTC epoch seconds)."""
    if headers is not None:
        headers.setdefault(PUBLISHED_HEADER, time.time())


def start_lag(request, now: float | None = None) -> float | None:
    """Seconds between the moment a task could start (published, or its ETA if later: a retry's
    countdown is not a delay) and now. None when the message has no stamp."""
    published = getattr(request, PUBLISHED_HEADER, None)
    if published is None:
        published = (getattr(request, "headers", None) or {}).get(PUBLISHED_HEADER)
    if published is None:
        return None
    now = time.time() if now is None else now
    ready = float(published)
    planned = getattr(request, "eta", None)  # reading the message's ETA, never setting one
    if planned:
        try:
            when = datetime.fromisoformat(planned) if isinstance(planned, str) else planned
            ready = max(ready, when.timestamp())
        except (TypeError, ValueError):
            pass
    return max(now - ready, 0.0)


def record_lag(task_name: str, seconds: float) -> None:
    """Push onto the task's capped list in the broker's Redis; any failure is ignored (a lost
    sample must never fail a task)."""
    try:
        client = redis_client()
        if client is None:
            return
        pipe = client.pipeline(transaction=False)
        pipe.lpush(_lag_key(task_name), f"{seconds:.3f}")
        pipe.ltrim(_lag_key(task_name), 0, LAG_SAMPLES - 1)
        pipe.sadd(f"{KEY_PREFIX}task-names", task_name)
        pipe.execute()
    except Exception:  # noqa: BLE001
        logger.debug("Task lag of %s not recorded", task_name, exc_info=True)


def on_task_prerun(sender=None, task=None, **kwargs):
    task = task or sender
    if task is None:
        return
    lag = start_lag(task.request)
    if lag is not None:
        record_lag(task.name, lag)


def task_lags() -> list[TaskLag] | None:
    """The recorded lags per task name; None when not available (no Redis broker, or it cannot
    be reached). Two round trips whatever the number of tasks."""
    try:
        client = redis_client()
        if client is None:
            return None
        names = sorted(n.decode() if isinstance(n, bytes) else n
                       for n in client.smembers(f"{KEY_PREFIX}task-names"))
        pipe = client.pipeline(transaction=False)
        for name in names:
            pipe.lrange(_lag_key(name), 0, LAG_SAMPLES - 1)
        lags = []
        for name, values in zip(names, pipe.execute()):
            samples = [float(v) for v in values]
            if samples:
                lags.append(TaskLag(name, samples[0], max(samples), len(samples)))
        return lags
    except Exception:  # noqa: BLE001
        return None


# --- the selector --------------------------------------------------------------------------------


def background_status(now: datetime | None = None) -> BackgroundStatus:
    """Everything C9 asks to watch, measured at `now`. Four queries, whatever the data.

    "Unsent" means, precisely:
    - a Reminder still `pending` whose `send_at` is past (the sweeper has not delivered it:
      no sweep ran, or the sweep keeps failing on it); it is due since `send_at`;
    - a ReminderDelivery whose e-mail is still `pending` (queued, not yet accepted by the mail
      server: the task is lost, waiting in a backlog, or retrying); it is due since its
      `created_at`, the moment the sweeper queued it.
    Deliveries already `sent`, `failed` for good (counted as failures instead), without an
    address, or kept for the daily digest are not unsent. The oldest of both is the figure
    alerted on (> REMINDER_MAX_AGE)."""
    from reports.models import RenderJob

    from .models import Reminder, ReminderDelivery

    now = now or timezone.now()
    since = now - FAILURE_WINDOW
    reminders = Reminder.objects.filter(status=Reminder.Status.PENDING, send_at__lte=now).aggregate(
        oldest=Min("send_at"), count=Count("id"))
    emails = ReminderDelivery.objects.filter(
        email_status=ReminderDelivery.EmailStatus.PENDING, created_at__lte=now).aggregate(
        oldest=Min("created_at"), count=Count("id"))
    # A delivery is marked failed right after its last attempt, so that attempt dates it.
    email_failures = ReminderDelivery.objects.filter(
        email_status=ReminderDelivery.EmailStatus.FAILED, last_attempt_at__gt=since,
        last_attempt_at__lte=now).count()
    render_failures = RenderJob.objects.filter(
        status=RenderJob.Status.FAILED, finished_at__gt=since, finished_at__lte=now).count()
    oldest = [moment for moment in (reminders["oldest"], emails["oldest"]) if moment]
    kind, reachable, error, queues = broker_state()
    return BackgroundStatus(
        measured_at=now, broker=kind, broker_ok=reachable, broker_error=error, queues=queues,
        oldest_unsent_at=min(oldest) if oldest else None,
        unsent_reminders=reminders["count"], unsent_emails=emails["count"],
        email_failures=email_failures, render_failures=render_failures,
        task_lags=task_lags() if reachable else None,
    )


# --- Prometheus text format ----------------------------------------------------------------------


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def prometheus_text(status: BackgroundStatus) -> str:
    lines = []

    def metric(name, help_text, samples):
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} gauge")
        for labels, value in samples:
            label_text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{label_text}}} {value}" if label_text else f"{name} {value}")

    metric("thidua_broker_up", "1 when the Celery broker answered.",
           [({}, int(status.broker_ok))])
    metric("thidua_queue_length", "Messages waiting in a broker queue.",
           [({"queue": q.name}, q.length) for q in status.queues if q.length is not None])
    age = status.oldest_unsent_age
    metric("thidua_oldest_unsent_reminder_age_seconds",
           "Age of the oldest due-but-unsent reminder or reminder e-mail (0 when none).",
           [({}, int(age.total_seconds()) if age else 0)])
    metric("thidua_unsent_reminders", "Reminders past their send time, not delivered.",
           [({}, status.unsent_reminders)])
    metric("thidua_unsent_reminder_emails", "Reminder e-mails waiting to be sent.",
           [({}, status.unsent_emails)])
    metric("thidua_failures_last_hour", "Failures in the last hour.",
           [({"kind": "reminder_email"}, status.email_failures),
            ({"kind": "report_render"}, status.render_failures)])
    if status.task_lags is not None:
        metric("thidua_task_start_lag_seconds", "Seconds between queueing and start, last task.",
               [({"task": lag.task}, f"{lag.last_seconds:.3f}") for lag in status.task_lags])
        metric("thidua_task_start_lag_max_seconds",
               f"Longest wait before start over the last {LAG_SAMPLES} tasks.",
               [({"task": lag.task}, f"{lag.max_seconds:.3f}") for lag in status.task_lags])
    metric("thidua_alert", "1 while an alert condition holds.",
           [({"condition": name}, int(on)) for name, on in status.alerts.items()])
    return "\n".join(lines) + "\n"


# --- alerting ------------------------------------------------------------------------------------


class _AlertStore:
    """When each condition was last alerted on (its presence = the condition is active): in the
    broker's Redis when it is Redis (shared by every worker), else in the Django cache."""

    def _key(self, condition):
        return f"{KEY_PREFIX}alert:{condition}"

    def get(self, condition) -> float | None:
        try:
            client = redis_client()
            if client is not None:
                value = client.get(self._key(condition))
                return float(value) if value is not None else None
        except Exception:  # noqa: BLE001
            logger.warning("Alert state read from the cache: Redis unreachable")
        value = cache.get(self._key(condition))
        return float(value) if value is not None else None

    def set(self, condition, moment: float) -> None:
        try:
            client = redis_client()
            if client is not None:
                client.set(self._key(condition), str(moment))
                return
        except Exception:  # noqa: BLE001
            pass
        cache.set(self._key(condition), moment, None)

    def clear(self, condition) -> None:
        try:
            client = redis_client()
            if client is not None:
                client.delete(self._key(condition))
        except Exception:  # noqa: BLE001
            pass
        cache.delete(self._key(condition))


def _describe(status: BackgroundStatus, condition: str) -> str:
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    if condition == "stale_reminder":
        minutes = int(status.oldest_unsent_age.total_seconds() // 60)
        return _("The oldest due reminder has not been sent for %(minutes)s minutes "
                 "(since %(since)s). Check that the Celery worker and beat are running.") % {
            "minutes": minutes,
            "since": date_format(timezone.localtime(status.oldest_unsent_at), "d/m/Y H:i")}
    return _("%(count)s failures in the last hour (reminder e-mails: %(emails)s, report "
             "renders: %(renders)s).") % {"count": status.failures,
                                          "emails": status.email_failures,
                                          "renders": status.render_failures}


def check_and_alert(now: datetime | None = None) -> dict:
    """Log an ERROR and e-mail ADMINS for each alert condition, at most once per ALERT_REPEAT while
    it lasts; once it clears, one recovery notice. Returns what was done per condition."""
    from django.core.mail import mail_admins
    from django.utils import translation
    from django.utils.translation import gettext as _

    status = background_status(now)
    store = _AlertStore()
    moment = status.measured_at.timestamp()
    done = {}
    with translation.override(settings.LANGUAGE_CODE):
        titles = {"stale_reminder": _("Reminders are late"),
                  "failures": _("Too many background failures")}
        for condition, active in status.alerts.items():
            last = store.get(condition)
            if active:
                if last is not None and moment - last < ALERT_REPEAT.total_seconds():
                    done[condition] = "already alerted"
                    continue
                text = _describe(status, condition)
                logger.error("C9 alert %s: %s", condition, text)
                mail_admins(titles[condition], text + "\n\n" + _(
                    "Background status: %(url)s") % {"url": _status_url()}, fail_silently=True)
                store.set(condition, moment)
                done[condition] = "alerted"
            elif last is not None:
                logger.warning("C9 alert %s cleared", condition)
                mail_admins(_("Resolved: %(title)s") % {"title": titles[condition]},
                            _("The condition has cleared.") + "\n\n" + _(
                                "Background status: %(url)s") % {"url": _status_url()},
                            fail_silently=True)
                store.clear(condition)
                done[condition] = "recovered"
            else:
                done[condition] = "ok"
    return done


def _status_url() -> str:
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("deadlines:background_status")
