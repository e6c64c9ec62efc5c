"""Behaviour that depends on a real broker and worker: a password-reset e-mail requested in the
browser is sent by a Celery worker on Redis (architecture §12, integration layer)."""

import os
from email import message_from_string, policy
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import require_or_skip

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker(tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require_or_skip(broker.startswith("redis://"),
                    "CELERY_BROKER_URL không trỏ tới Redis: bỏ qua kiểm thử với Celery worker thật")
    require_or_skip(connection.vendor == "postgresql",
                    "cơ sở dữ liệu kiểm thử không phải PostgreSQL: worker không dùng chung được")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "",
        "EMAIL_BACKEND": "",
        "SITE_URL": settings.SITE_URL,
    }
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    log = tmp_path / "worker.log"
    subprocess.run(celery + ["purge", "-f"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    process = subprocess.Popen(
        celery + ["worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO", "--without-gossip",
                  "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True,
    )
    yield tmp_path / "mail"
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    print("--- Celery worker log ---\n" + log.read_text(encoding="utf-8")[-4000:])


def wait_for_mail(folder: Path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if files:
            return files[0].read_text(encoding="utf-8")
        time.sleep(0.3)
    pytest.fail(f"Không có e-mail nào trong {folder} sau {timeout} giây")


def test_password_reset_mail_is_sent_by_a_real_worker(world, client, worker, celery_not_eager):
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": world.users.staff.email})
    assert response.status_code == 302

    message = wait_for_mail(worker)

    parsed = message_from_string(message.split("\n-------", 1)[0], policy=policy.default)
    assert parsed["Subject"].strip() == "Đặt lại mật khẩu – Hệ thống Thi đua, Khen thưởng"
    assert parsed["To"] == world.users.staff.email
    link = re.search(r"https?://\S+/tai-khoan/dat-lai-mat-khau/\S+/\S+/", message)
    assert link, message
    path = "/" + link.group(0).split("/", 3)[3]
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert "Đặt mật khẩu mới" in page.content.decode()
