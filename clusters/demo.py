"""Demo data: the Alliance system as in the 2021 reference report, through the 2025 mergers.

The cluster map is demonstration data: the real list of VCA's ten clusters was not found
(domain reference §8), so the regions below are a plausible drawing, not a fact."""

import random
from datetime import date

from django.db import transaction
from django.utils.translation import gettext, ngettext

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_assign, user_create

from . import services
from .models import EmulationGroup, Organization, Person, Province
from .text import fold
from .validators import tax_code_check_digit

DEMO_PASSWORD = "demo-thidua-2026"
FIRST_YEAR, LAST_YEAR = 2021, 2026
MERGER_DAY = date(2025, 7, 1)
HUE_RENAMED = date(2025, 1, 1)

CENTRAL = ("LMHTXVN", "Liên minh Hợp tác xã Việt Nam", "Liên minh HTX Việt Nam")
DEPARTMENTS = [
    ("VP", "Văn phòng", "Văn phòng"),
    ("TCCB", "Ban Tổ chức cán bộ", "Ban TCCB"),
    ("KT", "Ban Kiểm tra", "Ban KT"),
    ("CSPL", "Ban Chính sách - Pháp luật", "Ban CSPL"),
    ("HTQT", "Ban Hợp tác quốc tế", "Ban HTQT"),
    ("TT", "Ban Tuyên truyền", "Ban TT"),
    ("KHTC", "Ban Kế hoạch - Tài chính", "Ban KHTC"),
    ("PTHTX", "Ban Phát triển hợp tác xã", "Ban PTHTX"),
]
PUBLIC_UNITS = [
    ("TTHT", "Trung tâm Hỗ trợ phát triển hợp tác xã", "Trung tâm HTPT HTX"),
    ("QHTPT", "Quỹ Hỗ trợ phát triển hợp tác xã Việt Nam", "Quỹ HTPT HTX"),
    ("TTDT", "Trung tâm Đào tạo, bồi dưỡng cán bộ hợp tác xã", "Trung tâm ĐTBD"),
    ("TCKTHT", "Tạp chí Kinh tế hợp tác", "Tạp chí KTHT"),
]
ENTERPRISES = [
    ("CTXTTM", "Công ty Cổ phần Xúc tiến thương mại hợp tác xã", "Công ty XTTM HTX"),
    ("CTDVHTX", "Công ty TNHH Dịch vụ hợp tác xã", "Công ty DV HTX"),
]

# 2021–2025: ten clusters of the 63 provincial alliances (demonstration map).
CLUSTERS_2021 = [
    ("Cụm thi đua số 1 – Tây Bắc", ["Lai Châu", "Điện Biên", "Sơn La", "Hòa Bình", "Lào Cai", "Yên Bái"]),
    ("Cụm thi đua số 2 – Việt Bắc", ["Hà Giang", "Cao Bằng", "Bắc Kạn", "Lạng Sơn", "Tuyên Quang",
                                     "Thái Nguyên", "Phú Thọ", "Bắc Giang"]),
    ("Cụm thi đua số 3 – Đồng bằng sông Hồng", ["Vĩnh Phúc", "Bắc Ninh", "Hưng Yên", "Hải Dương",
                                                "Quảng Ninh", "Thái Bình", "Hà Nam", "Nam Định",
                                                "Ninh Bình"]),
    ("Cụm thi đua số 4 – Bắc Trung Bộ", ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị",
                                         "Thừa Thiên Huế"]),
    ("Cụm thi đua số 5 – Duyên hải Nam Trung Bộ", ["Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên",
                                                   "Khánh Hòa", "Ninh Thuận", "Bình Thuận"]),
    ("Cụm thi đua số 6 – Tây Nguyên", ["Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"]),
    ("Cụm thi đua số 7 – Đông Nam Bộ", ["Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai",
                                        "Bà Rịa - Vũng Tàu", "Long An"]),
    ("Cụm thi đua số 8 – Đồng bằng sông Cửu Long I", ["Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long",
                                                      "Đồng Tháp", "An Giang"]),
    ("Cụm thi đua số 9 – Đồng bằng sông Cửu Long II", ["Kiên Giang", "Hậu Giang", "Sóc Trăng",
                                                       "Bạc Liêu", "Cà Mau"]),
    ("Cụm thi đua số 10 – Các thành phố trực thuộc Trung ương", ["Hà Nội", "Hải Phòng", "Đà Nẵng",
                                                                 "Thành phố Hồ Chí Minh", "Cần Thơ"]),
]
# From 2026: six clusters of the 34 alliances after the rearrangement (demonstration map).
CLUSTERS_2026 = [
    ("Cụm thi đua miền núi phía Bắc", ["Lai Châu", "Điện Biên", "Sơn La", "Lào Cai", "Tuyên Quang",
                                       "Cao Bằng", "Lạng Sơn", "Thái Nguyên", "Phú Thọ"]),
    ("Cụm thi đua Đồng bằng sông Hồng", ["Quảng Ninh", "Bắc Ninh", "Hưng Yên", "Ninh Bình"]),
    ("Cụm thi đua Bắc Trung Bộ và Duyên hải miền Trung", ["Thanh Hóa", "Nghệ An", "Hà Tĩnh",
                                                          "Quảng Trị", "Quảng Ngãi", "Khánh Hòa"]),
    ("Cụm thi đua Tây Nguyên và Đông Nam Bộ", ["Gia Lai", "Đắk Lắk", "Lâm Đồng", "Đồng Nai",
                                               "Tây Ninh"]),
    ("Cụm thi đua Đồng bằng sông Cửu Long", ["Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang"]),
    ("Cụm thi đua các thành phố trực thuộc Trung ương", ["Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng",
                                                         "Thành phố Hồ Chí Minh", "Cần Thơ"]),
]
COOP_BLOCS = ["Khối thi đua các hợp tác xã nông nghiệp", "Khối thi đua các hợp tác xã phi nông nghiệp"]
BLOC_PROVINCES = ["Hà Nội", "Quảng Trị", "Thành phố Hồ Chí Minh"]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Công", "Quang", "Minh", "Xuân", "Thành"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương"]
GIVEN_M = ["Anh", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam",
           "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt"]
GIVEN_F = ["An", "Ánh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hòa", "Hương", "Lan", "Linh", "Mai",
           "Nga", "Oanh", "Phương", "Thảo", "Thúy", "Trang", "Yến"]
POSITIONS = ["Giám đốc", "Phó Giám đốc", "Kế toán trưởng", "Thành viên Hội đồng quản trị",
             "Chủ tịch Hội đồng quản trị", "Trưởng Ban kiểm soát", "Cán bộ kỹ thuật"]
ALLIANCE_POSITIONS = ["Chủ tịch", "Phó Chủ tịch", "Chánh Văn phòng", "Trưởng ban", "Chuyên viên"]
COOP_TRADES = ["Nông nghiệp", "Dịch vụ nông nghiệp", "Chè", "Rau an toàn", "Thủy sản", "Vận tải",
               "Môi trường", "Dệt may", "Gốm", "Mây tre đan", "Nước sạch", "Dược liệu", "Cà phê",
               "Lúa gạo", "Điện", "Thương mại dịch vụ"]
COOP_PLACES = ["Thành Công", "Hòa Bình", "Tân Tiến", "Đồng Tâm", "Hợp Lực", "Phú Thịnh", "An Phú",
               "Quyết Thắng", "Bình Minh", "Hưng Thịnh", "Xuân Lộc", "Ánh Dương"]


def province_code(name: str) -> str:
    return fold(name).replace(" - ", "-").replace(" ", "-")


def alliance_code(province_name: str) -> str:
    return "LM-" + province_code(province_name).upper()


def alliance_name(province: Province | str, kind: str) -> str:
    name = province if isinstance(province, str) else province.name
    if name == "Thành phố Hồ Chí Minh":
        return "Liên minh Hợp tác xã Thành phố Hồ Chí Minh"
    prefix = "thành phố" if kind == "city" else "tỉnh"
    return f"Liên minh Hợp tác xã {prefix} {name}"


def make_tax_code(rng: random.Random, region: int) -> str:
    while True:
        first = f"{region % 100:02d}{rng.randrange(10**7):07d}"
        digit = tax_code_check_digit(first)
        if digit is not None:
            return f"{first}{digit}"


def person_name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}", "M"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}", "F"


# (username, full name, role, organization code, extra roles)
DEMO_USERS = [
    ("quantri", "Nguyễn Văn Quản", Role.ADMIN, "LMHTXVN", []),
    ("thamdinh", "Trần Thị Thẩm", Role.APPRAISER, "TCCB", []),
    ("hoidong", "Lê Văn Hội", Role.COUNCIL_MEMBER, "LMHTXVN", [(Role.LEADERSHIP, "LMHTXVN")]),
    ("lanhdao", "Phạm Minh Đạo", Role.LEADERSHIP, "LMHTXVN", []),
    ("canbo.vanphong", "Đỗ Thu Hà", Role.UNIT_STAFF, "VP", []),
    ("quantri.hanoi", "Vũ Thị Hạnh", Role.ADMIN, "LM-HA-NOI", [(Role.UNIT_STAFF, "LM-HA-NOI")]),
    ("canbo.hanoi", "Hoàng Văn Minh", Role.UNIT_STAFF, "LM-HA-NOI", []),
    ("thutruong.hanoi", "Bùi Đức Thắng", Role.UNIT_HEAD, "LM-HA-NOI", []),
    ("cumtruong", "Ngô Thị Lan", Role.GROUP_LEADER, None, []),
    ("canbo.hue", "Hồ Thị Hương", Role.UNIT_STAFF, "LM-HUE", []),
    ("canbo.htx", "Lương Thị Thảo", Role.UNIT_STAFF, "HTX-HA-NOI-001", []),
    ("chunhiem.htx", "Đào Văn Tiến", Role.UNIT_HEAD, "HTX-HA-NOI-001", []),
    ("chunhiem.htx2", "Phan Thị Yến", Role.UNIT_HEAD, "HTX-HA-NOI-002", []),
]


class DemoBuilder:
    def __init__(self, stdout=None):
        self.rng = random.Random(2021)
        self.out = stdout
        self.alliances: dict[str, Organization] = {}

    def say(self, text):
        if self.out:
            self.out.write(text)

    @transaction.atomic
    def build(self):
        if Organization.objects.filter(code=CENTRAL[0]).exists():
            self.say(gettext("The demo data already exists; only the demo accounts are checked again."))
        else:
            self.build_structure()
        self.ensure_users()
        from awards.demo import build_award_history
        from awards.demo_dossiers import build_dossier_demo

        build_award_history(stdout=self.out)
        build_dossier_demo(stdout=self.out)
        __import__("awards.demo_council", fromlist=["_"]).build_council_demo(stdout=self.out)
        __import__("emulation.demo", fromlist=["_"]).build_emulation_demo(stdout=self.out)
        __import__("emulation.demo_groups", fromlist=["_"]).build_group_year_demo(stdout=self.out)
        __import__("emulation.demo_scoring", fromlist=["_"]).build_scoring_demo(stdout=self.out)
        __import__("reports.demo", fromlist=["_"]).build_reports_demo(stdout=self.out)

    def org(self, code, kind, name, short, parent, province=None, active_from=date(2000, 1, 1),
            tax=True):
        return services.organization_create(
            code=code, kind=kind, name=name, short_name=short, parent=parent, province=province,
            active_from=active_from,
            tax_code=make_tax_code(self.rng, province.pk if province else 1)
            if tax and kind in (Organization.Kind.COOPERATIVE, Organization.Kind.COOP_UNION) else "",
        )

    def build_structure(self):
        K = Organization.Kind
        central = self.org(CENTRAL[0], K.VCA_CENTRAL, CENTRAL[1], CENTRAL[2], None)
        units = {}
        for kind, rows in ((K.DEPARTMENT, DEPARTMENTS), (K.PUBLIC_UNIT, PUBLIC_UNITS),
                           (K.ENTERPRISE, ENTERPRISES)):
            for code, name, short in rows:
                units[code] = self.org(code, kind, name, short, central)
        self.say(ngettext("The Alliance central office and %(count)s department or affiliated unit.",
                          "The Alliance central office and %(count)s departments and affiliated units.",
                          len(units)) % {"count": len(units)})

        provinces = {p.name: p for p in Province.objects.all()}
        for name, province in provinces.items():
            original = "Thừa Thiên Huế" if name == "Huế" else name
            kind_2021 = "city" if original in {"Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng",
                                                "Đà Nẵng", "Cần Thơ"} else "province"
            code = alliance_code(name)
            self.alliances[original] = self.org(
                code, K.PROVINCIAL_ALLIANCE, alliance_name(original, kind_2021),
                f"LMHTX {original}", central, province=province,
            )
        self.alliances["Huế"] = self.alliances["Thừa Thiên Huế"]
        self.say(ngettext("%(count)s provincial cooperative alliance.",
                          "%(count)s provincial cooperative alliances.",
                          len(provinces)) % {"count": len(provinces)})

        self.build_cooperatives()
        self.build_groups(central, units)
        services.organization_rename(
            organization=self.alliances["Huế"], name="Liên minh Hợp tác xã thành phố Huế",
            short_name="LMHTX Huế", on_date=HUE_RENAMED,
        )
        self.apply_mergers(provinces)
        self.build_groups_2026(central)

    def build_cooperatives(self):
        K = Organization.Kind
        count = 0
        for original, alliance in sorted(self.alliances.items()):
            if original == "Huế":
                continue
            prefix = province_code(original).upper()
            members = []
            for i in range(1, 5):
                trade, place = self.rng.choice(COOP_TRADES), self.rng.choice(COOP_PLACES)
                coop = self.org(f"HTX-{prefix}-{i:03d}", K.COOPERATIVE,
                                f"Hợp tác xã {trade} {place}", "", alliance,
                                province=alliance.province,
                                active_from=date(self.rng.randint(2005, 2019), 1, 1))
                members.append(coop)
            members.append(self.org(f"LHHTX-{prefix}", K.COOP_UNION,
                                    f"Liên hiệp hợp tác xã {self.rng.choice(COOP_TRADES)} {original}",
                                    "", alliance, province=alliance.province))
            members.append(self.org(f"THT-{prefix}", K.COOP_GROUP,
                                    f"Tổ hợp tác {self.rng.choice(COOP_TRADES)} {self.rng.choice(COOP_PLACES)}",
                                    "", alliance, province=alliance.province))
            count += len(members)
            for org in members + [alliance]:
                positions = ALLIANCE_POSITIONS if org is alliance else POSITIONS
                for _ in range(3 if org is not alliance else 4):
                    name, gender = person_name(self.rng)
                    services.person_create(full_name=name, gender=gender, organization=org,
                                           birth_year=self.rng.randint(1965, 1998),
                                           position=self.rng.choice(positions))
        self.say(gettext("%(organizations)s cooperatives, cooperative unions and cooperative groups, "
                         "and %(people)s people.")
                 % {"organizations": count, "people": Person.objects.count()})

    def build_groups(self, central, units):
        K = Organization.Kind
        years = range(FIRST_YEAR, 2026)
        for index, (name, provinces) in enumerate(CLUSTERS_2021, start=1):
            group = services.group_create(code=f"CUM-{index:02d}", name=name,
                                          kind=EmulationGroup.Kind.CLUSTER, organizer=central)
            members = [self.alliances[p] for p in provinces]
            self.set_years(group, members, years)
        blocs = [
            ("KHOI-01", "Khối thi đua các ban chuyên môn",
             [u for u in units.values() if u.kind == K.DEPARTMENT]),
            ("KHOI-02", "Khối thi đua các đơn vị sự nghiệp và doanh nghiệp",
             [u for u in units.values() if u.kind in (K.PUBLIC_UNIT, K.ENTERPRISE)]),
        ]
        for code, name, members in blocs:
            group = services.group_create(code=code, name=name, kind=EmulationGroup.Kind.BLOC,
                                          organizer=central)
            self.set_years(group, members, range(FIRST_YEAR, LAST_YEAR + 1))
        for province in BLOC_PROVINCES:
            alliance = self.alliances[province]
            coops = list(alliance.children.filter(kind=K.COOPERATIVE).order_by("code"))
            for i, name in enumerate(COOP_BLOCS):
                group = services.group_create(
                    code=f"KHOI-{province_code(province).upper()}-{i + 1}", name=f"{name} – {province}",
                    kind=EmulationGroup.Kind.BLOC, organizer=alliance,
                )
                self.set_years(group, coops[i * 2:(i + 1) * 2], range(FIRST_YEAR, LAST_YEAR + 1))

    def set_years(self, group, members, years):
        for year in years:
            n = len(members)
            leader = members[(year - FIRST_YEAR) % n] if n else None
            deputy = members[(year - FIRST_YEAR + 1) % n] if n > 1 else None
            services.group_set_year(group=group, year=year, members=members, leader=leader,
                                    deputy=deputy)

    def apply_mergers(self, provinces):
        merged = 0
        for province in Province.objects.filter(merged_into__isnull=False).select_related("merged_into"):
            absorbed = self.alliances[province.name]
            into = self.alliances[province.merged_into.name]
            services.organization_merge(absorbed=absorbed, into=into, on_date=MERGER_DAY)
            merged += 1
        self.say(ngettext("Merged %(count)s provincial cooperative alliance into the new provincial "
                          "alliances from 01/07/2025.",
                          "Merged %(count)s provincial cooperative alliances into the new provincial "
                          "alliances from 01/07/2025.",
                          merged) % {"count": merged})

    def build_groups_2026(self, central):
        for index, (name, provinces) in enumerate(CLUSTERS_2026, start=1):
            group = services.group_create(code=f"CUM-2026-{index:02d}", name=name,
                                          kind=EmulationGroup.Kind.CLUSTER, organizer=central)
            members = [Organization.objects.get(pk=self.alliances[p].pk) for p in provinces]
            self.set_years(group, members, [LAST_YEAR])

    def ensure_users(self):
        leader_org = (
            EmulationGroup.objects.get(code="CUM-2026-06").leaderships.get(year=LAST_YEAR, role="leader")
            .organization
        )
        for username, full_name, role, org_code, extra in DEMO_USERS:
            org = leader_org if org_code is None else Organization.objects.get(code=org_code)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(username=username, full_name=full_name,
                                   email=f"{username}@demo.lmhtx.vn", password=DEMO_PASSWORD)
            else:
                user.set_password(DEMO_PASSWORD)
                user.is_active = True
                user.save()
            if username == "quantri":
                user.is_staff = user.is_superuser = True
                user.save()
            for r, code in [(role, None)] + extra:
                target = org if code is None else Organization.objects.get(code=code)
                if not RoleAssignment.objects.current().filter(user=user, role=r, organization=target).exists():
                    role_assign(user=user, role=r, organization=target, valid_from=date(2021, 1, 1))
