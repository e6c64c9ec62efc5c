"""Demo report periods, built through the same services as the pages:

* the whole year 2025, closed, with its summary report finalized (version 1: figures, text,
  PDF and .docx stored with their hashes), so that a finalized report can be opened at once;
* the first six months of 2026, open, whose deadline (10/07/2026) has passed: Văn phòng and the
  Hà Nội alliance sent their reports on time, Lâm Đồng late, every other unit nothing yet. Its
  summary report is left for the administrator (`quantri`) to create in one click;
* the whole year 2026, open, due 15/01/2027: every unit owes it, so it is on their dashboards
  and the reminders' ladder runs towards it."""

import datetime

from django.utils import timezone

from accounts.models import User
from clusters.models import Organization

from . import services, services_summary
from .models import ReportPeriod, SummaryReport, UnitReport
from .outline import REQUIRED_KEYS

D = datetime.date
TEXTS = {
    "direction": "<p>Thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước về công tác "
                 "thi đua, khen thưởng, đơn vị đã xây dựng kế hoạch và phát động phong trào thi "
                 "đua năm 2026 gắn với nhiệm vụ chính trị được giao.</p>",
    "movements": "<p>Các phong trào thi đua được triển khai sâu rộng, gắn với phát triển kinh tế "
                 "tập thể, hợp tác xã.</p>",
    "commendation": "<p>Công tác khen thưởng bảo đảm đúng người, đúng thành tích, kịp thời.</p>",
    "assessment_achievements": "<p>Phong trào thi đua được duy trì, có nhiều mô hình hay.</p>",
    "assessment_limitations": "<p>Một số hồ sơ đề nghị khen thưởng còn chậm.</p>",
    "assessment_causes": "<p>Cán bộ làm công tác thi đua, khen thưởng thường xuyên thay đổi.</p>",
    "key_tasks": "<p>Tiếp tục đẩy mạnh các phong trào thi đua yêu nước, hoàn thành xuất sắc "
                 "nhiệm vụ năm 2026.</p>",
    "measures": "<p>Tăng cường kiểm tra, hướng dẫn; gửi báo cáo đúng đề cương và đúng hạn.</p>",
}
# (username, unit code, day the report was sent): on time before 10/07/2026, Lâm Đồng after.
SENT = [("canbo.vanphong", "VP", D(2026, 7, 3)),
        ("canbo.hanoi", "LM-HA-NOI", D(2026, 7, 8)),
        ("thutruong.lamdong", "LM-LAM-DONG", D(2026, 7, 21))]


def _user(username):
    return User.objects.filter(username=username).first()


def _sent_on(report, day):
    """The demo's reports were sent in July, not today: move the sending time to that day
    (10:00 Vietnam time), which decides on time or late exactly as a real sending would."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    UnitReport.objects.filter(pk=report.pk).update(first_submitted_at=moment,
                                                   submitted_at=moment)
    report.events.update(at=moment)


def _unit_reports(period):
    for username, code, day in SENT:
        user, unit = _user(username), Organization.objects.filter(code=code).first()
        if user is None or unit is None:
            continue
        report = services.report_start(period=period, organization=unit, by=user)
        services.report_save(report=report, bodies={key: TEXTS.get(key, TEXTS["direction"])
                                                    for key in REQUIRED_KEYS}, by=user)
        _sent_on(services.report_submit(report=report, by=user), day)


def _finalized_annual_report(period, admin, central):
    report = services_summary.summary_create(period=period, organization=central, by=admin)
    services_summary.job_run(report.jobs.get().pk)  # the figures, here rather than by the worker
    report.refresh_from_db()
    services_summary.summary_update_header(report=report, by=admin, data={
        "number": 3, "issued_on": D(2026, 1, 12), "signer_name": "Lê Văn Hội"})
    services_summary.summary_save_sections(report=report, by=admin, bodies={
        key: TEXTS[key] for key in ("direction", "assessment_causes", "key_tasks", "measures")})
    job = services_summary.job_request(report=report, kind="finalize", by=admin)
    services_summary.job_run(job.pk)


def build_reports_demo(stdout=None):
    admin = _user("quantri")
    central = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    if admin is None or central is None or ReportPeriod.objects.filter(year=2026).exists():
        return
    year = services.period_create(year=2025, half=ReportPeriod.Half.FULL_YEAR,
                                  deadline=D(2026, 1, 10), by=admin)
    _finalized_annual_report(year, admin, central)
    services.period_close(period=year, by=admin)
    half = services.period_create(year=2026, half=ReportPeriod.Half.FIRST_HALF,
                                  deadline=D(2026, 7, 10), by=admin)
    _unit_reports(half)
    services.period_create(year=2026, half=ReportPeriod.Half.FULL_YEAR,
                           deadline=D(2027, 1, 15), by=admin)
    if stdout is not None:
        finalized = SummaryReport.objects.filter(status=SummaryReport.Status.FINALIZED).count()
        stdout.write(f"Báo cáo: kỳ cả năm 2025 ({finalized} báo cáo tổng hợp đã hoàn tất), "
                     f"kỳ 6 tháng đầu năm 2026 ({len(SENT)} đơn vị đã gửi báo cáo).\n")
