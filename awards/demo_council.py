"""The demo council, built through the same services as the pages, so that `make run` shows the
council at work: the Alliance's Hội đồng Thi đua - Khen thưởng with its 2025 – 2030 term and
seats for the demo users, a meeting already held (attendance, secret and open votes, a written
opinion, the close: results applied to the nominations, minutes printable), and a meeting in
preparation whose agenda is ready, so that a demo user can run a meeting end to end (record
attendance, open the vote, vote, close).

The nominations come from the Lâm Đồng alliance's dossier in the Alliance's cycle for the
achievements of 2025: its head (`thutruong.lamdong`) sends it and the appraiser agrees to every
nomination. The nominees are chosen among the alliance's people whom the eligibility rules find
eligible, so the dossier passes the same checks as any other."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_assign, user_create
from clusters.models import Organization, Person

from . import services_council as sc
from . import services_dossiers
from .eligibility import Candidate, Outcome, Request, check_many
from .models import (
    AgendaItem, Attendance, AwardCycle, AwardType, Council, CouncilMember, DossierDocument,
    Recusal,
)

YEAR = 2025
COUNCIL_NAME = "Hội đồng Thi đua - Khen thưởng Liên minh Hợp tác xã Việt Nam"
TERM_NAME = "Nhiệm kỳ 2025 – 2030"
TERM_BASIS = ("Quyết định số 215/QĐ-LMHTXVN ngày 15/7/2025 của Chủ tịch Liên minh Hợp tác xã "
              "Việt Nam về việc kiện toàn Hội đồng Thi đua - Khen thưởng Liên minh Hợp tác xã "
              "Việt Nam nhiệm kỳ 2025 – 2030")
TERM_START = datetime.date(2025, 7, 15)
TERM_END = datetime.date(2030, 7, 14)
UNIT = "LM-LAM-DONG"
HEAD = ("thutruong.lamdong", "Đinh Văn Lâm")
# (username, full name, job title, organization code of the seat, position); the user exists
# already (clusters.demo.DEMO_USERS) or is created here with the council member role.
SEATS = [
    ("lanhdao", "Phạm Minh Đạo", "Chủ tịch Liên minh Hợp tác xã Việt Nam", "LMHTXVN",
     CouncilMember.Position.CHAIR),
    ("hoidong", "Lê Văn Hội", "Phó Chủ tịch Liên minh Hợp tác xã Việt Nam", "LMHTXVN",
     CouncilMember.Position.VICE_CHAIR),
    ("uyvien1", "Nguyễn Thị Thanh Hương", "Trưởng Ban Tổ chức cán bộ", "TCCB",
     CouncilMember.Position.STANDING),
    ("uyvien2", "Trần Quốc Khánh", "Chánh Văn phòng", "VP", CouncilMember.Position.MEMBER),
    ("uyvien3", "Lê Thị Ngọc Mai", "Trưởng Ban Kiểm tra", "KT", CouncilMember.Position.MEMBER),
    ("uyvien4", "Hoàng Văn Tùng", "Trưởng Ban Phát triển hợp tác xã", "PTHTX",
     CouncilMember.Position.MEMBER),
    ("uyvien5", "Vũ Thị Thu Trang", "Trưởng Ban Tuyên truyền", "TT",
     CouncilMember.Position.MEMBER),
]
SECRETARY = ("thamdinh", "Trần Thị Thẩm", "Chuyên viên Ban Tổ chức cán bộ", "TCCB")
COUNCIL_USERS = [s[0] for s in SEATS if s[0].startswith("uyvien")]
# How many nominations of each award each meeting takes (Chiến sĩ thi đua ngành by secret
# ballot, the Bằng khen by open vote).
HELD = (("CSTDN", 1), ("BK_CT", 3))
PREPARED = (("CSTDN", 1), ("BK_CT", 1), ("BK_BCH", 2))
SUMMARIES = {
    "CSTDN": "Ba năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; sáng kiến ứng dụng nhật ký "
             "điện tử trong sản xuất cà phê được áp dụng tại nhiều hợp tác xã của tỉnh.",
    "BK_CT": "Hoàn thành xuất sắc nhiệm vụ năm 2025, đóng góp tích cực vào việc liên kết tiêu "
             "thụ nông sản cho các thành viên hợp tác xã.",
    "BK_BCH": "Có thành tích xuất sắc trong phong trào thi đua phát triển kinh tế tập thể năm "
              "2025 của tỉnh Lâm Đồng.",
}


def _pdf(title, lines):
    from .demo_dossiers import _pdf as pdf

    return pdf(title, lines)


class CouncilDemo:
    def __init__(self, stdout=None):
        self.out = stdout
        self.users = {u.username: u for u in User.objects.filter(
            username__in=["quantri", "thamdinh", "lanhdao", "hoidong"])}
        self.central = Organization.objects.filter(code="LMHTXVN").first()

    def say(self, text):
        if self.out:
            self.out.write(text)

    @transaction.atomic
    def build(self) -> int:
        if self.central is None or len(self.users) < 4 or Council.objects.filter(
                organization=self.central).exists():
            return 0
        cycle = (AwardCycle.objects.filter(organizer=self.central, year=YEAR, kind="merit")
                 .order_by("pk").first())
        unit = Organization.objects.filter(code=UNIT, merged_into__isnull=True).first()
        if cycle is None or unit is None or not cycle.submitters.filter(pk=unit.pk).exists():
            return 0
        self.ensure_users(unit)
        held, prepared = self.dossier(cycle, unit)
        if not held or not prepared:
            return 0
        seats, secretary = self.council()
        self.held_meeting(seats, secretary, held)
        self.prepared_meeting(seats, secretary, prepared)
        self.say(gettext("Council demo accounts (same password): %(names)s; head of %(unit)s: "
                         "%(head)s.") % {
            "names": ", ".join(COUNCIL_USERS), "unit": unit.name, "head": HEAD[0]})
        return Council.objects.count()

    # --- people ---------------------------------------------------------------------------------

    def _user(self, username, full_name, role, organization):
        from clusters.demo import DEMO_PASSWORD

        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, full_name=full_name,
                               email=f"{username}@demo.lmhtx.vn", password=DEMO_PASSWORD)
        if not RoleAssignment.objects.current().filter(user=user, role=role,
                                                       organization=organization).exists():
            role_assign(user=user, role=role, organization=organization,
                        valid_from=datetime.date(2021, 1, 1))
        self.users[username] = user
        return user

    def ensure_users(self, unit):
        for username, full_name, *_rest in SEATS:
            if username.startswith("uyvien"):
                self._user(username, full_name, Role.COUNCIL_MEMBER, self.central)
        self._user(*HEAD, Role.UNIT_HEAD, unit)

    # --- the dossier ----------------------------------------------------------------------------

    def candidates(self, unit, cycle, needed):
        """{award code: [person]} of the unit's people eligible for each award (no person
        twice), in a stable order."""
        people = list(Person.objects.filter(organization__path__startswith=unit.path,
                                            organization__merged_into__isnull=True)
                      .select_related("organization").order_by("pk"))
        codes = list(needed)
        results = check_many([Request(Candidate(person=p), code, cycle.year)
                              for code in codes for p in people],
                             on_date=timezone.localdate()).results
        chosen, used = {code: [] for code in codes}, set()
        for result in results:
            code, person = result.award_type.code, result.candidate.person
            if (result.verdict == "eligible" and person.pk not in used
                    and not any(r.outcome in (Outcome.NOT_MET, Outcome.MISSING)
                                for r in result.reasons)
                    and len(chosen[code]) < needed[code]):
                chosen[code].append(person)
                used.add(person.pk)
        return chosen

    def dossier(self, cycle, unit):
        """The unit's dossier, sent by its head and agreed by the appraiser. Returns the
        nominations for the meeting held and for the meeting in preparation."""
        types = {t.code: t for t in AwardType.objects.filter(
            code__in={c for c, _n in HELD + PREPARED})}
        if any(not cycle.award_types.filter(pk=t.pk).exists() for t in types.values()):
            return [], []
        needed = {}
        for code, n in HELD + PREPARED:
            needed[code] = needed.get(code, 0) + n
        chosen = self.candidates(unit, cycle, needed)
        head, appraiser = self.users[HEAD[0]], self.users["thamdinh"]
        dossier = services_dossiers.dossier_create(cycle=cycle, organization=unit, by=head)
        plan = {"held": [], "prepared": []}
        for key, wanted in (("held", HELD), ("prepared", PREPARED)):
            for code, n in wanted:
                for person in chosen[code][:n]:
                    chosen[code].remove(person)
                    nomination = services_dossiers.nomination_add(
                        dossier=dossier, award_type=types[code], person=person, by=head,
                        achievement_summary=SUMMARIES[code])
                    for kind in types[code].required_documents or []:
                        services_dossiers.document_add(
                            dossier=dossier, nomination=nomination, kind=kind, by=head,
                            upload=_pdf(f"{kind} {person.pk}", [
                                DossierDocument.Kind(kind).label.upper(), person.full_name,
                                person.organization.name]))
                    plan[key].append(nomination)
        if not plan["held"] or not plan["prepared"]:
            transaction.set_rollback(True)
            return [], []
        services_dossiers.document_add(
            dossier=dossier, kind=DossierDocument.Kind.SUBMISSION, by=head,
            upload=_pdf("To trinh de nghi khen thuong 2025", [
                unit.name.upper(), "TỜ TRÌNH", "Về việc đề nghị khen thưởng thành tích năm 2025"]))
        services_dossiers.document_add(
            dossier=dossier, kind=DossierDocument.Kind.REVIEW_MINUTES, by=head,
            upload=_pdf("Bien ban hop xet thi dua 2025", [
                unit.name.upper(), "BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng năm 2025"]))
        today = timezone.localdate()
        if services_dossiers.submission_deadline(cycle, unit) < today:
            # The demo loaded after the cycle's deadline: the administrator reopens it for the
            # unit, as the application lets them.
            services_dossiers.cycle_extend(
                cycle=cycle, organization=unit, until=today, by=self.users["quantri"],
                reason="Gia hạn để đơn vị gửi hồ sơ đã hoàn thiện.")
        services_dossiers.dossier_submit(dossier=dossier, by=head)
        for nomination in plan["held"] + plan["prepared"]:
            services_dossiers.nomination_appraise(
                nomination=nomination, agree=True, by=appraiser,
                comment="Đủ hồ sơ, đạt tiêu chuẩn; đề nghị Hội đồng xem xét.")
        services_dossiers.dossier_mark_appraised(dossier=dossier, by=appraiser)
        for nomination in plan["held"] + plan["prepared"]:
            nomination.refresh_from_db()
        return plan["held"], plan["prepared"]

    # --- the council ----------------------------------------------------------------------------

    def council(self):
        admin = self.users["quantri"]
        council = sc.council_create(organization=self.central, name=COUNCIL_NAME, by=admin)
        term = sc.term_save(council=council, by=admin, name=TERM_NAME, start_date=TERM_START,
                            end_date=TERM_END, basis=TERM_BASIS)
        seats = []
        for order, (username, full_name, job, org_code, position) in enumerate(SEATS, start=1):
            seats.append(sc.member_save(
                term=term, by=admin, user=self.users[username], full_name=full_name,
                job_title=job, organization=Organization.objects.get(code=org_code),
                position=position, valid_from=TERM_START, valid_to=TERM_END, sort_order=order))
        username, full_name, job, org_code = SECRETARY
        secretary = sc.member_save(
            term=term, by=admin, user=self.users[username], full_name=full_name, job_title=job,
            organization=Organization.objects.get(code=org_code),
            position=CouncilMember.Position.SECRETARY, votes=False, valid_from=TERM_START,
            valid_to=TERM_END, sort_order=len(SEATS) + 1)
        return seats, secretary

    def held_meeting(self, seats, secretary, nominations):
        """Held today: everyone present but the last member, who sent a written opinion; the
        secret item is approved unanimously, the open items get different results."""
        office, chair = self.users["thamdinh"], seats[0]
        meeting = sc.meeting_save(
            council=chair.term.council, by=office, date=timezone.localdate(),
            title="Phiên họp xét khen thưởng thành tích năm 2025 (đợt 1)",
            place="Phòng họp tầng 3, trụ sở Liên minh Hợp tác xã Việt Nam, số 6 Dương Đình "
                  "Nghệ, Hà Nội", chair=chair, secretary=secretary)
        sc.agenda_add(meeting=meeting, nominations=nominations, by=office)
        absent = seats[-1]
        sc.attendance_record(meeting=meeting, by=secretary.user, statuses={
            s.pk: Attendance.Status.WRITTEN if s == absent else Attendance.Status.PRESENT
            for s in seats})
        meeting = sc.meeting_open(meeting=meeting, by=chair.user)
        items = list(meeting.items.order_by("position"))
        recused = {(r.item_id, r.member_id) for r in Recusal.objects.filter(item__in=items)}
        open_items = [i for i in items if i.mode == AgendaItem.Mode.OPEN]

        def choice(index, item):
            if item.mode == AgendaItem.Mode.SECRET:
                return "agree"
            position = open_items.index(item)
            if position == 0:
                return "agree"
            if position == 1:  # 5 agree, 1 disagree, 1 abstain: a majority
                return ("agree", "agree", "agree", "disagree", "abstain", "agree",
                        "agree")[index % 7]
            # 3 agree, 3 disagree, 1 abstain: no majority, not approved
            return ("agree", "disagree", "agree", "disagree", "abstain", "disagree",
                    "agree")[index % 7]

        for index, seat in enumerate(seats):
            choices = {str(i.pk): choice(index, i) for i in items if (i.pk, seat.pk) not in recused}
            if seat == absent:
                sc.written_opinion_record(meeting=meeting, member=seat, choices=choices,
                                          by=secretary.user)
            else:
                sc.ballot_submit(meeting=meeting, by=seat.user, choices=choices)
        return sc.meeting_close(meeting=meeting, by=chair.user)

    def prepared_meeting(self, seats, secretary, nominations):
        """In preparation: the agenda is ready, attendance is not recorded yet."""
        office = self.users["thamdinh"]
        meeting = sc.meeting_save(
            council=seats[0].term.council, by=office,
            date=timezone.localdate() + datetime.timedelta(days=14),
            title="Phiên họp xét khen thưởng thành tích năm 2025 (đợt 2)",
            place="Phòng họp tầng 3, trụ sở Liên minh Hợp tác xã Việt Nam, số 6 Dương Đình "
                  "Nghệ, Hà Nội", chair=seats[0], secretary=secretary)
        sc.agenda_add(meeting=meeting, nominations=nominations, by=office)
        return meeting


def build_council_demo(stdout=None) -> int:
    return CouncilDemo(stdout).build()
