"""gunicorn for the Thi đua, Khen thưởng web tier (docs/deployment.md; quality target P7).

Started by deploy/systemd/thidua-web.service:
    .venv/bin/gunicorn --config deploy/gunicorn.conf.py config.wsgi:application
Values can be overridden per host through GUNICORN_* variables in the unit's environment (they
are read by gunicorn's configuration, not by the application).
"""

import multiprocessing
import os

# Only nginx talks to gunicorn: listen on the loopback (or a Unix socket), never on a public
# address. nginx's proxy_pass must name the same address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers behind a buffering proxy (nginx) are gunicorn's recommended setup:
# (2 x cores) + 1, i.e. 5 on the 2-vCPU server of the quality targets (P7). Each worker holds a
# Django process of about 100-150 MB; lower the count on a host with little memory.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# Recycle workers now and then so that a slow leak (a big PDF printed in a request, a large
# export page) never accumulates; the jitter keeps them from restarting all at once (P7).
max_requests = 1000
max_requests_jitter = 100

# Long work (summary reports, .docx, big exports) runs in Celery; a request that needs more
# than 60 s is a bug, and the worker is killed and replaced. nginx's proxy_read_timeout is a
# little longer so that the user sees gunicorn's answer, not nginx's.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30

# Each worker imports the application itself (no preload): then `systemctl reload thidua-web`
# (HUP) starts workers on the new code and retires the old ones gracefully, which an upgrade
# without downtime needs. With preload_app the master would keep the old code until a restart.
preload_app = False

# Logs go to stdout/stderr, i.e. the systemd journal (journalctl -u thidua-web). The access log
# records the real client address that nginx sends in X-Forwarded-For, and the time taken
# (microseconds).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'

# Only trust X-Forwarded-* from nginx on this host.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "thidua-web"
