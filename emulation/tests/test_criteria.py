"""Criteria tables of a group's year: sections and criteria, copying from the previous year,
the totals, the lock set by a scoring round, who edits and who sees (issue 6 part 5)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emulation import services_groups as services
from emulation.models import CriteriaSection, CriteriaTable, Criterion
from emulation.tests.test_pledges import cluster, last_year_member, member_user, pledge, vi

pytestmark = pytest.mark.django_db
LOCKED = ("The criteria table is locked: a scoring round has been opened on it, so it can no "
          "longer be changed.")


def table(world, year=2026) -> CriteriaTable:
    group = cluster(world)
    found = CriteriaTable.objects.filter(group=group, year=year).first()
    if found is not None:
        return found
    by = world.users.staff if year == 2026 else world.users.admin
    found = services.criteria_table_create(group=group, year=year, title=f"Bảng {year}", by=by)
    section = services.section_add(table=found, code="I", title="Công tác thi đua", by=by)
    services.criterion_add(section=section, by=by, code="1", text="Phát động phong trào",
                           kind="standard", max_points="10", evidence_required=True)
    services.criterion_add(section=section, by=by, code="2", text="Báo cáo đúng hạn",
                           kind="standard", max_points="7,5")
    extra = services.section_add(table=found, code="II", title="Thưởng và trừ", by=by)
    services.criterion_add(section=extra, by=by, text="Sáng kiến", kind="bonus",
                           max_points="5", evidence_required=True)
    services.criterion_add(section=extra, by=by, text="Báo cáo chậm", kind="penalty",
                           max_points="3")
    return found


def cross_province_objects(world) -> dict:
    t = table(world)
    table(world, 2025)
    section = t.sections.order_by("position").first()
    criterion = section.criteria.first()
    s = {"pk": t.pk, "section_id": section.pk}
    c = {"pk": t.pk, "criterion_id": criterion.pk}
    year = {"group_pk": t.group_id, "year": 2026}
    return {
        "emulation:group_criteria": year, "emulation:criteria_table_create": year,
        "emulation:criteria_table_copy": year,
        "emulation:criteria_table_detail": {"pk": t.pk},
        "emulation:criteria_table_edit": {"pk": t.pk}, "emulation:section_add": {"pk": t.pk},
        "emulation:section_edit": s, "emulation:section_remove": s, "emulation:section_up": s,
        "emulation:section_down": s, "emulation:criterion_add": s,
        "emulation:criterion_edit": c, "emulation:criterion_remove": c,
        "emulation:criterion_up": c, "emulation:criterion_down": c,
    }


def make_criteria(world, n):
    t = table(world)
    section = t.sections.order_by("position").first()
    for i in range(n):
        services.criterion_add(section=section, by=world.users.staff, text=f"Tiêu chí {i}",
                               kind=["standard", "bonus", "penalty"][i % 3], max_points="1",
                               evidence_required=bool(i % 2))


def table_url(world):
    return reverse("emulation:criteria_table_detail", args=[table(world).pk])


def _snapshot(t):
    return list(Criterion.objects.filter(section__table=t).order_by("pk").values_list(
        "text", "max_points", "position", "kind")) + list(
        t.sections.order_by("pk").values_list("title", "position"))


# --- permissions -------------------------------------------------------------------------------


def test_leader_unit_edits_member_views(world, client):
    t = table(world)
    client.force_login(world.users.staff)
    editor = client.get(t.get_absolute_url()).content.decode()
    client.force_login(member_user(world))
    viewer = client.get(t.get_absolute_url())

    assert reverse("emulation:section_add", args=[t.pk]) in editor
    assert viewer.status_code == 200
    assert reverse("emulation:section_add", args=[t.pk]) not in viewer.content.decode()
    assert client.post(reverse("emulation:section_add", args=[t.pk]),
                       {"title": "Mới"}).status_code == 403
    assert t.sections.count() == 2


@pytest.mark.parametrize("who", ["outsider", "last_year_member"])
def test_table_is_404_outside_the_group_year(world, client, who):
    t = table(world)
    client.force_login({"outsider": world.users.outsider,
                        "last_year_member": last_year_member(world)}[who])

    statuses = [client.get(t.get_absolute_url()).status_code,
                client.get(reverse("emulation:group_criteria", args=[t.group_id, 2026]))
                .status_code,
                client.post(reverse("emulation:section_add", args=[t.pk]),
                            {"title": "x"}).status_code]

    assert statuses == [404, 404, 404]
    assert t.sections.count() == 2


def test_last_year_member_sees_last_years_table(world, client):
    old = table(world, 2025)
    client.force_login(last_year_member(world))

    assert client.get(old.get_absolute_url()).status_code == 200


# --- the page ----------------------------------------------------------------------------------


def test_totals_keep_bonus_and_penalty_apart(world, client):
    t = table(world)
    client.force_login(member_user(world))

    response = client.get(t.get_absolute_url())

    assert response.context["total"] == Decimal("17.50")
    assert response.context["bonus_total"] == Decimal("5.00")
    assert response.context["penalty_total"] == Decimal("3.00")
    assert "17,5" in response.content.decode()


def test_table_page_queries_do_not_grow(world, client):
    client.force_login(world.users.staff)
    url = table_url(world)
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    make_criteria(world, 18)
    with CaptureQueriesContext(connection) as twenty:
        client.get(url)

    assert len(two) == len(twenty)


# --- forms -------------------------------------------------------------------------------------


def test_criterion_accepts_decimal_comma(world, client):
    t = table(world)
    section = t.sections.order_by("position").first()
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:criterion_add", args=[t.pk, section.pk]), {
        "text": "Tiêu chí mới", "kind": "standard", "max_points": "2,5",
        "evidence_required": "on"})

    created = section.criteria.order_by("-position").first()
    assert response.status_code == 302
    assert (created.text, created.max_points, created.evidence_required) == (
        "Tiêu chí mới", Decimal("2.50"), True)


@pytest.mark.parametrize("data, expected", [
    ({"text": "", "kind": "standard", "max_points": "1"}, vi("Please fill in this field.")),
    ({"text": "A", "kind": "standard", "max_points": ""}, vi("Please fill in this field.")),
    ({"text": "A", "kind": "standard", "max_points": "-2"}, vi("The points cannot be negative.")),
    ({"text": "A", "kind": "standard", "max_points": "99999"},
     vi("At most %(max)s points.", max=1000)),
    ({"text": "A", "kind": "standard", "max_points": "abc"}, "2,5"),
    ({"text": "A", "kind": "secret", "max_points": "1"},
     vi("Choose one of the options in the list.")),
    ({"text": "x" * 2001, "kind": "standard", "max_points": "1"},
     vi("At most %(limit_value)d characters (now %(show_value)d).", limit_value=2000,
        show_value=2001)),
    ({"text": "A\x07", "kind": "standard", "max_points": "1"},
     vi("The text contains control characters.")),
    ({"code": "12345678901", "text": "A", "kind": "standard", "max_points": "1"},
     vi("At most %(limit_value)d characters (now %(show_value)d).", limit_value=10,
        show_value=11)),
])
def test_criterion_form_refuses_bad_input(world, client, data, expected):
    t = table(world)
    section = t.sections.order_by("position").first()
    before = _snapshot(t)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:criterion_add", args=[t.pk, section.pk]), data)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert _snapshot(t) == before


@pytest.mark.parametrize("data, expected", [
    ({"title": ""}, vi("Please fill in this field.")),
    ({"title": "x" * 501}, vi("At most %(limit_value)d characters (now %(show_value)d).",
                              limit_value=500, show_value=501)),
])
def test_section_form_refuses_bad_input(world, client, data, expected):
    t = table(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:section_add", args=[t.pk]), data)

    assert expected in response.content.decode()
    assert t.sections.count() == 2


def test_hostile_text_is_escaped(world, client):
    t = table(world)
    client.force_login(world.users.staff)

    client.post(reverse("emulation:section_add", args=[t.pk]),
                {"title": "<img src=x onerror=alert(1)>"})

    assert "<img src=x" not in client.get(t.get_absolute_url()).content.decode()


def test_reorder_and_remove(world, client):
    t = table(world)
    first, second = t.sections.order_by("position")
    c1, c2 = first.criteria.order_by("position")
    client.force_login(world.users.staff)

    client.post(reverse("emulation:section_up", args=[t.pk, second.pk]))
    client.post(reverse("emulation:criterion_down", args=[t.pk, c1.pk]))
    client.post(reverse("emulation:criterion_remove", args=[t.pk, c2.pk]))

    assert list(t.sections.order_by("position")) == [second, first]
    assert list(first.criteria.order_by("position")) == [c1]


# --- copy and lock -----------------------------------------------------------------------------


def test_copy_from_the_previous_year(world, client):
    old = table(world, 2025)
    p = pledge(world)
    services.pledge_targets_to_criteria(pledge=p, by=world.users.staff)
    CriteriaTable.objects.filter(group=p.group, year=2026).delete()
    Criterion.objects.filter(section__table=old).update(pledge_target=p.targets.first())
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:criteria_table_copy", args=[old.group_id, 2026]))

    new = CriteriaTable.objects.get(group=old.group, year=2026)
    assert response.status_code == 302 and new.copied_from == old
    copied = list(Criterion.objects.filter(section__table=new).order_by(
        "section__position", "position").values_list(
        "section__title", "text", "kind", "max_points", "evidence_required"))
    original = list(Criterion.objects.filter(section__table=old).order_by(
        "section__position", "position").values_list(
        "section__title", "text", "kind", "max_points", "evidence_required"))
    assert copied == original and len(copied) == 4
    assert not Criterion.objects.filter(section__table=new, pledge_target__isnull=False).exists()


def test_copy_refuses_when_the_year_has_a_table(world):
    old = table(world, 2025)
    table(world)

    with pytest.raises(ValidationError):
        services.criteria_table_copy(source=old, group=old.group, year=2026,
                                     by=world.users.staff)

    assert CriteriaTable.objects.count() == 2


def test_locked_table_refuses_every_edit_and_changes_nothing(world, client):
    t = table(world)
    CriteriaTable.objects.filter(pk=t.pk).update(locked=True)
    t.refresh_from_db()
    section = t.sections.order_by("position").first()
    criterion = section.criteria.first()
    before = _snapshot(t)
    client.force_login(world.users.staff)

    posts = [
        (reverse("emulation:section_add", args=[t.pk]), {"title": "Mới"}),
        (reverse("emulation:section_edit", args=[t.pk, section.pk]), {"title": "Đổi"}),
        (reverse("emulation:criterion_add", args=[t.pk, section.pk]),
         {"text": "Mới", "kind": "standard", "max_points": "1"}),
        (reverse("emulation:criterion_edit", args=[t.pk, criterion.pk]),
         {"text": "Đổi", "kind": "standard", "max_points": "99"}),
        (reverse("emulation:criteria_table_edit", args=[t.pk]), {"title": "Đổi"}),
    ]
    pages = [client.post(url, data).content.decode() for url, data in posts]
    client.post(reverse("emulation:criterion_remove", args=[t.pk, criterion.pk]))
    client.post(reverse("emulation:section_remove", args=[t.pk, section.pk]))
    client.post(reverse("emulation:criterion_down", args=[t.pk, criterion.pk]))

    assert all(vi(LOCKED) in page for page in pages)
    assert _snapshot(t) == before
    assert CriteriaTable.objects.get(pk=t.pk).title == "Bảng 2026"
    with pytest.raises(ValidationError, match=vi(LOCKED)[:15]):
        services.section_remove(section=section, by=world.users.admin)


def test_member_cannot_create_a_table(world):
    group = cluster(world)

    with pytest.raises(PermissionDenied):
        services.criteria_table_create(group=group, year=2026, title="x",
                                       by=member_user(world))

    assert not CriteriaSection.objects.exists()
