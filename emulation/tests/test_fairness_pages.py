"""The fairness pages: who may open them, what they show, the panel on the council's agenda
item, and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import user_with_role
from awards.models import CouncilMember
from emulation.permissions_fairness import can_view_fairness
from emulation.tests import fairness_builders as fb
from tests.test_browser import award_catalogue  # noqa: F401  (fixture for the browser tests)

pytestmark = pytest.mark.django_db


def url(group):
    return reverse("emulation:fairness_group", args=[group.pk])


@pytest.fixture
def planted(world):
    return fb.planted_group(world)


def seat(world, user, organization, *, valid_to=None):
    from awards.models import Council, CouncilTerm

    council = Council.objects.create(organization=organization, name="Hội đồng TĐKT")
    term = CouncilTerm.objects.create(council=council, name="Nhiệm kỳ 2025–2030",
                                      start_date=datetime.date(2025, 1, 1))
    return CouncilMember.objects.create(term=term, user=user, full_name="Ủy viên",
                                        organization=organization,
                                        valid_from=datetime.date(2025, 1, 1), valid_to=valid_to)


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("province_admin", 200), ("appraiser", 200), ("council", 200),
    ("leadership", 200), ("staff", 403), ("head", 403), ("group_leader", 403),
    ("office_staff", 404), ("outsider", 404), ("no_role", 404),
])
def test_fairness_page_by_role(world, client, planted, who, status):
    made, _ = planted
    client.force_login(getattr(world.users, who))

    response = client.get(url(made))

    assert response.status_code == status


def test_fairness_page_redirects_anonymous(world, client, planted):
    response = client.get(url(planted[0]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_fairness_page_forbids_a_member_unit_of_the_group(world, client, planted):
    member = user_with_role(Role.UNIT_STAFF, planted[1][0], username="canbo.anbinh")
    client.force_login(member)

    assert client.get(url(planted[0])).status_code == 403


def test_a_hue_administrator_gets_404_on_a_hanoi_group(world, client, planted):
    client.force_login(user_with_role(Role.ADMIN, world.hue, username="quantri.hue"))

    assert client.get(url(planted[0])).status_code == 404
    assert client.post(url(planted[0])).status_code == 404


def test_a_council_seat_opens_the_groups_under_its_council_only(world, client, planted):
    hanoi_member = user_with_role(Role.UNIT_HEAD, world.coop_hanoi, username="uyvien.hn")
    seat(world, hanoi_member, world.hanoi)
    hue_member = user_with_role(Role.UNIT_HEAD, world.coop_hue, username="uyvien.hue")
    seat(world, hue_member, world.hue)
    former = user_with_role(Role.UNIT_HEAD, world.coop_hanoi, username="uyvien.cu")
    seat(world, former, world.hanoi, valid_to=datetime.date(2025, 6, 30))

    client.force_login(hanoi_member)
    assert client.get(url(planted[0])).status_code == 200
    client.force_login(hue_member)
    assert client.get(url(planted[0])).status_code == 404
    client.force_login(former)  # the seat has ended; the cooperative does not see the bloc
    assert client.get(url(planted[0])).status_code == 404


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("province_admin", True), ("appraiser", True), ("council", True),
    ("leadership", True), ("staff", False), ("head", False), ("group_leader", False),
    ("outsider", False), ("no_role", False),
])
def test_can_view_fairness_by_role(world, planted, who, allowed):
    assert can_view_fairness(getattr(world.users, who), planted[0]) is allowed


def test_fairness_page_is_read_only(world, client, planted):
    client.force_login(world.users.admin)

    assert client.post(url(planted[0])).status_code == 405


def test_fairness_page_shows_each_flag_with_the_data_behind_it(world, client, planted):
    made, (a, b, c, d) = planted
    client.force_login(world.users.appraiser)

    response = client.get(url(made))

    result = response.context["result"]
    page = response.content.decode()
    assert [u.organization for u in result.flagged_units] == [c]
    assert [(x, y) for x, y, *_ in result.pairs] == [(a, b)]
    assert [r["years"] for r in result.runs] == [list(range(2018, 2024))]
    assert result.evidence_gaps == 2
    for name in (a.name, b.name, c.name, d.name):
        assert name in page
    assert page.count("⚑") == 2  # the two cells of the pair
    assert "+12,0" in page  # Vietnamese decimals
    assert "20,0 %" in page  # C's over-claim, as a share of the maximum
    assert "Hoàn thành chỉ tiêu giao ước" in page


def test_fairness_page_of_a_group_without_rounds(world, client):
    made = fb.group(world, fb.units(world, ["HTX Lẻ"]), [2025])
    client.force_login(world.users.admin)

    response = client.get(url(made))

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.rounds, result.over_claims, result.pairs, result.runs, result.sequence) == (
        [], [], [], [], [])


def test_fairness_index_lists_the_groups_the_user_may_read(world, client, planted):
    hue_group = fb.group(world, fb.units(world, ["HTX Huế"], parent=world.hue), [2025],
                         organizer=world.hue, name="Khối Huế")
    client.force_login(world.users.province_admin)

    response = client.get(reverse("emulation:fairness_index"))

    assert response.status_code == 200
    assert list(response.context["groups"]) == [planted[0]]
    assert hue_group.name not in response.content.decode()
    client.force_login(world.users.staff)
    assert client.get(reverse("emulation:fairness_index")).status_code == 403


# --- the panel on the council's agenda item ----------------------------------------------------


def _council_item(world, organization, *, collective=True):
    from awards.tests.council_builders import open_meeting
    from awards.tests.test_decisions import agreed, make_cycle, make_dossier

    cycle = make_cycle(world, codes=("CTD_LM", "CSTDN"))
    dossier = make_dossier(world, cycle, organization=world.hanoi)
    nominations = (agreed(world, dossier, code="CTD_LM", collective=organization) if collective
                   else agreed(world, dossier, code="CSTDN"))
    meeting, seats, _ = open_meeting(world, members=3, nominations=nominations)
    return meeting.items.get(), seats


def test_council_item_of_a_collective_in_a_group_shows_the_panel(world, client, planted):
    made, (a, b, c, d) = planted
    item, seats = _council_item(world, c)
    client.force_login(seats[1].user)

    response = client.get(reverse("awards:agenda_item_detail", args=[item.pk]))

    assert response.status_code == 200
    [panel] = response.context["fairness_panels"]
    assert (panel.group, panel.focus) == (made, c)
    assert panel.focus_flags["over_claim"] is True
    assert panel.focus_flags["pairs"] == []
    assert panel.focus_flags["leader_wins"] == [2020]
    page = response.content.decode()
    assert url(made) in page
    assert 'id="fairness-panel-title"' in page


def test_council_item_of_an_individual_has_no_panel(world, client, planted):
    item, seats = _council_item(world, None, collective=False)
    client.force_login(seats[1].user)

    response = client.get(reverse("awards:agenda_item_detail", args=[item.pk]))

    assert response.context["fairness_panels"] == []
    assert 'id="fairness-panel-title"' not in response.content.decode()


def test_council_item_of_a_collective_outside_any_group_has_no_panel(world, client, planted):
    item, seats = _council_item(world, world.coop_hanoi)
    client.force_login(seats[1].user)

    response = client.get(reverse("awards:agenda_item_detail", args=[item.pk]))

    assert response.context["fairness_panels"] == []


# --- query counts ------------------------------------------------------------------------------


def _count(client, target):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.status_code == 200
    return len(queries)


def test_fairness_page_issues_a_constant_number_of_queries(world, client):
    client.force_login(world.users.admin)
    fb.make_scored_units(world, 2)
    target = fb.fairness_url(world)
    client.get(target)
    with_two = _count(client, target)

    fb.make_scored_units(world, 18)
    with_twenty = _count(client, target)

    assert with_two == with_twenty


# --- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_an_appraiser_reads_the_planted_flags_in_a_browser(award_catalogue, world, planted,
                                                           live_server, chromium_path):
    import os

    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARTIFACTS, CHROMIUM_ARGS, log_in

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    made, (a, b, c, d) = planted
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        log_in(page, live_server, "thamdinh")
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}{url(made)}")

        assert page.locator("td.table-danger").count() == 2
        assert page.get_by_text(c.name).first.is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "fairness-group.png"), full_page=True)
        browser.close()


@pytest.mark.browser
def test_a_council_member_sees_the_panel_before_voting_in_a_browser(award_catalogue, world,
                                                                    planted, live_server,
                                                                    chromium_path):
    import os

    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARTIFACTS, CHROMIUM_ARGS, log_in

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    made, (a, b, c, d) = planted
    item, seats = _council_item(world, c)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        log_in(page, live_server, seats[1].user.username)
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}{reverse('awards:agenda_item_detail', args=[item.pk])}")

        panel = page.locator("section[aria-labelledby=fairness-panel-title]")
        assert panel.get_by_role("link", name=made.name).get_attribute("href") == url(made)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "fairness-council-item.png"), full_page=True)
        browser.close()
