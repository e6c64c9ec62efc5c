#!/usr/bin/env python
"""EXPLAIN ANALYZE of every SQL query the organization list page runs, on the benchmark database.

Renders /don-vi/ with Django's test client (no server needed) as a demo user, captures the
queries, then runs each SELECT again under EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL (EXPLAIN
QUERY PLAN on SQLite) and prints the slow ones with their plans, flagging sequential scans of
big tables (quality target P2: no Seq Scan on tables > 10k rows in hot paths).

    .venv/bin/python bench/explain_org_list.py --user canbo.hanoi "/don-vi/?q=hop tac xa"
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_thidua"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["/don-vi/"],
                        help="page paths, e.g. '/don-vi/?province=1&kind=cooperative'")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--user", default="quantri")
    parser.add_argument("--min-ms", type=float, default=1.0,
                        help="print the plan of queries slower than this (default %(default)s ms)")
    args = parser.parse_args(argv)

    os.environ.update({"DEBUG": "0", "SECRET_KEY": "explain-only", "ALLOWED_HOSTS": "testserver",
                       "DATABASE_URL": args.database_url, "DATABASE_CONN_MAX_AGE": "0",
                       "LOG_LEVEL": "WARNING"})
    os.environ.pop("SERVER_TIMING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    big_tables = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 10000")
            big_tables = {row[0] for row in cursor.fetchall()}

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    for path in args.paths:
        client.get(path)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        selects = [q["sql"] for q in ctx.captured_queries
                   if re.match(r"\s*(SELECT|DECLARE)", q["sql"])]
        print(f"\n=== {args.user} {path}: HTTP {response.status_code}, {len(selects)} SELECT "
              f"({len(ctx.captured_queries)} statements incl. BEGIN/UPDATE/COMMIT)")
        for number, sql in enumerate(selects, 1):
            sql = re.sub(r'^\s*DECLARE\s+"[^"]+"\s+NO SCROLL CURSOR WITH HOLD FOR\s+', "", sql)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = [row[0] for row in cursor.fetchall()]
                    total = next((float(m.group(1)) for line in plan
                                  if (m := re.search(r"Execution Time: ([\d.]+) ms", line))), 0.0)
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
                    total = 0.0
            seq = sorted({m.group(1) for line in plan
                          if (m := re.search(r"Seq Scan on (\w+)", line)) and m.group(1) in big_tables})
            flag = f"  SEQ SCAN on big table: {', '.join(seq)}" if seq else ""
            print(f"[{number}] {total:7.2f} ms  {sql[:110]}…{flag}")
            if total >= args.min_ms or seq or connection.vendor != "postgresql":
                for line in plan:
                    print("      " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
