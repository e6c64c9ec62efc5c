"""Small builders for the emulation tests (through the services, like the pages)."""

import datetime

from awards.models import AwardType
from clusters.tests.factories import PersonFactory
from emulation import services
from emulation.models import LegalDocument, Movement

D = datetime.date


def award(code):
    return AwardType.objects.get(code=code)


def doc(number):
    return LegalDocument.objects.get(number=number)


def movement(world, *, by=None, **data):
    data.setdefault("name", "Phong trào thi đua thử")
    data.setdefault("level", Movement.Level.ALLIANCE)
    data.setdefault("kind", Movement.Kind.REGULAR)
    data.setdefault("start_date", D(2026, 1, 1))
    if data["level"] == Movement.Level.ALLIANCE:
        data.setdefault("organization", world.central)
    return services.movement_create(by=by or world.users.admin, **data)


def hanoi_call(world, *, year=2026, deadline=D(2026, 3, 31)):
    """The Hà Nội alliance's call, answered by its cooperatives."""
    return services.call_create(organizer=world.hanoi, year=year, deadline=deadline,
                                by=world.users.province_admin)


def central_call(world, *, year=2026, deadline=D(2026, 3, 31)):
    return services.call_create(organizer=world.central, year=year, deadline=deadline,
                                by=world.users.admin)


def hanoi_registration(world, call=None, *, with_person=True):
    """The Hà Nội alliance's registration to the Alliance's call, with a collective line and
    (unless told) one person."""
    call = call or central_call(world)
    registration = services.registration_create(call=call, organization=world.hanoi,
                                                by=world.users.staff)
    services.entry_add_collective(registration=registration, award_type=award("TTLDXS"),
                                  by=world.users.staff)
    if with_person:
        services.entry_add_person(registration=registration, award_type=award("LDTT"),
                                  person=PersonFactory(organization=world.hanoi),
                                  by=world.users.staff)
    return registration


# --- shared with tests/test_cross_province.py and tests/test_query_counts.py --------------------


def cross_province_objects(world) -> dict:
    """For each URL name of the emulation pages, the kwargs naming an object of Hà Nội: the
    Hà Nội alliance's movement, its call, a cooperative's registration and one of its lines."""
    from emulation.models import Movement, RegistrationCall

    m = Movement.objects.filter(name="Phong trào Hà Nội (chéo tỉnh)").first() or movement(
        world, by=world.users.province_admin, name="Phong trào Hà Nội (chéo tỉnh)",
        level=Movement.Level.PROVINCIAL, organization=world.hanoi)
    call = RegistrationCall.objects.filter(organizer=world.hanoi, year=2026).first() or (
        hanoi_call(world))
    registration = call.registrations.first() or services.registration_create(
        call=call, organization=world.coop_hanoi, by=world.users.province_admin)
    entry = registration.entries.first() or services.entry_add_collective(
        registration=registration, award_type=award("TTLDTT"), by=world.users.province_admin)
    pk = {"pk": registration.pk}
    return {
        "emulation:movement_detail": {"pk": m.pk}, "emulation:movement_edit": {"pk": m.pk},
        "emulation:call_detail": {"pk": call.pk}, "emulation:call_edit": {"pk": call.pk},
        "emulation:registration_detail": pk, "emulation:registration_person_add": pk,
        "emulation:registration_collective_add": pk, "emulation:registration_movements": pk,
        "emulation:registration_submit": pk, "emulation:registration_people": pk,
        "emulation:registration_entry_remove": {"pk": registration.pk, "entry_id": entry.pk},
    }


def make_movements(world, n):
    for i in range(n):
        movement(world, name=f"Phong trào {i}", document=doc("91/2017/NĐ-CP"),
                 start_date=D(2025, 1, 1) + datetime.timedelta(days=i))


def _dashboard_call(world):
    from emulation.models import RegistrationCall

    return (RegistrationCall.objects.filter(organizer=world.hanoi, year=2030).first()
            or hanoi_call(world, year=2030, deadline=D(2030, 1, 31)))


def make_dashboard_units(world, n):
    """Cooperatives of Hà Nội, every other one registered (sent, half of them late)."""
    from clusters.tests.factories import OrganizationFactory

    call = _dashboard_call(world)
    for i in range(n):
        coop = OrganizationFactory(parent=world.hanoi)
        if i % 2:
            registration = services.registration_create(call=call, organization=coop,
                                                        by=world.users.province_admin)
            services.entry_add_collective(registration=registration, award_type=award("TTLDTT"),
                                          by=world.users.province_admin)
            services.registration_submit(registration=registration, by=world.users.province_admin)


def dashboard_url(world):
    return f"/thi-dua/dot-dang-ky/{_dashboard_call(world).pk}/"


def _big_registration(world):
    from emulation.models import Registration

    found = Registration.objects.filter(organization=world.hanoi, year=2031).first()
    if found is None:
        call = central_call(world, year=2031, deadline=D(2031, 3, 31))
        found = services.registration_create(call=call, organization=world.hanoi,
                                             by=world.users.staff)
    return found


def make_registration_lines(world, n):
    registration = _big_registration(world)
    for i in range(n):
        services.entry_add_person(registration=registration, award_type=award("LDTT"),
                                  person=PersonFactory(organization=world.hanoi),
                                  by=world.users.staff)
    old = movement(world, name=f"Phong trào đã hết {registration.movements.count()}",
                   start_date=D(2020, 1, 1), end_date=D(2025, 12, 31))
    registration.movements.add(old)


def registration_url(world):
    return f"/thi-dua/dang-ky/{_big_registration(world).pk}/"


def make_registrations(world, n):
    from clusters.tests.factories import OrganizationFactory

    call = _dashboard_call(world)
    old = movement(world, name="Phong trào cũ", start_date=D(2020, 1, 1), end_date=D(2025, 1, 1))
    for _ in range(n):
        coop = OrganizationFactory(parent=world.hanoi)
        registration = services.registration_create(call=call, organization=coop,
                                                    by=world.users.province_admin)
        registration.movements.add(old)
