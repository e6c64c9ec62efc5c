"""National volume on top of the demo data, for performance measurements.

`build_national()` adds, under the 34 active provincial alliances of the demo world:

* 30,000 organizations of the cooperative sector (about 92 % cooperatives, 3 % cooperative unions,
  5 % cooperative groups), each cooperative and union with a valid, unique tax code;
* 100,000 people working in them (every unit has a head, the rest are spread at random);
* for every alliance, two blocs of cooperatives (agricultural / non-agricultural) organized by the
  alliance, with memberships, a leader and a deputy for the current year.

Both volumes are spread over the provinces by weight (an approximate population of the merged
provinces, plus a floor so that the smallest alliance still has a few hundred cooperatives), not
uniformly.

Rows are written with `bulk_create_with_history`, so every row has its creation history row, and
the derived fields are computed by the models' own `refresh_derived_fields()`, as the services do.
Organization ids are reserved from the database before the insert so that the materialised
`path` (parent.path + "<id>/") is right in the row *and* in its history row.

Idempotent: each alliance is built in one transaction that ends with the creation of its two
blocs (codes KHOI-QG-<province>-1/2); an alliance whose blocs exist is skipped. A run that was
interrupted therefore resumes where it stopped, and a second full run adds nothing.
"""

from __future__ import annotations

import random
import sys
import time
import zlib
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clusters import services
from clusters.demo import (
    ALLIANCE_POSITIONS,
    COOP_BLOCS,
    COOP_PLACES,
    COOP_TRADES,
    POSITIONS,
    person_name,
    province_code,
)
from clusters.models import (
    EmulationGroup,
    GroupLeadership,
    GroupMembership,
    Organization,
    OrganizationName,
    Person,
)
from clusters.validators import tax_code_check_digit, validate_tax_code

COOPERATIVES = 30_000
PEOPLE = 100_000
# Every alliance gets at least this many units / people; the rest is shared by weight.
FLOOR_UNITS = 300
FLOOR_PEOPLE = 1_000
BLOC_SIZE = 400  # at most this many members in each bloc
BATCH = 2_000
SEED = 2025

# Approximate population (millions) of the 34 provinces after the 2025 rearrangement. Used only
# as a weight, so that Hà Nội and Thành phố Hồ Chí Minh have many more cooperatives than Lai Châu.
WEIGHTS = {
    "Hà Nội": 8.7, "Thành phố Hồ Chí Minh": 14.0, "Hải Phòng": 4.7, "Đà Nẵng": 3.1,
    "Cần Thơ": 4.2, "Huế": 1.4, "Lai Châu": 0.5, "Điện Biên": 0.6, "Sơn La": 1.3,
    "Lạng Sơn": 0.8, "Quảng Ninh": 1.4, "Thanh Hóa": 3.7, "Nghệ An": 3.4, "Hà Tĩnh": 1.3,
    "Cao Bằng": 0.55, "Tuyên Quang": 1.9, "Lào Cai": 1.7, "Thái Nguyên": 1.7, "Phú Thọ": 4.0,
    "Bắc Ninh": 3.6, "Hưng Yên": 3.6, "Ninh Bình": 4.4, "Quảng Trị": 1.9, "Quảng Ngãi": 2.2,
    "Gia Lai": 3.6, "Khánh Hòa": 2.2, "Lâm Đồng": 3.9, "Đắk Lắk": 3.3, "Đồng Nai": 4.5,
    "Tây Ninh": 3.3, "Vĩnh Long": 4.3, "Đồng Tháp": 4.4, "Cà Mau": 2.6, "An Giang": 4.9,
}
DEFAULT_WEIGHT = 2.0

AGRICULTURAL_TRADES = {"Nông nghiệp", "Dịch vụ nông nghiệp", "Chè", "Rau an toàn", "Thủy sản",
                       "Dược liệu", "Cà phê", "Lúa gạo"}
# Commune and ward names, added to the demo's place names so that names repeat less.
LOCALITIES = ["Tân Lập", "Đông Hưng", "Yên Phong", "Phú Lộc", "Vĩnh Hòa", "Tiên Du", "Hòa An",
              "Long Hưng", "Minh Đức", "Quảng Phú", "Thạch Hà", "Nghĩa Đàn", "Cẩm Thủy",
              "Đức Thọ", "Kim Sơn", "Mỹ Lộc", "Phù Cừ", "Tam Nông", "Châu Thành", "Cái Bè",
              "Ea Kar", "Krông Pắc", "Bảo Lộc", "Di Linh", "Tuy An", "Hoài Nhơn", "Mộc Châu",
              "Bắc Sơn", "Định Hóa", "Văn Chấn", "Sa Pa", "Thanh Sơn", "Lập Thạch", "Gia Bình",
              "Lục Nam", "Vũ Thư", "Hải Hậu", "Lý Nhân", "Thủy Nguyên", "Cẩm Giàng"]
COOP_GROUP_TRADES = ["sản xuất rau an toàn", "nuôi ong", "đan lát", "chăn nuôi", "trồng nấm",
                     "làm muối", "dệt thổ cẩm", "khai thác hải sản"]


def _write(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)
    else:
        print(text, file=sys.stdout, flush=True)


def _n(value: int) -> str:
    """1234567 -> 1.234.567 (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def _s(seconds: float) -> str:
    """12.34 -> "12,3" (Vietnamese decimal comma)."""
    return f"{seconds:.1f}".replace(".", ",")


def allocate(total: int, floor: int, weights: list[float]) -> list[int]:
    """Split `total` into len(weights) integers, each >= floor, proportional to the weights
    above the floor (largest remainder, so the sum is exact)."""
    rest = total - floor * len(weights)
    if rest < 0:
        raise ValueError("floor too high for the total")
    scale = sum(weights)
    raw = [rest * w / scale for w in weights]
    shares = [int(x) for x in raw]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[: rest - sum(shares)]:
        shares[i] += 1
    return [floor + s for s in shares]


def reserve_ids(model, count: int) -> list[int]:
    """Ids the database will not hand out to anyone else, so that rows (and their history rows)
    can be written once with a path that contains the id."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            # Single writer: SQLite serialises writers, and the seed runs alone.
            cursor.execute(f'SELECT MAX(id) FROM "{table}"')
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(top, row[0] if row else 0) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"reserve_ids: unsupported database {connection.vendor}")


def bulk_with_history(objs, model, now):
    """bulk_create_with_history in batches; make sure every object comes back with its id."""
    created = []
    for start in range(0, len(objs), BATCH):
        chunk = objs[start:start + BATCH]
        done = bulk_create_with_history(chunk, model, batch_size=BATCH, default_date=now)
        if any(obj.pk is None for obj in done):
            # Not expected on PostgreSQL or SQLite >= 3.35 (RETURNING); checked anyway.
            raise RuntimeError(f"bulk_create_with_history returned {model.__name__} rows without ids")
        created.extend(done)
    return created


def make_tax_code(rng: random.Random, region: int, taken: set[str]) -> str:
    for _ in range(10_000):
        first = f"{region % 100:02d}{rng.randrange(10**7):07d}"
        digit = tax_code_check_digit(first)
        if digit is None:
            continue
        code = f"{first}{digit}"
        if code not in taken:
            taken.add(code)
            return code
    raise RuntimeError("no free tax code")


def _bloc_codes(prefix: str) -> list[str]:
    return [f"KHOI-QG-{prefix}-{i + 1}" for i in range(len(COOP_BLOCS))]


class NationalBuilder:
    def __init__(self, stdout=None, cooperatives=COOPERATIVES, people=PEOPLE,
                 floor_units=FLOOR_UNITS, floor_people=FLOOR_PEOPLE):
        self.out = stdout
        self.total_units = cooperatives
        self.total_people = people
        self.floor_units = floor_units
        self.floor_people = floor_people
        self.year = timezone.localdate().year
        self.now = timezone.now()

    def say(self, text):
        _write(self.out, text)

    def alliances(self):
        return list(
            Organization.objects.filter(
                kind=Organization.Kind.PROVINCIAL_ALLIANCE, active_to__isnull=True,
                merged_into__isnull=True, province__isnull=False,
            ).select_related("province").order_by("code")
        )

    def build(self):
        started = time.monotonic()
        alliances = self.alliances()
        if not alliances:
            self.say("Chưa có Liên minh HTX tỉnh nào: hãy tạo dữ liệu mẫu trước (seed_demo).")
            return
        weights = [WEIGHTS.get(a.province.name, DEFAULT_WEIGHT) for a in alliances]
        units = allocate(self.total_units, self.floor_units, weights)
        people = allocate(self.total_people, self.floor_people, weights)
        self.say(
            f"Dữ liệu quy mô quốc gia: {_n(self.total_units)} hợp tác xã, liên hiệp, tổ hợp tác và "
            f"{_n(self.total_people)} cá nhân cho {len(alliances)} Liên minh HTX tỉnh, thành phố "
            f"(năm {self.year})."
        )
        taken = set(
            Organization.objects.exclude(tax_code="").values_list("tax_code", flat=True)
        )
        added_units = added_people = skipped = 0
        for index, (alliance, n_units, n_people) in enumerate(zip(alliances, units, people), 1):
            prefix = province_code(alliance.province.name).upper()
            label = f"[{index:2d}/{len(alliances)}] {alliance.name}"
            if EmulationGroup.objects.filter(code__in=_bloc_codes(prefix)).count() == len(COOP_BLOCS):
                skipped += 1
                continue
            t0 = time.monotonic()
            members = self.build_alliance(alliance, prefix, n_units, n_people, taken)
            added_units += n_units
            added_people += n_people
            self.say(
                f"  {label}: {_n(n_units)} đơn vị, {_n(n_people)} cá nhân, khối "
                f"{' + '.join(_n(m) for m in members)} thành viên "
                f"({_s(time.monotonic() - t0)} giây)."
            )
        if added_units:
            self.analyze()
        elapsed = time.monotonic() - started
        if skipped == len(alliances):
            self.say("Dữ liệu quy mô quốc gia đã có đủ; không thêm gì.")
            return
        if skipped:
            self.say(f"{skipped} Liên minh HTX đã có dữ liệu quy mô quốc gia từ lần chạy trước, bỏ qua.")
        self.say(
            f"Đã thêm {_n(added_units)} đơn vị và {_n(added_people)} cá nhân "
            f"trong {_s(elapsed)} giây."
        )

    @transaction.atomic
    def build_alliance(self, alliance, prefix, n_units, n_people, taken) -> list[int]:
        K = Organization.Kind
        rng = random.Random(SEED ^ zlib.crc32(alliance.code.encode()))
        province = alliance.province
        city = province.kind == "city"
        region = province.pk
        places = COOP_PLACES + LOCALITIES

        # A cooperative's name is unique within its province (as registration requires): on a
        # clash, the commune is added, then a number.
        used = set(Organization.objects.filter(province=province).values_list("name", flat=True))

        def unique(name, commune):
            for candidate in (name, f"{name} {commune}"):
                if candidate not in used:
                    used.add(candidate)
                    return candidate
            for number in range(2, 10_000):
                candidate = f"{name} {commune} số {number}"
                if candidate not in used:
                    used.add(candidate)
                    return candidate
            raise RuntimeError("no free name")

        ids = reserve_ids(Organization, n_units)
        orgs, trades = [], {}
        for number, pk in enumerate(ids, start=1):
            roll = rng.random()
            trade = rng.choice(COOP_TRADES)
            place = rng.choice(places)
            commune = rng.choice(LOCALITIES)
            if roll < 0.03:
                kind, code_prefix = K.COOP_UNION, "LH"
                name, short = f"Liên hiệp hợp tác xã {trade} {place}", f"LHHTX {trade} {place}"
            elif roll < 0.08:
                kind, code_prefix = K.COOP_GROUP, "THT"
                name, short = f"Tổ hợp tác {rng.choice(COOP_GROUP_TRADES)} {place}", ""
            else:
                kind, code_prefix = K.COOPERATIVE, "HTX"
                name, short = f"Hợp tác xã {trade} {place}", f"HTX {trade} {place}"
            unique_name = unique(name, commune)
            if unique_name != name and short:
                short = short + unique_name[len(name):]
            name = unique_name
            org = Organization(
                id=pk, code=f"{code_prefix}-{prefix}-{number:05d}", kind=kind, name=name,
                short_name=short, parent_id=alliance.pk, province_id=province.pk,
                tax_code=make_tax_code(rng, region, taken) if kind != K.COOP_GROUP else "",
                address=f"{'phường' if city and rng.random() < 0.6 else 'xã'} {commune}, {province.name}",
                active_from=date(rng.randint(1997, 2024), rng.randint(1, 12), rng.randint(1, 28)),
                path=f"{alliance.path}{pk}/",
            )
            org.refresh_derived_fields()
            if org.tax_code:
                validate_tax_code(org.tax_code)
            orgs.append(org)
            trades[pk] = trade
        bulk_with_history(orgs, Organization, self.now)
        bulk_with_history(
            [OrganizationName(organization_id=o.pk, name=o.name, short_name=o.short_name,
                              valid_from=o.active_from) for o in orgs],
            OrganizationName, self.now,
        )

        # People: every unit has a head; the rest are spread at random, a few at the alliance.
        people = []

        def add_person(org_id, position):
            full_name, gender = person_name(rng)
            person = Person(full_name=full_name, gender=gender, organization_id=org_id,
                            birth_year=rng.randint(1960, 2001), position=position)
            person.refresh_derived_fields()
            people.append(person)

        for org in orgs:
            add_person(org.pk, "Tổ trưởng" if org.kind == K.COOP_GROUP else "Giám đốc")
        for _ in range(n_people - len(orgs)):
            if rng.random() < 0.01:
                add_person(alliance.pk, rng.choice(ALLIANCE_POSITIONS))
            else:
                add_person(rng.choice(orgs).pk, rng.choice(POSITIONS[1:]))
        bulk_with_history(people, Person, self.now)

        # Two blocs of cooperatives organized by the alliance, for the current year.
        coops = [o for o in orgs if o.kind == K.COOPERATIVE]
        pools = [
            [o for o in coops if trades[o.pk] in AGRICULTURAL_TRADES],
            [o for o in coops if trades[o.pk] not in AGRICULTURAL_TRADES],
        ]
        sizes = []
        for code, bloc_name, pool in zip(_bloc_codes(prefix), COOP_BLOCS, pools):
            name = f"{bloc_name} – {province.name}"
            if EmulationGroup.objects.filter(name=name).exists():  # the demo's own bloc
                name = f"{bloc_name} số 2 – {province.name}"
            group = services.group_create(code=code, name=name, kind=EmulationGroup.Kind.BLOC,
                                          organizer=alliance)
            members = sorted(rng.sample(pool, min(BLOC_SIZE, len(pool))), key=lambda o: o.sort_key)
            bulk_with_history(
                [GroupMembership(group=group, organization_id=o.pk, year=self.year) for o in members],
                GroupMembership, self.now,
            )
            if len(members) >= 2:
                bulk_with_history([
                    GroupLeadership(group=group, organization_id=members[0].pk, year=self.year,
                                    role=GroupLeadership.Role.LEADER),
                    GroupLeadership(group=group, organization_id=members[1].pk, year=self.year,
                                    role=GroupLeadership.Role.DEPUTY),
                ], GroupLeadership, self.now)
            sizes.append(len(members))
        return sizes

    def analyze(self):
        """Fresh planner statistics after a bulk load (autovacuum would get there later)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Organization, OrganizationName, Person, GroupMembership,
                              GroupLeadership, EmulationGroup):
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
                    cursor.execute(f'ANALYZE "{model.history.model._meta.db_table}"')
            self.say("Đã cập nhật thống kê của PostgreSQL (ANALYZE).")


def build_national(stdout=None, cooperatives=COOPERATIVES, people=PEOPLE, *,
                   floor_units=FLOOR_UNITS, floor_people=FLOOR_PEOPLE, awards=None,
                   dossiers=None, agenda_items=None, submitters=None):
    """The units and people, then (issue 9) the award registry, the dossiers and the council
    meeting, and a year of deadlines with their reminders. The sizes default to the national
    ones; tests pass small ones."""
    started = time.monotonic()
    NationalBuilder(stdout=stdout, cooperatives=cooperatives, people=people,
                    floor_units=floor_units, floor_people=floor_people).build()
    historical = Organization.objects.filter(kind=Organization.Kind.PROVINCIAL_ALLIANCE).count()
    merged = Organization.objects.filter(kind=Organization.Kind.PROVINCIAL_ALLIANCE,
                                         merged_into__isnull=False).count()
    _write(stdout, f"Liên minh HTX tỉnh, thành phố: {historical} (trong đó {merged} đã hợp nhất "
                   f"từ 01/07/2025), giữ nguyên.")
    # Each part is imported when its turn comes (it reads the catalogue and the users then).
    from .national_awards import TOTAL, build_awards

    build_awards(stdout=stdout, total=TOTAL if awards is None else awards)
    from .national_dossiers import AGENDA_ITEMS, DOSSIERS, build_dossiers

    build_dossiers(stdout=stdout, dossiers=DOSSIERS if dossiers is None else dossiers,
                   items=AGENDA_ITEMS if agenda_items is None else agenda_items)
    from .national_deadlines import SUBMITTERS, build_deadlines

    build_deadlines(stdout=stdout, submitters=SUBMITTERS if submitters is None else submitters)
    analyze_all(stdout)
    _write(stdout, f"Dữ liệu quy mô quốc gia: xong trong {_s(time.monotonic() - started)} giây.")


def analyze_all(stdout=None):
    """Fresh planner statistics for the tables issue 9 fills."""
    if connection.vendor != "postgresql":
        return
    from accounts.models import RoleAssignment, User
    from awards.models import (
        AgendaItem, AwardCycle, AwardRecord, Decision, Dossier, DossierEvent, Nomination,
    )
    from deadlines.models import Deadline, Notification, Reminder, ReminderDelivery

    with connection.cursor() as cursor:
        for model in (User, RoleAssignment, AwardRecord, AwardCycle, Dossier, Nomination,
                      Decision, DossierEvent, AgendaItem, Deadline, Reminder, ReminderDelivery,
                      Notification):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
            if hasattr(model, "history"):
                cursor.execute(f'ANALYZE "{model.history.model._meta.db_table}"')
