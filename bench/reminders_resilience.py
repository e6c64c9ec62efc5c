#!/usr/bin/env python
"""Resilience check of the reminders (issue 8, part 8): 1,000 reminder e-mails under way, the
worker killed with SIGKILL, the broker restarted empty, a second beat started beside the first;
then every delivery is counted.

Procedure:
1. A fresh PostgreSQL database (default `bench_reminders`, dropped and created again with
   createdb, then migrated; the migration seeds the default ladders). With --database-url the
   given database is used as it is: give it one of its own, since every deadline in it is swept.
2. Real sources, written with bulk_create: a provincial alliance with --recipients cooperatives
   under it, each with one unit staff user with an e-mail address, and a registration call of
   the alliance due today (yesterday before 08:00 Vietnam time, so that its on-the-day step is
   due). The script syncs the deadlines and materializes the ladder once itself and checks that
   exactly one step is due with --recipients people owing it: one sweep then makes all the
   deliveries.
3. Its own redis-server on --redis-port (6390; never the shared 6379) with no persistence, as
   the broker; a Celery worker (prefork, concurrency 2) and a beat sweeping every
   --sweep-seconds, as subprocesses with the project's settings, e-mail written to files under a
   temporary VAR_DIR (EMAIL_FILE_PATH = VAR_DIR/mail). Lost tasks are queued again by the
   sweeper after REMINDER_REQUEUE_SECONDS (--requeue-seconds); an attempt cut off is retried
   after REMINDER_IN_FLIGHT_SECONDS (--in-flight-seconds, above the send task's 60 s limit).
4. Once --kill-after e-mails are marked sent (and not all), the worker's process group gets
   SIGKILL, then redis-server gets SIGKILL and is started again (the queued and unacknowledged
   messages are gone), then a new worker and a second beat start (two beats at once).
5. When every delivery is marked sent (or after --timeout seconds) it counts: deliveries
   (unique per step and user), in-app notifications (one per delivery), e-mails per recipient
   read from the files (lost: no e-mail; duplicates: more than one, each covered by the
   delivery's possible_repeats), and the times from the start.
Prints a JSON summary; exits 1 when anything was lost, a duplicate was not counted, or a count
is off. Its processes are stopped in every case.

Run between 07:00 and 21:00 Vietnam time (outside the quiet hours nothing is sent):

    .venv/bin/python -m bench.reminders_resilience

See bench/RESULTS.md, section 12.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_reminders"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what Django's filebased backend writes after a message
DOMAIN = "bench-nhacviec.example.vn"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None,
                        help=f"default: {DEFAULT_DB}, dropped and created again")
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--kill-after", type=int, default=300,
                        help="e-mails marked sent before the worker is killed")
    parser.add_argument("--sweep-seconds", type=int, default=5)
    parser.add_argument("--requeue-seconds", type=int, default=30)
    parser.add_argument("--in-flight-seconds", type=int, default=65)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


# --- database and fixtures -----------------------------------------------------------------------


def prepare_database(url: str | None) -> str:
    if url is None:
        name = DEFAULT_DB.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
                       check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        url = DEFAULT_DB
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env={**os.environ, "DATABASE_URL": url}, check=True)
    return url


def build_sources(count: int, tag: str):
    """A provincial alliance, `count` cooperatives under it with one staff user each, and the
    alliance's registration call due today (or yesterday before the 08:00 sending time)."""
    from datetime import timedelta

    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat
    from django.utils import timezone

    from accounts.models import Role, RoleAssignment, User
    from clusters.models import Organization
    from clusters.services import organization_create
    from deadlines.ladder import SEND_TIME, VIETNAM
    from emulation.models import RegistrationCall

    Kind = Organization.Kind
    organizer = organization_create(code=f"BENCH-{tag}", kind=Kind.PROVINCIAL_ALLIANCE,
                                    name=f"Liên minh Hợp tác xã tỉnh Thử nghiệm {tag}")
    units = []
    for i in range(count):
        unit = Organization(code=f"B{tag}-{i:04d}", kind=Kind.COOPERATIVE, parent=organizer,
                            name=f"Hợp tác xã Thử nghiệm số {i:04d}", path="/")
        unit.refresh_derived_fields()
        units.append(unit)
    units = Organization.objects.bulk_create(units)
    Organization.objects.filter(parent=organizer).update(
        path=Concat(Value(organizer.path), Cast("id", CharField()), Value("/")))
    users = User.objects.bulk_create([
        User(username=f"b{tag}u{i:04d}", email=f"htx{i:04d}.{tag}@{DOMAIN}", password="!",
             full_name=f"Cán bộ Hợp tác xã số {i:04d}") for i in range(count)])
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=user, role=Role.UNIT_STAFF, organization=unit)
        for user, unit in zip(users, units)])
    local = timezone.now().astimezone(VIETNAM)
    due = local.date() if local.time() >= SEND_TIME else local.date() - timedelta(days=1)
    return RegistrationCall.objects.create(organizer=organizer, year=due.year, deadline=due)


def due_step(call, expected: int):
    """Sync and materialize as the sweeper does; the call's one due step (checked)."""
    from django.utils import timezone

    from deadlines.ladder import local_date
    from deadlines.models import Deadline, Reminder
    from deadlines.obligations import OBLIGATIONS, sync_deadlines
    from deadlines.sweeper import materialize

    now = timezone.now()
    sync_deadlines(today=local_date(now))
    materialize(now)
    deadline = Deadline.objects.get(source_model="emulation.registrationcall", source_id=call.pk)
    due = list(Reminder.objects.filter(deadline=deadline, status=Reminder.Status.PENDING,
                                       send_at__lte=now))
    owing = len(OBLIGATIONS[deadline.kind].owing(deadline))
    if len(due) != 1 or owing != expected:
        raise SystemExit(f"expected one due step owed by {expected}, found {len(due)} due "
                         f"step(s) owed by {owing}")
    return due[0]


# --- processes -----------------------------------------------------------------------------------


class Processes:
    """Subprocesses in their own process groups, so a worker dies with its pool children."""

    def __init__(self, folder: Path, env: dict):
        self.folder, self.env, self.running = folder, env, {}

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.running[name] = process
        return process

    def kill(self, name: str, sig=signal.SIGKILL, wait: float = 10) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=wait)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=wait)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")


def start_redis(processes: Processes, port: int, generation: int) -> None:
    processes.start(f"redis-{generation}", ["redis-server", "--port", str(port), "--bind",
                                            "127.0.0.1", "--save", "", "--appendonly", "no"])
    for _ in range(100):
        ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                              text=True)
        if ping.stdout.strip() == "PONG":
            return
        time.sleep(0.1)
    raise SystemExit(f"redis-server on port {port} did not start")


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", *args]


def start_worker(processes: Processes, generation: int) -> None:
    processes.start(f"worker-{generation}", celery(
        "worker", "--pool=prefork", "--concurrency=2", "--loglevel=INFO",
        f"--hostname=bench{generation}@%h", "--without-gossip", "--without-mingle",
        "--without-heartbeat"))


def start_beat(processes: Processes, generation: int) -> None:
    # Each beat its own schedule file and pid file: two beats in one folder would refuse.
    folder = processes.folder
    processes.start(f"beat-{generation}", celery(
        "beat", "--loglevel=INFO", f"--schedule={folder / f'beat-{generation}'}",
        f"--pidfile={folder / f'beat-{generation}.pid'}"))


# --- counting ------------------------------------------------------------------------------------


def statuses(reminder) -> Counter:
    from deadlines.models import ReminderDelivery

    return Counter(ReminderDelivery.objects.filter(reminder=reminder)
                   .values_list("email_status", flat=True))


def wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return False


def mails_by_recipient(folder: Path) -> Counter:
    """E-mails per address, read from every file (the backend appends when two messages of one
    process get the same file name, so messages are split, not files counted)."""
    counts: Counter = Counter()
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                to = message_from_bytes(chunk, policy=policy.default)["To"]
                counts[str(to or "").strip().lower()] += 1
    return counts


def count(reminder, mail_folder: Path, t0: float) -> dict:
    from django.db.models import Count, Max, Min, Sum

    from deadlines.models import Notification, Reminder, ReminderDelivery

    reminder = Reminder.objects.get(pk=reminder.pk)
    rows = ReminderDelivery.objects.filter(reminder=reminder)
    pairs_twice = (rows.values("reminder_id", "user_id").annotate(n=Count("id"))
                   .filter(n__gt=1).count())
    users = list(rows.values_list("user_id", "user__email", "possible_repeats", "attempts"))
    mails = mails_by_recipient(mail_folder)
    bench_mails = {address: n for address, n in mails.items() if address.endswith(DOMAIN)}
    lost = [email for _u, email, _r, _a in users if bench_mails.get(email, 0) == 0]
    duplicates = sum(max(0, n - 1) for n in bench_mails.values())
    repeats = {email: r for _u, email, r, _a in users}
    uncounted = sum(max(0, n - 1 - repeats.get(address, 0)) for address, n in bench_mails.items())
    user_ids = [u for u, _e, _r, _a in users]
    notes = Notification.objects.filter(user_id__in=user_ids)
    linked = rows.exclude(notification=None).values("notification_id").distinct().count()
    times = rows.aggregate(first=Min("created_at"), last=Max("sent_at"),
                           repeats=Sum("possible_repeats"))

    def since_start(moment):
        return round(moment.timestamp() - t0, 1) if moment else None

    return {
        "reminder": {"status": reminder.status, "recipients": reminder.recipients,
                     "claimed_by": reminder.claimed_by},
        "deliveries": rows.count(), "deliveries_twice_for_one_user": pairs_twice,
        "email_status": dict(statuses(reminder)),
        "attempts": dict(sorted(Counter(a for *_x, a in users).items())),
        "notifications": notes.count(), "deliveries_with_own_notification": linked,
        "emails_written": sum(bench_mails.values()), "emails_other_addresses":
            sum(mails.values()) - sum(bench_mails.values()),
        "recipients_with_email": len(bench_mails), "lost": len(lost), "lost_sample": lost[:5],
        "duplicates": duplicates, "possible_repeats_counted": times["repeats"] or 0,
        "duplicates_not_counted": uncounted,
        "seconds_to_first_delivery": since_start(times["first"]),
        "seconds_to_last_sent": since_start(times["last"]),
    }


def log_counts(processes: Processes) -> dict:
    counts = {}
    for name in ("worker-1", "worker-2", "beat-1", "beat-2"):
        try:
            text = processes.log(name)
        except FileNotFoundError:
            continue
        lines = text.splitlines()
        if name.startswith("worker"):
            counts[name] = {task: sum(1 for line in lines if f"Task deadlines.{task}[" in line
                                      and "succeeded" in line)
                            for task in ("sweep", "send_reminder_email")}
        else:
            counts[name] = {"sweeps_sent": text.count("Sending due task deadlines.sweep"),
                            "error_lines": sum(1 for line in lines if "ERROR" in line)}
    return counts


# --- the run -------------------------------------------------------------------------------------


def run(args, folder: Path, processes: Processes, reminder, expected: int) -> dict:
    from deadlines.models import ReminderDelivery

    sent_status = ReminderDelivery.EmailStatus.SENT
    t0 = time.time()
    events = {}
    start_redis(processes, args.redis_port, 1)
    start_worker(processes, 1)
    start_beat(processes, 1)

    def sent() -> int:
        return statuses(reminder).get(sent_status, 0)

    def sent_or_broken() -> bool:
        # A sweep that raises (a broken checkout, a bad migration) would only time out.
        if "deadlines.sweep[" in (log := processes.log("worker-1")) and "raised unexpected" in log:
            raise SystemExit(f"a sweep failed: see {folder / 'worker-1.log'}")
        return sent() >= args.kill_after

    if not wait_until(sent_or_broken, args.timeout, step=0.1):
        raise SystemExit(f"fewer than {args.kill_after} e-mails sent in {args.timeout} s; see "
                         f"the logs in {folder}")
    processes.kill("worker-1")  # SIGKILL to the main process and its pool children
    events["worker_killed_at"] = round(time.time() - t0, 1)
    at_kill = statuses(reminder)
    events["at_kill"] = dict(at_kill)
    events["in_flight_at_kill"] = ReminderDelivery.objects.filter(
        reminder=reminder, email_status=ReminderDelivery.EmailStatus.PENDING,
        attempts__gt=0).count()
    if at_kill.get(sent_status, 0) >= expected:
        raise SystemExit("every e-mail was sent before the kill: lower --kill-after")
    processes.kill("redis-1")  # nothing saved: the queue and the unacknowledged tasks are lost
    time.sleep(1)
    start_redis(processes, args.redis_port, 2)
    events["redis_restarted_at"] = round(time.time() - t0, 1)
    start_worker(processes, 2)
    start_beat(processes, 2)
    done = wait_until(lambda: sent() >= expected, args.timeout, step=0.5)
    events["all_sent"] = done
    # Let anything still running finish (a late repeat would show up in the files).
    time.sleep(args.sweep_seconds * 2)
    return {"events": events, **count(reminder, folder / "mail", t0)}


def main(argv=None) -> int:
    args = parse_args(argv)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    if not 7 <= local.hour < 21:
        print(f"It is {local:%H:%M} in Vietnam, in the quiet hours (21:00-07:00): nothing would "
              "be sent. Run between 07:00 and 21:00 Vietnam time.", file=sys.stderr)
        return 2
    ping = subprocess.run(["redis-cli", "-p", str(args.redis_port), "ping"], capture_output=True,
                          text=True)
    if ping.stdout.strip() == "PONG":
        print(f"Port {args.redis_port} is taken by another Redis: choose --redis-port.",
              file=sys.stderr)
        return 2
    url = prepare_database(args.database_url)
    secret = secrets.token_urlsafe(40)
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": secret, "DEBUG": "0",
                       "DJANGO_SETTINGS_MODULE": "config.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    tag = secrets.token_hex(3)
    started = time.monotonic()
    call = build_sources(args.recipients, tag)
    reminder = due_step(call, args.recipients)
    fixtures_seconds = round(time.monotonic() - started, 1)

    folder = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    env = {**os.environ, "VAR_DIR": str(folder), "EMAIL_HOST": "", "EMAIL_BACKEND": "",
           "CELERY_BROKER_URL": f"redis://127.0.0.1:{args.redis_port}/{args.redis_db}",
           "CELERY_RESULT_BACKEND": "", "LOG_LEVEL": "INFO",
           "REMINDER_SWEEP_SECONDS": str(args.sweep_seconds),
           "REMINDER_REQUEUE_SECONDS": str(args.requeue_seconds),
           "REMINDER_IN_FLIGHT_SECONDS": str(args.in_flight_seconds),
           "REMINDER_LEASE_SECONDS": "60"}
    processes = Processes(folder, env)
    failed = True
    try:
        summary = run(args, folder, processes, reminder, args.recipients)
        summary["logs"] = log_counts(processes)
        summary.update({"database": url.rsplit("/", 1)[1], "fixtures_seconds": fixtures_seconds,
                        "settings": {k: env[k] for k in env if k.startswith("REMINDER_")},
                        "temp_folder": str(folder)})
        problems = [name for name, bad in (
            ("lost", summary["lost"]),
            ("duplicates_not_counted", summary["duplicates_not_counted"]),
            ("not_all_sent", not summary["events"]["all_sent"]),
            ("deliveries", summary["deliveries"] != args.recipients),
            ("deliveries_twice_for_one_user", summary["deliveries_twice_for_one_user"]),
            ("notifications", summary["notifications"] != summary["deliveries"]
             or summary["deliveries_with_own_notification"] != summary["deliveries"]),
        ) if bad]
        summary["problems"] = problems
        failed = bool(problems)
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    finally:
        processes.stop_all()
        if failed or args.keep:
            print(f"Logs kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
