"""Quality target A1: no axe-core violation of impact serious or critical (tags wcag2a, wcag2aa,
wcag21a, wcag21aa, wcag22aa) on the main pages, error states included, in Debian's Chromium.

The pages are those of `make run`'s demo data (clusters.demo.DemoBuilder), seen by the demo
accounts of every role, with the prepared council meeting opened so that its ballot page exists,
and a unit report started so that its edit form exists. Building the demo takes about a minute
and a half, so a single test visits every page and reports all violations at once."""

import pytest

from tests.axe import blocking, describe, run_axe
from tests.test_browser import ARTIFACTS, CHROMIUM_ARGS, award_catalogue, migration_seeds  # noqa: F401

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-thidua-2026"

# (user, label, path key or literal path, action). Actions: None just visits; "submit" sends
# the page's main form as it is (empty), "blank" empties its text fields first and sends it:
# both must come back with the error summary, which is then checked too.
PAGES = [
    ("", "login", "/tai-khoan/dang-nhap/", None),
    ("", "login, empty", "/tai-khoan/dang-nhap/", "submit"),
    ("", "password reset, empty", "/tai-khoan/quen-mat-khau/", "submit"),
    ("", "certificate check", "/xac-minh/", None),
    ("canbo.hanoi", "dashboard", "/", None),
    ("canbo.hanoi", "dossier list", "/khen-thuong/ho-so/", None),
    ("canbo.hanoi", "dossier (draft)", "dossier", None),
    ("canbo.hanoi", "nomination edit, blanked", "nomination_edit", "blank"),
    ("canbo.hanoi", "document upload, empty", "document_add", "submit"),
    ("canbo.hanoi", "my deadlines", "/lich/han-cua-toi/", None),
    ("canbo.hanoi", "notifications", "/lich/thong-bao/", None),
    ("canbo.hanoi", "registrations", "/thi-dua/dang-ky/", None),
    ("canbo.hanoi", "unit reports", "/bao-cao/", None),
    ("canbo.hue", "unit report edit", "report_edit", None),
    ("quantri", "organization list", "/don-vi/", None),
    ("quantri", "organization detail", "organization", None),
    ("quantri", "organization form, empty", "/don-vi/them/", "submit"),
    ("quantri", "person form, empty", "/ca-nhan/them/", "submit"),
    ("quantri", "movement list", "/thi-dua/phong-trao/", None),
    ("quantri", "movement", "movement", None),
    ("quantri", "movement form, empty", "/thi-dua/phong-trao/them/", "submit"),
    ("quantri", "registration (draft)", "registration", None),
    ("quantri", "scoring round", "round", None),
    ("quantri", "ranking", "ranking", None),
    ("quantri", "award registry", "/khen-thuong/so-khen-thuong/", None),
    ("quantri", "award cycles", "/khen-thuong/dot-xet/", None),
    ("quantri", "award cycle form, empty", "/khen-thuong/dot-xet/them/", "submit"),
    ("quantri", "decisions", "/khen-thuong/quyet-dinh/", None),
    ("quantri", "decision", "decision", None),
    ("quantri", "report periods", "/bao-cao/ky/", None),
    ("quantri", "report period", "period", None),
    ("quantri", "report period form, empty", "/bao-cao/ky/them/", "submit"),
    ("quantri", "unit report", "report", None),
    ("quantri", "summary report", "summary", None),
    ("quantri", "users", "/tai-khoan/nguoi-dung/", None),
    ("quantri", "user form, empty", "/tai-khoan/nguoi-dung/them/", "submit"),
    ("quantri", "councils", "/khen-thuong/hoi-dong/", None),
    ("quantri", "deadlines", "/lich/han/", None),
    ("quantri", "background status", "/lich/tinh-trang/", None),
    ("quantri", "audit trail", "/tai-khoan/nhat-ky/", None),
    ("quantri", "audit trail, bad dates", "/tai-khoan/nhat-ky/?date_from=31/02/2026&ip=abc", None),
    ("thamdinh", "appraisal queue", "/khen-thuong/tham-dinh/", None),
    ("thamdinh", "dossier appraisal", "appraisal", None),
    ("thamdinh", "council meetings", "/khen-thuong/hoi-dong/phien-hop/", None),
    ("lanhdao", "council meeting (voting)", "meeting", None),
    ("lanhdao", "council meeting (closed)", "held_meeting", None),
    ("lanhdao", "results", "results", None),
    ("uyvien1", "ballot", "ballot", None),
    ("uyvien1", "receipt check, empty", "receipt_check", "submit"),
    ("cumtruong", "scoring round form, empty", "/thi-dua/cham-diem/tao/", "submit"),
]


def prepare_demo_extras() -> dict:
    """Open the demo's prepared meeting (attendance: every voting member present; the day moved
    to today), start a report for the Huế alliance, and return the paths the pages need."""
    from django.utils import timezone

    from accounts.models import User
    from awards import services_council as sc
    from awards.models import (
        Attendance, CouncilMeeting, CouncilMember, Decision, Dossier, Nomination,
    )
    from clusters.models import Organization
    from emulation.models import Movement, Registration, ScoringRound
    from reports import services as report_services
    from reports.models import ReportPeriod, SummaryReport, UnitReport

    held = CouncilMeeting.objects.get(status=CouncilMeeting.Status.CLOSED)
    meeting = CouncilMeeting.objects.exclude(pk=held.pk).get()
    if meeting.status == CouncilMeeting.Status.DRAFT:
        CouncilMeeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate())
        meeting.refresh_from_db()
        seats = CouncilMember.objects.filter(term=meeting.chair.term, votes=True)
        sc.attendance_record(meeting=meeting, by=meeting.secretary.user,
                             statuses={s.pk: Attendance.Status.PRESENT for s in seats})
        meeting = sc.meeting_open(meeting=meeting, by=meeting.chair.user)
    hue = Organization.objects.get(code="LM-HUE")
    report = UnitReport.objects.filter(organization=hue, status=UnitReport.Status.DRAFT).first()
    if report is None:
        period = ReportPeriod.objects.filter(status=ReportPeriod.Status.OPEN).order_by(
            "-year", "-half").first()
        report = report_services.report_start(period=period, organization=hue,
                                              by=User.objects.get(username="canbo.hue"))
    draft = Dossier.objects.get(status=Dossier.Status.DRAFT, organization__code="LM-HA-NOI")
    nomination = Nomination.objects.filter(dossier=draft).first()
    appraised = Dossier.objects.filter(status=Dossier.Status.APPRAISED).first()
    scoring = ScoringRound.objects.order_by("pk").first()
    m = "/khen-thuong/hoi-dong/phien-hop/"
    return {
        "dossier": f"/khen-thuong/ho-so/{draft.pk}/",
        "nomination_edit": f"/khen-thuong/ho-so/de-nghi/{nomination.pk}/sua/",
        "document_add": f"/khen-thuong/ho-so/{draft.pk}/tai-lieu/them/",
        "report_edit": f"/bao-cao/{report.pk}/soan/",
        "organization": f"/don-vi/{Organization.objects.get(code='LM-HA-NOI').pk}/",
        "movement": f"/thi-dua/phong-trao/{Movement.objects.order_by('pk').first().pk}/",
        "registration": "/thi-dua/dang-ky/{}/".format(
            Registration.objects.filter(status="draft").first().pk),
        "round": f"/thi-dua/cham-diem/{scoring.pk}/",
        "ranking": f"/thi-dua/cham-diem/{scoring.pk}/xep-hang/",
        "decision": f"/khen-thuong/quyet-dinh/{Decision.objects.order_by('pk').first().pk}/",
        "period": f"/bao-cao/ky/{ReportPeriod.objects.order_by('pk').first().pk}/",
        "report": "/bao-cao/{}/".format(UnitReport.objects.exclude(pk=report.pk).first().pk),
        "summary": f"/bao-cao/tong-hop/{SummaryReport.objects.order_by('pk').first().pk}/",
        "appraisal": f"/khen-thuong/ho-so/{appraised.pk}/tham-dinh/",
        "receipt_check": f"{m}{held.pk}/kiem-tra-phieu/",
        "meeting": f"{m}{meeting.pk}/",
        "held_meeting": f"{m}{held.pk}/",
        "results": f"{m}{held.pk}/ket-qua/",
        "ballot": f"{m}{meeting.pk}/phieu-bau/",
    }


def _log_in(page, base_url, username):
    page.goto(f"{base_url}/tai-khoan/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


def _send_main_form(page, *, blank):
    form = page.locator("main form[method=post][novalidate]").last
    if blank:
        fields = form.locator("input[type=text], input:not([type]), textarea")
        for i in range(fields.count()):
            if fields.nth(i).is_visible() and fields.nth(i).is_editable():
                fields.nth(i).fill("")
    form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


def scan_pages(browser, base_url, paths, pages=PAGES):
    """Visit every page as its user; return [(label, url, problems, violations)], where problems
    lists what went wrong before axe could judge (a refused page, an error state that shows no
    error summary)."""
    results, context, current = [], None, None
    for username, label, key, action in pages:
        if context is None or username != current:
            if context is not None:
                context.close()
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          locale="vi-VN")
            page = context.new_page()
            current = username
            if username:
                _log_in(page, base_url, username)
        url = base_url + paths.get(key, key)
        problems = []
        response = page.goto(url)
        if response.status >= 400:
            problems.append(f"HTTP {response.status}")
        if action in ("submit", "blank"):
            _send_main_form(page, blank=action == "blank")
            if page.locator("#error-summary").count() != 1:
                problems.append("no error summary after an invalid submit")
            elif not page.title().startswith("Lỗi: "):
                problems.append(f"title without 'Lỗi: ': {page.title()!r}")
        results.append((label, url, problems, run_axe(page)))
    if context is not None:
        context.close()
    return results


def report(results) -> str:
    lines = []
    for label, url, problems, violations in results:
        for problem in problems:
            lines.append(f"[{label}] {url}: {problem}")
        if blocking(violations):
            lines.append(f"[{label}] {url}:\n" + describe(blocking(violations), "  "))
    return "\n".join(lines)


@pytest.fixture
def demo(transactional_db, migration_seeds):  # noqa: F811
    from clusters.demo import DemoBuilder

    DemoBuilder().build()
    return prepare_demo_extras()


def test_the_main_pages_have_no_serious_axe_violation(chromium_path, live_server, demo):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            results = scan_pages(browser, live_server.url, demo)
        finally:
            browser.close()

    ARTIFACTS.mkdir(exist_ok=True)
    # Every violation, minor and moderate too, for the record (the gate is serious/critical).
    (ARTIFACTS / "axe-report.txt").write_text(
        "\n".join(f"[{label}] {url} {problems}\n{describe(v, '  ')}"
                  for label, url, problems, v in results), encoding="utf-8")
    assert len(results) == len(PAGES)
    failures = report(results)
    assert not failures, "axe (serious/critical) and error-state problems:\n" + failures
