#!/usr/bin/env python
"""Benchmark of the award registry import (issue 3, part 9) on the national demo data.

Generates an award file of N rows (default 100,000) in the importer's 13-column contract
(awards.imports.HEADERS), referencing the national organizations:

* about 70 % of the rows: individuals who are not in the database yet (they are created);
* about 20 %: individuals who are (name, birth year and organization as recorded), so they match;
* about 10 %: collectives, the organization itself or a named collective inside it.

Each person or collective has a plausible history over 2019–2025 (Lao động tiên tiến most years,
some Chiến sĩ thi đua cơ sở, a few Bằng khen, Giấy khen, Kỷ niệm chương), with one decision per
issuer, award and year, dated in the following year.

Then it runs the web path end to end, as the import page does: `import_preview` (read, check,
store the file, the rows read and its report) and `import_commit` (take the rows kept at
preview, check them again against the database, write in one transaction: COPY on PostgreSQL).
For each phase: wall time, SQL statement count and time (counted with
connection.execute_wrapper, COPY included, no SQL text kept), rows/s. Peak memory is the
process's maxrss (getrusage); the file is generated in a child process so that it does not count.

Afterwards it removes what it wrote (the award records, the people created, their history rows,
the ImportBatch and its stored file), so it can be re-run; `--rollback` instead runs everything
inside one transaction that is rolled back (faster to clean, but the commit is then a savepoint).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_thidua .venv/bin/python -m bench.award_import
    .venv/bin/python -m bench.award_import --runs 3 --profile

See bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_thidua"
SEED = 2026
YEARS = range(2019, 2026)
VCA = "LMHTXVN"
CHAIRMAN = "Chủ tịch Liên minh HTX Việt Nam"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (%(default)s)")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--file", default="",
                        help="use this file instead of generating one (bench/out/awards-<rows>.xlsx "
                             "is generated once and reused)")
    parser.add_argument("--regenerate", action="store_true", help="generate the file again")
    parser.add_argument("--runs", type=int, default=1, help="measured runs (median reported)")
    parser.add_argument("--rollback", action="store_true",
                        help="run inside one transaction rolled back at the end, instead of "
                             "committing and deleting")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one run with cProfile (slower; not timed)")
    parser.add_argument("--max-bytes", type=int, default=0,
                        help="IMPORT_MAX_BYTES for this run (default: the setting, 10 MB, "
                             "raised automatically when the generated file is larger)")
    parser.add_argument("--command", action="store_true",
                        help="time `manage.py import_awards FILE` (one read and check, then the "
                             "writes) instead of the import page's preview + commit")
    parser.add_argument("--with-dimension", action="store_true",
                        help="import a copy of the .xlsx with a <dimension> element, as Excel "
                             "writes it (openpyxl's write-only mode, used by the project's own "
                             "template and export, leaves it out, and openpyxl then scans the "
                             "whole sheet once more to find its size)")
    parser.add_argument("--generate-only", default="", help=argparse.SUPPRESS)
    parser.add_argument("--json", dest="json_path", default="")
    return parser.parse_args(argv)


def setup_django(database_url: str, media_root: str | None = None, max_bytes: int = 0):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "0")  # DEBUG=1 would keep every SQL text in connection.queries
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    if media_root:
        os.environ["MEDIA_ROOT"] = media_root
    if max_bytes:
        os.environ["IMPORT_MAX_BYTES"] = str(max_bytes)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- query counting ------------------------------------------------------------------------------


class QueryCounter:
    """connection.execute_wrapper that counts statements and their time (no SQL text kept,
    except the slowest few, truncated)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.by_verb = defaultdict(int)
        self.slowest: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            self.by_verb[sql.lstrip().split(" ", 1)[0].upper()] += 1
            if len(self.slowest) < 5 or elapsed > self.slowest[-1][0]:
                self.slowest.append((elapsed, sql[:160]))
                self.slowest.sort(key=lambda x: -x[0])
                del self.slowest[5:]

    def as_dict(self):
        return {"queries": self.count, "db_s": round(self.seconds, 2),
                "by_verb": dict(self.by_verb),
                "slowest": [(round(s, 3), q) for s, q in self.slowest]}


# --- the file ------------------------------------------------------------------------------------


def symbol(code: str) -> str:
    for prefix, abbreviation in (("LM-", "LMHTX"), ("LHHTX-", "LHHTX"), ("HTX-", "HTX"),
                                 ("THT-", "THT")):
        if code.startswith(prefix):
            return abbreviation
    return code


class FileBuilder:
    """Rows of the award contract for national organizations and people (see the module doc)."""

    def __init__(self, rows: int):
        from clusters.demo import person_name  # noqa: F401  (checked importable before use)
        from clusters.models import Organization, Person

        self.target = rows
        self.rng = random.Random(SEED)
        units = list(Organization.objects.filter(
            code__regex=r"^(HTX|LHHTX|THT)-", active_to__isnull=True,
            kind__in=["cooperative", "coop_union", "coop_group"],
        ).order_by("pk").values_list("pk", "code", "name"))
        if len(units) < 20_000:
            raise SystemExit(f"Only {len(units)} national units: seed the national data first "
                             "(seed_demo --scale national, see bench/RESULTS.md).")
        self.units = units
        by_id = {pk: (code, name) for pk, code, name in units}
        people = list(Person.objects.filter(organization_id__in=list(by_id)).order_by("pk")
                      .values_list("full_name", "birth_year", "gender", "position",
                                   "organization_id"))
        self.people = [(n, y, g, p, by_id[o]) for n, y, g, p, o in people]
        self.sequence = defaultdict(int)
        self.numbers: dict[tuple, str] = {}
        self.keys: set[tuple] = set()
        self.out: list[tuple] = []
        self.mix = defaultdict(int)

    def decision(self, issuer: str, award: str, year: int, kind: str = "Công trạng"):
        key = (issuer, award, year, kind)
        if key not in self.numbers:
            self.sequence[issuer] += self.rng.randint(1, 9)
            self.numbers[key] = f"{self.sequence[issuer]}/QĐ-{symbol(issuer)}"
        month = 1 if issuer != VCA else 3
        return self.numbers[key], date(year + 1, month, 5 + self.rng.randint(0, 20))

    def add(self, mix: str, recipient_key: tuple, kind_word: str, name, birth, gender, position,
            unit, code: str, year: int, *, vca=False, award_kind="Công trạng"):
        unit_code, unit_name = unit
        issuer = VCA if vca else unit_code
        number, day = self.decision(issuer, code, year, award_kind)
        key = (number, code, recipient_key)
        if key in self.keys or len(self.out) >= self.target:
            return
        self.keys.add(key)
        signer = CHAIRMAN if vca else f"Thủ trưởng {unit_name}"
        self.out.append((kind_word, name, birth if birth else None, gender, position, unit_code,
                         unit_name, code, award_kind, year, number, day, signer))
        self.mix[mix] += 1

    def person_history(self, mix, name, birth, gender, position, unit):
        rng = self.rng
        from clusters.text import fold

        recipient = ("person", fold(name), birth, unit[0])
        star = rng.random() < 0.15
        chain = 0
        for year in YEARS:
            if rng.random() > (0.9 if star else 0.6):
                chain = 0
                continue
            self.add(mix, recipient, "Cá nhân", name, birth, gender, position, unit, "LDTT", year)
            if rng.random() < (0.8 if star else 0.1):
                self.add(mix, recipient, "Cá nhân", name, birth, gender, position, unit,
                         "CSTDCS", year)
                chain += 1
                if chain == 3:
                    self.add(mix, recipient, "Cá nhân", name, birth, gender, position, unit,
                             "CSTDN", year, vca=True)
                    chain = 0
            else:
                chain = 0
            if rng.random() < 0.05:
                self.add(mix, recipient, "Cá nhân", name, birth, gender, position, unit, "GK", year)
            if rng.random() < 0.02:
                self.add(mix, recipient, "Cá nhân", name, birth, gender, position, unit, "BK_CT",
                         year, vca=True)
        if rng.random() < 0.01:
            self.add(mix, recipient, "Cá nhân", name, birth, gender, position, unit, "KNC", 2024,
                     vca=True)

    def collective_history(self, unit):
        rng = self.rng
        named = rng.random() < 0.1
        name = "Tổ sản xuất số 1" if named else unit[1]
        recipient = ("collective", unit[0], name if named else "")
        for year in YEARS:
            roll = rng.random()
            code = "TTLDXS" if roll < 0.25 else "TTLDTT" if roll < 0.8 else None
            if code:
                self.add("collective", recipient, "Tập thể", name, None, "", "", unit, code, year)
            if rng.random() < 0.03:
                self.add("collective", recipient, "Tập thể", name, None, "", "", unit, "BK_CT",
                         year, vca=True)

    def build(self) -> list[tuple]:
        from awards.imports import GENDER_WORDS
        from clusters.demo import POSITIONS, person_name

        rng = self.rng
        want = {"new person": int(self.target * 0.70), "existing person": int(self.target * 0.20)}
        want["collective"] = self.target - want["new person"] - want["existing person"]
        units = self.units[:]
        rng.shuffle(units)
        people = self.people[:]
        rng.shuffle(people)
        # Interleave the three sorts of rows, unit by unit, until each has its share.
        unit_iter = iter([(code, name) for _pk, code, name in units] * 10)
        people_iter = iter(people)
        while len(self.out) < self.target:
            progressed = False
            if self.mix["collective"] < want["collective"]:
                self.collective_history(next(unit_iter))
                progressed = True
            if self.mix["existing person"] < want["existing person"]:
                person = next(people_iter, None)
                if person is not None:
                    name, birth, gender, position, unit = person
                    self.person_history("existing person", name, birth,
                                        GENDER_WORDS.get(gender, ""), position, unit)
                    progressed = True
            for _ in range(4):
                if self.mix["new person"] < want["new person"]:
                    name, gender = person_name(rng)
                    unit = rng.choice(self.units)
                    self.person_history("new person", name, rng.randint(1960, 2002),
                                        "Nam" if gender == "M" else "Nữ",
                                        rng.choice(POSITIONS) if rng.random() < 0.3 else "",
                                        (unit[1], unit[2]))
                    progressed = True
            if not progressed:
                # The existing people ran out: fill with new people.
                want["new person"] = self.target
        return self.out


def generate(path: Path, rows: int, database_url: str) -> dict:
    setup_django(database_url)
    from awards.imports import HEADERS
    from clusters.spreadsheets import write_xlsx

    started = time.perf_counter()
    builder = FileBuilder(rows)
    data_rows = builder.build()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        path.write_bytes(write_xlsx(HEADERS, data_rows, title="Khen thưởng"))
    else:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        for row in data_rows:
            writer.writerow(["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date)
                             else v for v in row])
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    info = {"rows": len(data_rows), "mix": dict(builder.mix), "bytes": path.stat().st_size,
            "units": len(builder.units), "seconds": round(time.perf_counter() - started, 1)}
    path.with_suffix(path.suffix + ".json").write_text(json.dumps(info, ensure_ascii=False))
    return info


def with_dimension(path: Path, meta: Path) -> Path:
    """A copy of the workbook whose sheets carry <dimension ref="A1:…"/> (as Excel writes)."""
    import re
    import zipfile

    target = path.with_name(path.stem + "-dim.xlsx")
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet") and b"<dimension" not in data:
                text = data.decode("utf-8")
                rows = re.findall(r'<row r="(\d+)"', text)
                last = rows[-1] if rows else "1"
                ref = f'<dimension ref="A1:M{last}"/>'
                text = re.sub(r"(<sheetViews|<sheetFormatPr|<cols|<sheetData)", ref + r"\1",
                              text, count=1)
                data = text.encode("utf-8")
            out.writestr(item, data)
    if meta.exists():
        target.with_suffix(".xlsx.json").write_text(meta.read_text())
    return target


# --- the measured import -------------------------------------------------------------------------


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def importing_user():
    from awards.management.commands.import_awards import Command

    return Command._user(None)  # the first central administrator, as the command does


def dataset_counts() -> dict:
    from awards.models import AwardRecord
    from clusters.models import Organization, Person

    return {"organizations": Organization.objects.count(), "people": Person.objects.count(),
            "award_records": AwardRecord.objects.count()}


class Rollback(Exception):
    pass


def one_run(path: Path, user, *, rollback: bool, profiler=None, command: bool = False) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from awards.models import AwardRecord
    from clusters.imports.services import import_commit, import_preview
    from clusters.models import ImportBatch, Person

    data = path.read_bytes()
    upload = SimpleUploadedFile(path.name, data)
    result: dict = {}
    max_award = AwardRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    max_person = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    max_history_award = (AwardRecord.history.order_by("-history_id")
                         .values_list("history_id", flat=True).first() or 0)
    max_history_person = (Person.history.order_by("-history_id")
                          .values_list("history_id", flat=True).first() or 0)

    def run_command():
        import io

        from django.core.management import call_command

        out = io.StringIO()
        call_command("import_awards", str(path), user=user.username, stdout=out, stderr=out)
        result["command_output"] = out.getvalue()[-500:]
        return None

    phases = (("preview", lambda: import_preview(kind="awards", uploaded_file=upload, user=user)),
              ("commit", lambda: import_commit(batch=result["batch"], user=user)))
    if command:  # manage.py import_awards: reads and checks the file once, then writes
        phases = (("command", run_command),)

    def measured():
        for phase, call in phases:
            counter = QueryCounter()
            rss_before = maxrss_mib()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                if profiler:
                    profiler.enable()
                try:
                    batch = call()
                finally:
                    if profiler:
                        profiler.disable()
            elapsed = time.perf_counter() - started
            result["batch"] = batch
            result[phase] = {"seconds": round(elapsed, 2), **counter.as_dict(),
                             "maxrss_mib_before": round(rss_before),
                             "maxrss_mib_after": round(maxrss_mib())}
            if command:
                continue
            if phase == "preview" and batch.status != ImportBatch.Status.PREVIEWED:
                problems = batch.report.get("problems", [])[:10]
                raise SystemExit(f"The file was rejected: {batch.report.get('problem_count')} "
                                 f"problems, first: {problems}")
        batch = result["batch"]
        if command:
            result["report"] = {"create": AwardRecord.objects.filter(pk__gt=max_award).count(),
                                "new_people": Person.objects.filter(pk__gt=max_person).count()}
            return
        result["report"] = {c["key"]: c["count"] for c in batch.report["result"]}
        result["warnings"] = batch.report.get("warning_count")
        result["notes"] = batch.report.get("note_count")

    if rollback:
        try:
            with transaction.atomic():
                measured()
                raise Rollback
        except Rollback:
            pass
        cleanup_started = time.perf_counter()
        batch = result["batch"]
        if batch is not None and batch.file:
            batch.file.storage.delete(batch.file.name)
    else:
        measured()
        cleanup_started = time.perf_counter()
        batch = result["batch"]
        with transaction.atomic():
            # Only what this run wrote: rows after the recorded maxima. A plain DELETE
            # (_raw_delete): QuerySet.delete() would fetch the 100,000 rows to look for
            # dependent rows first (the created rows have none), which took 160 s.
            for queryset in (AwardRecord.history.filter(history_id__gt=max_history_award),
                             AwardRecord.objects.filter(pk__gt=max_award),
                             Person.history.filter(history_id__gt=max_history_person),
                             Person.objects.filter(pk__gt=max_person)):
                queryset._raw_delete(queryset.db)
            if batch is not None:
                if batch.file:
                    batch.file.storage.delete(batch.file.name)
                ImportBatch.objects.filter(pk=batch.pk).delete()
    result["cleanup_s"] = round(time.perf_counter() - cleanup_started, 1)
    result["total_s"] = round(sum(result[phase]["seconds"] for phase, _call in phases), 2)
    del result["batch"]
    return result


def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def main(argv=None) -> int:
    args = parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if args.generate_only:
        info = generate(Path(args.generate_only), args.rows, args.database_url)
        print(json.dumps(info, ensure_ascii=False))
        return 0

    path = Path(args.file) if args.file else OUT_DIR / f"awards-{args.rows}.{args.format}"
    if not args.file and (args.regenerate or not path.exists()):
        print(f"Generating {path} ({args.rows} rows) in a child process ...", flush=True)
        subprocess.run([sys.executable, "-m", "bench.award_import", "--generate-only", str(path),
                        "--rows", str(args.rows), "--database-url", args.database_url],
                       cwd=ROOT, check=True)
    file_info = {}
    meta = path.with_suffix(path.suffix + ".json")
    if args.with_dimension and path.suffix == ".xlsx":
        path = with_dimension(path, meta)
    if meta.exists():
        file_info = json.loads(meta.read_text())
    size = path.stat().st_size
    max_bytes = args.max_bytes or (max(10 * 1024 * 1024, size + 1) if size > 10 * 1024 * 1024 else 0)

    media = tempfile.mkdtemp(prefix="bench-media-", dir=OUT_DIR)
    try:
        setup_django(args.database_url, media_root=media, max_bytes=max_bytes)
        import django
        from django.db import connection

        rss_setup = maxrss_mib()
        user = importing_user()
        counts = dataset_counts()
        print(f"{connection.vendor} {getattr(connection, 'pg_version', '')}; Django "
              f"{django.get_version()}; {os.cpu_count()} CPU; data: {counts}")
        print(f"File {path.name}: {size / 1e6:.1f} MB, {file_info.get('rows', '?')} rows, "
              f"mix {file_info.get('mix', '?')}; importing as {user.username}"
              f"{'; IMPORT_MAX_BYTES=' + str(max_bytes) if max_bytes else ''}.")
        runs = []
        phases = ("command",) if args.command else ("preview", "commit")
        for number in range(1, args.runs + 1):
            run = one_run(path, user, rollback=args.rollback, command=args.command)
            runs.append(run)
            parts = "; ".join(f"{phase} {run[phase]['seconds']:.1f} s ({run[phase]['queries']} "
                              f"queries, db {run[phase]['db_s']} s)" for phase in phases)
            print(f"  run {number}: {parts}; total {run['total_s']:.1f} s; {run['report']}; "
                  f"maxrss {run[phases[-1]]['maxrss_mib_after']} MiB; "
                  f"cleanup {run['cleanup_s']} s", flush=True)
        rows = file_info.get("rows") or args.rows
        if not runs:
            runs = [{"total_s": 0, **{phase: {"seconds": 0, "queries": 0, "maxrss_mib_after": 0}
                                      for phase in phases}}]
        total = median([r["total_s"] for r in runs])
        summary = {"path": "import_awards command" if args.command
                   else "import_preview + import_commit"}
        for phase in phases:
            summary[f"{phase}_s"] = median([r[phase]["seconds"] for r in runs])
            summary[f"queries_{phase}"] = median([r[phase]["queries"] for r in runs])
        summary.update({
            "total_s": total, "runs_total_s": [r["total_s"] for r in runs],
            "rows_per_s": round(rows / total) if total else None,
            "maxrss_mib_setup": round(rss_setup),
            "maxrss_mib_peak": max(r[phases[-1]]["maxrss_mib_after"] for r in runs),
            "aim_met": bool(total and total < 60),
        })
        print("Median:", json.dumps(summary, ensure_ascii=False))
        if counts_after := dataset_counts():
            if counts_after != counts:
                print(f"WARNING: counts changed: {counts} -> {counts_after}")

        profile_top = ""
        if args.profile:
            import cProfile
            import io
            import pstats

            profiler = cProfile.Profile()
            one_run(path, user, rollback=True, profiler=profiler, command=args.command)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            prof_path = OUT_DIR / f"award_import-{stamp}.prof"
            profiler.dump_stats(prof_path)
            for order in ("cumulative", "tottime"):
                buffer = io.StringIO()
                pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(30)
                profile_top += buffer.getvalue()
            print(profile_top)
            print(f"Profile: {prof_path}")

        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        json_path = Path(args.json_path) if args.json_path else OUT_DIR / f"award_import-{stamp}.json"
        json_path.write_text(json.dumps({
            "when": stamp, "file": {"path": str(path), "bytes": size, **file_info},
            "dataset": counts, "rollback": args.rollback, "runs": runs, "summary": summary,
            "machine": {"nproc": os.cpu_count(), "load": os.getloadavg()},
        }, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print(f"Raw figures: {json_path}")
        return 0 if summary["aim_met"] else 1
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
