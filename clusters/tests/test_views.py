import pytest

from clusters.models import Organization
from clusters.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_organization_list_pages_keep_the_vietnamese_order(world, client):
    for i in range(60):
        OrganizationFactory(parent=world.hanoi, name=f"Hợp tác xã Đồng {i:02d}")
    client.force_login(world.users.staff)
    expected = list(Organization.objects.filter(path__startswith=world.hanoi.path)
                    .order_by("sort_key", "id").values_list("name", flat=True))

    first = client.get("/don-vi/").context["page"]
    second = client.get("/don-vi/?page=2").context["page"]

    assert first.paginator.count == 62
    assert [o.name for o in first.object_list] + [o.name for o in second.object_list] == expected


def test_organization_list_filters_by_parent_kind_and_search(world, client):
    child = OrganizationFactory(parent=world.coop_hanoi, kind=Organization.Kind.COOP_GROUP,
                                name="Tổ hợp tác Mây tre đan")
    client.force_login(world.users.staff)

    by_parent = client.get(f"/don-vi/?parent={world.coop_hanoi.pk}").context["page"]
    by_kind = client.get("/don-vi/?kind=coop_group").context["page"]
    by_text = client.get("/don-vi/?q=MAY TRE").context["page"]
    outside = client.get(f"/don-vi/?parent={world.hue.pk}").context["page"]

    assert list(by_parent.object_list) == [child]
    assert list(by_kind.object_list) == [child]
    assert list(by_text.object_list) == [child]
    assert list(outside.object_list) == []
