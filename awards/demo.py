"""Demo award history, 2021–2025, for the demo world (clusters.demo): plausible, not real.

Most people are Lao động tiên tiến each year; some are Chiến sĩ thi đua cơ sở, and those with
three in a row become Chiến sĩ thi đua ngành; alliances and cooperatives are Tập thể lao động
tiên tiến or xuất sắc; cluster leaders receive the Alliance's emulation flag; a few Bằng khen,
a few thematic awards and one revoked award. Decisions are dated in the following year."""

import random
from collections import defaultdict
from datetime import date

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from clusters.models import GroupLeadership, Organization, Person

from .models import AwardRecord, AwardType

YEARS = range(2021, 2026)
VCA = "LMHTXVN"
CHAIRMAN = "Chủ tịch Liên minh HTX Việt Nam"
COMMITTEE = "Ban Chấp hành Liên minh HTX Việt Nam"
COLLECTIVE_KINDS = (Organization.Kind.PROVINCIAL_ALLIANCE, Organization.Kind.COOP_UNION,
                    Organization.Kind.COOPERATIVE, Organization.Kind.DEPARTMENT,
                    Organization.Kind.PUBLIC_UNIT)


def symbol(issuer_code: str) -> str:
    """The issuer's abbreviation in a decision number (Decree 30/2020): each unit numbers its own
    decisions, so "12/QĐ-HTX" recurs across cooperatives, as it does on paper."""
    for prefix, abbreviation in (("LM-", "LMHTX"), ("LHHTX-", "LHHTX"), ("HTX-", "HTX"),
                                 ("THT-", "THT")):
        if issuer_code.startswith(prefix):
            return abbreviation
    return issuer_code


class AwardHistoryBuilder:
    def __init__(self, stdout=None):
        self.rng = random.Random(2025)
        self.out = stdout
        self.types = {t.code: t for t in AwardType.objects.all()}
        self.records: list[AwardRecord] = []
        self.numbers: dict[tuple, str] = {}
        self.sequence = defaultdict(int)

    def decision(self, issuer_code: str, award: str, year: int, kind: str) -> tuple[str, date]:
        """One decision per issuer, award, year and kind, numbered in the issuer's sequence."""
        key = (issuer_code, award, year, kind)
        if key not in self.numbers:
            self.sequence[issuer_code] += self.rng.randint(3, 40)
            self.numbers[key] = f"{self.sequence[issuer_code]:02d}/QĐ-{symbol(issuer_code)}"
        month = 1 if issuer_code != VCA else 3 if kind == AwardRecord.Kind.MERIT else 9
        return self.numbers[key], date(year + 1, month, 10 + len(issuer_code) % 15)

    def add(self, code: str, year: int, *, person=None, organization=None, collective_name="",
            kind=AwardRecord.Kind.MERIT, vca=False, committee=False):
        award = self.types[code]
        unit = person.organization if person else organization
        issuer = VCA if vca or committee else unit.code
        number, day = self.decision(issuer, code, year, kind)
        record = AwardRecord(
            person=person, organization=organization, collective_name=collective_name,
            organization_at_award=unit, award_type=award, kind=kind, achievement_year=year,
            decision_number=number, decision_date=day, granting_level=award.granting_level,
            issuing_level=COMMITTEE if committee else CHAIRMAN if vca
            else f"Thủ trưởng {unit.short_name or unit.name}")
        record.refresh_derived_fields()
        self.records.append(record)
        return record

    @transaction.atomic
    def build(self):
        if AwardRecord.objects.exists():
            return 0
        self.people()
        self.collectives()
        self.cluster_flags()
        self.revoke_one()
        bulk_create_with_history(self.records, AwardRecord, batch_size=2000)
        return len(self.records)

    def people(self):
        people = list(Person.objects.select_related("organization").order_by("pk"))
        for person in people:
            star = self.rng.random() < 0.12  # a steady performer: CSTDCS most years
            chain = 0
            for year in YEARS:
                if self.rng.random() > (0.95 if star else 0.65):
                    chain = 0
                    continue
                self.add("LDTT", year, person=person)
                if self.rng.random() < (0.85 if star else 0.12):
                    self.add("CSTDCS", year, person=person)
                    chain += 1
                    if chain == 3:
                        self.add("CSTDN", year, person=person, vca=True)
                        chain = 0
                else:
                    chain = 0
                if self.rng.random() < 0.02:
                    self.add("BK_CT", year, person=person, vca=True)
            if self.rng.random() < 0.02:
                self.add("BK_CT", 2024, person=person, vca=True, kind=AwardRecord.Kind.THEMATIC)

    def collectives(self):
        organizations = Organization.objects.filter(kind__in=COLLECTIVE_KINDS).order_by("pk")
        for org in organizations:
            for year in YEARS:
                if org.active_to is not None and org.active_to.year <= year:
                    continue  # merged or dissolved before the year ended
                roll = self.rng.random()
                if roll < 0.3:
                    self.add("TTLDXS", year, organization=org)
                elif roll < 0.85:
                    self.add("TTLDTT", year, organization=org)
                if org.kind == Organization.Kind.COOPERATIVE and self.rng.random() < 0.04:
                    self.add("BK_CT", year, organization=org, vca=True)
            if org.kind == Organization.Kind.PROVINCIAL_ALLIANCE and self.rng.random() < 0.25:
                self.add("TTLDXS", 2023, organization=org, collective_name="Văn phòng")
            if org.kind == Organization.Kind.COOPERATIVE and self.rng.random() < 0.05:
                self.add("BK_CT", 2022, organization=org, vca=True,
                         kind=AwardRecord.Kind.THEMATIC)

    def cluster_flags(self):
        leaders = (GroupLeadership.objects.filter(role="leader", year__in=list(YEARS),
                                                  group__kind="cluster")
                   .select_related("organization").order_by("year", "pk"))
        for row in leaders:
            self.add("CTD_LM", row.year, organization=row.organization, committee=True)

    def revoke_one(self):
        record = next((r for r in self.records if r.award_type.code == "CSTDCS"
                       and r.achievement_year == 2022), None)
        if record is None:
            return
        record.revoked = True
        record.revocation_decision_number = "45/QĐ-LMHTXVN"
        record.revocation_date = date(2024, 5, 20)
        record.revocation_reason = "Kê khai thành tích không trung thực (phát hiện qua kiểm tra)."


def build_award_history(stdout=None) -> int:
    return AwardHistoryBuilder(stdout).build()
