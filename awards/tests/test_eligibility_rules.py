"""Table-driven tests of every eligibility rule (issue 3): each case builds the facts with the
ORM, asks the engine, and checks the verdict and that a reason names the decisive fact (a year,
a count) and cites its legal basis. Reasons are compared in English (the .po comes later)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from awards import services
from awards.eligibility import RULES, Candidate, Outcome, Request, Verdict, check, check_many
from awards.models import (
    AnnualAssessment, AwardRecord, AwardType, DisciplineRecord, Initiative, RuleSet,
)
from clusters.models import GroupMembership, Organization, Person
from clusters.tests.factories import GroupFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Y = 2024                 # the achievement year of most cases
ON = D(2025, 8, 1)       # checked under the rule set in force from 01/07/2025
OLD = D(2023, 12, 31)    # last day of the 2017 rule set (Law 2003, Decree 91/2017)
NEW = D(2024, 1, 1)      # first day of the 2024 rule set (Law 2022, Decree 98/2023)
E, N, R = Verdict.ELIGIBLE, Verdict.NOT_ELIGIBLE, Verdict.NEEDS_REVIEW
REPRIMAND, WARNING = DisciplineRecord.Level.REPRIMAND, DisciplineRecord.Level.WARNING

# --- builders ----------------------------------------------------------------------------------

_numbers = itertools.count(1)


def unit() -> Organization:
    return OrganizationFactory()


def person(organization=None) -> Person:
    return PersonFactory(organization=organization or unit())


def award(who, code, year, kind="merit", revoked=False):
    """A record in the registry for a person or an organization (the organization at award
    is the person's own)."""
    award_type = AwardType.objects.get(code=code)
    individual = isinstance(who, Person)
    return AwardRecord.objects.create(
        person=who if individual else None, organization=None if individual else who,
        organization_at_award=who.organization if individual else who, award_type=award_type,
        kind=kind, achievement_year=year, decision_number=f"{next(_numbers)}/QĐ-TEST",
        decision_date=D(year + 1, 1, 15), granting_level=award_type.granting_level,
        revoked=revoked, revocation_date=D(year + 1, 6, 1) if revoked else None)


def awards(who, code, *years, **kwargs):
    for year in years:
        award(who, code, year, **kwargs)
    return who


def assess(who, year, rating="good", **fields):
    """The annual assessment; a person worked 12 months and was absent 0 days unless told."""
    if isinstance(who, Person):
        fields.setdefault("months_worked", 12)
        fields.setdefault("absence_days", 0)
        return AnnualAssessment.objects.create(person=who, year=year, rating=rating, **fields)
    return AnnualAssessment.objects.create(organization=who, year=year, rating=rating, **fields)


def initiative(who, year, scope="grassroots"):
    return Initiative.objects.create(person=who, title=f"Sáng kiến {year} {scope}", year=year,
                                     scope=scope)


def discipline(who, start, end=None, level=REPRIMAND, pending=False):
    return DisciplineRecord.objects.create(
        person=who, organization=who.organization, pending=pending,
        level=None if pending else level, effective_from=start, effective_to=end)


def members(org, code, year, count, **kwargs) -> list[Person]:
    """`count` people of `org` holding `code` for `year`."""
    people = [person(org) for _ in range(count)]
    for member in people:
        award(member, code, year, **kwargs)
    return people


def set_param(key, value, on=ON):
    """Change a parameter of the rule set in force on `on` the way an administrator does."""
    parameter = RuleSet.objects.valid_on(on).parameters.get(key=key)
    services.rule_parameter_set_value(parameter=parameter, value=value)


def candidate(who) -> Candidate:
    return Candidate(person=who) if isinstance(who, Person) else Candidate(organization=who)


def run(who, code, year=Y, on=ON):
    with translation.override("en"):
        return check(candidate(who), code, year, on_date=on)


def explain(result) -> str:
    return "\n".join(f"  {r.outcome}: {r.text} [{r.citation}]" for r in result.reasons)


DECISIVE = {E: {Outcome.MET}, N: {Outcome.NOT_MET}, R: {Outcome.MISSING, Outcome.REVIEW}}


def assert_verdict(result, verdict, facts=(), cited=True):
    """The verdict, and a reason of the deciding outcome that mentions every fact of `facts`
    and (for a parameterised condition) cites its legal basis."""
    assert result.verdict == verdict, f"{result.verdict} != {verdict}\n{explain(result)}"
    decisive = [r for r in result.reasons if r.outcome in DECISIVE[verdict]
                and all(str(fact) in str(r.text) for fact in facts)]
    assert decisive, f"no {DECISIVE[verdict]} reason mentions {facts}\n{explain(result)}"
    if cited:
        assert any(r.citation for r in decisive), f"no citation\n{explain(result)}"


def case(id, setup, verdict, *facts, cited=True):
    return pytest.param(setup, verdict, facts, cited, id=id)


# composite builders used by several tables


def assessed(year=Y, rating="good", **fields) -> Person:
    who = person()
    assess(who, year, rating, **fields)
    return who


def with_(who, *steps):
    """Apply each step (a function of `who`) and return `who`: lets a lambda add facts."""
    for step in steps:
        step(who)
    return who


def collective(year=Y, rating="good", member_count=10, ldtt=7, cstdcs=0, completed=None,
               rank=None, group=False, assessment=True) -> Organization:
    """An organization with its assessment and `ldtt` / `cstdcs` members holding the title."""
    org = unit()
    if assessment:
        assess(org, year, rating, member_count=member_count, members_completed=completed,
               group_rank=rank)
    holders = members(org, "LDTT", year, ldtt)
    for member in holders[:cstdcs]:
        award(member, "CSTDCS", year)
    for _ in range(max(0, cstdcs - ldtt)):
        award(person(org), "CSTDCS", year)
    if group:
        GroupMembership.objects.create(group=GroupFactory(), organization=org, year=year)
    return org


def excellent_collective(**kwargs) -> Organization:
    defaults = dict(rating="excellent", member_count=10, ldtt=7, cstdcs=1, completed=10)
    return collective(**{**defaults, **kwargs})


# --- the registry of rules ---------------------------------------------------------------------


def test_every_award_of_the_catalogue_has_a_rule():
    codes = set(AwardType.objects.values_list("code", flat=True))
    assert codes == {"LDTT", "CSTDCS", "CSTDN", "CSTDTQ", "TTLDTT", "TTLDXS", "CTD_LM", "CTD_CP",
                     "BK_BCH", "BK_CT", "BK_TTG", "HCLD3", "HCLD2", "HCLD1", "GK", "KNC"}
    assert codes <= set(RULES)


# --- common checks -----------------------------------------------------------------------------


def _inactive_gk():
    AwardType.objects.filter(code="GK").update(is_active=False)
    return assessed()


COMMON_CASES = [
    pytest.param("TTLDTT", lambda: assessed(), N, ("collectives only",), False,
                 id="person-for-collective-title"),
    pytest.param("LDTT", lambda: collective(), N, ("individuals only",), False,
                 id="collective-for-individual-title"),
    pytest.param("KNC", lambda: collective(), N, ("individuals only",), False,
                 id="collective-for-knc"),
    pytest.param("LDTT", lambda: awards(assessed(), "LDTT", Y), N, ("Already awarded", str(Y)),
                 False, id="already-awarded-that-year"),
    pytest.param("LDTT", lambda: awards(assessed(), "LDTT", Y, revoked=True), E, (str(Y),), True,
                 id="revoked-award-of-that-year-does-not-block"),
    pytest.param("LDTT", lambda: awards(assessed(), "LDTT", Y - 1), E, (str(Y),), True,
                 id="award-of-another-year-does-not-block"),
    pytest.param("GK", lambda: with_(assessed(), lambda p: discipline(p, D(2025, 3, 1),
                                                                     pending=True)),
                 N, ("01/03/2025", "under consideration"), True, id="pending-case-open"),
    pytest.param("GK", lambda: with_(assessed(), lambda p: discipline(
        p, D(2025, 3, 1), D(2025, 12, 1), pending=True)),
                 N, ("01/03/2025",), True, id="pending-case-closing-after-the-date"),
    pytest.param("GK", lambda: with_(assessed(), lambda p: discipline(
        p, D(2025, 3, 1), D(2025, 5, 1), pending=True)),
                 E, (str(Y),), True, id="pending-case-closed-before-the-date"),
    pytest.param("GK", lambda: with_(assessed(), lambda p: discipline(p, D(2024, 6, 1),
                                                                     D(2025, 5, 31))),
                 N, ("reprimand", str(Y)), True, id="measure-during-the-year"),
    pytest.param("CSTDCS", lambda: with_(assessed(rating="excellent"), lambda p: discipline(
        p, D(2024, 11, 1), D(2025, 1, 31), level=WARNING)),
                 N, ("warning", str(Y)), True, id="measure-touching-the-year-cstdcs"),
    pytest.param("GK", lambda: with_(assessed(), lambda p: discipline(p, D(2023, 1, 1),
                                                                     D(2023, 12, 31))),
                 E, (str(Y),), True, id="measure-ended-the-year-before"),
    pytest.param("GK", lambda: with_(assessed(), lambda p: discipline(p, D(2025, 3, 1),
                                                                     pending=True),
                                     lambda p: set_param("discipline_blocks_award", "false")),
                 E, (str(Y),), True, id="pending-case-when-the-parameter-is-off"),
    pytest.param("LDTT", lambda: with_(assessed(), lambda p: set_param(
        "emulation_registration_required", "true")),
                 N, ("registration", str(Y)), True, id="registration-required"),
    pytest.param("LDTT", lambda: assessed(), E, (str(Y),), True,
                 id="registration-not-required"),
    pytest.param("GK", _inactive_gk, N, ("no longer in use",), False, id="award-not-in-use"),
    pytest.param("GK", lambda: awards(assessed(), "GK", Y), N, ("Already awarded", str(Y)),
                 False, id="same-form-already-given-that-year"),
    pytest.param("GK", lambda: awards(assessed(), "GK", Y, kind="thematic"), E, (str(Y),), True,
                 id="thematic-same-form-is-another-achievement"),
    pytest.param("GK", lambda: awards(assessed(), "GK", Y, kind="extraordinary"), E, (str(Y),),
                 True, id="extraordinary-same-form-is-another-achievement"),
    pytest.param("GK", lambda: with_(assessed(), lambda p: discipline(p, D(2025, 9, 1),
                                                                     pending=True)),
                 E, (str(Y),), True, id="pending-case-opened-after-the-date"),
    pytest.param("LDTT", lambda: with_(assessed(), lambda p: discipline(p, D(2025, 3, 1),
                                                                       pending=True)),
                 N, ("01/03/2025",), True, id="pending-case-blocks-ldtt-too"),
    pytest.param("KNC", lambda: with_(awards(person(), "KNC", Y, kind="contribution"),
                                      lambda p: set_param("knc_once_per_person", "false")),
                 N, ("Already awarded", str(Y)), False,
                 id="contribution-award-of-that-year-is-a-duplicate"),
]


@pytest.mark.parametrize("code, make, text", [
    *[(code, unit, "individuals only") for code in ("LDTT", "CSTDCS", "CSTDN", "CSTDTQ", "KNC")],
    *[(code, person, "collectives only") for code in ("TTLDTT", "TTLDXS", "CTD_LM", "CTD_CP")],
])
def test_the_wrong_kind_of_recipient_is_refused_without_running_the_rule(code, make, text):
    result = run(make(), code)
    assert_verdict(result, N, (text,), cited=False)
    assert len(result.reasons) == 1, explain(result)


@pytest.mark.parametrize("code, setup, verdict, facts, cited", COMMON_CASES)
def test_common_checks(code, setup, verdict, facts, cited):
    assert_verdict(run(setup(), code), verdict, facts, cited)


def test_no_rule_set_on_the_date_needs_review():
    result = run(assessed(year=2010), "LDTT", year=2010, on=D(2010, 6, 1))
    assert_verdict(result, R, ("01/06/2010",), cited=False)
    assert result.rule_set is None


# --- Lao động tiên tiến ------------------------------------------------------------------------

LDTT_CASES = [
    case("good-rating", lambda: assessed(), E, "2024", "completed tasks well"),
    case("excellent-rating", lambda: assessed(rating="excellent"), E, "2024"),
    case("only-completed", lambda: assessed(rating="completed"), N, "2024", "“completed tasks”"),
    case("not-completed", lambda: assessed(rating="not_completed"), N, "2024"),
    case("months-exactly-10", lambda: assessed(months_worked=10), E, "10 months", "2024"),
    case("months-9", lambda: assessed(months_worked=9), N, "9 months", "at least 10"),
    case("absent-39-days", lambda: assessed(absence_days=39), E, "39", "fewer than 40"),
    case("absent-exactly-40-days", lambda: assessed(absence_days=40), N, "40 working days"),
    case("reprimanded-in-the-year", lambda: with_(assessed(), lambda p: discipline(
        p, D(2024, 5, 1), D(2025, 4, 30))), N, "reprimand", "2024"),
    case("reprimand-ended-before-the-year", lambda: with_(assessed(), lambda p: discipline(
        p, D(2022, 5, 1), D(2023, 4, 30))), E, "No disciplinary measure in 2024"),
    case("no-assessment", lambda: person(), R, "2024", "annual assessment", cited=False),
    case("assessment-of-another-year-only", lambda: assessed(year=2023), R, "2024", cited=False),
    case("months-not-recorded", lambda: assessed(months_worked=None), R, "months", "2024"),
    case("absence-not-recorded", lambda: assessed(absence_days=None), R, "absent", "2024"),
    case("months-9-parameter-lowered", lambda: with_(assessed(months_worked=9), lambda p:
         set_param("ldtt_min_months_employed", "9")), E, "9 months"),
    case("reprimand-parameter-off", lambda: with_(assessed(), lambda p: discipline(
        p, D(2024, 5, 1), D(2025, 4, 30)), lambda p: set_param("ldtt_discipline_excludes",
                                                                "false")), E, "2024"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", LDTT_CASES)
def test_lao_dong_tien_tien(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "LDTT"), verdict, facts, cited)


# --- Chiến sĩ thi đua cơ sở --------------------------------------------------------------------

CSTDCS_CASES = [
    case("excellent-without-initiative", lambda: assessed(rating="excellent"), E,
         "excellently", "2024"),
    case("good-with-grassroots-initiative", lambda: with_(assessed(), lambda p: initiative(p, Y)),
         E, "Initiative", "2024"),
    case("good-with-sector-initiative", lambda: with_(assessed(), lambda p: initiative(
        p, Y, "sector")), E, "Initiative", "2024"),
    case("good-without-initiative", lambda: assessed(), N, "2024"),
    case("good-initiative-of-previous-year", lambda: with_(assessed(), lambda p: initiative(
        p, Y - 1)), N, "2024"),
    case("excellent-but-months-6", lambda: assessed(rating="excellent", months_worked=6), N,
         "6 months"),
    case("excellent-but-completed-only-ldtt", lambda: assessed(rating="completed"), N, "2024"),
    case("no-assessment", lambda: person(), R, "2024", cited=False),
    case("initiative-required-by-parameter", lambda: with_(assessed(rating="excellent"), lambda p:
         set_param("cstdcs_requires_initiative", "true")), N, "No initiative", "2024"),
    case("initiative-required-and-present", lambda: with_(
        assessed(rating="excellent"), lambda p: initiative(p, Y),
        lambda p: set_param("cstdcs_requires_initiative", "true")), E, "Initiative", "2024"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", CSTDCS_CASES)
def test_chien_si_thi_dua_co_so(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "CSTDCS"), verdict, facts, cited)


@pytest.mark.parametrize("on, with_initiative, verdict", [
    pytest.param(OLD, False, N, id="2017-rules-require-an-initiative"),
    pytest.param(NEW, False, E, id="2022-law-accepts-excellent-alone"),
    pytest.param(OLD, True, E, id="2017-rules-with-initiative"),
    pytest.param(NEW, True, E, id="2022-law-with-initiative"),
])
def test_cstdcs_across_the_rule_set_boundary(on, with_initiative, verdict):
    who = assessed(year=2023, rating="excellent")
    if with_initiative:
        initiative(who, 2023)
    result = run(who, "CSTDCS", year=2023, on=on)
    assert_verdict(result, verdict, ("2023",))
    assert result.rule_set.valid_from == (D(2017, 9, 15) if on == OLD else NEW)


# --- Chiến sĩ thi đua ngành --------------------------------------------------------------------


def cstdn_person(*years, kinds=None, revoked=(), scope="sector", initiative_year=2023,
                 assessed_years=()):
    """CSTĐCS in `years` (kinds[year] overrides merit; `revoked` years revoked), an initiative
    of `scope` (None: none) and assessments of `assessed_years`."""
    who = person()
    for year in years:
        award(who, "CSTDCS", year, kind=(kinds or {}).get(year, "merit"), revoked=year in revoked)
    if scope:
        initiative(who, initiative_year, scope)
    for year in assessed_years:
        assess(who, year, "excellent")
    return who


THREE = (2022, 2023, 2024)
CSTDN_CASES = [
    case("exactly-3-consecutive", lambda: cstdn_person(*THREE), E, "3 consecutive", "2024"),
    case("4-consecutive", lambda: cstdn_person(2021, *THREE), E, "4 consecutive"),
    case("only-2", lambda: cstdn_person(2023, 2024), N, "has 2", "2023, 2024"),
    case("gap-year", lambda: cstdn_person(2021, 2022, 2024), N, "has 1", "2021, 2022, 2024"),
    case("run-ending-before-the-year", lambda: cstdn_person(2021, 2022, 2023), N, "has 0"),
    case("revoked-middle-year", lambda: cstdn_person(*THREE, revoked=(2023,)), N, "has 1"),
    case("thematic-middle-year", lambda: cstdn_person(*THREE, kinds={2023: "thematic"}), N,
         "has 1"),
    case("thematic-counts-when-parameter-on", lambda: with_(
        cstdn_person(*THREE, kinds={2023: "thematic"}),
        lambda p: set_param("thematic_awards_count_for_prerequisites", "true")), E,
         "3 consecutive"),
    case("extraordinary-middle-year", lambda: cstdn_person(
        *THREE, kinds={2023: "extraordinary"}), N, "has 1"),
    case("extraordinary-counts-when-parameter-on", lambda: with_(
        cstdn_person(*THREE, kinds={2023: "extraordinary"}),
        lambda p: set_param("extraordinary_awards_count_for_prerequisites", "true")), E,
         "3 consecutive"),
    case("titles-before-the-end-of-a-measure", lambda: with_(
        cstdn_person(2021, *THREE), lambda p: discipline(p, D(2022, 1, 1), D(2022, 12, 31))),
         N, "has 2"),
    case("national-initiative-is-wider", lambda: cstdn_person(*THREE, scope="national"), E,
         "Initiative"),
    case("grassroots-initiative-only", lambda: cstdn_person(
        *THREE, scope="grassroots", assessed_years=THREE), N, "2022, 2023, 2024"),
    case("initiative-outside-the-window", lambda: cstdn_person(
        *THREE, initiative_year=2021, assessed_years=THREE), N, "2022, 2023, 2024"),
    case("initiatives-not-recorded", lambda: cstdn_person(*THREE, scope=None), R,
         "2022, 2023, 2024"),
    case("some-years-not-recorded", lambda: cstdn_person(
        *THREE, scope=None, assessed_years=(2023, 2024)), R, "initiatives of 2022"),
    case("2-years-when-parameter-is-2", lambda: with_(
        cstdn_person(2023, 2024), lambda p: set_param("cstdn_cstdcs_consecutive_years", "2")),
         E, "2 consecutive"),
    case("no-sector-initiative-when-not-required", lambda: with_(
        cstdn_person(*THREE, scope=None),
        lambda p: set_param("cstdn_requires_sector_initiative", "false")), E, "3 consecutive"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", CSTDN_CASES)
def test_chien_si_thi_dua_nganh(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "CSTDN"), verdict, facts, cited)


def test_a_left_out_record_is_explained_with_its_year():
    who = cstdn_person(*THREE, kinds={2023: "thematic"}, revoked=(2022,))
    result = run(who, "CSTDN")
    notes = [r for r in result.reasons if r.outcome == Outcome.NOTE]
    assert any("2022" in r.text and "revoked" in r.text for r in notes), explain(result)
    assert any("2023" in r.text and "thematic" in r.text and r.citation for r in notes)


# --- Chiến sĩ thi đua toàn quốc ----------------------------------------------------------------


def cstdtq_person(*years, kinds=None, revoked=(), scope="national", assessed_years=()):
    who = person()
    for year in years:
        award(who, "CSTDN", year, kind=(kinds or {}).get(year, "merit"), revoked=year in revoked)
    if scope:
        initiative(who, 2023, scope)
    for year in assessed_years:
        assess(who, year, "excellent")
    return who


WINDOW_2019 = range(2019, 2025)
CSTDTQ_CASES = [
    case("two-consecutive-cstdn", lambda: cstdtq_person(2021, 2024), E, "2 consecutive times",
         "2021, 2024"),
    case("three-consecutive-cstdn", lambda: cstdtq_person(2018, 2021, 2024), E,
         "3 consecutive times"),
    case("gap-of-4-years-breaks-the-chain", lambda: cstdtq_person(2020, 2024), N, "2020, 2024"),
    case("only-one-cstdn", lambda: cstdtq_person(2024), N, "needed 2", ),
    case("latest-not-in-the-year", lambda: cstdtq_person(2021, 2023), N, "2021, 2023"),
    case("revoked-earlier-cstdn", lambda: cstdtq_person(2021, 2024, revoked=(2021,)), N,
         "registry has 2024"),
    case("thematic-earlier-cstdn", lambda: cstdtq_person(2021, 2024, kinds={2021: "thematic"}),
         N, "registry has 2024"),
    case("thematic-counts-when-parameter-on", lambda: with_(
        cstdtq_person(2021, 2024, kinds={2021: "thematic"}),
        lambda p: set_param("thematic_awards_count_for_prerequisites", "true")), E,
         "2 consecutive times"),
    case("extraordinary-earlier-cstdn", lambda: cstdtq_person(
        2021, 2024, kinds={2021: "extraordinary"}), N, "registry has 2024"),
    case("extraordinary-counts-when-parameter-on", lambda: with_(
        cstdtq_person(2021, 2024, kinds={2021: "extraordinary"}),
        lambda p: set_param("extraordinary_awards_count_for_prerequisites", "true")), E,
         "2 consecutive times"),
    case("sector-initiative-is-not-nationwide", lambda: cstdtq_person(
        2021, 2024, scope="sector", assessed_years=WINDOW_2019), N, "2019, 2020"),
    case("initiatives-not-recorded", lambda: cstdtq_person(2021, 2024, scope=None), R,
         "2019, 2020, 2021, 2022, 2023, 2024"),
    case("once-when-parameter-is-1", lambda: with_(
        cstdtq_person(2024), lambda p: set_param("cstdtq_cstdn_consecutive_times", "1")), E,
         "1 consecutive times"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", CSTDTQ_CASES)
def test_chien_si_thi_dua_toan_quoc(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "CSTDTQ"), verdict, facts, cited)


# --- Tập thể lao động tiên tiến ----------------------------------------------------------------


def _warned_member(org):
    member = person(org)
    discipline(member, D(2024, 3, 1), D(2025, 2, 28), level=WARNING)


def _reprimanded_member(org):
    member = person(org)
    discipline(member, D(2024, 3, 1), D(2025, 2, 28), level=REPRIMAND)


def _revoked_ldtt_member(org):
    members(org, "LDTT", Y, 1, revoked=True)


TTLDTT_CASES = [
    case("exactly-70-percent", lambda: collective(ldtt=7), E, "7 of 10", "70%"),
    case("all-members", lambda: collective(ldtt=10), E, "10 of 10"),
    case("60-percent", lambda: collective(ldtt=6), N, "6 of 10", "60%", "at least 70%"),
    case("revoked-ldtt-does-not-count", lambda: with_(collective(ldtt=6), _revoked_ldtt_member),
         N, "6 of 10"),
    case("only-completed-tasks", lambda: collective(rating="completed"), N, "2024"),
    case("member-warned", lambda: with_(collective(), _warned_member), N, "1 member(s)",
         "2024"),
    case("member-only-reprimanded", lambda: with_(collective(), _reprimanded_member), E,
         "No member disciplined"),
    case("member-warned-parameter-off", lambda: with_(
        collective(), _warned_member,
        lambda o: set_param("collective_no_member_disciplined", "false")), E, "7 of 10"),
    case("members-not-recorded", lambda: collective(member_count=None), R, "number of members",
         "2024"),
    case("no-assessment", lambda: collective(assessment=False), R, "2024", cited=False),
    case("60-percent-parameter-lowered", lambda: with_(
        collective(ldtt=6), lambda o: set_param("ttldtt_ldtt_share_percent", "60")), E,
         "6 of 10", "60%"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", TTLDTT_CASES)
def test_tap_the_lao_dong_tien_tien(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "TTLDTT"), verdict, facts, cited)


@pytest.mark.parametrize("holders, on, verdict, wording", [
    pytest.param(5, OLD, N, "more than 50%", id="50%-on-31-12-2023"),
    pytest.param(5, NEW, N, "at least 70%", id="50%-on-01-01-2024"),
    pytest.param(6, OLD, E, "more than 50%", id="60%-on-31-12-2023"),
    pytest.param(6, NEW, N, "at least 70%", id="60%-on-01-01-2024"),
    pytest.param(7, OLD, E, "more than 50%", id="70%-on-31-12-2023"),
    pytest.param(7, NEW, E, "at least 70%", id="70%-on-01-01-2024"),
])
def test_ttldtt_share_across_the_rule_set_boundary(holders, on, verdict, wording):
    org = collective(year=2023, ldtt=holders)
    result = run(org, "TTLDTT", year=2023, on=on)
    assert_verdict(result, verdict, (f"{holders} of 10", f"{holders * 10}%", wording))


# --- Tập thể lao động xuất sắc -----------------------------------------------------------------


def _revoked_cstdcs_member(org):
    member = members(org, "LDTT", Y, 1)[0]
    award(member, "CSTDCS", Y, revoked=True)


TTLDXS_CASES = [
    case("meets-every-criterion", lambda: excellent_collective(), E, "10 of 10", "2024"),
    case("one-cstdcs-member-exactly", lambda: excellent_collective(), E, "1 member(s)"),
    case("rated-good-only", lambda: excellent_collective(rating="good"), N, "2024",
         "completed tasks excellently"),
    case("9-of-10-completed", lambda: excellent_collective(completed=9), N, "9 of 10", "90%"),
    case("completed-not-recorded", lambda: excellent_collective(completed=None), R,
         "completed their tasks", "2024"),
    case("ldtt-60-percent", lambda: excellent_collective(ldtt=6), N, "6 of 10"),
    case("no-cstdcs-member", lambda: excellent_collective(cstdcs=0), N, "0 member(s)"),
    case("revoked-cstdcs-does-not-count", lambda: with_(
        excellent_collective(cstdcs=0, ldtt=6), _revoked_cstdcs_member), N, "0 member(s)"),
    case("member-warned", lambda: with_(excellent_collective(), _warned_member), N,
         "1 member(s) disciplined"),
    case("no-assessment", lambda: excellent_collective(assessment=False), R, "2024",
         cited=False),
    case("no-cstdcs-parameter-zero", lambda: with_(
        excellent_collective(cstdcs=0), lambda o: set_param("ttldxs_min_cstdcs_members", "0")),
         E, "0 member(s)"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", TTLDXS_CASES)
def test_tap_the_lao_dong_xuat_sac(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "TTLDXS"), verdict, facts, cited)


# --- Cờ thi đua của Liên minh and of the Government --------------------------------------------

CTD_LM_CASES = [
    case("leads-its-cluster-and-excellent", lambda: excellent_collective(rank=1, group=True), E,
         "Ranked 1", "2024"),
    case("second-in-its-cluster", lambda: excellent_collective(rank=2, group=True), N,
         "Ranked 2", "first 1"),
    case("in-no-cluster", lambda: excellent_collective(rank=1), N, "cluster or bloc in 2024"),
    case("rank-not-recorded", lambda: excellent_collective(group=True), R, "rank", "2024"),
    case("leads-but-not-excellent-collective", lambda: excellent_collective(
        rank=1, group=True, ldtt=6), N, "6 of 10"),
    case("leads-ttldxs-not-required", lambda: with_(
        collective(rank=1, group=True, ldtt=0),
        lambda o: set_param("ctd_lm_requires_ttldxs", "false")), E, "Ranked 1"),
    case("second-when-two-lead", lambda: with_(
        excellent_collective(rank=2, group=True),
        lambda o: set_param("flag_leading_units_per_cluster", "2")), E, "Ranked 2"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", CTD_LM_CASES)
def test_co_thi_dua_lien_minh(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "CTD_LM"), verdict, facts, cited)


CTD_CP_CASES = [
    case("holds-the-alliance-flag", lambda: awards(collective(), "CTD_LM", Y), E, "2024"),
    case("leads-its-cluster", lambda: collective(rank=1, group=True), E, "Ranked 1"),
    case("second-in-its-cluster", lambda: collective(rank=2, group=True), N, "Ranked 2"),
    case("revoked-flag-second", lambda: awards(collective(rank=2, group=True), "CTD_LM", Y,
                                               revoked=True), N, "Ranked 2"),
    case("flag-of-previous-year-second", lambda: awards(collective(rank=2, group=True),
                                                        "CTD_LM", Y - 1), N, "Ranked 2"),
    case("in-no-cluster", lambda: collective(), N, "2024"),
    case("rank-not-recorded", lambda: collective(group=True), R, "rank", "2024"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", CTD_CP_CASES)
def test_co_thi_dua_chinh_phu(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "CTD_CP"), verdict, facts, cited)


def test_ctd_cp_holding_the_flag_is_named_with_its_year():
    result = run(awards(collective(), "CTD_LM", Y), "CTD_CP")
    assert_verdict(result, E, ("2024",))
    # The Government's quota is not a criterion of the candidate: a note, not a missing fact.
    assert any(r.outcome == Outcome.NOTE and "council" in r.text for r in result.reasons)
    assert any(r.outcome == Outcome.MET and "2024" in r.text and r.citation
               for r in result.reasons), explain(result)


@pytest.mark.parametrize("on, verdict", [
    pytest.param(OLD, R, id="2017-rules-any-collective"),
    pytest.param(NEW, N, id="2022-law-only-cluster-leaders"),
])
def test_ctd_cp_across_the_rule_set_boundary(on, verdict):
    org = collective(year=2023, rank=2, group=True)
    result = run(org, "CTD_CP", year=2023, on=on)
    assert_verdict(result, verdict, ("Ranked 2",) if verdict == N else ("council",))


# --- Bằng khen của Liên minh (BK_BCH, BK_CT) ---------------------------------------------------


def bk_person(cstdcs=(), kinds=None, revoked=(), ratings=None, initiatives=0):
    who = person()
    for year in cstdcs:
        award(who, "CSTDCS", year, kind=(kinds or {}).get(year, "merit"), revoked=year in revoked)
    for year, rating in (ratings or {}).items():
        assess(who, year, rating)
    for index in range(initiatives):
        initiative(who, 2023 + index % 2)
    return who


GOOD_2 = {2023: "good", 2024: "good"}
EXCELLENT_2 = {2023: "excellent", 2024: "excellent"}
BK_CASES = [
    case("cstdcs-2-consecutive", lambda: bk_person((2023, 2024)), E, "2 consecutive", "2024"),
    case("cstdcs-gap-year", lambda: bk_person((2022, 2024), ratings=GOOD_2), N, "has 1"),
    case("cstdcs-revoked", lambda: bk_person((2023, 2024), revoked=(2023,), ratings=GOOD_2), N,
         "has 1"),
    case("cstdcs-thematic", lambda: bk_person((2023, 2024), kinds={2023: "thematic"},
                                              ratings=GOOD_2), N, "has 1"),
    case("cstdcs-thematic-parameter-on", lambda: with_(
        bk_person((2023, 2024), kinds={2023: "thematic"}),
        lambda p: set_param("thematic_awards_count_for_prerequisites", "true")), E,
         "2 consecutive"),
    case("cstdcs-extraordinary", lambda: bk_person((2023, 2024), kinds={2023: "extraordinary"},
                                                   ratings=GOOD_2), N, "has 1"),
    case("cstdcs-extraordinary-parameter-on", lambda: with_(
        bk_person((2023, 2024), kinds={2023: "extraordinary"}),
        lambda p: set_param("extraordinary_awards_count_for_prerequisites", "true")), E,
         "2 consecutive"),
    case("excellent-2-years-2-initiatives", lambda: bk_person(ratings=EXCELLENT_2,
                                                              initiatives=2), E,
         "2023, 2024", "2 recognised initiatives"),
    case("excellent-2-years-1-initiative", lambda: bk_person(ratings=EXCELLENT_2, initiatives=1),
         N, "has 1"),
    case("one-excellent-year", lambda: bk_person(ratings={2023: "good", 2024: "excellent"},
                                                 initiatives=2), N, "has 0"),
    case("nothing-recorded", lambda: bk_person(), R, "2023, 2024"),
    case("other-form-for-the-same-year", lambda: awards(bk_person((2023, 2024)), "GK", Y), N,
         "Giấy khen", "2024"),
    case("thematic-other-form-does-not-block", lambda: awards(
        bk_person((2023, 2024)), "GK", Y, kind="thematic"), E, "2 consecutive"),
    case("collective-ttldxs-2-consecutive", lambda: awards(unit(), "TTLDXS", 2023, 2024), E,
         "2 consecutive"),
    case("collective-ttldxs-gap-year", lambda: awards(unit(), "TTLDXS", 2022, 2024), N,
         "has 1", "2022, 2024"),
    case("collective-ttldxs-revoked", lambda: with_(
        awards(unit(), "TTLDXS", 2024), lambda o: award(o, "TTLDXS", 2023, revoked=True)), N,
         "has 1"),
]


@pytest.mark.parametrize("code", ["BK_BCH", "BK_CT"])
@pytest.mark.parametrize("setup, verdict, facts, cited", BK_CASES)
def test_bang_khen_lien_minh(code, setup, verdict, facts, cited):
    assert_verdict(run(setup(), code), verdict, facts, cited)


def merged_pair(absorbed_years=(2023,), own_years=(2024,), revoked=()):
    """A successor holding TTLĐXS in `own_years` and an organization merged into it on
    01/01/2024 holding it in `absorbed_years`."""
    successor, absorbed = unit(), unit()
    awards(successor, "TTLDXS", *own_years)
    for year in absorbed_years:
        award(absorbed, "TTLDXS", year, revoked=year in revoked)
    Organization.objects.filter(pk=absorbed.pk).update(
        merged_into=successor, merged_on=D(2024, 1, 1), active_to=D(2023, 12, 31))
    successor.refresh_from_db()
    return successor


MERGER_CASES = [
    case("merged-titles-do-not-count-by-default", lambda: merged_pair(), N, "has 1"),
    case("merged-titles-count-when-parameter-on", lambda: with_(
        merged_pair(), lambda o: set_param("merged_org_titles_count_for_successor", "true")),
         E, "2 consecutive"),
    case("revoked-merged-title-never-counts", lambda: with_(
        merged_pair(revoked=(2023,)),
        lambda o: set_param("merged_org_titles_count_for_successor", "true")), N, "has 1"),
    case("merged-in-a-gap-year-parameter-on", lambda: with_(
        merged_pair(absorbed_years=(2022,)),
        lambda o: set_param("merged_org_titles_count_for_successor", "true")), N, "has 1",
         "2022, 2024"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", MERGER_CASES)
def test_bang_khen_collective_of_a_merged_organization(setup, verdict, facts, cited):
    result = run(setup(), "BK_CT")
    assert_verdict(result, verdict, facts, cited)
    assert any(r.outcome == Outcome.NOTE and "merged" in r.text and r.citation
               for r in result.reasons), explain(result)


def test_merged_titles_count_through_a_chain_of_mergers():
    successor = merged_pair(absorbed_years=(), own_years=(2024,))
    middle = Organization.objects.get(merged_into=successor)
    first = unit()
    award(first, "TTLDXS", 2023)
    Organization.objects.filter(pk=first.pk).update(merged_into=middle, merged_on=D(2023, 12, 1))
    set_param("merged_org_titles_count_for_successor", "true")
    assert_verdict(run(successor, "BK_CT"), E, ("2 consecutive",))


# --- Bằng khen của Thủ tướng -------------------------------------------------------------------

AFTER_2019 = range(2020, 2025)


def ttg_person(prior="BK_CT", prior_year=2019, prior_kind="merit", prior_revoked=False,
               ratings=None, cstdcs=(2020, 2022, 2024), skip=()):
    who = person()
    if prior:
        award(who, prior, prior_year, kind=prior_kind, revoked=prior_revoked)
    ratings = ratings or {}
    for year in AFTER_2019:
        if year not in skip:
            assess(who, year, ratings.get(year, "good"))
    awards(who, "CSTDCS", *cstdcs)
    return who


BK_TTG_CASES = [
    case("5-years-after-alliance-bk-3-cstdcs", lambda: ttg_person(), E, "2019", "5 years"),
    case("after-the-committee-bk", lambda: ttg_person(prior="BK_BCH"), E, "2019"),
    case("only-4-years-after", lambda: ttg_person(prior_year=2020), N, "2020", "only 4 years"),
    case("no-alliance-bk", lambda: ttg_person(prior=None), N, "none before 2024"),
    case("alliance-bk-revoked", lambda: ttg_person(prior_revoked=True), N, "none before 2024"),
    case("alliance-bk-thematic", lambda: ttg_person(prior_kind="thematic"), N,
         "none before 2024"),
    case("alliance-bk-thematic-parameter-on", lambda: with_(
        ttg_person(prior_kind="thematic"),
        lambda p: set_param("thematic_awards_count_for_prerequisites", "true")), E, "2019"),
    case("alliance-bk-extraordinary", lambda: ttg_person(prior_kind="extraordinary"), N,
         "none before 2024"),
    case("alliance-bk-extraordinary-parameter-on", lambda: with_(
        ttg_person(prior_kind="extraordinary"),
        lambda p: set_param("extraordinary_awards_count_for_prerequisites", "true")), E, "2019"),
    case("a-year-only-completed", lambda: ttg_person(ratings={2022: "completed"}), N,
         "below", "2022"),
    case("a-year-not-assessed", lambda: ttg_person(skip=(2021,)), R, "2021"),
    case("only-2-cstdcs", lambda: ttg_person(cstdcs=(2022, 2024)), N, "2 times", "2022, 2024"),
    case("cstdcs-before-the-alliance-bk", lambda: ttg_person(cstdcs=(2018, 2022, 2024)), N,
         "2 times"),
    case("2-cstdcs-parameter-lowered", lambda: with_(
        ttg_person(cstdcs=(2022, 2024)), lambda p: set_param("bk_ttg_cstdcs_in_window", "2")),
         E, "2 times"),
    case("state-award-already-that-year", lambda: awards(ttg_person(), "HCLD3", Y,
                                                         kind="thematic"), N,
         "Already 1 state-level", "2024"),
    case("extraordinary-state-award-that-year-is-outside-the-cap", lambda: awards(
        ttg_person(), "HCLD3", Y, kind="extraordinary"), E, "0 state-level", "2024"),
    case("collective-appraised-by-the-department", lambda: unit(), R, "appraisal department",
         cited=False),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", BK_TTG_CASES)
def test_bang_khen_thu_tuong(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "BK_TTG"), verdict, facts, cited)


# --- Huân chương Lao động ----------------------------------------------------------------------

HCLD3_CASES = [
    case("bk-ttg-then-5-years-one-excellent", lambda: ttg_person(
        prior="BK_TTG", ratings={2023: "excellent"}), E, "2023", "at least 1 year"),
    case("no-excellent-year", lambda: ttg_person(prior="BK_TTG"), N, "0 year(s)"),
    case("only-4-years-after", lambda: ttg_person(prior="BK_TTG", prior_year=2020,
                                                  ratings={2023: "excellent"}), N,
         "only 4 years"),
    case("no-bk-ttg", lambda: ttg_person(prior="BK_CT", ratings={2023: "excellent"}), N,
         "none before 2024"),
    case("bk-ttg-extraordinary", lambda: ttg_person(prior="BK_TTG", prior_kind="extraordinary",
                                                    ratings={2023: "excellent"}), N,
         "none before 2024"),
    case("bk-ttg-thematic", lambda: ttg_person(prior="BK_TTG", prior_kind="thematic",
                                               ratings={2023: "excellent"}), N,
         "none before 2024"),
    case("bk-ttg-thematic-parameter-on", lambda: with_(
        ttg_person(prior="BK_TTG", prior_kind="thematic", ratings={2023: "excellent"}),
        lambda p: set_param("thematic_awards_count_for_prerequisites", "true")), E, "2019"),
    case("bk-ttg-revoked", lambda: ttg_person(prior="BK_TTG", prior_revoked=True,
                                              ratings={2023: "excellent"}), N,
         "none before 2024"),
    case("bk-ttg-extraordinary-parameter-on", lambda: with_(
        ttg_person(prior="BK_TTG", prior_kind="extraordinary", ratings={2023: "excellent"}),
        lambda p: set_param("extraordinary_awards_count_for_prerequisites", "true")), E, "2019"),
    case("only-2-cstdcs", lambda: ttg_person(prior="BK_TTG", ratings={2023: "excellent"},
                                             cstdcs=(2020, 2024)), N, "2 times"),
    case("a-year-not-assessed", lambda: ttg_person(prior="BK_TTG", ratings={2023: "excellent"},
                                                   skip=(2022,)), R, "2022"),
    case("collective-appraised-by-the-department", lambda: unit(), R, "appraisal department",
         cited=False),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", HCLD3_CASES)
def test_huan_chuong_lao_dong_hang_ba(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "HCLD3"), verdict, facts, cited)


def ladder(prior_code, **kwargs):
    return lambda: ttg_person(prior=prior_code, cstdcs=(), **kwargs)


LADDER_CASES = [
    ("5-years-after", dict(), E, ("2019", "5 years")),
    ("only-4-years-after", dict(prior_year=2020), N, ("only 4 years",)),
    ("a-year-only-completed", dict(ratings={2020: "completed"}), N, ("2020",)),
    ("a-year-not-assessed", dict(skip=(2024,)), R, ("2024",)),
    ("prior-revoked", dict(prior_revoked=True), N, ("none before 2024",)),
    ("prior-thematic", dict(prior_kind="thematic"), N, ("none before 2024",)),
    ("prior-extraordinary", dict(prior_kind="extraordinary"), N, ("none before 2024",)),
    ("prior-thematic-parameter-on", dict(prior_kind="thematic", params={
        "thematic_awards_count_for_prerequisites": "true"}), E, ("2019",)),
    ("prior-extraordinary-parameter-on", dict(prior_kind="extraordinary", params={
        "extraordinary_awards_count_for_prerequisites": "true"}), E, ("2019",)),
]


@pytest.mark.parametrize("code, prior, key", [("HCLD2", "HCLD3", "hcld2_years_after_hcld3"),
                                              ("HCLD1", "HCLD2", "hcld1_years_after_hcld2")])
@pytest.mark.parametrize("kwargs, verdict, facts", [
    pytest.param(kwargs, verdict, facts, id=id) for id, kwargs, verdict, facts in LADDER_CASES])
def test_huan_chuong_lao_dong_hang_nhi_and_nhat(code, prior, key, kwargs, verdict, facts):
    kwargs = dict(kwargs)
    for name, value in kwargs.pop("params", {}).items():
        set_param(name, value)
    assert_verdict(run(ladder(prior, **kwargs)(), code), verdict, facts)


@pytest.mark.parametrize("code, prior, key", [("HCLD2", "HCLD3", "hcld2_years_after_hcld3"),
                                              ("HCLD1", "HCLD2", "hcld1_years_after_hcld2")])
def test_huan_chuong_ladder_parameter_change(code, prior, key):
    who = ladder(prior, prior_year=2020)()
    assert_verdict(run(who, code), N, ("only 4 years",))
    set_param(key, "4")
    assert_verdict(run(who, code), E, ("2020", "4 years"))


@pytest.mark.parametrize("code", ["HCLD2", "HCLD1"])
def test_huan_chuong_ladder_for_collectives_is_appraised(code):
    assert_verdict(run(unit(), code), R, ("appraisal department",), cited=False)


# --- Giấy khen and Kỷ niệm chương --------------------------------------------------------------

GK_CASES = [
    case("person-good", lambda: assessed(), E, "2024"),
    case("person-completed-only", lambda: assessed(rating="completed"), N, "2024"),
    case("person-not-assessed", lambda: person(), R, "2024", cited=False),
    case("collective-good", lambda: with_(unit(), lambda o: assess(o, Y)), E, "2024"),
    case("alliance-bk-same-year", lambda: awards(assessed(), "BK_CT", Y), N,
         "Bằng khen của Chủ tịch", "2024"),
    case("revoked-alliance-bk-same-year", lambda: awards(assessed(), "BK_CT", Y, revoked=True),
         E, "No other form", "2024"),
    case("emulation-title-same-year-is-not-a-form", lambda: awards(assessed(), "LDTT", Y), E,
         "No other form"),
    case("two-forms-allowed-by-parameter", lambda: with_(
        awards(assessed(), "BK_CT", Y), lambda p: set_param("one_achievement_one_form", "false")),
         E, "2024"),
    case("rating-floor-raised", lambda: with_(assessed(), lambda p: set_param(
        "gk_min_rating", "excellent")), N, "2024", "completed tasks excellently"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", GK_CASES)
def test_giay_khen(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "GK"), verdict, facts, cited)


KNC_CASES = [
    case("never-received", lambda: person(), R, "unit confirms"),
    case("received-in-2015", lambda: awards(person(), "KNC", 2015), N, "2015", "once per person"),
    case("received-but-revoked", lambda: awards(person(), "KNC", 2015, revoked=True), R,
         "unit confirms"),
    case("received-but-parameter-off", lambda: with_(
        awards(person(), "KNC", 2015), lambda p: set_param("knc_once_per_person", "false")), R,
         "unit confirms"),
]


@pytest.mark.parametrize("setup, verdict, facts, cited", KNC_CASES)
def test_ky_niem_chuong(setup, verdict, facts, cited):
    assert_verdict(run(setup(), "KNC"), verdict, facts, cited)


# --- changing a parameter through the service changes the verdict ------------------------------


@pytest.mark.parametrize("code, setup, key, value, before, after", [
    pytest.param("LDTT", lambda: assessed(absence_days=40), "ldtt_absence_days_excluding", "41",
                 N, E, id="ldtt-absence-limit"),
    pytest.param("CSTDCS", lambda: assessed(rating="excellent"), "cstdcs_requires_initiative",
                 "true", E, N, id="cstdcs-initiative"),
    pytest.param("TTLDTT", lambda: collective(ldtt=7), "ttldtt_ldtt_share_exclusive", "true",
                 E, N, id="ttldtt-exclusive-share"),
    pytest.param("CSTDN", lambda: cstdn_person(*THREE), "cstdn_cstdcs_consecutive_years", "4",
                 E, N, id="cstdn-years"),
    pytest.param("BK_CT", lambda: bk_person((2023, 2024)), "bk_alliance_cstdcs_consecutive_years",
                 "3", E, R, id="bk-years-then-alternative-unknown"),
    pytest.param("BK_TTG", lambda: ttg_person(), "bk_ttg_years_after_alliance_bk", "6", E, N,
                 id="bk-ttg-years"),
    pytest.param("HCLD3", lambda: ttg_person(prior="BK_TTG"), "hcld3_htxsnv_years_min", "0",
                 N, E, id="hcld3-excellent-years"),
])
def test_a_parameter_change_through_the_service_changes_the_verdict(code, setup, key, value,
                                                                    before, after):
    who = setup()
    assert run(who, code).verdict == before
    set_param(key, value)
    result = run(who, code)
    assert result.verdict == after, explain(result)
    cited = RuleSet.objects.valid_on(ON).parameters.get(key=key).legal_citation
    assert any(cited in r.citation for r in result.reasons), explain(result)


def test_a_parameter_change_in_one_rule_set_leaves_the_others_alone():
    who = assessed(year=2023, rating="excellent")
    set_param("cstdcs_requires_initiative", "true", on=NEW)
    assert run(who, "CSTDCS", year=2023, on=NEW).verdict == N
    assert run(who, "CSTDCS", year=2023, on=ON).verdict == E


# --- list-wide rules ---------------------------------------------------------------------------

QUOTA_ON = D(2023, 6, 1)   # the 2017 rule set: quota enabled, 15 % of the unit's LĐTT
QUOTA_YEAR = 2022


def cstdcs_nominee(org, year=QUOTA_YEAR):
    who = person(org)
    assess(who, year, "excellent")
    initiative(who, year)
    return who


def run_list(requests, on=ON):
    with translation.override("en"):
        return check_many(requests, on_date=on, as_list=True)


@pytest.mark.parametrize("ldtt, nominated, rounding, limit", [
    pytest.param(10, 2, "floor", 1, id="15%-of-10-floor-1"),
    pytest.param(10, 2, "round", 2, id="15%-of-10-round-2"),
    pytest.param(6, 1, "floor", 0, id="15%-of-6-floor-0"),
    pytest.param(6, 1, "round", 1, id="15%-of-6-round-1"),
    pytest.param(7, 2, "round", 1, id="15%-of-7-round-1"),
    pytest.param(20, 3, "floor", 3, id="15%-of-20-exactly-3"),
    pytest.param(20, 4, "floor", 3, id="15%-of-20-one-over"),
])
def test_cstdcs_quota(ldtt, nominated, rounding, limit):
    org = unit()
    members(org, "LDTT", QUOTA_YEAR, ldtt)
    if rounding != "floor":
        set_param("cstdcs_quota_rounding", rounding, on=QUOTA_ON)
    nominees = [cstdcs_nominee(org) for _ in range(nominated)]
    checked = run_list([Request(candidate(p), "CSTDCS", QUOTA_YEAR) for p in nominees],
                       on=QUOTA_ON)
    assert checked.quotas[0]["limit"] == limit and checked.quotas[0]["used"] == nominated
    for index, result in enumerate(checked.results):
        if index < limit:
            assert_verdict(result, E, (f"at most {limit}", f"{ldtt} Lao động tiên tiến", "2022"))
        else:
            assert_verdict(result, N, ("Over the quota", f"at most {limit}", f"{ldtt} Lao động"))


def test_cstdcs_quota_counts_the_ldtt_nominated_in_the_same_list():
    org = unit()
    members(org, "LDTT", QUOTA_YEAR, 6)          # 15 % of 6 = 0,9 → 0
    ldtt_nominees = [person(org) for _ in range(4)]
    for nominee in ldtt_nominees:
        assess(nominee, QUOTA_YEAR)
    requests = [Request(candidate(p), "LDTT", QUOTA_YEAR) for p in ldtt_nominees]
    requests.append(Request(candidate(cstdcs_nominee(org)), "CSTDCS", QUOTA_YEAR))
    checked = run_list(requests, on=QUOTA_ON)     # 15 % of 10 = 1,5 → 1
    assert_verdict(checked.results[-1], E, ("at most 1", "10 Lao động tiên tiến"))


def test_cstdcs_quota_ignores_revoked_ldtt():
    org = unit()
    members(org, "LDTT", QUOTA_YEAR, 7)
    members(org, "LDTT", QUOTA_YEAR, 3, revoked=True)
    checked = run_list([Request(candidate(cstdcs_nominee(org)), "CSTDCS", QUOTA_YEAR)],
                       on=QUOTA_ON)
    assert_verdict(checked.results[0], E, ("at most 1", "7 Lao động tiên tiến"))


@pytest.mark.parametrize("on, quota", [
    pytest.param(OLD, True, id="2017-rules-apply-the-quota"),
    pytest.param(NEW, False, id="2022-law-has-no-quota"),
])
def test_cstdcs_quota_across_the_rule_set_boundary(on, quota):
    org = unit()
    members(org, "LDTT", 2023, 10)
    nominees = [cstdcs_nominee(org, year=2023) for _ in range(2)]
    checked = run_list([Request(candidate(p), "CSTDCS", 2023) for p in nominees], on=on)
    assert [r.verdict for r in checked.results] == ([E, N] if quota else [E, E])
    assert bool(checked.quotas) == quota


def test_enabling_the_quota_through_the_service():
    org = unit()
    members(org, "LDTT", Y, 10)
    nominees = [cstdcs_nominee(org, year=Y) for _ in range(2)]
    requests = [Request(candidate(p), "CSTDCS", Y) for p in nominees]
    assert [r.verdict for r in run_list(requests).results] == [E, E]
    set_param("cstdcs_quota_enabled", "true")
    checked = run_list(requests)
    assert [r.verdict for r in checked.results] == [E, N]
    assert_verdict(checked.results[1], N, ("at most 1", "10 Lao động tiên tiến"))


def flag_candidates(count, same_group=True):
    group = GroupFactory()
    orgs = []
    for _ in range(count):
        org = excellent_collective(rank=1)
        GroupMembership.objects.create(group=group if same_group else GroupFactory(),
                                       organization=org, year=Y)
        orgs.append(org)
    return orgs


@pytest.mark.parametrize("count, same_group, maximum, verdicts", [
    pytest.param(1, True, None, [E], id="one-flag-in-a-cluster"),
    pytest.param(2, True, None, [E, N], id="two-flags-in-one-cluster"),
    pytest.param(2, False, None, [E, E], id="two-flags-in-two-clusters"),
    pytest.param(2, True, "2", [E, E], id="two-flags-allowed-by-parameter"),
    pytest.param(3, True, "2", [E, E, N], id="three-flags-two-allowed"),
])
def test_flags_per_cluster(count, same_group, maximum, verdicts):
    if maximum:
        set_param("flags_per_cluster_max", maximum)
    orgs = flag_candidates(count, same_group)
    checked = run_list([Request(candidate(o), "CTD_LM", Y) for o in orgs])
    assert [r.verdict for r in checked.results] == verdicts, [explain(r) for r in checked.results]
    for result, verdict in zip(checked.results, verdicts):
        if verdict == N:
            assert_verdict(result, N, (f"limit of {maximum or 1}", f"{count} units", "2024"))
    assert all(q["limit"] == int(maximum or 1) for q in checked.quotas)


@pytest.mark.parametrize("codes, years, one_form, verdicts", [
    pytest.param(("GK", "BK_CT"), (Y, Y), "true", [E, N], id="two-forms-same-year"),
    pytest.param(("BK_CT", "BK_BCH"), (Y, Y), "true", [E, N], id="two-alliance-bk-same-year"),
    pytest.param(("GK", "BK_CT"), (Y - 1, Y), "true", [E, E], id="two-forms-different-years"),
    pytest.param(("LDTT", "GK"), (Y, Y), "true", [E, E], id="title-and-form-same-year"),
    pytest.param(("GK", "BK_CT"), (Y, Y), "false", [E, E], id="parameter-off"),
])
def test_one_achievement_one_form_in_a_list(codes, years, one_form, verdicts):
    set_param("one_achievement_one_form", one_form)
    who = bk_person((2022, 2023, 2024), ratings={2023: "good", 2024: "good"})
    checked = run_list([Request(candidate(who), code, year) for code, year in zip(codes, years)])
    assert [r.verdict for r in checked.results] == verdicts, [explain(r) for r in checked.results]
    if verdicts[1] == N:
        first = AwardType.objects.get(code=codes[0]).name
        assert_verdict(checked.results[1], N, (first, str(Y), "already proposes"))


# --- a batch reads its facts in a constant number of queries -----------------------------------


def batch(size):
    """`size` candidates, people and organizations in turn, of every kind of rule, each
    nominated for two awards of the same list."""
    requests = []
    for index in range(size):
        variant = index // 2 % 2
        if index % 2 == 0 and variant == 0:
            requests.append(Request(candidate(bk_person((2023, 2024), ratings=GOOD_2)),
                                    "BK_CT", Y))
        elif index % 2 == 0:
            requests.append(Request(candidate(cstdn_person(*THREE)), "CSTDN", Y))
        elif variant == 0:
            requests.append(Request(candidate(excellent_collective(rank=1, group=True)),
                                    "CTD_LM", Y))
        else:
            requests.append(Request(candidate(merged_pair()), "BK_CT", Y))
        requests.append(Request(requests[-1].candidate, "GK", Y))
        if index % 2 == 0:
            requests.append(Request(requests[-1].candidate, "CSTDCS", Y))
    return requests


def test_check_many_issues_a_constant_number_of_queries():
    set_param("cstdcs_quota_enabled", "true")  # the list rules read the registry too
    small, large = batch(2), batch(20)
    counts = []
    for requests in (small, large):
        with CaptureQueriesContext(connection) as queries:
            checked = run_list(requests)
        counts.append(len(queries))
        assert len(checked.results) == len(requests)
    assert counts[0] == counts[1], counts
    alone = candidate(bk_person())
    with CaptureQueriesContext(connection) as queries:
        check(alone, "BK_CT", Y, on_date=ON)
    assert len(queries) <= counts[0]


# --- review fixes: the period of the state awards, list places, a measure still in force ------


def test_bk_ttg_counts_cstdcs_only_inside_the_run_of_good_years():
    """Art. 73.1(b): the three CSTĐCS must fall within the ≥5 consecutive good years up to the
    proposal; titles of an older stretch broken by a weak year do not count."""
    who = awards(person(), "BK_CT", 2015)
    awards(who, "CSTDCS", 2016, 2017, 2018)          # before the weak year
    assess(who, 2019, "completed")                   # breaks the run
    for year in range(2020, 2025):
        assess(who, year, "good")
    result = run(who, "BK_TTG")
    assert_verdict(result, N, ("0 times",))
    assert any("2020, 2021, 2022, 2023, 2024" in r.text for r in result.reasons
               if r.outcome == Outcome.MET), explain(result)
    awards(who, "CSTDCS", 2021, 2022, 2024)
    assert_verdict(run(who, "BK_TTG"), E, ("3 times",))


def test_an_ineligible_nominee_takes_no_place_in_the_quota():
    org = unit()
    members(org, "LDTT", QUOTA_YEAR, 10)             # 15 % of 10 → 1 place
    ineligible = person(org)
    assess(ineligible, QUOTA_YEAR, "completed")      # not even Lao động tiên tiến
    eligible = cstdcs_nominee(org)
    checked = run_list([Request(candidate(ineligible), "CSTDCS", QUOTA_YEAR),
                        Request(candidate(eligible), "CSTDCS", QUOTA_YEAR)], on=QUOTA_ON)
    assert checked.results[0].verdict == N
    assert_verdict(checked.results[1], E, ("at most 1",))
    assert checked.quotas[0]["used"] == 1


@pytest.mark.parametrize("end, verdict", [
    pytest.param(D(2025, 9, 30), N, id="measure-still-in-force-on-the-day"),
    pytest.param(D(2025, 7, 31), E, id="measure-ended-before-the-day"),
])
def test_a_measure_in_force_on_the_day_blocks_earlier_achievements(end, verdict):
    who = person()
    assess(who, Y, "good")
    discipline(who, D(2025, 3, 1), end, level=REPRIMAND)   # decided after the 2024 achievements
    result = run(who, "LDTT")
    if verdict == N:
        assert_verdict(result, N, ("01/08/2025",))
    else:
        assert_verdict(result, E)
