"""National volume, part 2: 300,000 award records over six achievement years (2021–2026) for the
units and people that `bench.national` added under the 34 provincial alliances.

The mix follows the catalogue and who grants what:

* individuals (about four records in five): mostly Lao động tiên tiến and Chiến sĩ thi đua cơ
  sở decided by their unit's head, Giấy khen, then the Alliance's Bằng khen and Kỷ niệm
  chương, Chiến sĩ thi đua ngành, and a handful of Bằng khen of the Prime Minister and Labour
  Orders;
* collectives: Tập thể lao động tiên tiến (decided by the provincial alliance), Tập thể lao
  động xuất sắc, Giấy khen, Bằng khen, the emulation flags of the Alliance and of the
  Government; a few go to a named collective inside a cooperative (a production team...).

Achievement years 2021–2025 are the annual round (decided January–April of the next year) plus
thematic awards decided during the year; 2026's achievements are not yet decided, so 2026 has
only the thematic and contribution awards of the year so far.

Decisions: a unit's head decides its people's titles in one decision per award and year; a
provincial alliance decides its units' collective titles; the Alliance (LMHTXVN) decides its
awards in one decision per award, year and province; the Prime Minister and the State
President in one decision per award and year. Each issuer's numbers only grow, so no decision
number repeats for an issuer and the registry's uniqueness constraints hold.

Idempotent per achievement year: a year is written in one transaction, and the generation is
deterministic (seeded, over the units and people in id order), so a year whose first record
exists is skipped. Every row is written with `bulk_create_with_history`.
"""

from __future__ import annotations

import random
import re
import time
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from awards.models import AwardRecord, AwardType
from clusters.models import Organization, Person

from .national import _n, _s, _write, bulk_with_history

TOTAL = 300_000
YEARS = range(2021, 2027)
# Share of the records by achievement year: the system grows a little each year; 2026 has only
# what was decided during the year (thematic and contribution awards).
YEAR_WEIGHTS = {2021: 15, 2022: 16, 2023: 17, 2024: 18, 2025: 20, 2026: 14}
INDIVIDUAL_SHARE = 0.8
SEED = 9_2026
# The units `bench.national` writes: HTX-<TỈNH>-00001, LH-..., THT-... (five digits).
NATIONAL_CODE = re.compile(r"^(HTX|LH|THT)-[A-Z0-9-]+-\d{5}$")

# (award code, weight) of the annual round.
ANNUAL_INDIVIDUAL = [("LDTT", 620), ("CSTDCS", 160), ("GK", 120), ("BK_CT", 50), ("CSTDN", 20),
                     ("KNC", 20), ("BK_BCH", 6), ("BK_TTG", 3), ("HCLD3", 1)]
ANNUAL_COLLECTIVE = [("TTLDTT", 500), ("TTLDXS", 220), ("GK", 120), ("BK_CT", 80),
                     ("BK_BCH", 30), ("CTD_LM", 20), ("BK_TTG", 8), ("CTD_CP", 2), ("HCLD3", 1)]
# Thematic awards decided during the year (a campaign, an anniversary).
THEMATIC_INDIVIDUAL = [("GK", 60), ("BK_CT", 30), ("KNC", 10)]
THEMATIC_COLLECTIVE = [("GK", 55), ("BK_CT", 40), ("BK_BCH", 5)]
THEMATIC_SHARE = 0.08  # of a year 2021–2025

COLLECTIVE_NAMES = ["Tổ sản xuất số 1", "Tổ sản xuất số 2", "Tổ dịch vụ", "Ban kiểm soát",
                    "Tổ kỹ thuật", "Tổ tiêu thụ sản phẩm", "Bộ phận kế toán"]
VCA = "Liên minh HTX Việt Nam"


def split(total: int, weights: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """`total` shared by weight (largest remainder; the sum is exact)."""
    scale = sum(w for _c, w in weights)
    raw = [total * w / scale for _c, w in weights]
    shares = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - raw[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return [(code, n) for (code, _w), n in zip(weights, shares)]


def split_years(total: int) -> dict[int, int]:
    return dict(split(total, [(y, YEAR_WEIGHTS[y]) for y in YEARS]))


class Population:
    """The national units and people, in id order (deterministic across runs)."""

    def __init__(self):
        alliances = {o.pk: o for o in Organization.objects.filter(
            kind=Organization.Kind.PROVINCIAL_ALLIANCE, active_to__isnull=True,
            merged_into__isnull=True, province__isnull=False)}
        self.alliances = alliances
        self.units = [o for o in Organization.objects.filter(parent_id__in=list(alliances))
                      .only("id", "code", "kind", "name", "short_name", "parent_id", "active_from",
                            "path")
                      .order_by("pk") if NATIONAL_CODE.match(o.code)]
        self.unit_by_id = {o.pk: o for o in self.units}
        unit_ids = set(self.unit_by_id)
        # Only the people of the national units: the alliances' own staff includes the demo's
        # people, whose award history (awards.demo) uses the same decision numbers.
        self.people = [(pk, org) for pk, org in Person.objects.filter(
            organization_id__in=list(unit_ids))
            .values_list("id", "organization_id").order_by("pk") if org in unit_ids]


def symbol(org) -> str:
    if org.kind == Organization.Kind.PROVINCIAL_ALLIANCE:
        return "LMHTX"
    return {"LH": "LHHTX", "THT": "THT"}.get(org.code.split("-")[0], "HTX")


class AwardsBuilder:
    def __init__(self, stdout=None, total=TOTAL):
        self.out = stdout
        self.total = total
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)
        self.types = {t.code: t for t in AwardType.objects.all()}
        self.counters: dict[tuple, int] = {}
        self.numbers: dict[tuple, str] = {}

    def say(self, text):
        _write(self.out, text)

    # --- decisions ------------------------------------------------------------------------------

    def number(self, issuer_key, sym, decision_key, big=False) -> str:
        """One decision per `decision_key`; the issuer's numbers only grow (never repeat)."""
        if decision_key not in self.numbers:
            step = self.rng.randint(1, 4) if big else self.rng.randint(1, 3)
            self.counters[issuer_key] = self.counters.get(issuer_key, 0) + step
            self.numbers[decision_key] = f"{self.counters[issuer_key]:02d}/QĐ-{sym}"
        return self.numbers[decision_key]

    def decision(self, code, year, kind, unit, alliance, collective):
        """(decision number, date, issuing level) for an award of `code` to someone of `unit`."""
        award = self.types[code]
        level = award.granting_level
        thematic = kind != AwardRecord.Kind.MERIT
        rng = self.rng
        if thematic:
            last = min(date(year, 11, 30), self.today - timedelta(days=3))
            first = date(year, 3, 1)
            day = first + timedelta(days=rng.randrange(max(1, (last - first).days)))
            # One thematic decision per issuer, award, year and month.
            period = ("thematic", day.month)
        else:
            period = ("annual",)
            day = None
        L = AwardType.GrantingLevel
        if level == L.UNIT_HEAD:
            issuer = alliance if collective or unit.pk == alliance.pk else unit
            number = self.number(("org", issuer.pk), symbol(issuer),
                                 ("org", issuer.pk, code, year, *period))
            issuing = f"{'Chủ tịch' if issuer is alliance else 'Thủ trưởng'} " \
                      f"{issuer.short_name or issuer.name}"
            day = day or date(year + 1, 1, 5 + issuer.pk % 20)
        elif level in (L.ALLIANCE_CHAIRMAN, L.ALLIANCE_COMMITTEE):
            number = self.number(("vca",), "LMHTXVN",
                                 ("vca", code, year, alliance.pk, *period), big=True)
            issuing = ("Ban Chấp hành " if level == L.ALLIANCE_COMMITTEE else "Chủ tịch ") + VCA
            day = day or date(year + 1, 3, 2 + alliance.pk % 25)
        else:
            sym = "TTg" if level == L.PRIME_MINISTER else "CTN"
            if ("state", sym) not in self.counters:
                self.counters[("state", sym)] = 100
            number = self.number(("state", sym), sym, ("state", sym, code, year, *period),
                                 big=True)
            issuing = "Thủ tướng Chính phủ" if sym == "TTg" else "Chủ tịch nước"
            day = day or date(year + 1, 6 + (sym == "CTN") * 2, 15)
        if day > self.today:
            day = self.today - timedelta(days=1)
        return number, day, issuing, level

    # --- one year -------------------------------------------------------------------------------

    def plan(self, year: int, count: int) -> list[tuple[str, int, str, bool]]:
        """[(award code, how many, kind, collective)] for the year."""
        individuals = round(count * INDIVIDUAL_SHARE)
        collectives = count - individuals
        K = AwardRecord.Kind
        if year >= self.today.year:
            rows = [(c, n, K.CONTRIBUTION if c == "KNC" else K.THEMATIC, False)
                    for c, n in split(individuals, THEMATIC_INDIVIDUAL)]
            return rows + [(c, n, K.THEMATIC, True) for c, n in split(collectives,
                                                                       THEMATIC_COLLECTIVE)]
        thematic_i = round(individuals * THEMATIC_SHARE)
        thematic_c = round(collectives * THEMATIC_SHARE)
        rows = [(c, n, K.CONTRIBUTION if c == "KNC" else K.MERIT, False)
                for c, n in split(individuals - thematic_i, ANNUAL_INDIVIDUAL)]
        rows += [(c, n, K.MERIT, True) for c, n in split(collectives - thematic_c,
                                                          ANNUAL_COLLECTIVE)]
        rows += [(c, n, K.THEMATIC, False) for c, n in split(thematic_i, THEMATIC_INDIVIDUAL)
                 if c != "KNC"]
        rows += [(c, n, K.THEMATIC, True) for c, n in split(thematic_c, THEMATIC_COLLECTIVE)]
        # KNC of the thematic share is folded into Giấy khen, keeping the year's total exact.
        missing = count - sum(n for _c, n, _k, _col in rows)
        if missing:
            rows.append(("GK", missing, K.THEMATIC, False))
        # One draw per award, kind and kind of recipient, so nobody appears twice in a decision.
        merged: dict[tuple, int] = {}
        for code, n, kind, collective in rows:
            merged[(code, kind, collective)] = merged.get((code, kind, collective), 0) + n
        return [(code, n, kind, collective) for (code, kind, collective), n in merged.items()]

    def generate(self, pop: Population, year: int, count: int) -> list[AwardRecord]:
        rng = self.rng
        units = [u for u in pop.units if u.active_from is None or u.active_from.year <= year]
        records = []
        seen: set[tuple] = set()
        for code, n, kind, collective in self.plan(year, count):
            if n <= 0:
                continue
            award = self.types[code]
            if collective:
                chosen = [(None, u) for u in sample(rng, units, n)]
            else:
                chosen = [(pk, pop.unit_by_id[org]) for pk, org in sample(rng, pop.people, n)]
            for person_id, unit in chosen:
                alliance = pop.alliances[unit.parent_id]
                number, day, issuing, level = self.decision(code, year, kind, unit, alliance,
                                                            collective)
                name = ""
                if collective and rng.random() < 0.04:
                    name = rng.choice(COLLECTIVE_NAMES)
                key = (number, code, person_id, unit.pk if person_id is None else None, name)
                if key in seen:  # the same person twice in a decision: not possible on paper
                    continue
                seen.add(key)
                record = AwardRecord(
                    person_id=person_id, organization_id=None if person_id else unit.pk,
                    collective_name=name, organization_at_award_id=unit.pk, award_type=award,
                    kind=kind, achievement_year=year, decision_number=number,
                    decision_date=day, issuing_level=issuing, granting_level=level)
                record.refresh_derived_fields()
                records.append(record)
        return records

    def exists(self, record: AwardRecord) -> bool:
        return AwardRecord.objects.filter(
            decision_number=record.decision_number, award_type_id=record.award_type_id,
            person_id=record.person_id, organization_id=record.organization_id,
            achievement_year=record.achievement_year).exists()

    def build(self) -> int:
        started = time.monotonic()
        pop = Population()
        if not pop.units or not pop.people:
            self.say("Chưa có đơn vị quy mô quốc gia: không tạo sổ khen thưởng.")
            return 0
        added = 0
        for year, count in split_years(self.total).items():
            t0 = time.monotonic()
            records = self.generate(pop, year, count)
            if not records or self.exists(records[0]):
                continue
            with transaction.atomic():
                bulk_with_history(records, AwardRecord, self.now)
            added += len(records)
            self.say(f"  Sổ khen thưởng năm {year}: {_n(len(records))} bản ghi "
                     f"({_s(time.monotonic() - t0)} giây).")
        if added:
            self.say(f"Đã thêm {_n(added)} bản ghi khen thưởng trong "
                     f"{_s(time.monotonic() - started)} giây.")
        else:
            self.say("Sổ khen thưởng quy mô quốc gia đã có đủ; không thêm gì.")
        return added


def sample(rng: random.Random, population: list, n: int) -> list:
    """n distinct items (all of them, repeated in turn, when n exceeds the population: only at
    tiny test scales)."""
    if n <= len(population):
        return rng.sample(population, n)
    return [population[i % len(population)] for i in range(n)]


def build_awards(stdout=None, total=TOTAL) -> int:
    return AwardsBuilder(stdout=stdout, total=total).build()
