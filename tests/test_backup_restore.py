"""scripts/backup.sh and scripts/restore.sh on a real dump (issue 9, docs/backup-restore.md;
quality targets S11, S12).

The source is the test database itself, after rows are committed in it (organizations, people,
an award record through the service, a media file): it is already migrated, so the test does not
spend minutes migrating a scratch database. Everything is restored into scratch databases named
after this process, dropped at the end. PostgreSQL only (pg_dump/pg_restore): skipped with the
reason on SQLite, a failure under REQUIRE_SERVICES=1. The retention test needs no database."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from awards.models import AwardRecord
from awards.tests.factories import award_record
from clusters.models import Organization, Person
from clusters.tests.factories import PersonFactory
from conftest import require_or_skip
from tests.test_browser import award_catalogue  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "scripts" / "backup.sh"
RESTORE = ROOT / "scripts" / "restore.sh"


def database_url(settings_dict, name):
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}{':' + password if password else ''}@" if user else ""
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    return f"postgres://{auth}{host}{':' + str(port) if port else ''}/{quote(name, safe='')}"


def server_connection(settings_dict, dbname="postgres"):
    link = psycopg2.connect(dbname=dbname, user=settings_dict.get("USER") or None,
                            password=settings_dict.get("PASSWORD") or None,
                            host=settings_dict.get("HOST") or None,
                            port=settings_dict.get("PORT") or None)
    link.autocommit = True
    return link


def run(script, *args, env):
    return subprocess.run(["bash", str(script), *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)


def script_env(**extra):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PG") and key not in {"DATABASE_URL", "MEDIA_ROOT", "BACKUP_DIR"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
                "SECRET_KEY": "backup-test-secret-key"})
    env.update(extra)
    return env


def table_counts(settings_dict, dbname):
    link = server_connection(settings_dict, dbname)
    try:
        with link.cursor() as cursor:
            cursor.execute((ROOT / "scripts" / "row_counts.sql").read_text())
            return {table: int(count) for table, count in cursor.fetchall()}
    finally:
        link.close()


@pytest.fixture(scope="module")
def postgresql_only():
    """Module scope: skips before any function-scoped database fixture, so that nothing is
    flushed on SQLite."""
    require_or_skip(connection.vendor == "postgresql",
                    "cơ sở dữ liệu kiểm thử không phải PostgreSQL: sao lưu và khôi phục dùng "
                    "pg_dump/pg_restore, chỉ chạy trên PostgreSQL")
    require_or_skip(shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None,
                    "thiếu pg_dump/pg_restore (gói postgresql-client)")


@pytest.fixture
def postgresql(postgresql_only, transactional_db):
    """The test database's connection settings (rows committed in it are visible to pg_dump)."""
    return dict(connection.settings_dict)


@pytest.fixture
def scratch_databases(postgresql):
    """Names of scratch databases for restore.sh to create, and of an application role; all
    dropped afterwards."""
    names = [f"h_ops_restore_{os.getpid()}_{index}" for index in (1, 2, 3)]
    app_role = f"h_ops_app_{os.getpid()}"
    link = server_connection(postgresql)

    def drop_all():
        with link.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'DROP ROLE IF EXISTS "{app_role}"')

    drop_all()
    with link.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{app_role}" LOGIN')
    yield names, app_role
    drop_all()
    link.close()


def database_exists(settings_dict, name):
    link = server_connection(settings_dict)
    try:
        with link.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        link.close()


def test_a_backup_restores_into_a_fresh_database_with_its_counts_and_media(
        postgresql, scratch_databases, award_catalogue, world, settings, tmp_path):  # noqa: F811
    """Issue 9: backup.sh, then restore.sh into a new database: every table's count and the
    media file come back; a second restore into it, a tampered dump and counts that do not match
    the dump are each refused with their own exit code."""
    # Rows committed in the source (a transactional test), and an uploaded file.
    person = PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Thị Hoà")
    award_record(code="LDTT", year=2024, person=person)
    award_record(code="TTLDTT", year=2024, organization=world.coop_hanoi)
    media = Path(settings.MEDIA_ROOT)
    upload = media / "quyet-dinh" / "2025" / "qd-01-bản-ký.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4\n% quy\xe1\xba\xbft \xc4\x91\xe1\xbb\x8bnh\n%%EOF\n")
    source_name = postgresql["NAME"]
    source_env = script_env(DATABASE_URL=database_url(postgresql, source_name),
                            MEDIA_ROOT=str(media))

    backups = tmp_path / "backups"
    done = run(BACKUP, "--dest", backups, "--no-prune", env=source_env)
    assert done.returncode == 0, done.stderr
    (backup,) = list(backups.glob("thidua-*"))
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS", "backup-info.txt", "counts.tsv", "database.dump", "media.tar"]
    assert not list(backups.glob(".partial-*"))
    recorded = dict(line.split("\t") for line in (backup / "counts.tsv").read_text().splitlines())
    assert int(recorded["clusters_organization"]) == Organization.objects.count() >= 6
    assert int(recorded["clusters_person"]) == Person.objects.count() >= 1
    assert int(recorded["awards_awardrecord"]) == AwardRecord.objects.count() == 2
    assert "media_files=1" in (backup / "backup-info.txt").read_text()

    # Restore into a database that does not exist yet, and an empty media folder, granting the
    # application role its rights (the audit trail append-only) as docs/backup-restore.md does.
    (target, tampered_target, counts_target), app_role = scratch_databases
    restored_media = tmp_path / "restored-media"
    restored = run(RESTORE, "--target-url", database_url(postgresql, target),
                   "--media-root", restored_media, "--app-role", app_role, backup,
                   env=script_env())
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "số dòng khớp" in restored.stdout
    assert "migrate --check" in restored.stdout
    link = server_connection(postgresql, target)
    with link.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'awards_awardrecord', 'UPDATE'),"
            " has_table_privilege(%s, 'awards_historicalawardrecord', 'INSERT'),"
            " has_table_privilege(%s, 'awards_historicalawardrecord', 'DELETE')",
            [app_role] * 3)
        assert cursor.fetchone() == (True, True, False)
    link.close()
    source_counts = table_counts(postgresql, source_name)
    assert table_counts(postgresql, target) == source_counts
    assert source_counts["awards_awardrecord"] == 2
    assert source_counts["awards_historicalawardrecord"] >= 2  # the audit trail came back too
    copy = restored_media / "quyet-dinh" / "2025" / "qd-01-bản-ký.pdf"
    assert copy.read_bytes() == upload.read_bytes()

    # A second restore into the now non-empty database is refused, and changes nothing.
    again = run(RESTORE, "--target-url", database_url(postgresql, target), "--no-media", backup,
                env=script_env())
    assert again.returncode == 4, again.stdout + again.stderr
    assert "không rỗng" in again.stderr and "--force" in again.stderr
    assert table_counts(postgresql, target) == source_counts

    # Media into a folder that already holds files: refused before any database is created.
    occupied = run(RESTORE, "--target-url", database_url(postgresql, counts_target),
                   "--media-root", restored_media, backup, env=script_env())
    assert occupied.returncode == 4, occupied.stdout + occupied.stderr
    assert "không rỗng" in occupied.stderr
    assert not database_exists(postgresql, counts_target)
    assert copy.read_bytes() == upload.read_bytes()

    # A dump altered after the backup: refused before the target is even created.
    tampered = tmp_path / "tampered"
    shutil.copytree(backup, tampered)
    dump = tampered / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    refused = run(RESTORE, "--target-url", database_url(postgresql, tampered_target),
                  "--media-root", tmp_path / "tampered-media", tampered, env=script_env())
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "mã băm SHA-256 không khớp" in refused.stderr
    assert not database_exists(postgresql, tampered_target)
    assert not (tmp_path / "tampered-media").exists()

    # Counts that do not describe the dump (a consistent manifest, wrong numbers): restore.sh
    # reports the table that differs and fails.
    wrong = tmp_path / "wrong-counts"
    shutil.copytree(backup, wrong)
    lines = [f"awards_awardrecord\t3" if line.startswith("awards_awardrecord\t") else line
             for line in (wrong / "counts.tsv").read_text().splitlines()]
    (wrong / "counts.tsv").write_text("\n".join(lines) + "\n")
    subprocess.run("sha256sum database.dump media.tar counts.tsv backup-info.txt > SHA256SUMS",
                   shell=True, cwd=wrong, check=True)
    differs = run(RESTORE, "--target-url", database_url(postgresql, counts_target), "--no-media",
                  wrong, env=script_env())
    assert differs.returncode == 5, differs.stdout + differs.stderr
    assert "awards_awardrecord\t3" in differs.stderr and "awards_awardrecord\t2" in differs.stderr


def test_retention_keeps_thirty_days_and_twelve_months(tmp_path):
    """--prune-only applies the retention to a folder of backups: the newest backup of each of
    the newest N days and of each of the newest M months stay; nothing else that backup.sh did
    not name is touched."""
    backups = tmp_path / "backups"
    names = []
    for month in range(1, 13):  # 2025-01 … 2025-12, three days each, two backups on the 28th
        for day in (1, 15, 28):
            names.append(f"thidua-2025{month:02d}{day:02d}T010000Z")
        names.append(f"thidua-2025{month:02d}28T130000Z")
    for name in names:
        (backups / name).mkdir(parents=True)
    (backups / "ghi-chu").mkdir()  # not a backup: never pruned
    done = run(BACKUP, "--prune-only", "--dest", backups, "--keep-daily", 4,
               "--keep-monthly", 3, env=script_env(DATABASE_URL="sqlite:///unused.sqlite3"))
    assert done.returncode == 0, done.stderr
    kept = sorted(p.name for p in backups.iterdir())
    assert kept == sorted([
        "ghi-chu",
        # the newest backup of the four newest days
        "thidua-20251228T130000Z", "thidua-20251215T010000Z", "thidua-20251201T010000Z",
        "thidua-20251128T130000Z",
        # the newest of the three newest months (December and November are already kept)
        "thidua-20251028T130000Z",
    ])
    assert "đã xóa" in done.stdout


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    done = run(BACKUP, "--dest", tmp_path / "backups",
               env=script_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    assert done.returncode == 2
    assert "chỉ hỗ trợ PostgreSQL" in done.stderr
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())


def test_restore_refuses_an_incomplete_backup_before_touching_anything(tmp_path):
    """A folder without its manifest (a copy cut short, or not made by backup.sh) is refused
    first, whatever the target."""
    partial = tmp_path / "thidua-20260101T000000Z"
    partial.mkdir()
    (partial / "database.dump").write_bytes(b"PGDMP")
    done = run(RESTORE, "--target-url", "postgres://nobody@127.0.0.1:1/none", partial,
               env=script_env())
    assert done.returncode == 3
    assert "thiếu tệp SHA256SUMS" in done.stderr
