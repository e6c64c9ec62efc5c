#!/usr/bin/env python
"""Benchmark of the eligibility engine (issue 3, part 9): one `check_many(..., as_list=True)` call
for 50, 500 and 5,000 candidates of the national demo data, with time and SQL query count.

The national data has people and collectives but no award history, annual assessments,
initiatives or discipline for them (only the small demo world has award history). So, inside
one transaction that is **rolled back** at the end (nothing stays in the database), the benchmark
first gives the chosen candidates the facts the rules read, with bulk_create:

* 80 % people, 20 % collectives (cooperatives, unions, groups) of the national data, sampled
  with a fixed seed across all provinces;
* award history 2019–2025 (Lao động tiên tiến most years, Chiến sĩ thi đua cơ sở for some, with
  Chiến sĩ thi đua ngành after three in a row, Tập thể lao động tiên tiến / xuất sắc, a few
  Bằng khen), an annual assessment for every year (rating, months worked, absence days; member
  counts for collectives), recognised initiatives for about a third of the people, and
  discipline for about 1 %;

then measures one call per size: a realistic list that mixes the award codes (LĐTT, CSTĐCS,
CSTĐ ngành, Bằng khen, Huân chương, Kỷ niệm chương for people; TTLĐTT, TTLĐXS, Cờ thi đua,
Bằng khen for collectives) for the year 2025, checked on 15/01/2026. Each size: one warm-up call,
then the median of --runs calls. Queries counted with connection.execute_wrapper.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_thidua .venv/bin/python -m bench.eligibility

See bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also as `python bench/eligibility.py`

from bench.award_import import (  # noqa: E402
    DEFAULT_DB, OUT_DIR, QueryCounter, dataset_counts, setup_django,
)

SEED = 509
YEARS = range(2019, 2026)
YEAR = 2025
ON_DATE = date(2026, 1, 15)
PERSON_CODES = [("LDTT", 40), ("CSTDCS", 30), ("CSTDN", 10), ("BK_CT", 10), ("HCLD3", 4),
                ("KNC", 3), ("BK_TTG", 3)]
ORG_CODES = [("TTLDTT", 40), ("TTLDXS", 30), ("BK_CT", 15), ("CTD_LM", 10), ("HCLD3", 5)]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--sizes", default="50,500,5000",
                        help="comma-separated candidate counts (default %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="measured calls per size (median)")
    parser.add_argument("--profile", action="store_true",
                        help="profile one call of the largest size with cProfile")
    parser.add_argument("--json", dest="json_path", default="")
    return parser.parse_args(argv)


class Rollback(Exception):
    pass


def weighted(rng, choices):
    codes, weights = zip(*choices)
    return rng.choices(codes, weights)[0]


def build_facts(count: int, rng: random.Random) -> tuple[list, dict]:
    """Choose `count` candidates and give them history, assessments, initiatives and
    discipline (bulk_create, inside the caller's transaction). Returns the candidates (in list
    order) and what was created."""
    from awards.eligibility import Candidate
    from awards.models import (
        AnnualAssessment, AwardRecord, AwardType, DisciplineRecord, Initiative, Rating,
    )
    from clusters.models import Organization, Person

    n_orgs = count // 5
    n_people = count - n_orgs
    unit_ids = list(Organization.objects.filter(
        code__regex=r"^(HTX|LHHTX|THT)-", active_to__isnull=True,
        kind__in=["cooperative", "coop_union", "coop_group"]).values_list("pk", flat=True))
    person_ids = list(Person.objects.filter(organization_id__in=unit_ids)
                      .values_list("pk", flat=True))
    rng.shuffle(unit_ids)
    rng.shuffle(person_ids)
    people = list(Person.objects.filter(pk__in=person_ids[:n_people])
                  .select_related("organization"))
    orgs = list(Organization.objects.filter(pk__in=unit_ids[:n_orgs]))
    types = {t.code: t for t in AwardType.objects.all()}
    records, assessments, initiatives, discipline = [], [], [], []
    numbers: dict[tuple, str] = {}
    sequence = Counter()

    def add(code, year, *, person=None, organization=None, vca=False):
        unit = person.organization if person else organization
        issuer = "LMHTXVN" if vca else unit.code
        key = (issuer, code, year)
        if key not in numbers:
            sequence[issuer] += rng.randint(1, 9)
            numbers[key] = f"{sequence[issuer]}/QĐ-BENCH"
        award = types[code]
        record = AwardRecord(person=person, organization=organization,
                             organization_at_award=unit, award_type=award,
                             kind=AwardRecord.Kind.MERIT, achievement_year=year,
                             decision_number=numbers[key], decision_date=date(year + 1, 2, 10),
                             granting_level=award.granting_level,
                             issuing_level="Chủ tịch Liên minh HTX Việt Nam" if vca
                             else f"Thủ trưởng {unit.name}"[:200])
        record.refresh_derived_fields()
        records.append(record)

    for person in people:
        star = rng.random() < 0.25
        chain = 0
        for year in YEARS:
            if year < YEAR and rng.random() < (0.9 if star else 0.6):
                add("LDTT", year, person=person)
                if rng.random() < (0.8 if star else 0.15):
                    add("CSTDCS", year, person=person)
                    chain += 1
                    if chain == 3:
                        add("CSTDN", year, person=person, vca=True)
                        chain = 0
                else:
                    chain = 0
                if rng.random() < 0.03:
                    add("BK_CT", year, person=person, vca=True)
            else:
                chain = 0
            rating = (Rating.EXCELLENT if star and rng.random() < 0.8 else
                      rng.choice([Rating.GOOD, Rating.GOOD, Rating.COMPLETED, Rating.EXCELLENT,
                                  Rating.NOT_COMPLETED]))
            assessments.append(AnnualAssessment(
                person=person, year=year, rating=rating,
                months_worked=12 if rng.random() < 0.95 else rng.randint(3, 11),
                absence_days=rng.choice([0, 0, 0, 2, 5, 12, 45])))
            if rng.random() < (0.6 if star else 0.15):
                initiatives.append(Initiative(
                    person=person, title=f"Sáng kiến cải tiến quy trình số {len(initiatives) + 1}",
                    year=year, scope=rng.choice(["grassroots", "grassroots", "sector",
                                                 "national"]),
                    recognised_by=f"Hội đồng sáng kiến {person.organization.code}",
                    decision_date=date(year, 12, 1)))
        if rng.random() < 0.01:
            discipline.append(DisciplineRecord(
                person=person, organization=person.organization, level=1,
                pending=rng.random() < 0.3, effective_from=date(2024, 6, 1),
                effective_to=date(2025, 6, 1)))
    for org in orgs:
        for year in YEARS:
            if year < YEAR:
                roll = rng.random()
                if roll < 0.3:
                    add("TTLDXS", year, organization=org)
                elif roll < 0.85:
                    add("TTLDTT", year, organization=org)
                if rng.random() < 0.04:
                    add("BK_CT", year, organization=org, vca=True)
            members = rng.randint(7, 120)
            assessments.append(AnnualAssessment(
                organization=org, year=year,
                rating=rng.choice([Rating.EXCELLENT, Rating.GOOD, Rating.GOOD, Rating.COMPLETED]),
                member_count=members, members_completed=members - rng.randint(0, 5) if members > 5
                else members, group_rank=rng.randint(1, 30)))
    for item in assessments + initiatives + discipline:
        item.refresh_derived_fields()
    AwardRecord.objects.bulk_create(records, batch_size=2000)
    AnnualAssessment.objects.bulk_create(assessments, batch_size=2000)
    Initiative.objects.bulk_create(initiatives, batch_size=2000)
    DisciplineRecord.objects.bulk_create(discipline, batch_size=2000)
    # Interleave people and collectives, as a list of nominations would mix them.
    candidates = [Candidate(person=p) for p in people]
    for index, org in enumerate(orgs):
        candidates.insert(min(len(candidates), index * 5 + 4), Candidate(organization=org))
    created = {"award_records": len(records), "assessments": len(assessments),
               "initiatives": len(initiatives), "discipline": len(discipline),
               "people": len(people), "collectives": len(orgs)}
    return candidates, created


def requests_for(candidates, rng_seed: int):
    from awards.eligibility import Request

    rng = random.Random(rng_seed)
    return [Request(c, weighted(rng, PERSON_CODES if c.is_individual else ORG_CODES), YEAR)
            for c in candidates]


def measure(requests, runs: int) -> dict:
    from django.db import connection

    from awards.eligibility import check_many

    check_many(requests, on_date=ON_DATE, as_list=True)  # warm-up (imports, caches)
    times, counters = [], []
    for _ in range(runs):
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            checked = check_many(requests, on_date=ON_DATE, as_list=True)
        times.append(time.perf_counter() - started)
        counters.append(counter)
    verdicts = Counter(r.verdict for r in checked.results)
    reasons = sum(len(r.reasons) for r in checked.results)
    return {"candidates": len(requests), "median_s": round(statistics.median(times), 3),
            "times_s": [round(t, 3) for t in times],
            "queries": sorted({c.count for c in counters}),
            "db_s": round(statistics.median(c.seconds for c in counters), 3),
            "by_verb": dict(counters[-1].by_verb),
            "verdicts": dict(verdicts), "reasons": reasons, "quotas": len(checked.quotas),
            "codes": dict(Counter(r.award_code for r in requests))}


def main(argv=None) -> int:
    args = parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    setup_django(args.database_url)
    import django
    from django.db import connection, transaction

    counts = dataset_counts()
    print(f"{connection.vendor} {getattr(connection, 'pg_version', '')}; Django "
          f"{django.get_version()}; {os.cpu_count()} CPU; data: {counts}")
    results, created, profile_top = [], {}, ""
    try:
        with transaction.atomic():
            started = time.perf_counter()
            candidates, created = build_facts(max(sizes), random.Random(SEED))
            connection.cursor().execute("ANALYZE awards_awardrecord; ANALYZE "
                                        "awards_annualassessment; ANALYZE awards_initiative")
            print(f"Facts for {len(candidates)} candidates (rolled back at the end): {created} "
                  f"in {time.perf_counter() - started:.1f} s.", flush=True)
            for size in sizes:
                requests = requests_for(candidates[:size], size)
                result = measure(requests, args.runs)
                results.append(result)
                print(f"  {size:>5} candidates: median {result['median_s'] * 1000:.0f} ms "
                      f"(runs {result['times_s']}), queries {result['queries']}, "
                      f"db {result['db_s'] * 1000:.0f} ms, verdicts {result['verdicts']}, "
                      f"{result['reasons']} reasons", flush=True)
            if args.profile:
                import cProfile
                import io
                import pstats

                from awards.eligibility import check_many

                requests = requests_for(candidates[:max(sizes)], max(sizes))
                profiler = cProfile.Profile()
                profiler.enable()
                check_many(requests, on_date=ON_DATE, as_list=True)
                profiler.disable()
                for order in ("cumulative", "tottime"):
                    buffer = io.StringIO()
                    pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(25)
                    profile_top += buffer.getvalue()
                print(profile_top)
            raise Rollback
    except Rollback:
        pass
    after = dataset_counts()
    if after != counts:
        print(f"WARNING: counts changed: {counts} -> {after}")
    by_size = {r["candidates"]: r for r in results}
    aim = by_size.get(500)
    aim_met = bool(aim and aim["median_s"] < 2
                   and len({q for r in results for q in r["queries"]}) == 1)
    print(f"Aim (500 candidates < 2 s, constant queries): {'met' if aim_met else 'NOT met'}")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    json_path = Path(args.json_path) if args.json_path else OUT_DIR / f"eligibility-{stamp}.json"
    json_path.write_text(json.dumps({
        "when": stamp, "dataset": counts, "created_then_rolled_back": created,
        "on_date": str(ON_DATE), "year": YEAR, "results": results, "aim_met": aim_met,
        "machine": {"nproc": os.cpu_count(), "load": os.getloadavg()},
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"Raw figures: {json_path}")
    return 0 if aim_met else 1


if __name__ == "__main__":
    sys.exit(main())
