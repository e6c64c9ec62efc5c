"""Demo data of a group's year and of the groups outside the Alliance, built through the same
services as the pages:

- the two 2021 groups outside the Alliance named in the reference report (Part I.3): the Central
  Council's bloc of general ministries and sectors, where the Alliance was deputy leader (Khối
  phó), and the Fatherland Front's economic cluster, which it led (Cụm trưởng);
- the 2025 criteria table of “Cụm thi đua số 10 – Các thành phố trực thuộc Trung ương”, and the
  2026 year of its successor “Cụm thi đua các thành phố trực thuộc Trung ương” (CUM-2026-06, led
  by Cần Thơ, whose unit `cumtruong` works at): a signed pledge with five targets, and a 2026
  criteria table copied from the 2025 one, with sections, criteria requiring evidence, a bonus and
  a penalty item, and the pledge's targets turned into criteria.

Later demos (scoring rounds) build on `demo_criteria_table_2026()` and `demo_pledge_2026()`.
Running it again changes nothing."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from clusters.models import EmulationGroup, GroupLeadership, Organization

from . import services_groups as services
from .models import CriteriaTable, ExternalGroup, Pledge

D = datetime.date
DEMO_GROUP_CODE = "CUM-2026-06"  # the 2026 cluster of the centrally-run cities
SOURCE_GROUP_CODE = "CUM-10"  # its 2021–2025 predecessor, whose 2025 table is copied
DEMO_YEAR = 2026

EXTERNAL_GROUPS = [
    {
        "name": "Khối thi đua các Bộ, ngành tổng hợp",
        "kind": ExternalGroup.Kind.BLOC,
        "organized_by": "Hội đồng Thi đua – Khen thưởng Trung ương",
        "year": 2021, "role": "deputy",
        "activities": (
            "Dự Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020 và phương hướng, nhiệm "
            "vụ năm 2021; ký kết giao ước thi đua Khối thi đua các Bộ, ngành tổng hợp năm 2021. "
            "Hội nghị suy tôn Văn phòng Quốc hội là đơn vị Khối trưởng, Liên minh Hợp tác xã Việt "
            "Nam là đơn vị Khối phó năm 2021.\n"
            "Góp ý kiến vào Kế hoạch tổ chức phong trào thi đua và công tác khen thưởng năm 2021 "
            "và Quy chế hoạt động của Khối thi đua."),
        "result": "",
    },
    {
        "name": "Cụm thi đua lĩnh vực kinh tế",
        "kind": ExternalGroup.Kind.CLUSTER,
        "organized_by": "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        "year": 2021, "role": "leader",
        "activities": (
            "Với cương vị Cụm trưởng năm 2021, tổ chức Hội nghị triển khai thực hiện Kế hoạch công "
            "tác thi đua, khen thưởng năm 2021: các đơn vị thành viên thảo luận, góp ý sửa đổi một "
            "số tiêu chí, phương thức chấm điểm, bình xét thi đua và ký kết giao ước thi đua năm "
            "2021.\n"
            "Chủ động phối hợp với các đơn vị thành viên xây dựng Kế hoạch công tác thi đua, khen "
            "thưởng năm 2021 và triển khai đồng bộ các giải pháp trong Cụm."),
        "result": "",
    },
]

PLEDGE_TARGETS = [
    ("Hoàn thành 100% chỉ tiêu phát triển hợp tác xã mới và thành viên mới năm 2026 theo kế "
     "hoạch được giao.", "15"),
    ("Tổ chức ít nhất 02 lớp tập huấn, bồi dưỡng cán bộ quản lý hợp tác xã trong năm.", "10"),
    ("Hỗ trợ xây dựng ít nhất 05 mô hình hợp tác xã ứng dụng công nghệ cao, chuyển đổi số.",
     "10"),
    ("Phát động phong trào thi đua năm; đăng ký thi đua và gửi báo cáo sơ kết, tổng kết đúng "
     "hạn, đúng đề cương.", "7,5"),
    ("Phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến; đề nghị khen thưởng kịp thời, đúng "
     "đối tượng.", "5"),
]

# (code, title, [(code, text, kind, max points, evidence required)])
TABLE_2025 = [
    ("I", "Công tác tham mưu, chỉ đạo, tổ chức phong trào thi đua", [
        ("1", "Ban hành kế hoạch, phát động phong trào thi đua năm; đăng ký thi đua đúng hạn.",
         "standard", "10", True),
        ("2", "Tổ chức sơ kết, tổng kết phong trào thi đua; báo cáo đúng hạn, đúng đề cương.",
         "standard", "10", True),
        ("3", "Tham gia đầy đủ các hoạt động của Cụm thi đua.", "standard", "5", False),
    ]),
    ("II", "Kết quả thực hiện nhiệm vụ chính trị", [
        ("1", "Phát triển hợp tác xã mới, thành viên mới theo kế hoạch.", "standard", "20", True),
        ("2", "Tư vấn, hỗ trợ hợp tác xã tiếp cận vốn, đào tạo nguồn nhân lực.", "standard",
         "15", False),
        ("3", "Xây dựng, nhân rộng mô hình hợp tác xã điển hình tiên tiến.", "standard", "10",
         True),
    ]),
    ("III", "Công tác khen thưởng", [
        ("1", "Đề nghị khen thưởng kịp thời, đúng đối tượng; hồ sơ đầy đủ, đúng quy định.",
         "standard", "7,5", False),
    ]),
    ("IV", "Điểm thưởng và điểm trừ", [
        ("", "Có sáng kiến, mô hình mới được cấp có thẩm quyền công nhận.", "bonus", "5", True),
        ("", "Gửi báo cáo chậm hạn hoặc không đúng đề cương (mỗi lần).", "penalty", "5", False),
    ]),
]

# A one-page PDF standing for the scanned signed pledge.
SIGNED_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
              b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
              b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
              b"trailer<</Root 1 0 R>>\n%%EOF\n")


def demo_group() -> EmulationGroup | None:
    return EmulationGroup.objects.filter(code=DEMO_GROUP_CODE).first()


def demo_pledge_2026() -> Pledge | None:
    return Pledge.objects.filter(group__code=DEMO_GROUP_CODE, year=DEMO_YEAR).first()


def demo_criteria_table_2026() -> CriteriaTable | None:
    """The 2026 criteria table of CUM-2026-06 (copied from CUM-10's 2025 table, with the
    pledge's targets as a section), on which the scoring-round demo opens its rounds."""
    return CriteriaTable.objects.filter(group__code=DEMO_GROUP_CODE, year=DEMO_YEAR).first()


def _pdf(name):
    return SimpleUploadedFile(name, SIGNED_PDF, content_type="application/pdf")


def build_external_groups(admin, central) -> int:
    """The Alliance's two 2021 groups outside it (reference report, Part I.3)."""
    made = 0
    for data in EXTERNAL_GROUPS:
        if ExternalGroup.objects.filter(name=data["name"]).exists():
            continue
        group = services.external_group_create(
            by=admin, name=data["name"], kind=data["kind"], organized_by=data["organized_by"],
            organization=central)
        services.external_year_add(group=group, by=admin, year=data["year"], role=data["role"],
                                   pledge_signed_on=None, activities=data["activities"],
                                   result=data["result"])
        made += 1
    return made


def build_demo_criteria_table_2025(admin) -> CriteriaTable | None:
    """CUM-10's 2025 criteria table, built by the organizer's administrator."""
    group = EmulationGroup.objects.filter(code=SOURCE_GROUP_CODE).first()
    if group is None:
        return None
    table = CriteriaTable.objects.filter(group=group, year=2025).first()
    if table is not None:
        return table
    table = services.criteria_table_create(
        group=group, year=2025, by=admin,
        title="Bảng tiêu chí chấm điểm thi đua năm 2025 – Cụm thi đua số 10")
    for code, title, rows in TABLE_2025:
        section = services.section_add(table=table, code=code, title=title, by=admin)
        for c_code, text, kind, points, evidence in rows:
            services.criterion_add(section=section, by=admin, code=c_code, text=text, kind=kind,
                                   max_points=points, evidence_required=evidence)
    return table


def build_demo_pledge_2026(leader_user) -> Pledge | None:
    """CUM-2026-06's signed 2026 pledge, prepared by the leader unit (Cần Thơ)."""
    group = demo_group()
    if group is None:
        return None
    pledge = demo_pledge_2026()
    if pledge is not None:
        return pledge
    pledge = services.pledge_create(
        group=group, year=DEMO_YEAR, by=leader_user,
        title="Giao ước thi đua năm 2026 – Cụm thi đua các thành phố trực thuộc Trung ương")
    for text, points in PLEDGE_TARGETS:
        services.target_add(pledge=pledge, text=text, max_points=points, by=leader_user)
    members = list(Organization.objects.filter(group_memberships__group=group,
                                               group_memberships__year=DEMO_YEAR))
    services.pledge_sign(pledge=pledge, signed_on=D(2026, 3, 20), place="Thành phố Cần Thơ",
                         signatories=members, upload=_pdf("giao-uoc-thi-dua-2026.pdf"),
                         by=leader_user)
    return pledge


def build_demo_criteria_table_2026(leader_user, source) -> CriteriaTable | None:
    """CUM-2026-06's 2026 table: a copy of CUM-10's 2025 table, retitled, with the signed
    pledge's targets turned into criteria."""
    group = demo_group()
    if group is None or source is None:
        return None
    table = demo_criteria_table_2026()
    if table is None:
        table = services.criteria_table_copy(
            source=source, group=group, year=DEMO_YEAR, by=leader_user,
            title="Bảng tiêu chí chấm điểm thi đua năm 2026 – Cụm thi đua các thành phố trực "
                  "thuộc Trung ương")
    pledge = demo_pledge_2026()
    if pledge is not None:
        services.pledge_targets_to_criteria(pledge=pledge, by=leader_user)
    return table


def _leader_user(group):
    """A user with a role at the group's 2026 leader unit (the demo's `cumtruong`)."""
    leader = GroupLeadership.objects.filter(group=group, year=DEMO_YEAR,
                                            role=GroupLeadership.Role.LEADER).first()
    if leader is None:
        return None
    return (User.objects.filter(role_assignments__organization=leader.organization_id,
                                role_assignments__role="group_leader").order_by("id").first())


@transaction.atomic
def build_group_year_demo(stdout=None) -> None:
    admin = User.objects.filter(username="quantri").first()
    central = Organization.objects.filter(code="LMHTXVN").first()
    if admin is None or central is None:
        return
    made = build_external_groups(admin, central)
    source = build_demo_criteria_table_2025(admin)
    group = demo_group()
    leader_user = _leader_user(group) if group else None
    if leader_user is None or demo_criteria_table_2026() is not None and demo_pledge_2026():
        return
    build_demo_pledge_2026(leader_user)
    build_demo_criteria_table_2026(leader_user, source)
    if stdout:
        stdout.write(gettext("Groups outside the Alliance: %(count)s; the %(year)s pledge and "
                             "criteria table of %(group)s.") % {
            "count": made, "year": DEMO_YEAR, "group": group.name})
