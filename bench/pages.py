#!/usr/bin/env python
"""The ten most used pages under gunicorn against their floor (issue 9, part 2).

Starts gunicorn with production settings (DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
CONN_MAX_AGE=60, SERVER_TIMING=1, 5 sync workers with --max-requests 1000 --max-requests-jitter
100: quality target P7 for 2 cores) and the settings module bench.settings_floor, which serves
every URL of the application plus, under /_floor/, the floor of each page (bench/floor_views.py:
the page's main query with the same filters and page size, its rows rendered by a trivial
template, no layout, no context processors).

Each page is requested as a realistic user, through a session made in-process (Django's test
client `force_login`, as bench/council.py does: no login form, whose failure counter could lock
the account). Requests are sent **open-loop at a fixed rate** (--rate requests a second to the page and as
many to its floor, alternating, each scheduled on a clock and sent by a pool of threads whether
or not the previous ones have answered) for --duration seconds per page: page and floor are
measured in the same seconds, which matters on a shared machine. From each response:

* server time: `app;dur` of the Server-Timing header (config.middleware.ServerTimingMiddleware);
* SQL queries: `desc="queries=N"` of the same header;
* client latency from the *scheduled* send time (so a queue in gunicorn shows; no coordinated
  omission).

It prints a table (page, rows, queries, p50, p95, floor p50, floor p95, ratio p50/p50 floor)
and writes the raw samples to bench/out/pages-<time>.json (git-ignored).

The ballot page needs a council meeting with the vote open and a member with a seat: as
bench/council.py, the script builds one (--ballot-items agreed nominations of one alliance's
people, 30 members) and deletes it again at the end, also on error. The sessions it made are
deleted at the end too. Nothing else is written.

    .venv/bin/python -m bench.pages                                # bench_thidua, 10 req/s, 20 s
    .venv/bin/python -m bench.pages --rate 10 --duration 30 --only orgs,registry
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages_dev \\
        .venv/bin/python -m bench.pages --ballot-items 20 --duration 5

See bench/RESULTS.md, section 14.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.org_list import (  # noqa: E402
    DEFAULT_DB, HOST, LOGIN_PATH, OUT_DIR, Client, Gunicorn, cpu_ticks, machine_info, percentile,
    server_env, timing,
)

_ROW = re.compile(r"<tr>")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--rate", type=float, default=10.0,
                        help="requests a second for each page and each floor (default %(default)s)")
    parser.add_argument("--ballot-rate", type=float, default=2.0,
                        help="requests a second for the ballot page, a 500-item form "
                             "(default %(default)s)")
    parser.add_argument("--rates", default="",
                        help="per-page rates, e.g. registry_name=1,dossier=5 (override --rate)")
    parser.add_argument("--duration", type=float, default=20.0,
                        help="measured seconds per page and per floor (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="unmeasured sequential requests per URL first (default %(default)s)")
    parser.add_argument("--workers", type=int, default=5,
                        help="gunicorn sync workers; P7: (2 × cores) + 1 = 5 (default %(default)s)")
    parser.add_argument("--threads", type=int, default=32,
                        help="client threads that send the scheduled requests (default %(default)s)")
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--ballot-items", type=int, default=500)
    parser.add_argument("--only", default="", help="comma-separated page keys (see PAGES)")
    parser.add_argument("--no-floor", action="store_true", help="measure the pages only")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    args.app = "config.wsgi:application"
    args.requests = 0
    return args


# key, label, user (None: found by discover), path template
PAGES = [
    ("dashboard", "Trang chủ (bảng điều khiển)", "canbo.hanoi", "/"),
    ("orgs", "Danh sách đơn vị", "canbo.hanoi", "/don-vi/"),
    ("people", "Danh sách cá nhân", "canbo.hanoi", "/ca-nhan/"),
    ("registry", "Sổ khen thưởng", "canbo.hanoi", "/khen-thuong/so-khen-thuong/"),
    # The same page searched by the commonest family name over the whole country (a variant of
    # the page above, the heaviest search a user can type).
    ("registry_name", "Sổ khen thưởng, tìm theo tên (toàn quốc)", "quantri",
     "/khen-thuong/so-khen-thuong/?name=nguyen"),
    ("dossiers", "Danh sách hồ sơ", "canbo.hanoi", "/khen-thuong/ho-so/"),
    ("dossier", "Một hồ sơ (trang 1)", None, "/khen-thuong/ho-so/{dossier}/"),
    ("queue", "Hàng chờ thẩm định", "thamdinh", "/khen-thuong/tham-dinh/"),
    ("ballot", "Phiếu biểu quyết", None, "/khen-thuong/hoi-dong/phien-hop/{meeting}/phieu-bau/"),
    ("deadlines", "Hạn của tôi", None, "/lich/han-cua-toi/"),
    ("notifications", "Thông báo", None, "/lich/thong-bao/"),
]


# --- in-process set-up ---------------------------------------------------------------------------


def setup_django(args, secret_key):
    os.environ.update({k: v for k, v in server_env(args, secret_key).items()
                       if k in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}})
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    os.environ.pop("SERVER_TIMING", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import logging

    import django

    django.setup()
    # bench.council.cleanup decodes every session; those of earlier runs were signed with
    # another random SECRET_KEY and each would log "Session data corrupted".
    logging.getLogger("django.security.SuspiciousSession").setLevel(logging.CRITICAL)


def discover(args) -> dict:
    """The users and objects the pages need, read from the benchmark database."""
    from django.db.models import Count, Q

    from accounts.models import User
    from awards.models import Dossier, Nomination
    from deadlines.models import Notification, Obligation

    facts = {}
    dossier = (Dossier.objects.annotate(n=Count("nominations", filter=~Q(
        nominations__status=Nomination.Status.WITHDRAWN))).order_by("-n", "pk").first())
    facts["dossier"], facts["dossier_nominations"] = (dossier.pk, dossier.n) if dossier else (0, 0)
    note = (Notification.objects.values("user").annotate(n=Count("id")).order_by("-n").first())
    owes = (Obligation.objects.filter(deadline__active=True).values("user")
            .annotate(n=Count("deadline", distinct=True)).order_by("-n").first())
    facts["notifications_user"] = (User.objects.get(pk=note["user"]).username if note
                                   else "canbo.htx")
    facts["notifications"] = note["n"] if note else 0
    facts["deadlines_user"] = User.objects.get(pk=owes["user"]).username if owes else "canbo.htx"
    facts["deadlines"] = owes["n"] if owes else 0
    from django.db import connection

    facts["database"] = (f"PostgreSQL {connection.pg_version // 10000}."
                         f"{connection.pg_version % 10000}"
                         if connection.vendor == "postgresql" else connection.vendor)
    from awards.models import AwardRecord
    from clusters.models import Organization, Person

    facts["counts"] = {"organizations": Organization.objects.count(),
                       "people": Person.objects.count(),
                       "award_records": AwardRecord.objects.count(),
                       "dossiers": Dossier.objects.count(),
                       "nominations": Nomination.objects.count(),
                       "notifications": Notification.objects.count()}
    return facts


def leftovers(council):
    """What an interrupted earlier run of bench.council's build() left behind, to delete."""
    from accounts.models import User
    from awards.models import AwardCycle, Council, Dossier

    built = council.Built()
    built.users = list(User.objects.filter(username__startswith=council.PREFIX))
    built.council = Council.objects.filter(name="Hội đồng Thi đua - Khen thưởng (benchmark)").first()
    built.cycle = AwardCycle.objects.filter(title="Benchmark: hội đồng").first()
    built.dossier = Dossier.objects.filter(cycle=built.cycle).first() if built.cycle else None
    return built


def clean_council(council, built) -> None:
    """bench.council.cleanup, after the notifications and tracked sessions of its users (the
    benchmark's sessions and the services' notices point at them)."""
    from accounts.models import UserSession
    from deadlines.models import Notification

    ids = [u.pk for u in built.users]
    Notification.objects.filter(user_id__in=ids).delete()
    UserSession.objects.filter(user_id__in=ids).delete()
    council.cleanup(built)


def session_for(username: str, made: list) -> str:
    from django.test import Client as TestClient

    from accounts.models import User

    login = TestClient(HTTP_HOST=HOST)
    login.force_login(User.objects.get(username=username))
    key = login.cookies["sessionid"].value
    made.append(key)
    return key


def forget_sessions(keys):
    from django.contrib.sessions.models import Session

    from accounts.models import UserSession

    UserSession.objects.filter(session_key__in=keys).delete()
    Session.objects.filter(session_key__in=keys).delete()


# --- load ----------------------------------------------------------------------------------------


def http_client(base, timeout, session_key):
    from bench.council import _cookie

    client = Client(base, timeout)
    client.jar.set_cookie(_cookie("sessionid", session_key))
    return client


def open_loop(client: Client, paths: list[str], rate: float, duration: float,
              threads: int) -> list[dict]:
    """Send one request every 1/rate s to each path for `duration` s, each on time whatever the
    others do. With several paths (a page and its floor) the requests alternate, so that both
    are measured in the same seconds of a shared machine."""
    total_rate = rate * len(paths)
    count = max(1, round(total_rate * duration))
    samples: list = [None] * count
    start = time.perf_counter() + 0.2

    def send(index):
        scheduled = start + index / total_rate
        status, headers, html, _wall, final = client.get(paths[index % len(paths)])
        app, db, queries = timing(headers)
        samples[index] = {"status": status, "app": app, "db": db, "queries": queries,
                          "latency": (time.perf_counter() - scheduled) * 1000,
                          "login": LOGIN_PATH in final, "bytes": len(html),
                          "rows": len(_ROW.findall(html))}

    load_before, ticks_before = os.getloadavg()[0], cpu_ticks()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = []
        for index in range(count):
            delay = start + index / total_rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(send, index))
        for future in futures:
            future.result()
    ticks_after = cpu_ticks()
    elapsed = ticks_after[0] - ticks_before[0]
    busy = 100 * (1 - (ticks_after[1] - ticks_before[1]) / elapsed) if elapsed else None
    load = round(max(load_before, os.getloadavg()[0]), 2)
    results = []
    for offset, path in enumerate(paths):
        mine = samples[offset::len(paths)]
        queries = [s["queries"] for s in mine if s["queries"] is not None]

        def pct(key):
            return {k: percentile([s[key] for s in mine], q)
                    for k, q in (("p50", .5), ("p95", .95), ("p99", .99), ("max", 1.0))}

        results.append({
            "path": path, "n": len(mine), "rate": rate,
            "errors": sum(1 for s in mine if s["status"] != 200 or s["login"]),
            "app": pct("app"), "db": pct("db"), "latency": pct("latency"),
            "queries_min": min(queries, default=None), "queries_max": max(queries, default=None),
            "rows": mine[-1]["rows"], "bytes": mine[-1]["bytes"],
            "load": load, "cpu_busy": round(busy, 1) if busy is not None else None,
            "samples": [[s["app"], s["queries"], round(s["latency"], 1), s["status"]]
                        for s in mine],
        })
    return results


def measure(client, paths, rate, args) -> list[dict]:
    for path in paths:
        for _ in range(args.warmup):
            status, _h, _html, _w, final = client.get(path)
            if status != 200 or LOGIN_PATH in final:
                raise RuntimeError(f"{path}: HTTP {status} (ended at {final})")
    return open_loop(client, paths, rate, args.duration, args.threads)


# --- report --------------------------------------------------------------------------------------


def fmt(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}".replace(",", "\u202f")


def queries(r):
    return (str(r["queries_min"]) if r["queries_min"] == r["queries_max"]
            else f"{r['queries_min']}–{r['queries_max']}")


def table(results) -> str:
    lines = ["| page (user) | rate | rows | queries (floor) | p50 | p95 | floor p50 | floor p95 "
             "| ratio p50 | client p95 | errors | load | CPU busy |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        page, floor = r["page"], r.get("floor")
        ratio = (page["app"]["p50"] / floor["app"]["p50"]
                 if floor and floor["app"]["p50"] else None)
        lines.append(
            f"| {r['label']} ({r['user']})<br>`{page['path']}` | {fmt(page['rate'], 0)}/s "
            f"| {floor['rows'] if floor else '—'} | {queries(page)} ({queries(floor) if floor else '—'}) "
            f"| {fmt(page['app']['p50'])} | {fmt(page['app']['p95'])} "
            f"| {fmt(floor['app']['p50']) if floor else '—'} | {fmt(floor['app']['p95']) if floor else '—'} "
            f"| {fmt(ratio, 1) + '×' if ratio else '—'} | {fmt(page['latency']['p95'])} "
            f"| {page['errors'] + (floor['errors'] if floor else 0)}/{page['n'] + (floor['n'] if floor else 0)} "
            f"| {page['load']} | {fmt(page['cpu_busy'], 0)} % |")
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------


class BenchGunicorn(Gunicorn):
    """bench.org_list's server, with the floor settings and P7's worker recycling."""

    def start(self):
        import subprocess

        cmd = [sys.executable, "-m", "gunicorn", self.args.app,
               "--workers", str(self.args.workers), "--bind", f"{HOST}:{self.port}",
               "--max-requests", "1000", "--max-requests-jitter", "100",
               "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning"]
        self.env["DJANGO_SETTINGS_MODULE"] = "bench.settings_floor"
        # Two-factor sign-in is not what is measured, and the in-process sessions have no
        # device: off for the run (it costs one indexed query for council members and admins).
        self.env["TWO_FACTOR_REQUIRED"] = "0"
        self.log = open(self.log_path, "a", encoding="utf-8")
        self.log.write(f"\n=== {datetime.now().isoformat()} {' '.join(cmd)}\n")
        self.log.flush()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        import socket

        deadline = time.monotonic() + self.args.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with code {self.proc.returncode}; "
                                   f"see {self.log_path}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not listen in time")


def main(argv=None) -> int:
    args = parse_args(argv)
    secret_key = secrets.token_urlsafe(50)
    setup_django(args, secret_key)
    from bench import council

    only = {k.strip() for k in args.only.split(",") if k.strip()}
    pages = [p for p in PAGES if not only or p[0] in only]
    rates = {k.strip(): float(v) for k, v in
             (item.split("=", 1) for item in args.rates.split(",") if "=" in item)}
    info = machine_info()
    facts = discover(args)
    print(f"Máy: {info.get('nproc')} CPU ({info.get('cpu', '?')}), {info.get('memory_mib')} MiB, "
          f"tải {info['load_at_start']}; {facts['database']}; {facts['counts']}", flush=True)

    built = council.Built()
    sessions: list[str] = []
    server = BenchGunicorn(args, secret_key)
    previous = signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(SystemExit(143)))
    results = []
    started = time.monotonic()
    try:
        if any(p[0] == "ballot" for p in pages):
            old = leftovers(council)
            if old.users or old.council or old.cycle:
                print("Xóa phần còn lại của một lần chạy trước.", flush=True)
                clean_council(council, old)
            from awards import services_council

            services_council.notify = lambda **kwargs: []  # as bench.council: not measured
            begun = time.perf_counter()
            meeting, voters = council.build(args.ballot_items, 30, built)
            facts["meeting"], facts["ballot_user"] = meeting.pk, voters[1].user.username
            print(f"Phiên họp {meeting.pk}: {args.ballot_items} mục, 30 ủy viên "
                  f"({time.perf_counter() - begun:.1f} s).", flush=True)
        from django.db import connections

        connections.close_all()
        server.start()
        print(f"gunicorn {server.base}: {args.workers} worker, bench.settings_floor; "
              f"{args.rate}/s × {args.duration} s mỗi trang và mỗi sàn.", flush=True)
        for key, label, user, template in pages:
            user = user or facts.get({"dossier": "dossier_user", "ballot": "ballot_user",
                                      "deadlines": "deadlines_user",
                                      "notifications": "notifications_user"}[key], "quantri")
            path = template.format(**facts)
            client = http_client(server.base, args.timeout, session_for(user, sessions))
            connections.close_all()
            rate = rates.get(key, args.ballot_rate if key == "ballot" else args.rate)
            row = {"key": key, "label": label, "user": user}
            paths = [path] if args.no_floor else [path, "/_floor" + path]
            measured = measure(client, paths, rate, args)
            row["page"] = measured[0]
            if not args.no_floor:
                row["floor"] = measured[1]
            results.append(row)
            floor = row.get("floor") or {"app": {}, "rows": "—"}
            print(f"  {key:<13} p50 {fmt(row['page']['app']['p50']):>7}  p95 "
                  f"{fmt(row['page']['app']['p95']):>7}  floor p50 {fmt(floor['app'].get('p50')):>7}"
                  f"  p95 {fmt(floor['app'].get('p95')):>7}  queries {queries(row['page'])}  "
                  f"rows {floor['rows']}  errors {row['page']['errors']}  "
                  f"load {row['page']['load']}  CPU {fmt(row['page']['cpu_busy'], 0)} %", flush=True)
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
        from django.db import connections

        connections.close_all()
        forget_sessions(sessions)
        if built.council or built.cycle:
            clean_council(council, built)
    elapsed = time.monotonic() - started

    print()
    print(table(results))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"pages-{stamp}.json"
    out.write_text(json.dumps({
        "when": stamp, "label": args.label, "machine": info, "facts": facts,
        "settings": {"workers": args.workers, "rate": args.rate, "ballot_rate": args.ballot_rate,
                     "duration": args.duration, "warmup": args.warmup,
                     "conn_max_age": args.conn_max_age,
                     "database_url": re.sub(r"//[^@/]*@", "//***@", args.database_url)},
        "elapsed_s": round(elapsed, 1), "load_at_end": round(os.getloadavg()[0], 2),
        "results": results,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nSố liệu chi tiết: {out} ({elapsed:.0f} giây).")
    return 1 if any(r["page"]["errors"] or r.get("floor", {}).get("errors") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
