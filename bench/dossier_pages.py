#!/usr/bin/env python
"""Benchmark of the dossier pages (issue 4, part 12): the appraisal queue and the page of one
dossier with 50 and 500 nominations, against the national demo data: server time (median of
--runs GETs through Django's test client, after one warm-up) and SQL query count.

Inside one transaction that is rolled back at the end (nothing stays in the database) it opens a
national cycle, gives each of --dossiers provincial alliances a submitted dossier (so the queue
has rows), and fills one alliance's dossier with N nominations of its people (Lao động tiên
tiến and Chiến sĩ thi đua cơ sở, with an annual assessment each, so the eligibility rules do real
work) and the documents the dossier needs. Rows are written with bulk_create: the benchmark
measures reading, not the services' per-row checks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_thidua .venv/bin/python -m bench.dossier_pages
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.award_import import DEFAULT_DB, QueryCounter, dataset_counts, setup_django  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--sizes", default="50,500")
    parser.add_argument("--dossiers", type=int, default=30, help="submitted dossiers in the queue")
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args(argv)


class Rollback(Exception):
    pass


def build(size: int, dossiers: int):
    from django.utils import timezone

    from accounts.models import User
    from awards.models import (
        AnnualAssessment, AwardCycle, AwardType, Dossier, DossierDocument, Nomination,
    )
    from clusters.models import Organization, Person

    admin = User.objects.get(username="quantri")
    central = Organization.objects.get(code="LMHTXVN")
    alliances = list(Organization.objects.filter(kind="provincial_alliance",
                                                 merged_into__isnull=True).order_by("pk"))
    cycle = AwardCycle.objects.create(
        organizer=central, kind="merit", year=2025, title="Benchmark", status="open",
        deadline=date.today() + timedelta(days=30), created_by=admin)
    codes = {t.code: t for t in AwardType.objects.filter(code__in=["LDTT", "CSTDCS", "BK_CT"])}
    cycle.award_types.set(codes.values())
    cycle.submitters.set(alliances)
    now = timezone.now()
    made = Dossier.objects.bulk_create([
        Dossier(cycle=cycle, organization=org, recipient=central, status="submitted", round=1,
                created_by=admin, submitted_by=admin,
                submitted_at=now - timedelta(days=i)) for i, org in enumerate(alliances[:dossiers])])
    target = made[0]
    people = list(Person.objects.filter(organization__path__startswith=target.organization.path)
                  .order_by("pk")[:size])
    if len(people) < size:
        raise SystemExit(f"only {len(people)} people under {target.organization.code}")
    AnnualAssessment.objects.bulk_create(
        [AnnualAssessment(person=p, year=2025, rating="excellent" if i % 3 == 0 else "good",
                          months_worked=12, absence_days=i % 5) for i, p in enumerate(people)],
        ignore_conflicts=True)
    nominations = Nomination.objects.bulk_create([
        Nomination(dossier=target, person=p, award_type=codes["CSTDCS" if i % 3 == 0 else "LDTT"],
                   achievement_summary="Hoàn thành tốt nhiệm vụ năm 2025.", position=i,
                   verdict="eligible") for i, p in enumerate(people)])
    DossierDocument.objects.bulk_create([
        DossierDocument(dossier=target, nomination=n, kind="achievement_report",
                        file=f"dossiers/{target.pk}/bench-{n.pk}.pdf", original_name="bao-cao.pdf",
                        content_type="application/pdf", size=1000, sha256="0" * 64,
                        uploaded_by=admin) for n in nominations[:size]])
    return admin, target


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection

    client.get(url)  # warm-up
    times, counts = [], []
    for _ in range(runs):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(counter.count)
    return {"median_ms": round(statistics.median(times) * 1000), "queries": max(counts),
            "p95_ms": round(sorted(times)[max(0, int(len(times) * 0.95) - 1)] * 1000)}


def main(argv=None):
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.db import transaction
    from django.test import Client

    print(f"data: {dataset_counts()}")
    for size in [int(s) for s in args.sizes.split(",")]:
        try:
            with transaction.atomic():
                admin, dossier = build(size, args.dossiers)
                client = Client(HTTP_HOST="127.0.0.1")
                client.force_login(admin)
                queue = measure(client, "/khen-thuong/tham-dinh/", args.runs)
                page = measure(client, f"/khen-thuong/ho-so/{dossier.pk}/", args.runs)
                appraisal = measure(client, f"/khen-thuong/ho-so/{dossier.pk}/tham-dinh/",
                                    args.runs)
                # The nominations are shown 50 a page: the last page costs the same as the first.
                last = -(-size // 50)
                page_last = measure(client, f"/khen-thuong/ho-so/{dossier.pk}/?page={last}",
                                    args.runs)
                appraisal_last = measure(
                    client, f"/khen-thuong/ho-so/{dossier.pk}/tham-dinh/?page={last}", args.runs)
                print(f"{size} nominations, {args.dossiers} dossiers in the queue: "
                      f"queue {queue}; dossier page {page}; appraisal page {appraisal}; "
                      f"page {last}: dossier {page_last}, appraisal {appraisal_last}")
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()
