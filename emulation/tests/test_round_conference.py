"""The close of a scoring round records how the group's review conference (hội nghị sơ kết /
tổng kết) was held: the service refuses anything but one of the choices and changes nothing,
the close form asks it as required radio buttons, and the round's page shows it."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from emulation import services_scoring as services
from emulation.models import ScoringRound
from emulation.tests.scoring_builders import advance, fill, refresh, scoring_world, sheet

pytestmark = pytest.mark.django_db

GOOD = ["40", "30", "5", "0"]
MESSAGE = ("Hãy chọn hình thức tổ chức hội nghị sơ kết, tổng kết: trực tiếp, trực tuyến hoặc "
           "không tổ chức hội nghị.")
# Wrong, missing, oversized and hostile values of the conference.
BAD_VALUES = ["", "in person", "IN_PERSON", " online", "closed", "x" * 5000,
              "<script>alert(1)</script>", "in_person' OR '1'='1"]


@pytest.fixture
def ready(world):
    """A round in its second step with every sheet sent: only the conference is missing."""
    s = scoring_world(world, units=2)
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])
    advance(s, "peer")
    for scored, scorer in ((s.units[0], s.units[1]), (s.units[1], s.units[0])):
        fill(sheet(s.round, scored, scorer, "peer"), s.criteria, GOOD, s.staff[scorer.pk])
    return s


def _unchanged(s):
    round = refresh(s.round)
    assert (round.status, round.conference, round.closed_at, round.closed_by) == (
        "peer", "", None, None)
    assert round.history.count() == s.history_before


def _messages(response):
    return [str(m) for m in response.context["messages"]]


# --- the service -------------------------------------------------------------------------------


@pytest.mark.parametrize("conference", ["in_person", "online", "not_held"])
def test_the_close_records_the_review_conference(world, ready, conference):
    closed = services.round_close(round=ready.round, by=world.users.head, conference=conference)

    round = refresh(closed)
    assert (round.status, round.conference, round.closed_by) == (
        "closed", conference, world.users.head)
    assert round.history.latest().conference == conference


def test_the_transition_passes_the_conference_to_the_close(world, ready):
    services.round_transition(round=ready.round, to="closed", by=world.users.head,
                              conference="online")

    assert refresh(ready.round).conference == ScoringRound.Conference.ONLINE


@pytest.mark.parametrize("conference", [*BAD_VALUES, None, 1, ["in_person"]])
def test_a_close_without_a_valid_conference_is_refused_and_changes_nothing(world, ready,
                                                                           conference):
    ready.history_before = refresh(ready.round).history.count()

    with pytest.raises(ValidationError) as error:
        services.round_close(round=ready.round, by=world.users.head, conference=conference)

    assert error.value.message_dict == {"conference": [MESSAGE]}
    _unchanged(ready)


def test_a_close_without_the_argument_is_refused(world, ready):
    ready.history_before = refresh(ready.round).history.count()

    with pytest.raises(ValidationError) as error:
        services.round_close(round=ready.round, by=world.users.head)

    assert error.value.message_dict == {"conference": [MESSAGE]}
    _unchanged(ready)


# --- the pages ---------------------------------------------------------------------------------


def _close(client, s, data):
    return client.post(reverse("emulation:round_transition", args=[s.round.pk]),
                       {"to": "closed", "reason": "", **data}, follow=True)


@pytest.mark.parametrize("name", ["emulation:round_detail", "emulation:round_transition"])
def test_the_close_form_asks_the_conference_as_radio_buttons_none_chosen(world, client, ready,
                                                                        name):
    client.force_login(world.users.head)

    body = client.get(reverse(name, args=[ready.round.pk])).content.decode()

    radios = re.findall(r'<input type="radio"[^>]*name="conference"[^>]*>', body)
    assert [re.search(r'value="(\w+)"', r).group(1) for r in radios] == [
        "in_person", "online", "not_held"]
    assert not any("checked" in r for r in radios)
    assert "<legend" in body  # the radio group is named for screen readers
    for label in ("Trực tiếp", "Trực tuyến", "Không tổ chức hội nghị",
                  "Hình thức hội nghị sơ kết, tổng kết"):
        assert label in body


def test_earlier_steps_do_not_ask_the_conference(world, client):
    s = scoring_world(world, units=2)
    client.force_login(world.users.head)

    body = client.get(reverse("emulation:round_detail", args=[s.round.pk])).content.decode()

    assert 'name="conference"' not in body


def test_the_leader_closes_the_round_online_and_the_page_shows_it(world, client, ready):
    client.force_login(world.users.head)

    response = _close(client, ready, {"conference": "online"})

    round = refresh(ready.round)
    assert (round.status, round.conference) == ("closed", "online")
    assert f"Đợt chấm đã chuyển sang: {round.get_status_display()}." in _messages(response)
    body = client.get(round.get_absolute_url()).content.decode()
    assert "Hội nghị sơ kết, tổng kết</dt>" in body and "Trực tuyến</dd>" in body


def test_a_round_closed_before_the_question_shows_not_recorded(world, client, ready):
    # A round closed before the close asked the conference keeps it blank.
    ScoringRound.objects.filter(pk=ready.round.pk).update(
        status="closed", closed_at=timezone.now(), closed_by=world.users.head)
    client.force_login(world.users.head)
    round = refresh(ready.round)

    body = client.get(round.get_absolute_url()).content.decode()

    assert "Chưa ghi nhận</dd>" in body


@pytest.mark.parametrize("conference", [None, *BAD_VALUES])
def test_the_page_refuses_a_close_without_a_valid_conference(world, client, ready, conference):
    ready.history_before = refresh(ready.round).history.count()
    client.force_login(world.users.head)

    response = _close(client, ready, {} if conference is None else {"conference": conference})

    assert MESSAGE in _messages(response)
    assert "<script>alert" not in response.content.decode()
    _unchanged(ready)


def test_a_member_may_not_close_the_round_even_with_a_conference(world, client, ready):
    ready.history_before = refresh(ready.round).history.count()
    client.force_login(ready.heads[ready.units[1].pk])

    response = _close(client, ready, {"conference": "in_person"})

    assert response.status_code == 403
    _unchanged(ready)
