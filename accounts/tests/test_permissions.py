"""Each permission predicate over every role (architecture §8)."""

import pytest

from accounts import permissions as account_permissions
from accounts.scoping import active_role, can_see_organization, sees_everything, visible_organizations
from accounts.tests.factories import user_with_role
from clusters import permissions, services
from clusters.models import Organization
from clusters.tests.factories import GroupFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

CENTRAL_ALL = ["admin", "appraiser", "council", "leadership"]
LOCAL = ["province_admin", "staff", "head", "group_leader"]
ALL_ROLES = CENTRAL_ALL + ["office_staff"] + LOCAL + ["outsider", "no_role"]


def user(world, name):
    return getattr(world.users, name)


@pytest.mark.parametrize("name", ALL_ROLES)
def test_sees_everything_only_for_central_roles(world, name):
    assert sees_everything(user(world, name)) == (name in CENTRAL_ALL)


@pytest.mark.parametrize("name, expected", [
    *[(n, {"central", "tccb", "office", "hanoi", "hue", "coop_hanoi", "coop_hue"}) for n in CENTRAL_ALL],
    ("office_staff", {"office"}),
    *[(n, {"hanoi", "coop_hanoi"}) for n in LOCAL],
    ("outsider", {"hue", "coop_hue"}),
    ("no_role", set()),
])
def test_visible_organizations_follow_the_subtree_rule(world, name, expected):
    names = {"central", "tccb", "office", "hanoi", "hue", "coop_hanoi", "coop_hue"}
    by_pk = {getattr(world, n).pk: n for n in names}

    visible = {by_pk[pk] for pk in visible_organizations(user(world, name)).values_list("pk", flat=True)}

    assert visible == expected
    for n in names:
        assert can_see_organization(user(world, name), getattr(world, n)) == (n in expected)


@pytest.mark.parametrize("name, expected", [
    ("admin", True), ("province_admin", True), ("appraiser", False), ("council", False),
    ("leadership", False), ("office_staff", False), ("staff", False), ("head", False),
    ("group_leader", False), ("outsider", False), ("no_role", False),
])
def test_can_administer(world, name, expected):
    assert account_permissions.can_administer(user(world, name)) == expected
    assert permissions.can_import(user(world, name)) == expected


@pytest.mark.parametrize("name, expected", [("admin", True), ("province_admin", False),
                                            ("staff", False), ("leadership", False)])
def test_is_central_admin_and_django_admin_access(world, name, expected):
    assert account_permissions.is_central_admin(user(world, name)) == expected
    assert account_permissions.can_use_django_admin(user(world, name)) == expected


@pytest.mark.parametrize("name, target, expected", [
    ("admin", "hanoi", True), ("admin", "coop_hue", True),
    ("province_admin", "coop_hanoi", True), ("province_admin", "hanoi", False),
    ("province_admin", "coop_hue", False), ("staff", "coop_hanoi", False),
    ("head", "coop_hanoi", False), ("outsider", "coop_hanoi", False), ("no_role", "coop_hanoi", False),
])
def test_can_edit_organization(world, name, target, expected):
    assert permissions.can_edit_organization(user(world, name), getattr(world, target)) == expected


@pytest.mark.parametrize("name, parent, expected", [
    ("admin", None, True), ("admin", "hue", True), ("province_admin", "hanoi", True),
    ("province_admin", "hue", False), ("province_admin", None, False), ("staff", "hanoi", False),
])
def test_can_add_organization_under(world, name, parent, expected):
    target = getattr(world, parent) if parent else None
    assert permissions.can_add_organization_under(user(world, name), target) == expected


@pytest.mark.parametrize("name, expected", [
    ("admin", True), ("province_admin", True), ("staff", True), ("head", True),
    ("group_leader", False), ("appraiser", False), ("leadership", False), ("outsider", False),
    ("no_role", False),
])
def test_can_edit_person(world, name, expected):
    person = PersonFactory(organization=world.coop_hanoi)

    assert permissions.can_edit_person(user(world, name), person) == expected


@pytest.mark.parametrize("name, expected", [
    ("admin", True), ("staff", True), ("outsider", False), ("office_staff", False), ("no_role", False),
])
def test_can_view_person(world, name, expected):
    person = PersonFactory(organization=world.coop_hanoi)

    assert permissions.can_view_person(user(world, name), person) == expected


@pytest.mark.parametrize("name, expected", [
    ("admin", True), ("leadership", True), ("staff", True), ("outsider", True),
    ("office_staff", False), ("no_role", False),
])
def test_members_see_their_group_as_an_exception_to_the_subtree_rule(world, name, expected):
    group = GroupFactory()
    services.group_set_year(group=group, year=2026, members=[world.hanoi, world.hue],
                            leader=world.hanoi, deputy=world.hue)

    assert permissions.can_view_group(user(world, name), group) == expected
    assert permissions.can_view_group_year(user(world, name), group, 2026) == expected


def test_a_member_sees_only_the_years_it_was_a_member(world):
    group = GroupFactory()
    services.group_set_year(group=group, year=2025, members=[world.hanoi], leader=None, deputy=None)
    services.group_set_year(group=group, year=2026, members=[world.hanoi, world.hue], leader=None,
                            deputy=None)

    assert permissions.can_view_group_year(world.users.outsider, group, 2026)
    assert not permissions.can_view_group_year(world.users.outsider, group, 2025)


@pytest.mark.parametrize("name, expected", [
    ("admin", True), ("province_admin", True), ("staff", False), ("outsider", False),
])
def test_a_provincial_admin_manages_its_own_blocs_only(world, name, expected):
    assert permissions.can_manage_groups_of(user(world, name), world.hanoi) == expected
    assert permissions.can_manage_groups_of(user(world, name), world.central) == (name == "admin")


def test_active_role_follows_the_session_choice(world, client):
    staff_role = world.users.province_admin.role_assignments.get()
    second = user_with_role("unit_staff", world.hanoi)
    extra = second.role_assignments.get()
    from accounts.services import role_assign

    head_role = role_assign(user=second, role="unit_head", organization=world.coop_hanoi)
    client.force_login(second)

    client.post("/tai-khoan/vai-tro/", {"role": head_role.pk, "next": "/"})
    response = client.get("/")

    assert response.context["active_role"] == head_role
    assert active_role(world.users.province_admin) == staff_role
    assert extra != head_role


def test_switching_to_another_users_role_is_refused(world, client):
    client.force_login(world.users.staff)
    foreign = world.users.outsider.role_assignments.get()

    response = client.post("/tai-khoan/vai-tro/", {"role": foreign.pk})

    assert response.status_code == 404
    assert client.get("/").context["active_role"].organization == world.hanoi


def test_an_ended_role_grants_nothing(world):
    from datetime import date, timedelta

    from accounts.services import role_end

    staff = world.users.staff
    role_end(assignment=staff.role_assignments.get(), valid_to=date.today() - timedelta(days=1))
    staff = type(staff).objects.get(pk=staff.pk)

    assert active_role(staff) is None
    assert list(visible_organizations(staff)) == []
    assert not Organization.objects.filter(pk=world.hanoi.pk).filter(
        pk__in=visible_organizations(staff)).exists()


def test_cooperative_staff_do_not_see_their_parent_alliance(world):
    coop_staff = user_with_role("unit_staff", world.coop_hanoi)
    sibling = OrganizationFactory(parent=world.hanoi)

    assert can_see_organization(coop_staff, world.coop_hanoi)
    assert not can_see_organization(coop_staff, world.hanoi)
    assert not can_see_organization(coop_staff, sibling)
