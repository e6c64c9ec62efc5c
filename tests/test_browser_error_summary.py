"""Quality target A4 in Debian's Chromium, on representative forms (a nomination in a dossier,
a user, a report period, a council meeting): after an invalid submit (a) keyboard focus is on the
error summary, (b) the title starts with "Lỗi: ", (c) every link of the summary moves focus to
its field, (d) what the user typed is still there."""

import pytest
from django.urls import reverse

from tests.test_browser import award_catalogue, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser


def check_error_summary(page, kept: dict):
    assert page.evaluate("document.activeElement && document.activeElement.id") == "error-summary"
    assert page.title().startswith("Lỗi: "), page.title()
    for selector, value in kept.items():
        assert page.locator(selector).input_value() == value, f"{selector} lost what was typed"
    links = page.locator("#error-summary a[href^='#']")
    assert links.count() >= 1
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")[1:]
        links.nth(i).focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == target, (
            f"the link to #{target} left the focus on "
            f"{page.evaluate('document.activeElement.id')!r}")
    assert page.console_errors == []


def test_a_nomination_sent_without_a_candidate(page, live_server, world, award_catalogue):  # noqa: F811
    from awards.models import Dossier
    from awards.tests.test_decisions import make_cycle, make_dossier

    dossier = make_dossier(world, make_cycle(world), status=Dossier.Status.DRAFT)
    log_in(page, live_server, "canbo.hanoi")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + reverse("awards:dossier_detail", args=[dossier.pk]))
    form = page.locator(f"form[action='{reverse('awards:nomination_create', args=[dossier.pk])}']")
    summary = "Hoàn thành xuất sắc nhiệm vụ năm 2025."
    form.locator("textarea[name=achievement_summary]").fill(summary)
    form.get_by_role("button", name="Thêm vào hồ sơ").click()
    page.wait_for_load_state()

    check_error_summary(page, {"textarea[name=achievement_summary]": summary})


def test_a_user_without_a_user_name(page, live_server, world):  # noqa: F811
    log_in(page, live_server, "quantri")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + reverse("accounts:user_create"))
    page.locator("#id_full_name").fill("Nguyễn Thị Thử")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    check_error_summary(page, {"#id_full_name": "Nguyễn Thị Thử"})


def test_a_report_period_without_a_deadline(page, live_server, world):  # noqa: F811
    log_in(page, live_server, "quantri")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + reverse("reports:period_create"))
    page.locator("#id_year").fill("2031")
    page.locator("#id_deadline").fill("")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    check_error_summary(page, {"#id_year": "2031"})


def test_a_council_meeting_without_a_title(page, live_server, world, award_catalogue):  # noqa: F811
    from awards.tests.council_builders import make_council

    council, _term, _seats, _secretary = make_council(world, members=3)
    log_in(page, live_server, "thamdinh")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + reverse("awards:meeting_create", args=[council.pk]))
    page.locator("#id_title").fill("")
    page.locator("#id_place").fill("Phòng họp tầng 3")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    check_error_summary(page, {"#id_place": "Phòng họp tầng 3"})
