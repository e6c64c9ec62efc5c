"""The audit trail's "every type" search (/tai-khoan/nhat-ky/) at a fixed cost: one UNION ALL over
the sixty history tables for the page's keys, then the page's rows, their previous versions and
the objects they name in a fixed number of queries, whatever the page size and however many
tables the page mixes (accounts/selectors_audit.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import selectors_audit
from accounts.models import RoleAssignment, User
from awards.models import AwardType, Council
from clusters.tests.factories import PersonFactory
from tests.test_audit_trail import audit_page, in_request, ip_client

pytestmark = pytest.mark.django_db

# Only the changes these tests make come from this address: "every type" filtered by it holds
# exactly them, beside the world's own history.
ADDRESS = "192.0.2.44"
# The page's ceiling: the request's own (session, user, roles, notification count) and the
# trail's (keys, rows with previous versions, objects named, objects those name).
MAX_QUERIES = 12


@pytest.fixture
def objects(world):
    """Objects of six audited tables, created outside any request (no address in their rows)."""
    people = [PersonFactory(organization=world.coop_hanoi, full_name=f"Người thứ {i}")
              for i in range(2)]
    council = Council.objects.create(organization=world.central, name="Hội đồng Thi đua")
    role = RoleAssignment.objects.filter(user=world.users.head).order_by("pk").first()
    return [*people, world.users.staff, council, world.coop_hue,
            AwardType.objects.get(code="LDTT"), role]


def touch(world, objects, n, start=0, when=None):
    """`n` changes from ADDRESS by the administrator, one history row each, cycling through the
    objects' tables; `when(i)` dates the i-th one (simple-history's _history_date)."""
    def work():
        for i in range(start, start + n):
            source = objects[i % len(objects)]
            obj = type(source)._base_manager.get(pk=source.pk)
            if isinstance(obj, Council):
                obj.name = f"Hội đồng Thi đua lần {i}"
            if when is not None:
                obj._history_date = when(i)
            obj.save()
    in_request(world.users.admin, work, address=ADDRESS)


def trail_keys():
    """Every history row from ADDRESS, newest first, read table by table (the oracle)."""
    keys = []
    for label, model in selectors_audit.audited_models().items():
        for history_id, when in model.history.filter(history_ip=ADDRESS).values_list(
                "history_id", "history_date"):
            keys.append((when, label, history_id))
    return sorted(keys, reverse=True)


def count_queries(client, **params):
    audit_page(client, **params)  # the first request of a session may do its own bookkeeping
    with CaptureQueriesContext(connection) as queries:
        page = audit_page(client, **params).context["page"]
    return len(queries), page


def test_every_type_costs_the_same_few_queries_for_2_and_20_rows(world, objects):
    client = ip_client(world.users.admin)
    touch(world, objects, 2)
    few, two = count_queries(client, ip=ADDRESS)
    touch(world, objects, 18, start=2)
    many, twenty = count_queries(client, ip=ADDRESS)

    assert len(two.rows) == 2 and len(twenty.rows) == 20
    assert len({r.model_label for r in two.rows}) == 1
    assert len({r.model_label for r in twenty.rows}) == len({type(o) for o in objects}) == 6
    print("\nQCOUNT every type, 2 rows:", few, "20 rows:", many)
    assert few == many
    assert many <= MAX_QUERIES


def test_a_full_page_of_every_type_stays_under_the_ceiling(world, objects):
    touch(world, objects, 30)
    client = ip_client(world.users.admin)

    queries, page = count_queries(client)

    assert len(page.rows) == selectors_audit.MAX_PAGE and page.next_cursor
    assert len({r.model_label for r in page.rows}) >= 6
    assert queries <= MAX_QUERIES


def test_every_type_shows_each_change_with_its_user_and_before_after(world, objects):
    touch(world, objects, len(objects))

    rows = audit_page(ip_client(world.users.admin), ip=ADDRESS).context["page"].rows

    council_row = next(r for r in rows if r.model_label == "awards.Council")
    assert council_row.user == world.users.admin and council_row.ip == ADDRESS
    assert [(c.before, c.after) for c in council_row.changes] == [
        ("Hội đồng Thi đua", "Hội đồng Thi đua lần 3")]
    assert {r.action for r in rows} == {"update"}


def test_across_types_rows_are_newest_first_and_pages_neither_skip_nor_repeat(world, objects):
    # 65 changes over six tables, seven at a time on the same instant: ties across tables and
    # a page boundary (50) inside a tie.
    moment = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    touch(world, objects, 65, when=lambda i: moment - datetime.timedelta(minutes=i // 7))
    client = ip_client(world.users.admin)

    first = audit_page(client, ip=ADDRESS).context["page"]
    second = audit_page(client, ip=ADDRESS, truoc=first.next_cursor).context["page"]

    shown = [(r.date, r.model_label, r.history_id) for r in first.rows + second.rows]
    assert (len(first.rows), len(second.rows), second.next_cursor) == (50, 15, "")
    assert shown == trail_keys()
    assert len({label for _when, label, _id in shown[45:56]}) > 1  # the boundary mixes tables


def test_small_pages_walk_every_type_without_gaps_or_repeats(world, objects):
    moment = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    touch(world, objects, 40, when=lambda i: moment - datetime.timedelta(seconds=i // 5))
    filters = selectors_audit.AuditFilters(ip=ADDRESS)

    walked, cursor = [], None
    for _page in range(20):
        page = selectors_audit.audit_search(filters, cursor=cursor, size=3)
        walked += [(r.date, r.model_label, r.history_id) for r in page.rows]
        if not page.next_cursor:
            break
        cursor = selectors_audit.parse_cursor(page.next_cursor)

    assert walked == trail_keys()
    assert len(walked) == 40


@pytest.mark.parametrize("params,keep", [
    ({"action": "~"}, lambda h: h.history_type == "~"),
    ({"user": "quantri"}, lambda h: h.history_user and h.history_user.username == "quantri"),
    ({"date_from": "01/03/2025", "date_to": "02/03/2025"},
     lambda h: datetime.date(2025, 3, 1) <= timezone.localdate(h.history_date)
     <= datetime.date(2025, 3, 2)),
])
def test_filters_apply_to_every_type(world, objects, params, keep):
    moment = timezone.make_aware(datetime.datetime(2025, 3, 2, 23, 30))
    touch(world, objects, 14, when=lambda i: moment - datetime.timedelta(hours=12 * i))
    in_request(world.users.staff, lambda: [o.save() for o in objects[:3]], address=ADDRESS)

    rows = audit_page(ip_client(world.users.admin), ip=ADDRESS, **params).context["page"].rows

    expected = sorted(
        ((h.history_date, label, h.history_id)
         for label, model in selectors_audit.audited_models().items()
         for h in model.history.filter(history_ip=ADDRESS).select_related("history_user")
         if keep(h)), reverse=True)
    assert [(r.date, r.model_label, r.history_id) for r in rows] == expected
    assert len({label for _when, label, _id in expected}) > 1


def test_the_object_number_filter_finds_the_number_in_every_table(world):
    number = 987_654  # given to objects of two tables, beyond any sequence's reach
    in_request(world.users.admin, lambda: (
        User.objects.create(pk=number, username="nguoi.so", full_name="Người Số"),
        Council.objects.create(pk=number, organization=world.central, name="Hội đồng số")))

    rows = audit_page(ip_client(world.users.admin), object_id=number).context["page"].rows

    assert sorted((r.model_label, r.object_id, r.action) for r in rows) == [
        ("accounts.User", number, "create"), ("awards.Council", number, "create")]


def test_free_text_searches_the_text_columns_of_every_type(world, objects):
    touch(world, objects, len(objects))

    rows = audit_page(ip_client(world.users.admin), q="hội đồng thi đua lần").context["page"].rows

    assert [(r.model_label, r.object_id) for r in rows] == [("awards.Council", objects[3].pk)]
