"""Factories that build rows through the services, so paths, sort keys and name history are
always what the application itself would write."""

import itertools
import random

import factory

from clusters import services
from clusters.models import EmulationGroup, Organization, Person, Province
from clusters.text import fold
from clusters.validators import tax_code_check_digit

_seq = itertools.count(1)
_rng = random.Random(7)


def valid_tax_code() -> str:
    while True:
        first = f"01{_rng.randrange(10**7):07d}"
        digit = tax_code_check_digit(first)
        if digit is not None:
            return f"{first}{digit}"


def province(name="Hà Nội") -> Province:
    # Provinces come from a data migration; tests on a flushed (transactional) database
    # create the few they need.
    found = Province.objects.filter(name=name).first()
    if found is None:
        found = Province.objects.create(code=fold(name).replace(" ", "-"), name=name)
    return found


def central() -> Organization:
    org = Organization.objects.filter(kind=Organization.Kind.VCA_CENTRAL).first()
    return org or services.organization_create(
        code="LMHTXVN", kind=Organization.Kind.VCA_CENTRAL, name="Liên minh Hợp tác xã Việt Nam",
        short_name="Liên minh HTX Việt Nam",
    )


class OrganizationFactory(factory.Factory):
    class Meta:
        model = Organization

    code = factory.LazyFunction(lambda: f"DV{next(_seq):05d}")
    kind = Organization.Kind.COOPERATIVE
    name = factory.LazyAttribute(lambda o: f"Hợp tác xã Thử nghiệm {o.code}")
    short_name = ""
    parent = None
    province = None
    tax_code = factory.LazyAttribute(
        lambda o: valid_tax_code()
        if o.kind in (Organization.Kind.COOPERATIVE, Organization.Kind.COOP_UNION) else ""
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("parent") is None and kwargs["kind"] != Organization.Kind.VCA_CENTRAL:
            kwargs["parent"] = central()
        if kwargs.get("province") is None and kwargs["parent"] is not None:
            kwargs["province"] = kwargs["parent"].province
        return services.organization_create(**kwargs)

    _build = _create


def alliance(province_name="Hà Nội", code=None) -> Organization:
    return OrganizationFactory(
        kind=Organization.Kind.PROVINCIAL_ALLIANCE, code=code or f"LM-{next(_seq):04d}",
        name=f"Liên minh Hợp tác xã {province_name}", short_name=f"LMHTX {province_name}",
        parent=central(), province=province(province_name),
    )


def department(code=None, name="Văn phòng") -> Organization:
    return OrganizationFactory(kind=Organization.Kind.DEPARTMENT, code=code or f"BAN{next(_seq):03d}",
                               name=name, parent=central())


class PersonFactory(factory.Factory):
    class Meta:
        model = Person

    full_name = factory.Iterator(["Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Cường", "Phạm Thu Dung"])
    gender = ""
    birth_year = factory.Sequence(lambda n: 1970 + n % 30)
    position = "Chuyên viên"
    organization = factory.LazyFunction(lambda: OrganizationFactory())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.person_create(**kwargs)

    _build = _create


class GroupFactory(factory.Factory):
    class Meta:
        model = EmulationGroup

    code = factory.LazyFunction(lambda: f"CUM{next(_seq):04d}")
    name = factory.LazyAttribute(lambda o: f"Cụm thi đua {o.code}")
    kind = EmulationGroup.Kind.CLUSTER
    organizer = factory.LazyFunction(central)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.group_create(**kwargs)

    _build = _create
