"""Production settings pass Django's deployment checklist, and the cookies they set are safe
(quality target S1).

The check runs in a subprocess because settings are read from the environment once, at import:
the test process itself runs with developer settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent


def production_environment(tmp_path) -> dict[str, str]:
    """The environment the deployment documents (README "Deploying", .env.example), at the end
    of the HSTS ramp-up. Only PATH and HOME come from the test's own environment, so that a
    developer's variables cannot make the check pass or fail."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "thidua.example.vn",
        "CSRF_TRUSTED_ORIGINS": "https://thidua.example.vn",
        "SITE_URL": "https://thidua.example.vn",
        "HTTPS": "1",
        "BEHIND_PROXY": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_manage(production_environment(tmp_path), "check", "--deploy",
                        "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "security.W" not in output, output
    assert "System check identified no issues" in output, output


def test_check_deploy_fails_when_https_is_not_configured(tmp_path):
    """The check above has teeth: the same environment without the HTTPS settings fails."""
    env = production_environment(tmp_path)
    for name in ("HTTPS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        env.pop(name)

    result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W004" in output  # HSTS
    assert "security.W012" in output  # SESSION_COOKIE_SECURE


def test_production_environment_gives_secure_cookie_and_proxy_settings(tmp_path):
    """What HTTPS=1 and BEHIND_PROXY=1 turn into, read from the settings module itself."""
    script = ("from django.conf import settings as s; "
              "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
              "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_PROXY_SSL_HEADER, "
              "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
              "s.DEBUG, bool(s.CONTENT_SECURITY_POLICY))")

    result = run_manage(production_environment(tmp_path), "shell", "-c", script)

    assert result.returncode == 0, result.stderr
    # The last line: Django 5.2's shell may first list the models it could not auto-import.
    assert result.stdout.strip().splitlines()[-1] == (
        "True True True Lax Lax ('HTTP_X_FORWARDED_PROTO', 'https') 31536000 True True False True")


@pytest.mark.django_db
@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, SECURE_SSL_REDIRECT=True,
                   SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True, ALLOWED_HOSTS=["thidua.example.vn"])
def test_login_over_https_sets_secure_httponly_lax_cookies(world, client):
    login = reverse("accounts:login")
    world.users.staff.set_password("Mật-khẩu-rất-dài-2026")
    world.users.staff.save()
    page = client.get(login, secure=True, HTTP_HOST="thidua.example.vn")
    token = page.cookies["csrftoken"].value

    response = client.post(login, {"username": "canbo.hanoi", "password": "Mật-khẩu-rất-dài-2026",
                                   "csrfmiddlewaretoken": token},
                           secure=True, HTTP_HOST="thidua.example.vn")

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload")
    assert "Content-Security-Policy" in page.headers


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["thidua.example.vn"])
def test_plain_http_is_redirected_to_https(client):
    response = client.get(reverse("accounts:login"), HTTP_HOST="thidua.example.vn")

    assert response.status_code == 301
    assert response.url.startswith("https://thidua.example.vn/")
