#!/usr/bin/env python
"""Benchmark of the organization list page (/don-vi/) on the national demo data.

Starts gunicorn itself (config.wsgi:application, production settings: DEBUG=0, a random
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SERVER_TIMING=1) on a free loopback port, logs in through the
real login form (CSRF token, session cookie) as each user, warms up, then sends N sequential
requests per URL and reports p50/p95/max of:

* server time, from the `Server-Timing: app;dur=…, db;dur=…;desc="queries=…"` header that
  config.middleware.ServerTimingMiddleware adds when SERVER_TIMING=1;
* the number of SQL queries per request (same header);
* client wall time (urllib, loopback).

gunicorn is stopped at the end, also on error or Ctrl-C. Only 127.0.0.1 is ever contacted.

The database must hold the national data:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_thidua DEBUG=1 \\
        .venv/bin/python manage.py seed_demo --scale national
See bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
HOST = "127.0.0.1"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_thidua"
LOGIN_PATH = "/tai-khoan/dang-nhap/"
LIST_PATH = "/don-vi/"
SEARCH_TEXT = "hop tac xa nong nghiep"

_SERVER_TIMING = re.compile(r"app;dur=([\d.]+)")
_DB_TIMING = re.compile(r"db;dur=([\d.]+)")
_QUERIES = re.compile(r"queries=(\d+)")
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ROW_LINK = re.compile(r'<td><a href="/don-vi/\d+/">')
_PAGE_LINK = re.compile(r"[?&;]page=(\d+)")
_TOTAL = re.compile(r"(?:trên tổng số|of)\s+(\d[\d.,\u00a0]*)")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Ví dụ: .venv/bin/python bench/org_list.py --requests 200",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB),
                        help="database seeded with `seed_demo --scale national` "
                             "(default: $BENCH_DATABASE_URL or %(default)s)")
    parser.add_argument("--requests", "-n", type=int, default=200,
                        help="measured requests per URL and user (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="unmeasured requests per URL first (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default %(default)s)")
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="DATABASE_CONN_MAX_AGE for the server, seconds; 0 = a new database "
                             "connection per request (default %(default)s)")
    parser.add_argument("--users", default="quantri,canbo.hanoi",
                        help="comma-separated demo users (default %(default)s)")
    parser.add_argument("--province", default="Hà Nội",
                        help="province used by the filters (default %(default)s)")
    parser.add_argument("--only", default="",
                        help="comma-separated URL keys to run (all, alldeep, province, deep, search, "
                             "code, group); default all of them")
    parser.add_argument("--app", default="config.wsgi:application",
                        help="WSGI application for gunicorn (default %(default)s). To measure a "
                             "candidate query change without editing the app, point this at a "
                             "module that imports config.wsgi and monkeypatches it "
                             "(see bench/RESULTS.md)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    parser.add_argument("--startup-timeout", type=float, default=60.0,
                        help="seconds to wait for gunicorn to accept connections")
    parser.add_argument("--json", dest="json_path", default="",
                        help="write raw figures here (default bench/out/org_list-<time>.json)")
    parser.add_argument("--markdown", default="", help="also write the result table to this file")
    parser.add_argument("--label", default="", help="free text stored with the results")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.requests > 100_000:
        parser.error("--requests must be between 1 and 100000")
    if args.warmup < 0 or args.warmup > 10_000:
        parser.error("--warmup must be between 0 and 10000")
    if not 1 <= args.workers <= 32:
        parser.error("--workers must be between 1 and 32")
    return args


# --- environment ---------------------------------------------------------------------------------


def server_env(args, secret_key: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": args.database_url,
        "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
        "SERVER_TIMING": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    # Secure cookies would not be sent back over plain http on loopback.
    env.pop("SECURE_COOKIES", None)
    env.pop("HTTPS", None)
    env.pop("SECURE_SSL_REDIRECT", None)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def machine_info() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform()}
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    info["memory_mib"] = int(line.split()[1]) // 1024
                    break
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:  # read-only git commands: which code was measured
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
            timeout=5, check=False,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
        info["modified_files"] = len(status.splitlines())
    except (OSError, subprocess.SubprocessError):
        pass
    info["load_at_start"] = round(os.getloadavg()[0], 2)
    return info


def discover(args, secret_key: str) -> dict:
    """Read from the benchmark database what the URLs need (province id, a bloc's id) with the
    project's own models, then close the connection."""
    os.environ.update({k: v for k, v in server_env(args, secret_key).items()
                       if k in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}})
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    os.environ.pop("SERVER_TIMING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, connections

    from clusters.demo import province_code
    from clusters.models import EmulationGroup, Organization, Province

    province = Province.objects.filter(name=args.province, valid_to__isnull=True).first()
    if province is None:
        raise SystemExit(f"Không tìm thấy tỉnh, thành phố đang hoạt động tên {args.province!r}.")
    prefix = province_code(province.name).upper()
    group = EmulationGroup.objects.filter(code=f"KHOI-QG-{prefix}-1").first()
    total = Organization.objects.count()
    if group is None or total < 20_000:
        raise SystemExit(
            f"Cơ sở dữ liệu {args.database_url} chưa có dữ liệu quy mô quốc gia ({total} đơn vị). "
            "Hãy chạy: DATABASE_URL=... DEBUG=1 .venv/bin/python manage.py seed_demo --scale national"
        )
    sample = (Organization.objects.filter(province=province, kind="cooperative",
                                          code__startswith=f"HTX-{prefix}-0")
              .order_by("code").values_list("code", flat=True).first())
    facts = {
        "province_id": province.pk, "province": province.name,
        "group_id": group.pk, "group": group.name,
        "group_members": group.memberships.count(),
        "sample_code": sample, "organizations": total,
        "database": connection.vendor,
        "django": django.get_version(),
    }
    if connection.vendor == "postgresql":
        facts["database"] = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    elif connection.vendor == "sqlite":
        import sqlite3

        facts["database"] = f"SQLite {sqlite3.sqlite_version}"
    connections.close_all()
    return facts


# --- server --------------------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, args, secret_key: str):
        self.args = args
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = OUT_DIR / "gunicorn.log"
        self.env = server_env(args, secret_key)
        self.proc: subprocess.Popen | None = None

    def start(self):
        cmd = [sys.executable, "-m", "gunicorn", self.args.app,
               "--workers", str(self.args.workers), "--bind", f"{HOST}:{self.port}",
               "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning"]
        self.log = open(self.log_path, "a", encoding="utf-8")
        self.log.write(f"\n=== {datetime.now().isoformat()} {' '.join(cmd)}\n")
        self.log.flush()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
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
        raise RuntimeError(f"gunicorn did not listen within {self.args.startup_timeout} s")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # SIGTERM to the master (our child): graceful shutdown of workers
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


# --- client --------------------------------------------------------------------------------------


class Client:
    def __init__(self, base: str, timeout: float):
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.ProxyHandler({}),  # loopback only: never through a proxy
        )

    def get(self, path: str):
        url = self.base + path
        assert url.startswith(f"http://{HOST}:"), url
        started = time.perf_counter()
        try:
            with self.opener.open(url, timeout=self.timeout) as response:
                body = response.read()
                status, headers, final = response.status, response.headers, response.geturl()
        except urllib.error.HTTPError as error:
            body, status, headers, final = error.read(), error.code, error.headers, url
        wall = (time.perf_counter() - started) * 1000
        return status, headers, body.decode("utf-8", "replace"), wall, final

    def login(self, username: str, password: str):
        status, _h, html, _w, _f = self.get(LOGIN_PATH)
        match = _CSRF_INPUT.search(html)
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}, CSRF token {'found' if match else 'missing'}")
        data = urllib.parse.urlencode({
            "csrfmiddlewaretoken": match.group(1), "username": username, "password": password,
        }).encode()
        request = urllib.request.Request(
            self.base + LOGIN_PATH, data=data, method="POST",
            headers={"Referer": self.base + LOGIN_PATH,
                     "Content-Type": "application/x-www-form-urlencoded"},
        )
        with self.opener.open(request, timeout=self.timeout) as response:
            final = response.geturl()
            response.read()
        if LOGIN_PATH in final or not any(c.name == "sessionid" for c in self.jar):
            raise RuntimeError(f"login as {username} failed (ended at {final})")


def timing(headers) -> tuple[float | None, float | None, int | None]:
    value = headers.get("Server-Timing", "") if headers else ""
    app, db, queries = _SERVER_TIMING.search(value), _DB_TIMING.search(value), _QUERIES.search(value)
    return (float(app.group(1)) if app else None, float(db.group(1)) if db else None,
            int(queries.group(1)) if queries else None)


def cpu_ticks() -> tuple[int, int]:
    """(total, idle) jiffies of the whole machine, from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            values = [int(v) for v in handle.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return sum(values), values[3] + values[4]  # idle + iowait


def percentile(values, q: float):
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    return data[max(0, math.ceil(q * len(data)) - 1)]


def build_urls(facts: dict, only: set[str]) -> list[tuple[str, str, str]]:
    p = facts["province_id"]
    q = urllib.parse.urlencode({"q": SEARCH_TEXT})
    urls = [
        ("all", "Tất cả, trang 1", f"{LIST_PATH}"),
        ("alldeep", "Tất cả, trang cuối", f"{LIST_PATH}?page=last"),
        ("province", "Tỉnh + HTX, trang 1", f"{LIST_PATH}?province={p}&kind=cooperative"),
        ("deep", "Tỉnh + HTX, trang cuối", f"{LIST_PATH}?province={p}&kind=cooperative&page=last"),
        ("search", "Tìm không dấu", f"{LIST_PATH}?{q}"),
        ("code", "Tìm theo mã (1 dòng)",
         f"{LIST_PATH}?{urllib.parse.urlencode({'q': facts['sample_code'] or 'x'})}"),
        ("group", "Lọc theo khối", f"{LIST_PATH}?group={facts['group_id']}"),
    ]
    return [u for u in urls if not only or u[0] in only]


def measure_url(client: Client, path: str, args) -> dict:
    if "page=last" in path:
        # The deep page is the last page this user sees for the filter.
        first = re.sub(r"[?&]page=last$", "", path)
        status, _h, html, _w, _f = client.get(first)
        pages = max((int(n) for n in _PAGE_LINK.findall(html)), default=1)  # the "last" link
        path = path.replace("page=last", f"page={pages}")
    for _ in range(args.warmup):
        client.get(path)
    load_before = os.getloadavg()[0]
    ticks_before = cpu_ticks()
    samples = []
    last_html = ""
    for _ in range(args.requests):
        status, headers, html, wall, final = client.get(path)
        app, db, queries = timing(headers)
        samples.append({"status": status, "app": app, "db": db, "queries": queries, "wall": wall,
                        "bytes": len(html.encode()), "final": final})
        last_html = html
    load_after = os.getloadavg()[0]
    ticks_after = cpu_ticks()
    elapsed_ticks = ticks_after[0] - ticks_before[0]
    busy = (100.0 * (1 - (ticks_after[1] - ticks_before[1]) / elapsed_ticks)
            if elapsed_ticks > 0 else None)
    total = _TOTAL.search(last_html)
    queries = [s["queries"] for s in samples if s["queries"] is not None]
    return {
        "path": path,
        "n": len(samples),
        "errors": sum(1 for s in samples if s["status"] != 200 or LOGIN_PATH in s["final"]),
        "rows": len(_ROW_LINK.findall(last_html)),
        "total": int(re.sub(r"\D", "", total.group(1))) if total else 0,
        "bytes": samples[-1]["bytes"],
        "app": {k: percentile([s["app"] for s in samples], q) for k, q in
                (("p50", .5), ("p95", .95), ("max", 1.0))},
        "db": {k: percentile([s["db"] for s in samples], q) for k, q in
               (("p50", .5), ("p95", .95), ("max", 1.0))},
        "wall": {k: percentile([s["wall"] for s in samples], q) for k, q in
                 (("p50", .5), ("p95", .95), ("max", 1.0))},
        # 1-minute load average around the measurement: this run itself adds about 1; much more
        # means something else was competing for the CPUs and the figures are pessimistic.
        "load": round(max(load_before, load_after), 2),
        # Share of all CPUs busy during the measurement. Sequential requests keep about one of
        # the two CPUs busy (client + gunicorn worker + PostgreSQL backend), so ~50 % is this run
        # alone; much more means other processes were competing and the figures are pessimistic.
        "cpu_busy": round(busy, 1) if busy is not None else None,
        "queries_min": min(queries) if queries else None,
        "queries_max": max(queries) if queries else None,
    }


def fmt(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


def table(results: list[dict]) -> str:
    lines = [
        "| user | URL | rows shown / total | server p50 | server p95 | server max | db p95 "
        "| queries | client p50 | client p95 | errors | CPU busy |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        q = (str(r["queries_min"]) if r["queries_min"] == r["queries_max"]
             else f"{r['queries_min']}–{r['queries_max']}")
        lines.append(
            f"| {r['user']} | {r['label']}<br>`{r['path']}` | {r['rows']} / {r['total']} "
            f"| {fmt(r['app']['p50'])} | {fmt(r['app']['p95'])} | {fmt(r['app']['max'])} "
            f"| {fmt(r['db']['p95'])} | {q} | {fmt(r['wall']['p50'])} | {fmt(r['wall']['p95'])} "
            f"| {r['errors']}/{r['n']} | {fmt(r['cpu_busy'], 0)} % |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    secret_key = secrets.token_urlsafe(50)
    sys.path.insert(0, str(ROOT))
    facts = discover(args, secret_key)
    from clusters.demo import DEMO_PASSWORD

    only = {x.strip() for x in args.only.split(",") if x.strip()}
    users = [u.strip() for u in args.users.split(",") if u.strip()]
    info = machine_info()
    print(f"Máy: {info.get('nproc')} CPU ({info.get('cpu', '?')}), {info.get('memory_mib', '?')} MiB; "
          f"{facts['database']}; Django {facts['django']}; {facts['organizations']} đơn vị.")
    print(f"Tỉnh {facts['province']} (id {facts['province_id']}); khối {facts['group']!r} "
          f"(id {facts['group_id']}, {facts['group_members']} thành viên).")

    server = Gunicorn(args, secret_key)

    def on_term(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    results = []
    started = time.monotonic()
    try:
        server.start()
        print(f"gunicorn {args.app}: {args.workers} worker, {server.base}, "
              f"CONN_MAX_AGE={args.conn_max_age}; "
              f"{args.warmup} khởi động + {args.requests} yêu cầu mỗi URL.")
        for user in users:
            client = Client(server.base, args.timeout)
            client.login(user, DEMO_PASSWORD)
            for key, label, path in build_urls(facts, only):
                result = measure_url(client, path, args)
                result.update({"user": user, "key": key, "label": label})
                results.append(result)
                print(f"  {user:<12} {label:<24} p50 {fmt(result['app']['p50']):>7} ms  "
                      f"p95 {fmt(result['app']['p95']):>7} ms  max {fmt(result['app']['max']):>7} ms  "
                      f"queries {result['queries_min']}–{result['queries_max']}  "
                      f"rows {result['rows']}/{result['total']}  errors {result['errors']}  "
                      f"CPU {fmt(result['cpu_busy'], 0)} %",
                      flush=True)
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    elapsed = time.monotonic() - started

    print()
    print(table(results))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    json_path = Path(args.json_path) if args.json_path else OUT_DIR / f"org_list-{stamp}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps({
        "when": stamp, "label": args.label, "machine": info, "facts": facts,
        "settings": {"app": args.app, "workers": args.workers, "conn_max_age": args.conn_max_age,
                     "requests": args.requests, "warmup": args.warmup,
                     "database_url": re.sub(r"//[^@/]*@", "//***@", args.database_url)},
        "elapsed_s": round(elapsed, 1), "results": results,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(table(results) + "\n", encoding="utf-8")
    print(f"\nSố liệu chi tiết: {json_path} ({elapsed:.0f} giây).")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
