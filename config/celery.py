import os
from smtplib import SMTPException

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("thidua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks that send one e-mail (quality targets C4, C5): time limits, and on a transient error
# retries with exponential backoff and jitter, never waiting longer than 10 minutes (far below
# the broker's visibility timeout, C3).
EMAIL_TASK = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True,
              "retry_backoff_max": 600, "retry_jitter": True, "max_retries": 5,
              "time_limit": 60, "soft_time_limit": 45}
