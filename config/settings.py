"""Settings for the emulation and commendation system.

One file, driven by environment variables (architecture §11). Defaults let a fresh clone run with
no services: SQLite and Celery's filesystem broker under var/, e-mail written to files.
Variables set in the environment win over a .env file in the checkout.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab as _crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines into os.environ without overriding what is already set."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip().strip('"').strip("'")
        os.environ.setdefault(key.strip(), value)


_load_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    # An empty value counts as unset, so a .env copied from .env.example keeps the defaults.
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A fixed key is only acceptable on a developer's machine; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY") or ("insecure-development-key-only" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "clusters",
    "emulation",
    "awards",
    "reports",
    "deadlines",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.NormalizeUnicodeMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.ActiveRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionLifetimeMiddleware",  # after messages: it says why it logged out
    "accounts.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]
if env_bool("SERVER_TIMING", False):
    # Benchmarks only (bench/org_list.py): time each request and count its SQL queries, sent
    # back in a Server-Timing header. First, so that it sees every other middleware's queries.
    MIDDLEWARE.insert(0, "config.middleware.ServerTimingMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.shell",
                "deadlines.context_processors.upcoming",
                "accounts.sessions.session_timeout",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait instead of failing on a lock.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the user with the bell's unread count (one query fewer per page).
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures for the same username and address lock that pair for
# fifteen minutes; the lockout expires by itself (quality target S5).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The address of the pair: REMOTE_ADDR, or behind our nginx (BEHIND_PROXY) the X-Forwarded-For it
# sets. Axes alone would read REMOTE_ADDR, which behind the proxy is 127.0.0.1 for everyone: the
# username+address lock would become a username lock that anyone can trigger (ASVS 6.1.1).
AXES_CLIENT_IP_CALLABLE = "accounts.audit.client_ip"

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Idle timeout: accounts.sessions.SessionLifetimeMiddleware extends the session at most once a
# minute (not SESSION_SAVE_EVERY_REQUEST, which wrote the session on every page).
SESSION_SAVE_EVERY_REQUEST = False
# Absolute lifetime from the login, whatever the activity (S6), and how long before the idle
# expiry the page offers to extend (A5: at least 60 s).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
# Casting a ballot and changing roles need a login or password confirmation this recent (S6,
# accounts/reauth.py). Not an environment variable: the rule is the same everywhere.
REAUTH_SECONDS = 15 * 60

# Two-factor sign-in (TOTP, django-otp) for council members and administrators (S5). Off for the
# DEBUG demo and in config/settings_test.py; production keeps it on.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Thi đua - Khen thưởng"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the Django admin never shows a device's secret key
# Wrong codes: each failure doubles the wait before the next try (1, 2, 4, 8 ... seconds),
# recorded on the device, so a new session does not start over.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
# Both are promises browsers remember for SECURE_HSTS_SECONDS (preload: for months after removal
# from the list), so they are switched on only by the environment, at the end of the HSTS ramp-up
# (quality target S1). The deployment's production environment sets both to 1.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
# Behind our own reverse proxy: the audit trail takes the client address from X-Forwarded-For.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese"))]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Years and ids print as 2026, not 2.026: counts use |intcomma explicitly (1.234.567).
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
try:  # Bootstrap comes from the XStatic-Bootstrap pip package, never from a CDN.
    import xstatic.pkg.bootstrap as _xstatic_bootstrap

    STATICFILES_DIRS.append(("vendor/bootstrap", _xstatic_bootstrap.BASE_DIR))
except ImportError:  # pragma: no cover - only before requirements are installed
    pass
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = not DEBUG

# E-mail: files under var/mail by default, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Thi đua - Khen thưởng <thidua@lmhtx.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets the operators' alerts (deadlines.monitoring, quality target C9): comma-separated
# e-mail addresses. Empty: the alert is only an ERROR line in the worker's log.
ADMINS = [("", address) for address in env_list("ADMINS")]
EMAIL_SUBJECT_PREFIX = "[Thi đua - Khen thưởng] "
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Celery: the filesystem transport under var/ by default, Redis in production and CI.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast exchanges (worker control); kombu's default is ./control in the working dir.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
# Beat keeps UTC (quality target C6); Vietnam-time schedules are converted below.
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Reminders (issue 8, architecture §9): beat starts one sweep every REMINDER_SWEEP_SECONDS and
# the daily digest at 07:30 Vietnam time. A delivery whose e-mail task was lost (a broker wiped)
# is queued again after REMINDER_REQUEUE_SECONDS, so it still goes within ten minutes (C1). Reminders
# are database rows: a lost broker message delays one, never loses it.
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 300)
REMINDER_SYNC_SECONDS = env_int("REMINDER_SYNC_SECONDS", 240)  # deadline sync at most this often
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 300)  # > the sweep time limit
REMINDER_REQUEUE_SECONDS = env_int("REMINDER_REQUEUE_SECONDS", 240)  # e-mail task lost: queue again
REMINDER_IN_FLIGHT_SECONDS = env_int("REMINDER_IN_FLIGHT_SECONDS", 120)  # > the send time limit
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 30)
REMINDER_RETRY_MAX_SECONDS = env_int("REMINDER_RETRY_MAX_SECONDS", 600)  # < visibility timeout / 2
REMINDER_CLAIM_BATCH = env_int("REMINDER_CLAIM_BATCH", 200)
REMINDER_DIGEST_HOUR = env_int("REMINDER_DIGEST_HOUR", 7)
REMINDER_DIGEST_MINUTE = env_int("REMINDER_DIGEST_MINUTE", 30)
# Bearer token of /lich/tinh-trang/metrics (C9); empty: signed-in central admins only.
MONITORING_TOKEN = env("MONITORING_TOKEN")
CELERY_BEAT_SCHEDULE = {
    # Report renders whose task was lost are sent again (reports.services_summary).
    "reports.requeue_jobs": {"task": "reports.requeue_jobs", "schedule": timedelta(minutes=5),
                             "options": {"expires": 300}},
    "deadlines.sweep": {
        "task": "deadlines.sweep",
        "schedule": timedelta(seconds=REMINDER_SWEEP_SECONDS),
        # A sweep still waiting when the next one is due is useless: let it expire.
        "options": {"expires": REMINDER_SWEEP_SECONDS},
    },
    # Observability (C9): alert ADMINS on a stale reminder or too many failures
    # (deadlines.monitoring); a check still waiting after 5 minutes is replaced by the next one.
    "deadlines.check_background": {"task": "deadlines.check_background",
                                   "schedule": timedelta(minutes=5), "options": {"expires": 300}},
    "deadlines.digest": {
        "task": "deadlines.send_digests",
        # Vietnam is UTC+7 all year (no daylight saving): 07:30 there is 00:30 UTC.
        "schedule": _crontab(hour=(REMINDER_DIGEST_HOUR - 7) % 24, minute=REMINDER_DIGEST_MINUTE),
    },
    # Roles end at the end of their last day: 00:05 in Vietnam is 17:05 UTC (S6).
    "accounts.revoke_ended_role_sessions": {
        "task": "accounts.revoke_ended_role_sessions",
        "schedule": _crontab(hour=17, minute=5),
        "options": {"expires": 3600},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"},
                # WeasyPrint's per-page steps feed the job page (reports.pdf), not the log.
                "weasyprint.progress": {"level": "INFO", "handlers": [], "propagate": False}},
}

# Content Security Policy, enforced: no inline scripts or styles anywhere (architecture §10).
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

for _path in (VAR_DIR, VAR_DIR / "mail", VAR_DIR / "media", VAR_DIR / "celery" / "queue",
              VAR_DIR / "celery" / "processed", STATIC_ROOT):
    _path.mkdir(parents=True, exist_ok=True)
