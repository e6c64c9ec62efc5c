"""Shell assignments for scripts/backup.sh and scripts/restore.sh.

The scripts must back up exactly the database and media folder the application uses, so they ask
the settings (which read the environment and the checkout's .env the same way the web server does)
instead of parsing DATABASE_URL a second time in shell. With --url, a PostgreSQL URL given on the
command line is parsed instead of the configured database (restore into a scratch database).

Prints lines such as PGHOST='127.0.0.1' for `eval`; exits 2 with a Vietnamese message when the
database is not PostgreSQL.
"""

import argparse
import os
import shlex
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="", help="a postgres:// URL instead of DATABASE_URL")
    parser.add_argument("--no-database", action="store_true",
                        help="only the BACKUP_* values (pruning needs no database)")
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    var_dir = settings.VAR_DIR  # loads the settings, which read .env into os.environ
    values = {
        # Read after the settings so that a value in .env counts too.
        "BACKUP_DIR": os.environ.get("BACKUP_DIR") or str(Path(var_dir) / "backups"),
        "BACKUP_KEEP_DAILY": os.environ.get("BACKUP_KEEP_DAILY") or "30",
        "BACKUP_KEEP_MONTHLY": os.environ.get("BACKUP_KEEP_MONTHLY") or "12",
    }
    if not args.no_database:
        database = _database(args.url)
        if database is None:
            return 2
        values.update({
            "PGHOST": database.get("HOST") or "",
            "PGPORT": str(database.get("PORT") or ""),
            "PGUSER": database.get("USER") or "",
            "PGPASSWORD": database.get("PASSWORD") or "",
            "PGDATABASE": database.get("NAME") or "",
            "APP_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        })
    for key, value in values.items():
        if key.startswith("PG") and not value:
            print(f"unset {key}")  # let libpq use its own default (socket, current user)
        else:
            print(f"{key}={shlex.quote(value)}")
    return 0


def _database(url: str):
    from django.conf import settings

    if url:
        import dj_database_url

        database = dj_database_url.parse(url)
    else:
        database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        print("Lỗi: sao lưu và khôi phục chỉ hỗ trợ PostgreSQL; cơ sở dữ liệu đang cấu hình là "
              f"{database['ENGINE']} ({database.get('NAME')}).", file=sys.stderr)
        return None
    return database


if __name__ == "__main__":
    sys.exit(main())
