from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.scoping import can_see_organization, visible_organizations
from clusters import services
from clusters.models import EmulationGroup, GroupMembership, Organization, OrganizationName
from clusters.tests.factories import GroupFactory, OrganizationFactory, PersonFactory, alliance

pytestmark = pytest.mark.django_db


def test_create_sets_the_materialised_path_under_the_parent(world):
    assert world.coop_hanoi.path == f"{world.hanoi.path}{world.coop_hanoi.pk}/"
    assert world.hanoi.path == f"/{world.central.pk}/{world.hanoi.pk}/"


def test_moving_an_organization_rewrites_its_subtree_paths(world):
    child = OrganizationFactory(parent=world.coop_hanoi, kind=Organization.Kind.COOP_GROUP)

    services.organization_update(organization=world.coop_hanoi, parent=world.hue)

    child.refresh_from_db()
    assert child.path == f"{world.hue.path}{world.coop_hanoi.pk}/{child.pk}/"


def test_an_organization_cannot_be_moved_under_its_own_descendant(world):
    with pytest.raises(ValidationError) as error:
        services.organization_update(organization=world.hanoi, parent=world.coop_hanoi)

    assert "cấp dưới" in str(error.value)
    world.hanoi.refresh_from_db()
    assert world.hanoi.parent == world.central


def test_rename_keeps_the_former_name_in_history(world):
    services.organization_rename(organization=world.hue, name="Liên minh Hợp tác xã thành phố Huế",
                                 short_name="LMHTX Huế", on_date=date(2025, 1, 1))

    names = list(OrganizationName.objects.filter(organization=world.hue).order_by("id")
                 .values_list("name", "valid_to", "valid_from"))
    assert names == [
        ("Liên minh Hợp tác xã Huế", date(2024, 12, 31), None),
        ("Liên minh Hợp tác xã thành phố Huế", None, date(2025, 1, 1)),
    ]
    world.hue.refresh_from_db()
    assert world.hue.name == "Liên minh Hợp tác xã thành phố Huế"
    assert services.organization_name_on(world.hue, date(2024, 6, 1)) == "Liên minh Hợp tác xã Huế"


def test_merge_keeps_both_ids_and_histories_and_shows_the_absorbed_under_its_successor(world):
    absorbed = alliance("Hà Tĩnh", code="LM-HA-TINH")
    coop = OrganizationFactory(parent=absorbed, code="HTX-HT-1")
    group = GroupFactory()
    services.group_set_year(group=group, year=2024, members=[absorbed, world.hanoi],
                            leader=absorbed, deputy=None)
    successor_history = world.hanoi.history.count()

    services.organization_merge(absorbed=absorbed, into=world.hanoi, on_date=date(2025, 7, 1))

    absorbed.refresh_from_db()
    coop.refresh_from_db()
    assert absorbed.merged_into == world.hanoi
    assert absorbed.merged_on == date(2025, 7, 1)
    assert absorbed.active_to == date(2025, 6, 30)
    assert absorbed.parent == world.hanoi and absorbed.path.startswith(world.hanoi.path)
    assert coop.parent == world.hanoi and coop.province == world.hanoi.province
    # The absorbed unit's own history is all still there: its names and its 2024 leadership.
    assert absorbed.names.get().valid_to == date(2025, 6, 30)
    assert GroupMembership.objects.filter(organization=absorbed, year=2024).exists()
    assert group.leaderships.get(year=2024).organization == absorbed
    assert absorbed.history.count() > 1
    # The successor keeps its own id and history (the merge only adds to it).
    assert world.hanoi.history.count() >= successor_history
    assert Organization.objects.get(pk=world.hanoi.pk).merged_into is None


def test_after_a_merge_the_successors_users_see_the_absorbed_unit(world):
    absorbed = alliance("Hà Tĩnh", code="LM-HA-TINH")

    services.organization_merge(absorbed=absorbed, into=world.hanoi, on_date=date(2025, 7, 1))

    absorbed.refresh_from_db()
    assert can_see_organization(world.users.staff, absorbed)
    assert not can_see_organization(world.users.outsider, absorbed)
    assert absorbed in visible_organizations(world.users.staff)


@pytest.mark.parametrize("case", ["self", "twice", "into_descendant"])
def test_merge_refuses_impossible_merges(world, case):
    other = alliance("Hà Tĩnh", code="LM-HA-TINH")
    if case == "twice":
        services.organization_merge(absorbed=other, into=world.hanoi, on_date=date(2025, 7, 1))
    absorbed, into = {
        "self": (world.hue, world.hue),
        "twice": (other, world.hue),
        "into_descendant": (world.hanoi, world.coop_hanoi),
    }[case]
    before = Organization.objects.get(pk=absorbed.pk).merged_into_id

    with pytest.raises(ValidationError):
        services.organization_merge(absorbed=absorbed, into=into, on_date=date(2025, 7, 1))

    assert Organization.objects.get(pk=absorbed.pk).merged_into_id == before


def test_group_year_requires_leaders_among_the_members(world):
    group = GroupFactory()

    with pytest.raises(ValidationError) as error:
        services.group_set_year(group=group, year=2026, members=[world.hanoi], leader=world.hue,
                                deputy=None)

    assert "leader" in error.value.error_dict
    assert not group.memberships.exists()


def test_an_organization_is_in_one_cluster_of_an_organizer_per_year(world):
    first, second = GroupFactory(), GroupFactory()
    services.group_set_year(group=first, year=2026, members=[world.hanoi], leader=None, deputy=None)

    with pytest.raises(ValidationError) as error:
        services.group_set_year(group=second, year=2026, members=[world.hanoi], leader=None,
                                deputy=None)

    assert "đã là thành viên" in str(error.value)
    assert not second.memberships.exists()


def test_copy_year_skips_merged_units_and_does_not_copy_leaders(world):
    absorbed = alliance("Hà Tĩnh", code="LM-HA-TINH")
    group = GroupFactory()
    services.group_set_year(group=group, year=2025, members=[absorbed, world.hanoi, world.hue],
                            leader=world.hanoi, deputy=world.hue)
    services.organization_merge(absorbed=absorbed, into=world.hanoi, on_date=date(2025, 7, 1))

    created = services.groups_copy_year(organizer=world.central, from_year=2025, to_year=2026)

    assert created == 2
    assert set(group.memberships.filter(year=2026).values_list("organization", flat=True)) == {
        world.hanoi.pk, world.hue.pk}
    assert not group.leaderships.filter(year=2026).exists()
    with pytest.raises(ValidationError):
        services.groups_copy_year(organizer=world.central, from_year=2025, to_year=2026)


def test_person_move_records_the_history(world):
    person = PersonFactory(organization=world.coop_hanoi, position="Giám đốc")

    services.person_move(person=person, to_organization=world.hanoi, moved_on=date(2026, 3, 1),
                         position="Chuyên viên")

    person.refresh_from_db()
    move = person.moves.get()
    assert (move.from_organization, move.to_organization, move.from_position, move.to_position) == (
        world.coop_hanoi, world.hanoi, "Giám đốc", "Chuyên viên")
    assert person.organization == world.hanoi and person.position == "Chuyên viên"


def test_possible_duplicates_ignore_case_and_diacritics(world):
    PersonFactory(full_name="Nguyễn Thị Hoà", birth_year=1980, organization=world.hanoi)

    found = services.person_possible_duplicates(full_name="nguyen thi hòa", birth_year=1980,
                                                organization=world.hanoi)

    assert found.count() == 1


def test_emulation_group_titles_follow_the_kind(world):
    cluster = GroupFactory(kind=EmulationGroup.Kind.CLUSTER)
    bloc = GroupFactory(kind=EmulationGroup.Kind.BLOC)

    assert (str(cluster.leader_title), str(cluster.deputy_title)) == ("Cụm trưởng", "Cụm phó")
    assert (str(bloc.leader_title), str(bloc.deputy_title)) == ("Khối trưởng", "Khối phó")


def test_a_member_sees_the_whole_membership_of_its_cluster(world):
    from clusters.selectors import groups_of_year

    group = GroupFactory()
    services.group_set_year(group=group, year=2026, members=[world.hanoi, world.hue],
                            leader=world.hue, deputy=world.hanoi)

    (seen,) = groups_of_year(world.users.staff, 2026)

    assert seen == group
    assert seen.member_count == 2
    assert [m.organization for m in seen.year_members] == [world.hanoi, world.hue]
    assert (seen.leader, seen.deputy) == (world.hue, world.hanoi)


def test_group_history_shows_each_years_name(world):
    from clusters.selectors import group_history

    group = GroupFactory()
    for year in (2024, 2025):
        services.group_set_year(group=group, year=year, members=[world.hue], leader=world.hue,
                                deputy=None)
    services.organization_rename(organization=world.hue, name="Liên minh HTX thành phố Huế",
                                 short_name="", on_date=date(2025, 1, 1))

    rows = {row["year"]: row for row in group_history(group)}

    assert rows[2024]["leader"].name_then == "Liên minh Hợp tác xã Huế"
    assert rows[2025]["members"][0].name_then == "Liên minh HTX thành phố Huế"


def test_the_creation_audit_row_has_the_real_path(world):
    created = world.coop_hanoi.history.get(history_type="+")

    assert created.path == world.coop_hanoi.path != "/"
