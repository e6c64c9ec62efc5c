"""Test settings: only what makes tests faster. The database and broker stay whatever the
environment asks for (architecture §11)."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from .settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Thousands of tests force_login an administrator; the two-factor tests switch it on themselves.
TWO_FACTOR_REQUIRED = False
