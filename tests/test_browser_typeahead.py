"""The nominee typeahead of the dossier page in a real browser (Playwright with Debian's
Chromium): typing part of a name without diacritics fills the nominee list from the JSON
endpoint (awards.views_dossiers.candidate_search), without reloading the page; the choice is
added to the dossier."""

import pytest

from tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS, award_catalogue, giay_khen_cycle, log_in, page,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def dossier(world, giay_khen_cycle):
    """The cooperative's draft dossier in the Hà Nội alliance's Giấy khen cycle."""
    from accounts.models import User
    from awards import services_dossiers

    return services_dossiers.dossier_create(cycle=giay_khen_cycle, organization=world.coop_hanoi,
                                            by=User.objects.get(username="canbo.htx"))


def test_staff_find_a_nominee_by_typing_without_diacritics(page, live_server, world, dossier):
    from awards.models import Nomination

    log_in(page, live_server, "canbo.htx")
    page.goto(f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/")
    form = page.locator(f"form[action='/khen-thuong/ho-so/{dossier.pk}/de-nghi/them/']")
    candidate = form.locator("select[name=candidate]")
    search_url = f"/khen-thuong/ho-so/{dossier.pk}/tim-ung-vien/"

    with page.expect_response(lambda r: search_url in r.url and "q=tran%20thi%20bi" in r.url
                              ) as searched:
        form.locator("input[name=q]").press_sequentially("tran thi bi", delay=40)
    assert searched.value.ok
    suggestion = candidate.locator("option", has_text="Trần Thị Bích")
    suggestion.wait_for(state="attached")
    # Only the match is offered (not "Lê Văn Cường"), and the page was not reloaded to find it.
    assert [o.strip() for o in candidate.locator("option").all_inner_texts()] == [
        suggestion.inner_text().strip()]
    assert page.url == f"{live_server.url}/khen-thuong/ho-so/{dossier.pk}/"
    assert "1" in form.locator("[data-typeahead-status]").inner_text()

    candidate.select_option(suggestion.get_attribute("value"))
    form.locator("select[name=award_type]").select_option(label="Giấy khen")
    form.locator("textarea[name=achievement_summary]").fill(
        "Hoàn thành tốt nhiệm vụ năm 2025, tích cực trong phong trào thi đua.")
    form.get_by_role("button", name="Thêm vào hồ sơ").click()
    page.wait_for_load_state()

    nomination = Nomination.objects.get(dossier=dossier)
    assert nomination.candidate_name == "Trần Thị Bích"
    assert page.url.endswith(f"/khen-thuong/ho-so/{dossier.pk}/#nomination-{nomination.pk}")
    card = page.locator(f"#nomination-{nomination.pk}")
    assert "Trần Thị Bích" in card.inner_text() and "Giấy khen" in card.inner_text()
    assert page.locator(".alert-success").inner_text().strip() == "Đã thêm Trần Thị Bích vào hồ sơ."
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "typeahead-nomination-added.png"), full_page=True)
    assert page.console_errors == []
