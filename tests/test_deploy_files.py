"""The deployment files in deploy/ agree with the application's settings (docs/deployment.md):
what nginx forwards is what BEHIND_PROXY believes, the body limit covers the upload limits,
uploads are never served by nginx, gunicorn runs as quality target P7 says, and the systemd units
start what the documentation says."""

import re
import runpy
from pathlib import Path

from django.conf import settings

from awards.uploads import max_file_bytes

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def nginx() -> str:
    return (DEPLOY / "nginx" / "thidua.conf").read_text(encoding="utf-8")


def directives(text: str) -> str:
    """The configuration without its comments."""
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def test_nginx_sets_the_forwarded_headers_the_application_trusts():
    conf = directives(nginx())
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", conf)
    # Overwritten with the peer's address: the audit trail takes the first address of the header,
    # so appending ($proxy_add_x_forwarded_for) would let a client write any address there.
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;", conf)
    assert "$proxy_add_x_forwarded_for" not in conf
    assert re.search(r"proxy_set_header\s+Host\s+\$host;", conf)


def test_nginx_body_limit_covers_the_upload_limits():
    size = re.search(r"client_max_body_size\s+(\d+)m;", directives(nginx()))
    assert size, "client_max_body_size missing"
    limit = int(size.group(1)) * 1024 * 1024
    assert limit > max_file_bytes()
    assert limit > settings.IMPORT_MAX_BYTES
    assert limit > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_nginx_never_serves_uploads_and_serves_static_files_from_static_root():
    conf = directives(nginx())
    media = re.search(r"location\s+/media/\s*\{([^}]*)\}", conf)
    assert media and "return 404" in media.group(1) and "alias" not in media.group(1)
    assert "media" not in " ".join(re.findall(r"(?:alias|root)\s+([^;]+);", conf))
    static = re.search(r"location\s+/static/\s*\{([^}]*)\}", conf)
    assert static and re.search(r"alias\s+\S*/staticfiles/;", static.group(1))
    assert "proxy_buffering on;" in conf


def test_gunicorn_configuration_follows_p7():
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["worker_class"] == "sync"
    assert conf["workers"] >= 3
    assert conf["max_requests"] == 1000 and conf["max_requests_jitter"] == 100
    assert 30 <= conf["timeout"] <= 120
    assert conf["bind"].startswith("127.0.0.1:")
    assert conf["accesslog"] == "-"
    proxy_read = re.search(r"proxy_read_timeout\s+(\d+)s;", directives(nginx()))
    assert proxy_read and int(proxy_read.group(1)) > conf["timeout"]
    port = conf["bind"].rsplit(":", 1)[1]
    assert re.search(rf"server\s+127\.0\.0\.1:{port}\b", directives(nginx()))


def test_systemd_units_start_web_worker_and_a_single_beat():
    units = {path.name: path.read_text(encoding="utf-8")
             for path in (DEPLOY / "systemd").glob("*.service")}
    assert "--config deploy/gunicorn.conf.py config.wsgi:application" in units["thidua-web.service"]
    worker = units["thidua-worker.service"]
    assert "celery -A config worker" in worker and "--pool=prefork" in worker
    beats = [name for name, text in units.items() if "celery -A config beat" in text]
    assert beats == ["thidua-beat.service"]
    assert "scripts/backup.sh" in units["thidua-backup.service"]
    assert "scripts/restore.sh" in units["thidua-restore-drill.service"]
    for name in ("thidua-web.service", "thidua-worker.service", "thidua-beat.service"):
        assert "User=thidua" in units[name] and "ReadWritePaths=/srv/thidua/var" in units[name]
