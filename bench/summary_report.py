#!/usr/bin/env python
"""Benchmark of the summary report (issue 7, part 9): a national year with --total award
records in the registry, --in-period of them decided in the year and --annex of those at the
Alliance's level or above (the annex lists them), against the national demo data.

Preparation (committed, removed again at the end unless --keep): award records are added with
bulk_create until the registry holds --total rows, all with decision numbers starting
"BENCH-SR/", so that the year --year has --in-period awards decided in it, --annex of them
granted by the Alliance's chairman or executive committee (the rest are the unit heads' titles:
Lao động tiên tiến, Chiến sĩ thi đua cơ sở, Tập thể lao động tiên tiến), and the other rows
fall in the five years before and the year after.

Measurement, in a fresh process so that its peak memory is the report's alone, inside a
transaction rolled back at the end:
  build   reports.document_figures.document_figures for the whole year (with the previous year's
          comparison and the annex) and the generated text (reports.narrative);
  render  reports.summary_pdf.render (our renderer: template + WeasyPrint with the fetcher),
          beside the bare render of the same HTML: weasyprint.HTML(string=…).write_pdf();
  docx    reports.summary_docx.render;
  web     the requests an administrator makes: the report page with the stored figures, and
          the POST that asks for the PDF (it only queues the job).
Peak memory is the measuring process's maximum resident set size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_thidua .venv/bin/python -m bench.summary_report

See bench/RESULTS.md, section 11.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.award_import import DEFAULT_DB, QueryCounter, maxrss_mib, setup_django  # noqa: E402

PREFIX = "BENCH-SR/"
SEED = 711
ANNEX_CODES = ("BK_CT", "CTD_LM")
LOCAL_PERSON = ("LDTT", "CSTDCS")
LOCAL_COLLECTIVE = ("TTLDTT",)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--total", type=int, default=300_000)
    parser.add_argument("--in-period", type=int, default=20_000)
    parser.add_argument("--annex", type=int, default=2_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the added award records")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help="write the PDF here")
    return parser.parse_args(argv)


# --- preparation -------------------------------------------------------------------------------


def _random_day(rng, year):
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def prepare(args) -> dict:
    from awards.models import AwardRecord, AwardType
    from clusters.models import Organization, Person

    rng = random.Random(SEED)
    types = {t.code: t for t in AwardType.objects.filter(
        code__in=(*ANNEX_CODES, *LOCAL_PERSON, *LOCAL_COLLECTIVE))}
    people = list(Person.objects.values_list("id", "organization_id")[:200_000])
    collectives = list(Organization.objects.filter(kind__in=("cooperative", "coop_union"))
                       .values_list("id", flat=True)[:40_000])
    existing = AwardRecord.objects.count()
    in_year = AwardRecord.objects.filter(decision_date__year=args.year).count()
    annex_now = AwardRecord.objects.filter(
        decision_date__year=args.year,
        award_type__granting_level__in=("alliance_chairman", "alliance_committee",
                                        "prime_minister", "state_president")).count()
    add_annex = max(0, args.annex - annex_now)
    add_local = max(0, args.in_period - in_year - add_annex)
    add_other = max(0, args.total - existing - add_annex - add_local)
    years = [y for y in range(args.year - 5, args.year + 2) if y != args.year]
    rows, serial = [], 0

    def record(code, year, *, annex=False):
        nonlocal serial
        serial += 1
        award_type = types[code]
        collective = not award_type.for_individuals or (
            award_type.for_collectives and serial % 3 == 0)
        if collective:
            org = rng.choice(collectives)
            recipient = {"organization_id": org, "organization_at_award_id": org}
        else:
            person, org = rng.choice(people)
            recipient = {"person_id": person, "organization_at_award_id": org}
        day = _random_day(rng, year)
        return AwardRecord(award_type=award_type, kind="merit", achievement_year=year - 1,
                           decision_number=f"{PREFIX}{serial}", decision_date=day,
                           **recipient)

    for _ in range(add_annex):
        rows.append(record(rng.choice(ANNEX_CODES), args.year, annex=True))
    for _ in range(add_local):
        rows.append(record(rng.choice(LOCAL_PERSON + LOCAL_COLLECTIVE), args.year))
    for _ in range(add_other):
        rows.append(record(rng.choice(LOCAL_PERSON + LOCAL_COLLECTIVE + ANNEX_CODES),
                           rng.choice(years)))
    started = time.perf_counter()
    AwardRecord.objects.bulk_create(rows, batch_size=5000)
    return {"existing": existing, "added": len(rows), "added_annex": add_annex,
            "added_in_year": add_local, "seconds": round(time.perf_counter() - started, 1)}


def cleanup() -> int:
    from awards.models import AwardRecord

    return AwardRecord.objects.filter(decision_number__startswith=PREFIX).delete()[0]


# --- measurement -------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _timed(label, results, function, *a, **kw):
    import gc

    from django.db import connection

    gc.collect()  # each phase starts without the previous one's garbage
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        value = function(*a, **kw)
    results[label] = {"seconds": round(time.perf_counter() - started, 3),
                      "queries": counter.count}
    return value


def measure(args) -> dict:
    from django.db import transaction

    from clusters.imports.base import without_cyclic_gc
    from clusters.models import Organization
    from reports import summary, summary_docx, summary_pdf
    from reports.models import ReportPeriod, SummaryReport
    from reports.narrative import generate_sections
    from reports.pdf import STATIC_BASE
    from reports.document_figures import document_figures

    results: dict = {}
    try:
        with transaction.atomic():
            central = Organization.objects.get(parent__isnull=True)
            period = (ReportPeriod.objects.filter(year=args.year, half="FY").first()
                      or ReportPeriod.objects.create(year=args.year, half="FY",
                                                     deadline=date(args.year + 1, 1, 15),
                                                     created_by=_admin(central)))
            figures = _timed("figures", results, document_figures, period, None)
            bodies = _timed("narrative", results, generate_sections, figures,
                            issuer_name=central.name)
            report = SummaryReport(period=period, organization=central, figures=figures,
                                   number=15, issued_on=date(args.year + 1, 1, 10),
                                   signer_name="Nguyễn Văn Bảo",
                                   **summary.default_header(period, central))
            snapshot = summary.build_snapshot(report, bodies=bodies, is_draft=False)
            # Warm up WeasyPrint (fonts, Pango) on a small document, so that neither of the
            # timed renders pays the process's first-render cost.
            _timed("warm_up", results, summary_pdf.render,
                   {**snapshot, "figures": {**figures, "annex": []}})
            html_text = _timed("html", results, summary_pdf.html, snapshot)
            # Each render twice, interleaved, the best kept: the first large render of a
            # process also pays for growing the heap, whichever variant comes first.
            for run in (1, 2):
                pdf = _timed(f"render#{run}", results, summary_pdf.render, snapshot)
                _timed(f"bare_render#{run}", results, _bare, html_text, STATIC_BASE)
                with without_cyclic_gc():
                    _timed(f"bare_render_gc_paused#{run}", results, _bare, html_text,
                           STATIC_BASE)
            for label in ("render", "bare_render", "bare_render_gc_paused"):
                results[label] = min((results.pop(f"{label}#{run}") for run in (1, 2)),
                                     key=lambda item: item["seconds"])
            docx = _timed("docx", results, summary_docx.render, snapshot)
            results["web"] = _web(period, central, figures)
            raise _Rollback
    except _Rollback:
        pass
    if args.out:
        Path(args.out).write_bytes(pdf)
    results.update({
        "awards_in_period": figures["awards_total"], "annex_rows": len(figures["annex"]),
        "pdf_bytes": len(pdf), "pdf_pages": _pages(pdf), "docx_bytes": len(docx),
        "html_bytes": len(html_text.encode()), "peak_rss_mib": round(maxrss_mib(), 1),
        "build_and_render_seconds": round(results["figures"]["seconds"]
                                          + results["narrative"]["seconds"]
                                          + results["render"]["seconds"], 2),
        "render_vs_bare": round(results["render"]["seconds"]
                                / results["bare_render"]["seconds"], 2),
        "render_vs_bare_gc_paused": round(results["render"]["seconds"]
                                          / results["bare_render_gc_paused"]["seconds"], 2),
    })
    return results


def _bare(html_text, base_url):
    from weasyprint import HTML

    return HTML(string=html_text, base_url=base_url).write_pdf()


def _pages(pdf: bytes) -> int:
    import re

    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))


def _admin(central):
    from accounts.models import RoleAssignment

    return (RoleAssignment.objects.current().filter(role="admin", organization=central)
            .select_related("user").first().user)


def _web(period, central, figures) -> dict:
    """The page and the POST an administrator makes, through Django's test client."""
    from django.test import Client
    from django.urls import reverse

    from reports.models import SummaryReport

    admin = _admin(central)
    report = SummaryReport.objects.filter(period=period, organization=central).first()
    if report is None:
        from reports import summary

        report = SummaryReport.objects.create(period=period, organization=central,
                                              created_by=admin,
                                              **summary.default_header(period, central))
    SummaryReport.objects.filter(pk=report.pk).update(figures=figures)
    client = Client()
    client.force_login(admin)
    out = {}
    for label, method, url, data in (
            ("report_page", "get", reverse("reports:summary_detail", args=[report.pk]), None),
            ("ask_for_pdf", "post", reverse("reports:summary_job",
                                            args=[report.pk, "pdf"]), {})):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = getattr(client, method)(url, data) if data is not None else \
                getattr(client, method)(url)
            times.append(time.perf_counter() - started)
            assert response.status_code in (200, 302), (label, response.status_code)
        times.sort()
        out[label] = {"median_ms": round(times[len(times) // 2] * 1000),
                      "max_ms": round(times[-1] * 1000)}
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # the test client's host
    setup_django(args.database_url)
    if args.measure:
        print(json.dumps(measure(args), ensure_ascii=False))
        return 0
    prepared = prepare(args)
    print("prepared:", json.dumps(prepared))
    try:
        command = [sys.executable, "-m", "bench.summary_report", "--measure",
                   "--database-url", args.database_url, "--year", str(args.year)]
        if args.out:
            command += ["--out", args.out]
        done = subprocess.run(command, capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent, check=False)
        if done.returncode:
            print(done.stdout, done.stderr, sep="\n")
            return done.returncode
        print(json.dumps(json.loads(done.stdout.strip().splitlines()[-1]), indent=2,
                         ensure_ascii=False))
    finally:
        if not args.keep:
            print("removed:", cleanup())
    return 0


if __name__ == "__main__":
    sys.exit(main())
