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

from clusters.models import GroupLeadership, GroupMembership, Organization, Person

from .models import (
    AnnualAssessment, AwardRecord, AwardType, DisciplineRecord, Initiative, Rating,
)

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
        showcase = Showcase(self)
        showcase.build()
        bulk_create_with_history(self.records, AwardRecord, batch_size=2000)
        FactsBuilder(self, showcase).build()
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


GOOD, EXCELLENT, COMPLETED = Rating.GOOD, Rating.EXCELLENT, Rating.COMPLETED


class Showcase:
    """People and units of the Hà Nội alliance whose histories show each eligibility rule
    deciding both ways for the achievements of 2025 (the default year on the eligibility
    page). Each entry: name, what it shows, award records (code, year, options), and the
    assessments, initiatives and discipline the FactsBuilder writes for it."""

    PEOPLE = [
        # name, gender, birth year, records, ratings by year (2021–2025), initiatives, discipline
        ("Nguyễn Thị Minh Anh", "F", 1982, [("CSTDCS", 2023), ("CSTDCS", 2024), ("CSTDCS", 2025)],
         {2023: EXCELLENT, 2024: EXCELLENT, 2025: EXCELLENT}, [(2024, "sector")], None),
        ("Trần Văn Bình", "M", 1979, [("CSTDCS", 2023), ("CSTDCS", 2025)],
         {2023: EXCELLENT, 2024: GOOD, 2025: EXCELLENT}, [(2025, "sector")], None),
        ("Lê Thị Cúc", "F", 1985, [("CSTDCS", 2023), ("CSTDCS", 2024, {"revoked": True}),
                                     ("CSTDCS", 2025)],
         {2023: EXCELLENT, 2024: EXCELLENT, 2025: EXCELLENT}, [(2024, "sector")], None),
        ("Phạm Văn Dũng", "M", 1988, [("CSTDCS", 2024), ("BK_CT", 2024, {"kind": "thematic"}),
                                       ("CSTDCS", 2025)],
         {2024: EXCELLENT, 2025: EXCELLENT}, [], None),
        ("Hoàng Thị Duyên", "F", 1976, [("BK_CT", 2019), ("CSTDCS", 2021), ("CSTDCS", 2023),
                                         ("CSTDCS", 2025)],
         {2021: EXCELLENT, 2022: GOOD, 2023: EXCELLENT, 2024: GOOD, 2025: EXCELLENT}, [], None),
        ("Vũ Văn Giang", "M", 1980, [("BK_CT", 2022), ("CSTDCS", 2023), ("CSTDCS", 2024)],
         {2023: EXCELLENT, 2024: EXCELLENT, 2025: GOOD}, [], None),
        ("Đặng Thị Hạnh", "F", 1972, [("BK_TTG", 2019), ("CSTDCS", 2021), ("CSTDCS", 2022),
                                       ("CSTDCS", 2024)],
         {2021: EXCELLENT, 2022: EXCELLENT, 2023: GOOD, 2024: EXCELLENT, 2025: GOOD}, [], None),
        ("Bùi Văn Khoa", "M", 1983, [("CSTDCS", 2024)], {2024: EXCELLENT, 2025: EXCELLENT}, [],
         "pending"),
        ("Đỗ Thị Lan", "F", 1990, [], {2025: GOOD}, [], "warning"),
        ("Ngô Văn Minh", "M", 1987, [("LDTT", 2024)], {2024: GOOD}, [], None),
        ("Lý Thị Ngọc", "F", 1969, [("KNC", 2023)], {2025: GOOD}, [], None),
        ("Trịnh Văn Phúc", "M", 1975, [("CSTDCS", 2020), ("CSTDCS", 2021), ("CSTDN", 2022),
                                        ("CSTDCS", 2022), ("CSTDCS", 2023), ("CSTDCS", 2024),
                                        ("CSTDCS", 2025), ("CSTDN", 2025)],
         {2021: EXCELLENT, 2022: EXCELLENT, 2023: EXCELLENT, 2024: EXCELLENT, 2025: EXCELLENT},
         [(2024, "national")], None),
        ("Đinh Thị Quỳnh", "F", 1992, [], {2025: GOOD}, [], None),
        ("Mai Văn Sơn", "M", 1991, [], {2025: GOOD, "months": 8}, [], None),
        ("Cao Thị Thu", "F", 1986, [("BK_CT", 2025)], {2025: GOOD}, [], None),
        ("Hồ Thị Xuân", "F", 1993, [], {2025: EXCELLENT}, [], None),
        ("Phan Văn Tài", "M", 1968, [("HCLD3", 2018)],
         {2021: GOOD, 2022: EXCELLENT, 2023: GOOD, 2024: GOOD, 2025: GOOD}, [], None),
        ("Tô Thị Uyên", "F", 1966, [("HCLD2", 2019)],
         {2021: GOOD, 2022: GOOD, 2023: EXCELLENT, 2024: GOOD, 2025: GOOD}, [], None),
    ]

    def __init__(self, history: "AwardHistoryBuilder"):
        self.history = history
        self.people: dict[str, Person] = {}
        self.unit = Organization.objects.filter(code="LM-HA-NOI").first()

    def build(self):
        if self.unit is None:
            return
        people = []
        for name, gender, born, *_rest in self.PEOPLE:
            person = Person(full_name=name, gender=gender, birth_year=born,
                            organization=self.unit, position="Chuyên viên")
            person.refresh_derived_fields()
            people.append(person)
        bulk_create_with_history(people, Person)
        for person, (name, _g, _b, records, *_rest) in zip(people, self.PEOPLE):
            self.people[name] = person
            for code, year, *options in records:
                options = options[0] if options else {}
                vca = code not in ("LDTT", "CSTDCS")
                record = self.history.add(code, year, person=person, vca=vca,
                                          kind=options.get("kind", AwardRecord.Kind.MERIT))
                if code == "BK_TTG":
                    record.decision_number = f"{self.history.rng.randint(100, 999)}/QĐ-TTg"
                    record.issuing_level = "Thủ tướng Chính phủ"
                elif code.startswith("HCLD"):
                    record.decision_number = f"{self.history.rng.randint(100, 999)}/QĐ-CTN"
                    record.issuing_level = "Chủ tịch nước"
                if options.get("revoked"):
                    record.revoked = True
                    record.revocation_decision_number = "12/QĐ-LMHTXVN"
                    record.revocation_date = date(2025, 9, 15)
                    record.revocation_reason = "Thành tích kê khai không đúng thực tế."


class FactsBuilder:
    """Annual assessments, initiatives and discipline consistent with the demo award history:
    holders of Lao động tiên tiến were rated well, Chiến sĩ thi đua cơ sở excellently or with an
    initiative; people without a title were rated lower, worked part of the year or were
    absent long. About one person in twenty has no assessment for 2025 yet (needs review)."""

    def __init__(self, history: AwardHistoryBuilder, showcase: Showcase):
        self.history = history
        self.showcase = showcase
        self.rng = random.Random(2026)
        self.assessments: list[AnnualAssessment] = []
        self.initiatives: list[Initiative] = []
        self.discipline: list[DisciplineRecord] = []

    def build(self):
        held = defaultdict(set)
        for record in self.history.records:
            if record.revoked:
                continue
            key = ("p", record.person_id) if record.person_id else ("o", record.organization_id)
            if record.collective_name:
                continue
            held[(key, record.achievement_year)].add(record.award_type.code)
        showcase_ids = {p.pk for p in self.showcase.people.values()}
        for person in Person.objects.select_related("organization").order_by("pk"):
            if person.pk not in showcase_ids:
                self.person(person, held)
        self.showcase_facts()
        self.collectives(held)
        bulk_create_with_history(self.assessments, AnnualAssessment, batch_size=2000)
        bulk_create_with_history(self.initiatives, Initiative, batch_size=2000)
        bulk_create_with_history(self.discipline, DisciplineRecord, batch_size=2000)

    def assess(self, year, rating, *, person=None, organization=None, months=None, absence=None,
               **extra):
        if person is not None:
            months = 12 if months is None else months
            absence = self.rng.randint(0, 8) if absence is None else absence
        self.assessments.append(AnnualAssessment(
            person=person, organization=organization, year=year, rating=rating,
            months_worked=months, absence_days=absence, **extra))

    def initiative(self, person, year, scope=Initiative.Scope.GRASSROOTS):
        level = {Initiative.Scope.GRASSROOTS: person.organization.short_name
                 or person.organization.name,
                 Initiative.Scope.SECTOR: "Hội đồng sáng kiến Liên minh HTX Việt Nam",
                 Initiative.Scope.NATIONAL: "Bộ Khoa học và Công nghệ"}[scope]
        topic = self.rng.choice(["Số hóa sổ sách kế toán hợp tác xã",
                                 "Quy trình truy xuất nguồn gốc sản phẩm",
                                 "Mô hình liên kết tiêu thụ nông sản",
                                 "Ứng dụng tưới nhỏ giọt tiết kiệm nước",
                                 "Cải tiến quy trình tiếp nhận hồ sơ thành viên"])
        self.initiatives.append(Initiative(
            person=person, title=f"{topic} ({year})", year=year, scope=scope,
            recognised_by=level, decision_number=f"{self.rng.randint(10, 99)}/QĐ-SK",
            decision_date=date(year, 12, self.rng.randint(1, 28))))

    def person(self, person, held):
        for year in YEARS:
            titles = held.get((("p", person.pk), year), set())
            if year == 2025 and self.rng.random() < 0.05:
                continue  # the unit has not sent its 2025 assessment yet
            if "CSTDCS" in titles:
                excellent = self.rng.random() < 0.6
                self.assess(year, EXCELLENT if excellent else GOOD, person=person)
                if not excellent:
                    self.initiative(person, year)
            elif "LDTT" in titles:
                self.assess(year, GOOD, person=person)
            else:
                roll = self.rng.random()
                if roll < 0.4:
                    self.assess(year, COMPLETED, person=person)
                elif roll < 0.7:
                    self.assess(year, GOOD, person=person, months=self.rng.randint(3, 9))
                elif roll < 0.97:
                    self.assess(year, GOOD, person=person, absence=self.rng.randint(40, 70))
                else:
                    self.assess(year, GOOD, person=person)
                    self.discipline.append(DisciplineRecord(
                        person=person, organization=person.organization,
                        level=DisciplineRecord.Level.REPRIMAND,
                        decision_number=f"{self.rng.randint(1, 60):02d}/QĐ-KL",
                        effective_from=date(year, 3, 1), effective_to=date(year, 8, 31)))
            if "CSTDN" in titles:
                self.initiative(person, year - 1, Initiative.Scope.SECTOR)

    def showcase_facts(self):
        for name, _g, _b, _records, ratings, initiatives, discipline in Showcase.PEOPLE:
            person = self.showcase.people.get(name)
            if person is None:
                continue
            ratings = dict(ratings)
            months = ratings.pop("months", None)
            for year, rating in ratings.items():
                self.assess(year, rating, person=person, months=months, absence=2)
            for year, scope in initiatives:
                self.initiative(person, year, scope)
            if discipline == "pending":
                self.discipline.append(DisciplineRecord(
                    person=person, organization=person.organization, pending=True,
                    effective_from=date(2026, 10, 15),
                    note="Đang xác minh đơn phản ánh về việc kê khai thành tích."))
            elif discipline == "warning":
                self.discipline.append(DisciplineRecord(
                    person=person, organization=person.organization,
                    level=DisciplineRecord.Level.WARNING, decision_number="07/QĐ-KL",
                    effective_from=date(2025, 4, 1), effective_to=date(2026, 3, 31)))

    def collectives(self, held):
        people = defaultdict(int)
        for org_id in Person.objects.values_list("organization_id", flat=True):
            people[org_id] += 1
        leaders = set(GroupLeadership.objects.filter(role="leader")
                      .values_list("organization_id", "year"))
        members = set(GroupMembership.objects.values_list("organization_id", "year"))
        for org in Organization.objects.filter(kind__in=COLLECTIVE_KINDS).order_by("pk"):
            count = people.get(org.pk, 0)
            if not count:
                continue
            for year in YEARS:
                if org.active_to is not None and org.active_to.year <= year:
                    continue
                titles = held.get((("o", org.pk), year), set())
                if "TTLDXS" in titles:
                    rating, completed = EXCELLENT, count
                elif "TTLDTT" in titles:
                    rating, completed = GOOD, count - (self.rng.random() < 0.3)
                else:
                    rating = self.rng.choice([EXCELLENT, GOOD, COMPLETED])
                    completed = count - (self.rng.random() < 0.5)
                rank = None
                if (org.pk, year) in members:
                    rank = 1 if (org.pk, year) in leaders else self.rng.randint(2, 6)
                self.assess(year, rating, organization=org, member_count=count,
                            members_completed=completed, group_rank=rank)


def build_award_history(stdout=None) -> int:
    return AwardHistoryBuilder(stdout).build()
