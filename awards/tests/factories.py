"""Factories for the award catalogue and rule sets. The 16 award types and the three rule sets
from 2017 come from a data migration; factories add rows that never collide with them (codes
prefixed TEST_, rule sets in the 1990s)."""

import datetime
import itertools

import factory

from awards import services
from awards.models import AwardType, RuleParameter, RuleSet

_seq = itertools.count(1)


class AwardTypeFactory(factory.Factory):
    class Meta:
        model = AwardType

    code = factory.LazyFunction(lambda: f"TEST_{next(_seq)}")
    name = factory.LazyAttribute(lambda o: f"Danh hiệu thử nghiệm {o.code}")
    category = AwardType.Category.COMMENDATION
    recipient_kind = AwardType.RecipientKind.BOTH
    granting_level = AwardType.GrantingLevel.UNIT_HEAD
    council_vote_required = False
    secret_ballot = False
    display_order = 500

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.award_type_create(**kwargs)


_years = itertools.count(1950)


class RuleSetFactory(factory.Factory):
    """A closed one-year rule set long before the seeded ones, unless dates are given."""

    class Meta:
        model = RuleSet

    name = factory.LazyAttribute(lambda o: f"Quy định thử nghiệm từ {o.valid_from:%d/%m/%Y}")
    valid_from = factory.LazyFunction(lambda: datetime.date(next(_years), 1, 1))
    valid_to = factory.LazyAttribute(lambda o: o.valid_from.replace(month=12, day=31))
    legal_basis = "Văn bản thử nghiệm."
    note = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        services.rule_set_check_period(valid_from=kwargs["valid_from"], valid_to=kwargs["valid_to"])
        return RuleSet.objects.create(**kwargs)


class RuleParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleParameter

    rule_set = factory.SubFactory(RuleSetFactory)
    key = factory.LazyFunction(lambda: f"test_parameter_{next(_seq)}")
    label = factory.LazyAttribute(lambda o: f"Tham số thử nghiệm {o.key}")
    kind = RuleParameter.Kind.INTEGER
    value = "3"
    verified = False


def current_rule_set() -> RuleSet:
    return RuleSet.objects.get(valid_from=datetime.date(2025, 7, 1))


_decisions = itertools.count(1)


def award_record(*, code="LDTT", year=2024, person=None, organization=None, collective_name="",
                 decision_number=None, decision_date=None, **kwargs):
    """An award record through the service, with a fresh decision number unless given."""
    from awards.models import AwardType as _AwardType

    return services.award_record_create(
        award_type=_AwardType.objects.get(code=code), achievement_year=year,
        decision_number=decision_number or f"{next(_decisions)}/QĐ-TEST",
        decision_date=decision_date or datetime.date(year + 1, 1, 15),
        person=person, organization=organization, collective_name=collective_name, **kwargs)
