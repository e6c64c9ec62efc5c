"""The audit trail (issue 9, quality-targets S10): every change of the audited objects is kept
with who, when, from which address and the values before and after, and the central
administrators search it on /tai-khoan/nhat-ky/."""

import datetime

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.middleware import HistoryRequestMiddleware

from accounts import selectors_audit
from accounts.models import RoleAssignment
from awards import services, services_dossiers
from awards.models import AwardRecord, AwardType, Council, Dossier, Nomination, RuleSet
from awards.tests.factories import award_record
from awards.tests.test_dossier_pages import (  # noqa: F401 — fixtures
    cycle, dossier, good_worker, ready_dossier,
)
from clusters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
AUDIT_URL = "/tai-khoan/nhat-ky/"


def ip_client(user, address=ADDRESS) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def in_request(user, work, address=ADDRESS):
    """Run `work` as a request of `user` from `address` would: inside simple-history's
    middleware, for the services no page calls (award records)."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user
    return HistoryRequestMiddleware(lambda r: work())(request)


def latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


def assert_recorded(row, user, kind="~"):
    assert row is not None
    assert (row.history_type, row.history_user, row.history_ip) == (kind, user, ADDRESS)
    assert timezone.now() - row.history_date < datetime.timedelta(minutes=5)


def audit_page(client, **params):
    response = client.get(AUDIT_URL, params)
    assert response.status_code == 200
    return response


# --- every audited change leaves a row with user, time and address -----------------------------


def test_a_dossier_and_a_nomination_change_are_recorded(world, dossier, good_worker):
    nomination = ready_dossier(world, dossier, good_worker)

    edited = ip_client(world.users.staff).post(
        reverse("awards:nomination_update", args=[nomination.pk]),
        {"award_type": AwardType.objects.get(code="LDTT").pk, "achievement_summary": "Mới."})
    sent = ip_client(world.users.head).post(reverse("awards:dossier_submit", args=[dossier.pk]))

    assert edited.status_code == sent.status_code == 302
    assert Dossier.objects.get().status == "submitted"
    assert_recorded(latest(Dossier, dossier.pk), world.users.head)
    changed = (Nomination.history.filter(id=nomination.pk, achievement_summary="Mới.")
               .order_by("history_date", "history_id").first())
    assert_recorded(changed, world.users.staff)


def test_award_records_created_updated_and_deleted_are_recorded(world):
    admin = world.users.admin
    person = PersonFactory(organization=world.coop_hanoi)

    record = in_request(admin, lambda: award_record(person=person, by=admin))
    in_request(admin, lambda: services.award_record_revoke(
        record=record, decision_number="9/QĐ-THU-HOI", revocation_date=timezone.localdate(),
        reason="Khai man thành tích.", by=admin))
    in_request(admin, lambda: AwardRecord.objects.get(pk=record.pk).delete())

    kinds = [h.history_type for h in AwardRecord.history.filter(id=record.pk)
             .order_by("history_date", "history_id")]
    assert kinds == ["+", "~", "-"]
    for row in AwardRecord.history.filter(id=record.pk):
        assert (row.history_user, row.history_ip) == (admin, ADDRESS)


def test_a_rule_set_change_is_recorded(world):
    rule_set = RuleSet.objects.valid_on(datetime.date(2024, 1, 1))

    response = ip_client(world.users.admin).post(
        reverse("awards:rule_set_update", args=[rule_set.pk]), {
            "name": rule_set.name, "valid_from": rule_set.valid_from.strftime("%d/%m/%Y"),
            "valid_to": rule_set.valid_to.strftime("%d/%m/%Y") if rule_set.valid_to else "",
            "legal_basis": "Nghị định số 152/2025/NĐ-CP"})

    assert response.status_code == 302
    row = latest(RuleSet, rule_set.pk)
    assert_recorded(row, world.users.admin)
    assert row.legal_basis == "Nghị định số 152/2025/NĐ-CP"


def test_a_council_change_is_recorded(world):
    council = Council.objects.create(organization=world.central, name="Hội đồng cũ")

    response = ip_client(world.users.admin).post(
        reverse("awards:council_edit", args=[council.pk]),
        {"name": "Hội đồng Thi đua - Khen thưởng", "is_active": "on"})

    assert response.status_code == 302
    row = latest(Council, council.pk)
    assert_recorded(row, world.users.admin)
    assert row.name == "Hội đồng Thi đua - Khen thưởng"


def test_a_role_assignment_and_its_end_are_recorded(world):
    admin, staff = world.users.admin, world.users.staff
    client = ip_client(admin)

    added = client.post(reverse("accounts:user_detail", args=[staff.pk]), {
        "role": "unit_head", "organization": "LM-HA-NOI", "valid_from": "01/01/2026",
        "valid_to": ""})
    role = RoleAssignment.objects.get(user=staff, role="unit_head")
    ended = client.post(reverse("accounts:role_end", args=[role.pk]), {"valid_to": "31/12/2026"})

    assert added.status_code == ended.status_code == 302
    created, end = role.history.order_by("history_date", "history_id")
    assert_recorded(created, admin, kind="+")
    assert_recorded(end, admin)
    assert end.valid_to == datetime.date(2026, 12, 31)


# --- the search page -----------------------------------------------------------------------------


@pytest.fixture
def changed_rule_set(world):
    rule_set = RuleSet.objects.valid_on(datetime.date(2024, 1, 1))
    old_basis = rule_set.legal_basis
    ip_client(world.users.admin).post(reverse("awards:rule_set_update", args=[rule_set.pk]), {
        "name": rule_set.name, "valid_from": rule_set.valid_from.strftime("%d/%m/%Y"),
        "valid_to": rule_set.valid_to.strftime("%d/%m/%Y") if rule_set.valid_to else "",
        "legal_basis": "Căn cứ mới <b>đậm</b>"})
    return rule_set, old_basis


def test_the_page_shows_who_when_where_and_before_after(world, changed_rule_set):
    rule_set, old_basis = changed_rule_set

    page = audit_page(ip_client(world.users.admin), model="awards.RuleSet", action="~")

    [row] = page.context["page"].rows
    html = page.content.decode()
    assert (row.user, row.ip, row.action, row.object_id) == (
        world.users.admin, ADDRESS, "update", rule_set.pk)
    change = {c.label: (c.before, c.after) for c in row.changes}
    assert change[str(RuleSet._meta.get_field("legal_basis").verbose_name).capitalize()] == (
        old_basis[:200] + ("…" if len(old_basis) > 200 else ""), "Căn cứ mới <b>đậm</b>")
    assert len(row.changes) == 1
    assert timezone.localtime(row.date).strftime("%d/%m/%Y %H:%M") in html
    assert "Căn cứ mới &lt;b&gt;đậm&lt;/b&gt;" in html and "<b>đậm</b>" not in html
    assert ADDRESS in html and world.users.admin.get_full_name() in html
    assert f'href="{rule_set.get_absolute_url()}"' in html


def test_foreign_keys_show_by_name_and_creations_list_their_values(world):
    admin = world.users.admin
    person = PersonFactory(organization=world.coop_hanoi, full_name="Lê Thị Hạnh")
    record = in_request(admin, lambda: award_record(person=person, by=admin))

    page = audit_page(ip_client(admin), model="awards.AwardRecord", object_id=record.pk)

    [row] = page.context["page"].rows
    values = {c.label: c.after for c in row.changes}
    assert row.action == "create"
    assert values["Cá nhân"] == "Lê Thị Hạnh"
    assert values["Năm thành tích"] == "2024"


@pytest.mark.parametrize("params,expected", [
    ({"model": "awards.RuleSet"}, {"awards.RuleSet"}),
    ({"action": "+"}, {"+"}),
    ({"ip": ADDRESS}, {ADDRESS}),
    ({"user": "quantri"}, {"quantri"}),
])
def test_filters_narrow_the_rows(world, changed_rule_set, params, expected):
    in_request(world.users.staff, lambda: PersonFactory(organization=world.hanoi),
               address="198.51.100.9")

    rows = audit_page(ip_client(world.users.admin), **params).context["page"].rows

    assert rows
    seen = {"model": lambda r: r.model_label, "action": lambda r: {
        "create": "+", "update": "~", "delete": "-"}[r.action], "ip": lambda r: r.ip,
        "user": lambda r: r.user.username if r.user else None}
    [key] = params
    assert {seen[key](r) for r in rows} == expected


def test_date_range_object_id_and_text_filters(world, changed_rule_set):
    rule_set, _old = changed_rule_set
    client = ip_client(world.users.admin)
    today = timezone.localdate().strftime("%d/%m/%Y")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")

    on_today = audit_page(client, model="awards.RuleSet", date_from=today, date_to=today)
    before = audit_page(client, model="awards.RuleSet", date_to=yesterday)
    by_id = audit_page(client, object_id=rule_set.pk, model="awards.RuleSet")
    by_text = audit_page(client, q="căn cứ mới")

    assert rule_set.pk in {r.object_id for r in on_today.context["page"].rows}
    assert before.context["page"].rows == []
    assert {r.object_id for r in by_id.context["page"].rows} == {rule_set.pk}
    assert [(r.model_label, r.object_id) for r in by_text.context["page"].rows] == [
        ("awards.RuleSet", rule_set.pk)]


def test_bad_input_gives_vietnamese_errors_and_no_crash(world):
    client = ip_client(world.users.admin)

    wrong_date = audit_page(client, date_from="31/02/2026")
    wrong_order = audit_page(client, date_from="02/01/2026", date_to="01/01/2026")
    wrong_ip = audit_page(client, ip="999.1.1.1")
    wrong_type = audit_page(client, model="awards.Ballot")
    forged_cursor = audit_page(client, truoc="not|a|cursor")
    hostile = audit_page(client, q="<script>alert(1)</script>")

    assert wrong_date.context["page"] is None
    assert "Nhập một ngày hợp lệ" in wrong_date.content.decode() or (
        "ngày hợp lệ" in wrong_date.content.decode())
    assert "Ngày kết thúc không được trước ngày bắt đầu." in wrong_order.content.decode()
    assert "địa chỉ IP hợp lệ (IPv4 hoặc IPv6)" in wrong_ip.content.decode()
    assert wrong_type.context["page"] is None
    assert forged_cursor.context["page"] is not None
    html = hostile.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("who", ["province_admin", "staff", "appraiser", "leadership",
                                 "no_role"])
def test_only_central_administrators_open_the_page(world, who):
    response = ip_client(getattr(world.users, who)).get(AUDIT_URL)

    assert response.status_code == 403


def test_the_navigation_links_the_page_for_central_administrators_only(world):
    admin_home = ip_client(world.users.admin).get("/").content.decode()
    province_home = ip_client(world.users.province_admin).get("/").content.decode()

    assert f'href="{AUDIT_URL}"' in admin_home
    assert f'href="{AUDIT_URL}"' not in province_home


def test_ballots_are_never_in_the_trail():
    labels = set(selectors_audit.audited_models())

    assert not {"awards.Ballot", "awards.BallotDraft", "awards.OpenVote",
                "awards.BallotParticipation"} & labels
    assert "awards.Nomination" in labels and "accounts.RoleAssignment" in labels


def test_passwords_never_show(world):
    admin = world.users.admin
    in_request(admin, lambda: world.users.staff.save())

    rows = audit_page(ip_client(admin), model="accounts.User").context["page"].rows

    labels = {c.label.lower() for r in rows for c in r.changes}
    assert not any("mật khẩu" in label or "password" in label for label in labels)


# --- national scale: cursor pages and a fixed number of queries -----------------------------------


def _people(world, n):
    in_request(world.users.admin, lambda: [PersonFactory(organization=world.coop_hanoi)
                                           for _ in range(n)])


def test_older_pages_follow_the_cursor_without_gaps_or_repeats(world):
    _people(world, 60)
    client = ip_client(world.users.admin)

    first = audit_page(client, model="clusters.Person").context["page"]
    second = audit_page(client, model="clusters.Person", truoc=first.next_cursor).context["page"]

    assert len(first.rows) == 50 and len(second.rows) == 10 and second.next_cursor == ""
    ids = [r.history_id for r in first.rows + second.rows]
    assert len(set(ids)) == 60
    dates = [r.date for r in first.rows + second.rows]
    assert dates == sorted(dates, reverse=True)


def test_across_every_table_the_newest_come_first(world, changed_rule_set):
    rows = audit_page(ip_client(world.users.admin)).context["page"].rows

    keys = [(r.date, r.model_label, r.history_id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert len({r.model_label for r in rows}) > 3


def _queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        audit_page(client, **params)
    return len(queries)


@pytest.mark.parametrize("params", [{"model": "awards.Nomination"}, {"model": "clusters.Person"}])
def test_the_query_count_does_not_grow_with_the_rows(world, dossier, good_worker, params):
    client = ip_client(world.users.admin)
    staff = world.users.staff

    def nominations(n):
        for _ in range(n):
            person = PersonFactory(organization=world.hanoi)
            in_request(staff, lambda p=person: services_dossiers.nomination_add(
                dossier=dossier, award_type=AwardType.objects.get(code="LDTT"), person=p,
                achievement_summary="Hoàn thành tốt.", by=staff))

    nominations(3)
    few = _queries(client, **params)
    nominations(45)
    many = _queries(client, **params)

    assert few == many


def test_users_cannot_be_deleted_in_django_admin_only_deactivated(world, client):
    # A deletion would rewrite history_user on audit rows, which the app's role may not do.
    admin_user = world.users.admin
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    target = world.users.province_admin

    page = client.get(f"/quan-tri-he-thong/accounts/user/{target.pk}/delete/")
    posted = client.post(f"/quan-tri-he-thong/accounts/user/{target.pk}/delete/", {"post": "yes"})

    assert page.status_code == 403
    assert posted.status_code == 403
    assert type(target).objects.filter(pk=target.pk).exists()


def test_a_sign_in_leaves_no_empty_row_in_the_trail(world, client):
    # last_login is excluded from the trail, so the save at each login must not add a row.
    user = world.users.admin
    user.set_password("a-long-password-2026")
    user.save()
    before = user.history.count()

    signed_in = client.post("/tai-khoan/dang-nhap/",
                            {"username": user.username, "password": "a-long-password-2026"})

    user.refresh_from_db()
    assert signed_in.status_code == 302 and user.last_login is not None
    assert user.history.count() == before
