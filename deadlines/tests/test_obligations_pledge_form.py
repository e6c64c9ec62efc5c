"""The pledge's signing day (Pledge.sign_by, the pledge reminders' deadline) on the pledge
pages: set when starting and editing the pledge, shown on its page, and refused with a
Vietnamese message (nothing saved) when wrong, out of range, oversized or hostile."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from emulation.models import Pledge
from emulation.tests.test_pledges import cluster
from emulation.tests.test_pledges import pledge as make_pledge

pytestmark = pytest.mark.django_db
D = datetime.date
DATE_MESSAGE = "Enter a date as dd/mm/yyyy, for example 31/12/2025."
RANGE_MESSAGE = "Enter a date between 01/01/1945 and 31/12/2100."


def text(response):
    return response.content.decode()


def edit(client, world, p, sign_by):
    client.force_login(world.users.staff)
    return client.post(reverse("emulation:pledge_edit", args=[p.pk]),
                        {"title": p.title, "note": "", "sign_by": sign_by})


def test_the_signing_day_is_set_when_starting_the_pledge_and_shown(client, world):
    group = cluster(world)
    client.force_login(world.users.staff)
    response = client.post(reverse("emulation:pledge_create", args=[group.pk, 2026]),
                           {"title": "Giao ước thi đua 2026", "sign_by": "15/02/2026"})
    p = Pledge.objects.get(group=group, year=2026)
    assert response.status_code == 302 and p.sign_by == D(2026, 2, 15)
    page = text(client.get(p.get_absolute_url()))
    assert 'id="pledge-sign-by"' in page and "15/02/2026" in page


def test_the_signing_day_is_optional_and_can_be_changed_or_cleared(client, world):
    p = make_pledge(world)
    assert p.sign_by is None
    assert edit(client, world, p, "2026-03-01").status_code == 302
    p.refresh_from_db()
    assert p.sign_by == D(2026, 3, 1)
    form = text(client.get(reverse("emulation:pledge_edit", args=[p.pk])))
    assert 'value="01/03/2026"' in form
    assert edit(client, world, p, "").status_code == 302
    p.refresh_from_db()
    assert p.sign_by is None


@pytest.mark.parametrize("value, message", [
    ("31/02/2026", DATE_MESSAGE),  # no such day
    ("mai", DATE_MESSAGE),  # not a date
    ("1" * 5000, DATE_MESSAGE),  # oversized
    ("<script>alert(1)</script>", DATE_MESSAGE),  # hostile
    ("15/02/2026'; DROP TABLE emulation_pledge;--", DATE_MESSAGE),
    ("01/01/1800", RANGE_MESSAGE),  # a real date, out of range
    ("01/01/2200", RANGE_MESSAGE),
])
def test_a_wrong_signing_day_is_refused_and_nothing_changes(client, world, value, message):
    p = make_pledge(world)
    before = Pledge.objects.filter(pk=p.pk).values().get()
    history = p.history.count()
    response = edit(client, world, p, value)
    assert response.status_code == 200
    assert gettext(message) in text(response)
    assert "<script>alert(1)</script>" not in text(response)
    assert Pledge.objects.filter(pk=p.pk).values().get() == before
    assert p.history.count() == history


def test_a_wrong_signing_day_refuses_to_start_the_pledge(client, world):
    group = cluster(world)
    client.force_login(world.users.staff)
    response = client.post(reverse("emulation:pledge_create", args=[group.pk, 2026]),
                           {"title": "Giao ước thi đua 2026", "sign_by": "32/13/2026"})
    assert response.status_code == 200 and gettext(DATE_MESSAGE) in text(response)
    assert not Pledge.objects.filter(group=group, year=2026).exists()


def test_outsiders_cannot_set_the_signing_day(client, world):
    p = make_pledge(world)
    client.force_login(world.users.outsider)
    response = client.post(reverse("emulation:pledge_edit", args=[p.pk]),
                           {"title": p.title, "sign_by": "15/02/2026"})
    assert response.status_code in (403, 404)
    p.refresh_from_db()
    assert p.sign_by is None
