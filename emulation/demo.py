"""Demo movements and registrations, built through the same services as the pages: the Prime
Minister's movements, the Alliance's movement of the 2020–2025 term and its 2021 short campaigns
(reference report, Part I), a 2026 movement of the Hà Nội alliance whose description still cites
a replaced decree, and the 2026 registrations: the Alliance's call (Hà Nội sent on time, Huế
late) and the Hà Nội alliance's call (one cooperative's registration still being prepared,
another sent naming a movement that has expired)."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from awards.models import AwardType
from clusters.models import Organization, Person

from . import services
from .models import Movement, Registration

D = datetime.date
PRIME_MINISTER = "Thủ tướng Chính phủ"
# The reference report dates the four movements to the 2019–2025 period (domain-reference §8:
# launched for 2016–2020 and continued; the exact dates are not verified).
PM_MOVEMENTS = [
    "Cả nước chung sức xây dựng nông thôn mới",
    "Doanh nghiệp Việt Nam hội nhập và phát triển",
    "Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau",
    "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở",
]
PM_NOTE = ("Thời gian theo Báo cáo sơ kết 6 tháng đầu năm 2021 của Liên minh HTX Việt Nam "
           "(giai đoạn 2019–2025); ngày bắt đầu, kết thúc chưa đối chiếu với văn bản phát động.")
ALLIANCE_THEME = ("Phát huy vai trò nòng cốt trong phát triển kinh tế tập thể, hợp tác xã; xây "
                  "dựng hệ thống Liên minh Hợp tác xã Việt Nam vững mạnh")
ALLIANCE_MOTTO = "Đoàn kết - Kỷ cương - Bứt phá - Sáng tạo - Hiệu quả"


def _user(username):
    return User.objects.get(username=username)


def _award(code):
    return AwardType.objects.get(code=code)


class EmulationDemo:
    def __init__(self, stdout=None):
        self.out = stdout

    def say(self, text):
        if self.out:
            self.out.write(text)

    @transaction.atomic
    def build(self) -> int:
        if Movement.objects.exists() or not User.objects.filter(username="quantri").exists():
            return 0
        self.admin = _user("quantri")
        self.central = Organization.objects.get(code="LMHTXVN")
        self.hanoi = Organization.objects.get(code="LM-HA-NOI")
        movements = self.movements()
        self.registrations(movements)
        return Movement.objects.count()

    def movement(self, by=None, **data):
        data.setdefault("kind", Movement.Kind.REGULAR)
        return services.movement_create(by=by or self.admin, **data)

    def movements(self) -> dict:
        made = {}
        for name in PM_MOVEMENTS:
            made[name] = self.movement(
                name=name, level=Movement.Level.NATIONAL, launched_by_name=PRIME_MINISTER,
                start_date=D(2019, 1, 1), end_date=D(2025, 12, 31), description=PM_NOTE)
        self.movement(
            name="Phong trào thi đua đặc biệt “Cả nước đoàn kết, chung sức, đồng lòng, thi đua "
                 "phòng, chống và chiến thắng đại dịch COVID-19”",
            level=Movement.Level.NATIONAL, kind=Movement.Kind.THEMATIC,
            launched_by_name=PRIME_MINISTER, start_date=D(2021, 8, 14),
            description="Phát động ngày 14/8/2021; ngày kết thúc chưa đối chiếu.")
        self.movement(
            name="Thi đua lập thành tích chào mừng Đại hội đại biểu toàn quốc lần thứ XIV của "
                 "Đảng", level=Movement.Level.NATIONAL, kind=Movement.Kind.CAMPAIGN,
            launched_by_name=PRIME_MINISTER, start_date=D(2025, 10, 5),
            description="Phát động ngày 05/10/2025; ngày kết thúc chưa đối chiếu.")
        participants = list(Organization.objects.filter(
            parent=self.central, merged_into__isnull=True, active_to__isnull=True))
        made["alliance"] = self.movement(
            name="Phong trào thi đua trong toàn hệ thống Liên minh Hợp tác xã Việt Nam giai đoạn "
                 "2020–2025", level=Movement.Level.ALLIANCE, organization=self.central,
            theme=ALLIANCE_THEME, motto=ALLIANCE_MOTTO, start_date=D(2020, 12, 22),
            end_date=D(2025, 12, 31), participants=participants,
            description="Triển khai cùng Chỉ thị số 01-CT/TW ngày 9/3/2021 của Bộ Chính trị; căn "
                        "cứ Luật Thi đua, khen thưởng số 15/2003/QH11 và Nghị định số "
                        "91/2017/NĐ-CP.")
        self.movement(
            name="Đợt thi đua ngắn ngày lập thành tích xuất sắc chào mừng Kỷ niệm 75 năm Ngày "
                 "Hợp tác xã Việt Nam (11/4/1946 – 11/4/2021)", level=Movement.Level.ALLIANCE,
            kind=Movement.Kind.CAMPAIGN, organization=self.central, start_date=D(2021, 1, 1),
            end_date=D(2021, 4, 11), participants=participants,
            description="Ngày bắt đầu chưa đối chiếu; kết thúc vào ngày kỷ niệm.")
        self.movement(
            name="Đợt thi đua chào mừng ngày bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội "
                 "đồng nhân dân các cấp nhiệm kỳ 2021–2026 (23/5/2021)",
            level=Movement.Level.ALLIANCE, kind=Movement.Kind.CAMPAIGN,
            organization=self.central, start_date=D(2021, 3, 1), end_date=D(2021, 5, 23),
            participants=participants,
            description="Ngày bắt đầu chưa đối chiếu; kết thúc vào ngày bầu cử.")
        hanoi_admin = _user("quantri.hanoi")
        made["hanoi"] = self.movement(
            by=hanoi_admin, name="Kinh tế tập thể Thủ đô thi đua phát triển bền vững năm 2026",
            level=Movement.Level.PROVINCIAL, organization=self.hanoi,
            theme="Đổi mới, chuyển đổi số, liên kết chuỗi giá trị trong hợp tác xã Thủ đô",
            motto="Đoàn kết - Sáng tạo - Hiệu quả", start_date=D(2026, 1, 1),
            end_date=D(2026, 12, 31),
            participants=list(Organization.objects.filter(parent=self.hanoi,
                                                          merged_into__isnull=True)[:10]),
            description="Căn cứ Nghị định số 91/2017/NĐ-CP quy định chi tiết thi hành một số "
                        "điều của Luật Thi đua, khen thưởng (trích dẫn cũ, để minh họa cảnh "
                        "báo văn bản đã được thay thế).")
        self.say(f"Phong trào thi đua: {Movement.objects.count()}\n")
        return made

    def registrations(self, movements):
        hanoi_admin = _user("quantri.hanoi")
        call = services.call_create(organizer=self.central, year=2026, deadline=D(2026, 3, 31),
                                    movement=movements["alliance"], by=self.admin,
                                    note="Các đơn vị đăng ký danh hiệu thi đua năm 2026.")
        hanoi_call = services.call_create(organizer=self.hanoi, year=2026,
                                          deadline=D(2026, 2, 28), movement=movements["hanoi"],
                                          by=hanoi_admin,
                                          note="Các hợp tác xã thành viên đăng ký thi đua.")
        # The Hà Nội alliance: sent on time.
        staff = _user("canbo.hanoi")
        self.register(call, self.hanoi, staff, people=2, sent=D(2026, 3, 20),
                      movements=[movements["alliance"], movements["hanoi"]])
        # Huế: sent after the deadline.
        hue = Organization.objects.filter(code="LM-HUE").first()
        if hue is not None and hue.parent_id == self.central.pk:
            self.register(call, hue, _user("canbo.hue"), people=1, sent=D(2026, 4, 10),
                          movements=[])
        # The Hà Nội cooperatives: one still preparing, one sent naming an expired movement.
        coop1 = Organization.objects.filter(code="HTX-HA-NOI-001").first()
        coop2 = Organization.objects.filter(code="HTX-HA-NOI-002").first()
        if coop1 is not None:
            self.register(hanoi_call, coop1, _user("canbo.htx"), people=1, sent=None,
                          movements=[movements["hanoi"]])
        if coop2 is not None:
            pm = movements[PM_MOVEMENTS[0]]
            self.register(hanoi_call, coop2, _user("chunhiem.htx2"), people=2,
                          sent=D(2026, 2, 20), movements=[movements["hanoi"], pm])
        self.say(f"Đăng ký thi đua: {Registration.objects.count()}\n")

    def register(self, call, organization, by, *, people, sent, movements):
        registration = services.registration_create(call=call, organization=organization, by=by)
        services.entry_add_collective(registration=registration, by=by,
                                      award_type=_award("TTLDXS"))
        for i, person in enumerate(Person.objects.filter(organization=organization)
                                   .order_by("sort_key", "id")[:people]):
            services.entry_add_person(registration=registration, person=person, by=by,
                                      award_type=_award("CSTDCS" if i == 0 else "LDTT"))
        services.registration_set_movements(registration=registration, movements=movements,
                                            by=by)
        if sent is not None:
            moment = timezone.make_aware(datetime.datetime.combine(sent, datetime.time(9, 30)))
            services.registration_submit(registration=registration, by=by, now=moment)
        return registration


def build_emulation_demo(stdout=None) -> int:
    return EmulationDemo(stdout).build()
