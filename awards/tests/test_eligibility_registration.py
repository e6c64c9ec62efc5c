"""The eligibility engine reads the emulation registrations (issue 6): when the rule set requires
registration, a person must be on a sent registration of the year and a collective's
organization must have sent one with a collective line; otherwise the rule says nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from awards import services as award_services
from awards.eligibility import Candidate, Outcome, Request, check, check_many
from awards.models import RuleSet
from clusters.tests.factories import PersonFactory
from emulation import services
from emulation.tests.builders import award, central_call

pytestmark = pytest.mark.django_db

Y = 2026
ON = datetime.date(2026, 11, 1)
KEY = "emulation_registration_required"


def require_registration(value="true"):
    parameter = RuleSet.objects.valid_on(ON).parameters.get(key=KEY)
    award_services.rule_parameter_set_value(parameter=parameter, value=value)
    return parameter


def registration(world, *, person=None, collective=True, send=True, year=Y):
    call = central_call(world, year=year, deadline=datetime.date(year, 3, 31))
    made = services.registration_create(call=call, organization=world.hanoi, by=world.users.staff)
    if collective:
        services.entry_add_collective(registration=made, award_type=award("TTLDXS"),
                                      by=world.users.staff)
    if person is not None:
        services.entry_add_person(registration=made, person=person, award_type=award("CSTDCS"),
                                  by=world.users.staff)
    if send:
        services.registration_submit(registration=made, by=world.users.staff)
    return made


def registration_reasons(result):
    return [(r.outcome, r.text, r.citation) for r in result.reasons
            if "regist" in r.text.lower() or "đăng ký thi đua" in r.text.lower()]


@pytest.fixture
def worker(world):
    return PersonFactory(organization=world.hanoi, full_name="Trần Văn Đăng")


def test_a_registered_person_meets_the_condition_and_the_title_is_named(world, worker):
    parameter = require_registration()
    registration(world, person=worker)

    with translation.override("en"):
        result = check(Candidate(person=worker), "LDTT", Y, on_date=ON)

    reasons = registration_reasons(result)
    assert [r[0] for r in reasons] == [Outcome.MET]
    assert "Chiến sĩ thi đua cơ sở" in reasons[0][1] and str(Y) in reasons[0][1]
    assert reasons[0][2] == parameter.legal_citation


def test_a_person_not_registered_does_not_meet_it(world, worker):
    require_registration()
    registration(world, person=None)

    with translation.override("en"):
        result = check(Candidate(person=worker), "LDTT", Y, on_date=ON)

    reasons = registration_reasons(result)
    assert [r[0] for r in reasons] == [Outcome.NOT_MET]
    assert "Trần Văn Đăng" in reasons[0][1] and str(Y) in reasons[0][1]
    assert result.verdict == "not_eligible"


def test_a_draft_registration_does_not_count(world, worker):
    require_registration()
    registration(world, person=worker, send=False)

    result = check(Candidate(person=worker), "LDTT", Y, on_date=ON)

    assert [r[0] for r in registration_reasons(result)] == [Outcome.NOT_MET]


def test_a_registration_of_another_year_does_not_count(world, worker):
    require_registration()
    registration(world, person=worker, year=Y - 1)

    result = check(Candidate(person=worker), "LDTT", Y, on_date=ON)

    assert [r[0] for r in registration_reasons(result)] == [Outcome.NOT_MET]


def test_a_collective_needs_a_sent_registration_with_a_collective_line(world, worker):
    require_registration()
    registration(world, person=worker, collective=False)

    without = check(Candidate(organization=world.hanoi), "TTLDTT", Y, on_date=ON)

    assert [r[0] for r in registration_reasons(without)] == [Outcome.NOT_MET]


def test_a_registered_collective_meets_the_condition(world):
    require_registration()
    registration(world)

    result = check(Candidate(organization=world.hanoi), "TTLDTT", Y, on_date=ON)

    assert [r[0] for r in registration_reasons(result)] == [Outcome.MET]


def test_the_reason_is_vietnamese(world, worker):
    require_registration()

    with translation.override("vi"):
        result = check(Candidate(person=worker), "LDTT", Y, on_date=ON)

    assert [r[1] for r in registration_reasons(result)] == [
        "Quy định yêu cầu đăng ký thi đua: Trần Văn Đăng không có trong bản đăng ký thi đua đã "
        "gửi của năm 2026."]


def test_when_the_parameter_is_off_registration_gives_no_reason(world, worker):
    require_registration("false")

    result = check(Candidate(person=worker), "LDTT", Y, on_date=ON)

    assert registration_reasons(result) == []


def test_registrations_are_read_in_one_query_for_the_whole_batch(world):
    require_registration()
    people = [PersonFactory(organization=world.hanoi) for _ in range(3)]
    registration(world, person=people[0])

    def queries(n):
        requests = [Request(Candidate(person=p), "LDTT", Y) for p in people[:n]]
        with CaptureQueriesContext(connection) as captured:
            check_many(requests, on_date=ON)
        return len(captured)

    assert queries(1) == queries(3)
