"""Demo cycles and dossiers, built through the same services as the pages, so that `make run`
shows the everyday work: the Alliance's cycle for the achievements of 2025 with the Hà Nội
alliance's dossier being prepared (verdicts, quota counters, what is still missing), and the Hà
Nội alliance's own Giấy khen cycle with a cooperative's dossier returned for correction and
another one sent."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from clusters.models import Organization, Person

from . import services_dossiers as services
from .models import AwardCycle, AwardType, DossierDocument
from reports.pdf import render_pdf

YEAR = 2025
CENTRAL_TYPES = ("CSTDN", "CSTDTQ", "TTLDXS", "CTD_LM", "CTD_CP", "BK_BCH", "BK_CT", "BK_TTG",
                 "HCLD3", "HCLD2", "HCLD1")
# The Hà Nội alliance's nominations (people of demo.Showcase) and what each shows.
HANOI_NOMINATIONS = [
    ("Nguyễn Thị Minh Anh", "CSTDN", "Ba năm liền Chiến sĩ thi đua cơ sở, sáng kiến số hóa sổ "
     "sách kế toán được áp dụng toàn ngành."),
    ("Hoàng Thị Duyên", "BK_TTG", "Năm năm liên tục hoàn thành tốt nhiệm vụ trở lên, ba lần "
     "Chiến sĩ thi đua cơ sở kể từ Bằng khen của Chủ tịch Liên minh."),
    ("Đặng Thị Hạnh", "HCLD3", "Năm năm liên tục hoàn thành tốt nhiệm vụ sau Bằng khen của Thủ "
     "tướng Chính phủ, ba lần Chiến sĩ thi đua cơ sở."),
    ("Trịnh Văn Phúc", "CSTDTQ", "Hai lần liên tục Chiến sĩ thi đua ngành, sáng kiến có phạm vi "
     "ảnh hưởng toàn quốc."),
    ("Trần Văn Bình", "CSTDN", "Chiến sĩ thi đua cơ sở năm 2023 và 2025."),
]


def _pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    body = render_pdf("awards/demo_document_pdf.html", {"title": title, "lines": lines})
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


def _user(username):
    return User.objects.get(username=username)


class DossierDemo:
    def __init__(self, stdout=None):
        self.out = stdout
        self.types = {t.code: t for t in AwardType.objects.all()}

    @transaction.atomic
    def build(self) -> int:
        if AwardCycle.objects.exists() or not User.objects.filter(username="quantri").exists():
            return 0
        self.central_cycle()
        self.hanoi_cycle()
        return AwardCycle.objects.count()

    def central_cycle(self):
        admin = _user("quantri")
        central = Organization.objects.get(code="LMHTXVN")
        submitters = list(Organization.objects.filter(
            kind__in=[Organization.Kind.PROVINCIAL_ALLIANCE, Organization.Kind.DEPARTMENT],
            merged_into__isnull=True, active_to__isnull=True))
        cycle = services.cycle_create(
            organizer=central, kind="merit", year=YEAR,
            title="Xét khen thưởng thành tích năm 2025 của Liên minh Hợp tác xã Việt Nam",
            award_types=[self.types[c] for c in CENTRAL_TYPES], submitters=submitters,
            deadline=datetime.date(2026, 12, 15), by=admin,
            note="Các đơn vị gửi hồ sơ trước ngày 15/12/2026 qua hệ thống.")
        services.cycle_set_status(cycle=cycle, status=AwardCycle.Status.OPEN, by=admin)
        hanoi = Organization.objects.filter(code="LM-HA-NOI").first()
        if hanoi is None:
            return
        staff = _user("canbo.hanoi")
        dossier = services.dossier_create(cycle=cycle, organization=hanoi, by=staff)
        for name, code, summary in HANOI_NOMINATIONS:
            person = Person.objects.filter(full_name=name, organization=hanoi).first()
            if person is not None:
                services.nomination_add(dossier=dossier, award_type=self.types[code],
                                        person=person, achievement_summary=summary, by=staff)
        services.document_add(
            dossier=dossier, kind=DossierDocument.Kind.SUBMISSION, by=staff,
            upload=_pdf("To trinh de nghi khen thuong 2025", [
                "LIÊN MINH HỢP TÁC XÃ THÀNH PHỐ HÀ NỘI", "TỜ TRÌNH",
                "Về việc đề nghị khen thưởng thành tích năm 2025"]))

    def hanoi_cycle(self):
        hanoi = Organization.objects.filter(code="LM-HA-NOI").first()
        coop = Organization.objects.filter(code="HTX-HA-NOI-001").first()
        if hanoi is None or coop is None or not User.objects.filter(username="canbo.htx").exists():
            return
        admin = _user("quantri.hanoi")
        members = list(Organization.objects.filter(parent=hanoi, merged_into__isnull=True))
        cycle = services.cycle_create(
            organizer=hanoi, kind="merit", year=YEAR,
            title="Tặng Giấy khen của Liên minh HTX thành phố Hà Nội năm 2025",
            award_types=[self.types["GK"]], submitters=members,
            deadline=datetime.date(2026, 12, 20), by=admin)
        services.cycle_set_status(cycle=cycle, status=AwardCycle.Status.OPEN, by=admin)
        staff, head = _user("canbo.htx"), _user("chunhiem.htx")
        dossier = services.dossier_create(cycle=cycle, organization=coop, by=staff)
        people = [p for p in Person.objects.filter(organization=coop).order_by("pk")
                  if p.assessments.filter(year=YEAR, rating__in=["good", "excellent"]).exists()
                  and not p.award_records.filter(achievement_year=YEAR,
                                                 award_type__category="commendation").exists()]
        for person in people[:2]:
            nomination = services.nomination_add(
                dossier=dossier, award_type=self.types["GK"], person=person, by=staff,
                achievement_summary="Hoàn thành tốt nhiệm vụ năm 2025, tích cực trong phong trào "
                                    "thi đua của hợp tác xã.")
            services.document_add(
                dossier=dossier, nomination=nomination, by=staff,
                kind=DossierDocument.Kind.ACHIEVEMENT_REPORT,
                upload=_pdf(f"Bao cao thanh tich {person.pk}", [
                    "BÁO CÁO THÀNH TÍCH", person.full_name, coop.name]))
        for kind, title in ((DossierDocument.Kind.SUBMISSION, "To trinh"),
                            (DossierDocument.Kind.REVIEW_MINUTES, "Bien ban binh xet")):
            services.document_add(dossier=dossier, kind=kind, by=staff,
                                  upload=_pdf(title, [coop.name, title]))
        if not people:
            return
        services.dossier_submit(dossier=dossier, by=head)
        services.dossier_return(
            dossier=dossier, by=admin,
            reason="Báo cáo thành tích cần có xác nhận của thủ trưởng đơn vị; đề nghị bổ sung và "
                   "gửi lại.")
        self.decided_dossier(cycle, admin)

    def decided_dossier(self, cycle, admin):
        """A second cooperative's dossier taken to the end: sent, appraised, conferred by a
        decision of the Hà Nội alliance, whose certificates verify publicly."""
        from . import services_decisions
        from .services_certificates import certificate_for

        coop = Organization.objects.filter(code="HTX-HA-NOI-002").first()
        head = User.objects.filter(username="chunhiem.htx2").first()
        if coop is None or head is None:
            return
        dossier = services.dossier_create(cycle=cycle, organization=coop, by=admin)
        people = [p for p in Person.objects.filter(organization=coop).order_by("pk")
                  if p.assessments.filter(year=YEAR, rating__in=["good", "excellent"]).exists()
                  and not p.award_records.filter(achievement_year=YEAR,
                                                 award_type__category="commendation").exists()]
        nominations = []
        for person in people[:2]:
            nomination = services.nomination_add(
                dossier=dossier, award_type=self.types["GK"], person=person, by=admin,
                achievement_summary="Hoàn thành tốt nhiệm vụ năm 2025.")
            services.document_add(
                dossier=dossier, nomination=nomination, by=admin,
                kind=DossierDocument.Kind.ACHIEVEMENT_REPORT,
                upload=_pdf(f"Bao cao thanh tich {person.pk}", ["BÁO CÁO THÀNH TÍCH",
                                                               person.full_name]))
            nominations.append(nomination)
        if not nominations:
            return
        for kind, title in ((DossierDocument.Kind.SUBMISSION, "To trinh"),
                            (DossierDocument.Kind.REVIEW_MINUTES, "Bien ban binh xet")):
            services.document_add(dossier=dossier, kind=kind, by=admin,
                                  upload=_pdf(title, [coop.name, title]))
        services.dossier_submit(dossier=dossier, by=head)
        for nomination in nominations:
            services.nomination_appraise(nomination=nomination, agree=True, by=admin,
                                         comment="Đủ hồ sơ, đạt tiêu chuẩn.")
        services.dossier_mark_appraised(dossier=dossier, by=admin)
        fields = services_decisions.decision_prefill(kind="grant", issuer=cycle.organizer,
                                                     cycle=cycle)
        fields.update(date=datetime.date(2026, 11, 20), signer_name="Nguyễn Văn Hùng",
                      place="Hà Nội")
        decision = services_decisions.decision_create(
            kind="grant", cycle=cycle, nominations=nominations, by=admin, **fields)
        services_decisions.decision_issue(decision=decision, by=admin)
        for nomination in nominations:
            nomination.refresh_from_db()
            if nomination.award_record_id:
                certificate_for(nomination.award_record)


def build_dossier_demo(stdout=None) -> int:
    return DossierDemo(stdout).build()

