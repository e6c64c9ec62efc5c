"""The user guide's screenshots are taken here, in Debian's Chromium at 1280×800, on the demo
world (clusters.demo) with each area's real role.

HELP_SCREENSHOTS=update writes them to static/img/help/<name>.png (commit those). Otherwise
they go to pytest's tmp_path, and the test fails when a picture the guide shows is missing from
static/img/help/, is not taken by this test, or no longer has the size of the committed one (the
page it shows has changed shape: run with HELP_SCREENSHOTS=update and look at the pictures).
A second test opens every guide page and checks that each picture loads."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_browser import CHROMIUM_ARGS, award_catalogue, log_in, migration_seeds  # noqa: F401

pytestmark = pytest.mark.browser

BASE_DIR = Path(settings.BASE_DIR)
HELP_IMAGES = BASE_DIR / "static" / "img" / "help"
HELP_TEMPLATES = BASE_DIR / "templates" / "help"
UPDATE = os.environ.get("HELP_SCREENSHOTS") == "update"
VIEWPORT = {"width": 1280, "height": 800}
MAX_BYTES = 250 * 1024


def referenced_images() -> set[str]:
    """The pictures the guide's templates show: {% static 'img/help/<name>.png' %}."""
    names = set()
    for template in HELP_TEMPLATES.glob("*.html"):
        names |= set(re.findall(r"img/help/([\w-]+\.png)", template.read_text(encoding="utf-8")))
    return names


@pytest.fixture
def screen(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def demo_world(transactional_db, migration_seeds, settings):  # noqa: F811
    """The demo data, built in the live server's database (migration_seeds puts back the rows
    the migrations seed, which an earlier transactional test may have flushed)."""
    from clusters.demo import DemoBuilder

    from deadlines.obligations import sync_deadlines
    from deadlines.owing_cache import refresh_obligations

    settings.TWO_FACTOR_REQUIRED = False  # the guide shows the pages, not the second sign-in step
    DemoBuilder().build()
    # What the reminder sweeper does every few minutes in a running system: the deadlines and who
    # owes them, for the "Các hạn của bạn" page.
    sync_deadlines()
    refresh_obligations()


def _shoot(page, name: str, folder: Path) -> Path:
    """The top of the page (header included) down to the end of <main>, at most 800 px high: what
    a user sees on opening it. Palette PNG: screenshots of a flat interface lose nothing visible
    and shrink to a fraction."""
    from PIL import Image

    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    # <main> stretches to the footer; the content ends with its last child.
    bottom = page.evaluate("""Math.ceil(Math.max(...[...document.querySelector('main').children]
        .map(element => element.getBoundingClientRect().bottom)))""")
    height = max(200, min(VIEWPORT["height"], bottom + 16))
    path = folder / name
    page.screenshot(path=str(path), type="png", clip={"x": 0, "y": 0, "width": VIEWPORT["width"],
                                                       "height": height})
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)
    return path


def _as(page, live_server, username):
    from clusters.demo import DEMO_PASSWORD

    page.context.clear_cookies()
    log_in(page, live_server, username, password=DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")


def _submit_hanoi_dossier():
    """The Hà Nội alliance's draft dossier, completed and sent, so that the appraisal queue has a
    dossier to show: its missing documents are attached and the one ineligible nominee removed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from awards import services_dossiers
    from awards.models import Dossier, DossierDocument
    from tests.test_browser import PDF_BYTES

    staff, head = (User.objects.get(username=name) for name in ("canbo.hanoi", "thutruong.hanoi"))
    dossier = Dossier.objects.get(organization__code="LM-HA-NOI", status=Dossier.Status.DRAFT)
    kind = DossierDocument.Kind

    def attach(kind_, nomination=None):
        services_dossiers.document_add(
            dossier=dossier, kind=kind_, by=staff, nomination=nomination,
            upload=SimpleUploadedFile("tai-lieu.pdf", PDF_BYTES, content_type="application/pdf"))

    if not dossier.documents.filter(kind=kind.REVIEW_MINUTES).exists():
        attach(kind.REVIEW_MINUTES)
    for nomination, result in zip(dossier.nominations.order_by("pk"),
                                  services_dossiers.dossier_check(dossier).checked.results):
        if any(reason.outcome == "not_met" for reason in result.reasons):
            services_dossiers.nomination_remove(nomination=nomination, by=staff)
            continue
        attach(kind.ACHIEVEMENT_REPORT, nomination)
        attach(kind.INITIATIVE_CERTIFICATE, nomination)
    services_dossiers.dossier_submit(dossier=dossier, by=head)
    return dossier


def _open_prepared_meeting():
    """The demo's meeting in preparation, with every member present and the vote open."""
    from awards import services_council
    from awards.models import Attendance, CouncilMeeting

    meeting = CouncilMeeting.objects.get(status=CouncilMeeting.Status.DRAFT)
    services_council.attendance_record(
        meeting=meeting, by=meeting.secretary.user,
        statuses={seat.pk: Attendance.Status.PRESENT for seat in services_council.members_on(meeting)})
    return services_council.meeting_open(meeting=meeting, by=meeting.chair.user)


def test_the_guide_screenshots_are_current(screen, live_server, demo_world, tmp_path):
    from awards.models import Dossier
    from emulation.models import ScoringRound
    from reports.models import SummaryReport

    folder = HELP_IMAGES if UPDATE else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    url = live_server.url
    taken = {}

    def shoot(name, path, heading):
        screen.goto(url + path)
        assert heading in screen.locator("h1").first.inner_text(), f"{name}: {path}"
        taken[name] = _shoot(screen, name, folder)

    screen.goto(url + reverse("accounts:login"))
    taken["dang-nhap.png"] = _shoot(screen, "dang-nhap.png", folder)

    _as(screen, live_server, "canbo.hanoi")
    draft = Dossier.objects.get(organization__code="LM-HA-NOI", status=Dossier.Status.DRAFT)
    shoot("phong-trao.png", reverse("emulation:movement_list"), "Phong trào thi đua")
    closed = ScoringRound.objects.filter(status=ScoringRound.Status.CLOSED).order_by("pk").first()
    shoot("xep-hang.png", reverse("emulation:ranking", args=[closed.pk]), "Xếp hạng")
    shoot("ho-so-danh-sach.png", reverse("awards:dossier_list"), "Hồ sơ đề nghị khen thưởng")
    shoot("ho-so-chi-tiet.png", reverse("awards:dossier_detail", args=[draft.pk]), "")
    shoot("bao-cao-don-vi.png", reverse("reports:report_list"), "Báo cáo của đơn vị")
    shoot("han-cua-toi.png", reverse("deadlines:my_deadlines"), "Các hạn của bạn")

    sent = _submit_hanoi_dossier()
    _as(screen, live_server, "thamdinh")
    shoot("tham-dinh-hang-cho.png", reverse("awards:appraisal_queue"), "Hàng chờ thẩm định")
    assert sent.organization.name in screen.locator("main").inner_text()
    shoot("tham-dinh-ho-so.png", reverse("awards:dossier_appraisal", args=[sent.pk]), "")

    meeting = _open_prepared_meeting()
    _as(screen, live_server, "hoidong")
    shoot("hoi-dong-phien-hop.png", reverse("awards:meeting_detail", args=[meeting.pk]), "")
    shoot("hoi-dong-phieu.png", reverse("awards:meeting_ballot", args=[meeting.pk]), "Phiếu biểu quyết")

    _as(screen, live_server, "quantri")
    summary = SummaryReport.objects.order_by("pk").first()
    shoot("bao-cao-tong-hop.png", reverse("reports:summary_detail", args=[summary.pk]), "")
    assert screen.console_errors == []

    from PIL import Image

    wanted = referenced_images()
    assert set(taken) == wanted, "the guide shows pictures this test does not take, or the reverse"
    problems = []
    for name in sorted(wanted):
        committed = HELP_IMAGES / name
        if not committed.is_file():
            problems.append(f"{name}: missing from static/img/help/")
            continue
        if committed.stat().st_size > MAX_BYTES:
            problems.append(f"{name}: {committed.stat().st_size} bytes, more than {MAX_BYTES}")
        with Image.open(committed) as old, Image.open(taken[name]) as new:
            if old.size != new.size:
                problems.append(f"{name}: committed {old.size}, the page now gives {new.size}")
    assert not problems, ("Stale or missing screenshots; run HELP_SCREENSHOTS=update .venv/bin/pytest "
                          "tests/test_browser_help.py and check the pictures:\n" + "\n".join(problems))


def test_every_guide_page_shows_its_pictures(screen, live_server, world):
    log_in(screen, live_server, "canbo.hanoi")
    screen.wait_for_url(f"{live_server.url}/")
    seen = 0
    from config.help import PAGES

    for path in [reverse("help:index")] + [reverse("help:page", args=[slug]) for slug in PAGES]:
        screen.goto(live_server.url + path)
        images = screen.evaluate("""[...document.querySelectorAll('main img')].map(img => ({
            src: img.getAttribute('src'), width: img.naturalWidth, complete: img.complete}))""")
        broken = [image["src"] for image in images if not (image["complete"] and image["width"] > 0)]
        assert broken == [], f"{path}: pictures that do not load: {broken}"
        seen += len(images)
        # The header's guide link of a guide page is that page itself.
        assert screen.locator("#help-link").get_attribute("href") == path
    assert seen == len(referenced_images())
    assert screen.console_errors == []
