"""Quality targets C3 and C4 as tests: no task waits longer than half the broker's visibility
timeout before it runs (else Redis hands it to a second worker), and every task of the project
has a soft and a hard time limit."""

import re
from pathlib import Path

from django.conf import settings

from config.celery import EMAIL_TASK, app

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "clusters", "deadlines", "emulation", "awards", "reports", "config")
# kombu's Redis transport keeps an unacknowledged message for an hour unless told otherwise.
VISIBILITY_TIMEOUT = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get(
    "visibility_timeout", 3600)
DELAY = re.compile(r"\b(countdown|eta)\s*=")


def _project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.split(".")[0] in APPS}


def test_every_project_task_has_a_soft_and_a_hard_time_limit():
    tasks = _project_tasks()

    assert {"deadlines.sweep", "deadlines.send_reminder_email", "reports.run_render_job",
            "accounts.send_password_reset"} <= set(tasks)
    missing = [name for name, task in tasks.items()
               if not task.time_limit or not task.soft_time_limit
               or task.soft_time_limit >= task.time_limit]
    assert missing == []


def test_no_retry_or_delay_waits_longer_than_half_the_visibility_timeout():
    assert settings.REMINDER_RETRY_MAX_SECONDS <= VISIBILITY_TIMEOUT / 2
    assert EMAIL_TASK["retry_backoff_max"] <= VISIBILITY_TIMEOUT / 2
    # Every delay written in the code goes through the reminders' capped backoff.
    found = []
    for app_name in APPS:
        for path in (ROOT / app_name).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DELAY.search(line) and "_backoff(" not in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
