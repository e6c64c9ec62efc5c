"""Re-authentication before role changes (quality target S6, accounts/reauth.py): the stamp
written at login, the password (and code) asked again when it is stale, on role assignment,
account creation and editing, and ending a role; wrong and hostile input changes nothing; five
wrong confirmations sign the user out."""

import logging
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import reauth
from accounts.models import Role, RoleAssignment, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.test_twofactor import code_for, enrolled, wrong_code_for

pytestmark = pytest.mark.django_db

ASK = "Vì an toàn, hãy nhập lại mật khẩu để tiếp tục."
WRONG = "Mật khẩu không đúng."
CODE_MISSING = "Hãy nhập mã 6 chữ số hiển thị trong ứng dụng xác thực."
SIGNED_OUT = "Bạn đã xác nhận sai quá nhiều lần nên đã bị đăng xuất."
PASSWORD_FIELD = 'name="reauth-password"'
CODE_FIELD = 'name="reauth-code"'


def make_stale(client, seconds_ago=None):
    """The session's last sign-in or confirmation, REAUTH_SECONDS and one second ago."""
    session = client.session
    session[reauth.REAUTH_AT_KEY] = int(time.time()) - (seconds_ago or settings.REAUTH_SECONDS + 1)
    session.save()


def stale_admin(client, world):
    client.force_login(world.users.admin)
    make_stale(client)
    return world.users.admin


def assign_data(world, **extra):
    return {"role": Role.UNIT_STAFF, "organization": world.coop_hanoi.code, **extra}


def staff_roles(user):
    return list(RoleAssignment.objects.filter(user=user).values_list("role", "organization__code"))


def detail_url(user):
    return reverse("accounts:user_detail", args=[user.pk])


# --- the stamp --------------------------------------------------------------------------------


def test_a_password_login_writes_the_stamp(world, client):
    before = int(time.time())

    client.post(reverse("accounts:login"), {"username": "quantri", "password": PASSWORD})

    assert before <= client.session[reauth.REAUTH_AT_KEY] <= int(time.time())


def test_recently_authenticated_follows_reauth_seconds(rf, settings):
    settings.REAUTH_SECONDS = 900
    request = rf.get("/")
    now = 1_800_000_000

    checks = []
    for stamp in (None, "1799999999", now - 900, now - 899, now):
        request.session = {} if stamp is None else {reauth.REAUTH_AT_KEY: stamp}
        checks.append(reauth.recently_authenticated(request, now=now))

    assert checks == [False, False, False, True, True]


# --- assigning a role (the user's page) -------------------------------------------------------


def test_with_a_fresh_stamp_no_password_is_asked_and_the_role_is_assigned(world, client):
    client.force_login(world.users.admin)
    staff = world.users.staff

    page = client.get(detail_url(staff)).content.decode()
    response = client.post(detail_url(staff), assign_data(world))

    assert PASSWORD_FIELD not in page
    assert response.status_code == 302
    assert (Role.UNIT_STAFF, "HTX-HN-1") in staff_roles(staff)


def test_a_stale_stamp_shows_the_password_field_before_the_change(world, client):
    stale_admin(client, world)

    page = client.get(detail_url(world.users.staff)).content.decode()

    assert PASSWORD_FIELD in page and CODE_FIELD not in page
    assert "Thao tác này cần đăng nhập gần đây." in page


def test_a_stale_stamp_without_password_assigns_nothing_and_keeps_the_data(world, client):
    stale_admin(client, world)
    staff = world.users.staff
    before = staff_roles(staff)

    response = client.post(detail_url(staff), assign_data(world))

    page = response.content.decode()
    assert response.status_code == 200
    assert staff_roles(staff) == before
    assert ASK in page and PASSWORD_FIELD in page
    assert 'id="error-summary"' in page and 'href="#id_reauth-password"' in page
    assert 'value="HTX-HN-1"' in page  # the organization code entered is kept


def test_a_wrong_password_assigns_nothing_and_is_logged_without_the_password(world, client,
                                                                              caplog):
    admin = stale_admin(client, world)
    staff = world.users.staff
    before = staff_roles(staff)

    with caplog.at_level(logging.INFO, logger="accounts.reauth"):
        response = client.post(detail_url(staff), assign_data(world, **{
            "reauth-password": "mat-khau-sai-123"}))

    assert staff_roles(staff) == before
    assert WRONG in response.content.decode()
    assert 'value="mat-khau-sai-123"' not in response.content.decode()  # never sent back
    assert client.session[reauth.FAILURES_KEY] == 1
    assert [r.getMessage() for r in caplog.records if r.name == "accounts.reauth"] == [
        f"identity confirmation failed: user={admin.pk} failures=1"]
    assert "mat-khau-sai" not in caplog.text


def test_the_right_password_assigns_the_role_and_renews_the_stamp(world, client, caplog):
    admin = stale_admin(client, world)
    staff = world.users.staff
    before = int(time.time())

    with caplog.at_level(logging.INFO, logger="accounts.reauth"):
        response = client.post(detail_url(staff), assign_data(world, **{
            "reauth-password": PASSWORD}))

    assert response.status_code == 302 and response.url == detail_url(staff)
    assert (Role.UNIT_STAFF, "HTX-HN-1") in staff_roles(staff)
    assert client.session[reauth.REAUTH_AT_KEY] >= before
    assert f"identity confirmed: user={admin.pk}" in caplog.text
    # Fresh again: the next change asks nothing.
    assert PASSWORD_FIELD not in client.get(detail_url(staff)).content.decode()


def test_a_right_password_with_invalid_data_confirms_and_stops_asking(world, client):
    stale_admin(client, world)
    staff = world.users.staff
    before = staff_roles(staff)

    response = client.post(detail_url(staff), {"role": Role.UNIT_STAFF, "organization": "KHONG-CO",
                                               "reauth-password": PASSWORD})

    page = response.content.decode()
    assert staff_roles(staff) == before
    assert 'id="error-summary"' in page and PASSWORD_FIELD not in page
    assert reauth.recently_authenticated(response.wsgi_request)


# --- hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize("password,message", [
    ("x" * 100_000, WRONG),  # refused before hashing
    ("", ASK),
    ("mat\x00khau", WRONG),
], ids=["very-long", "empty", "nul"])
def test_hostile_passwords_change_nothing(world, client, password, message):
    stale_admin(client, world)
    staff = world.users.staff
    before = staff_roles(staff)

    response = client.post(detail_url(staff), assign_data(world, **{"reauth-password": password}))

    assert response.status_code == 200
    assert staff_roles(staff) == before
    assert message in response.content.decode()
    assert not reauth.recently_authenticated(response.wsgi_request)


# --- creating and editing accounts ------------------------------------------------------------


def new_user_data(world, **extra):
    return {"username": "nguoimoi", "full_name": "Người Mới", "email": "nguoimoi@example.vn",
            "is_active": "on", "password": "mot-mat-khau-du-dai-2026", "role-role": Role.UNIT_STAFF,
            "role-organization": world.coop_hanoi.code, **extra}


def test_creating_an_account_with_a_stale_stamp_needs_the_password(world, client):
    stale_admin(client, world)
    url = reverse("accounts:user_create")

    refused = client.post(url, new_user_data(world))
    wrong = client.post(url, new_user_data(world, **{"reauth-password": "sai"}))
    created = client.post(url, new_user_data(world, **{"reauth-password": PASSWORD}))

    assert ASK in refused.content.decode() and 'value="nguoimoi"' in refused.content.decode()
    assert WRONG in wrong.content.decode()
    assert created.status_code == 302
    user = User.objects.get(username="nguoimoi")
    assert staff_roles(user) == [(Role.UNIT_STAFF, "HTX-HN-1")]
    assert user.check_password("mot-mat-khau-du-dai-2026")  # the form's own password field


def test_locking_an_account_with_a_stale_stamp_needs_the_password(world, client):
    stale_admin(client, world)
    staff = world.users.staff
    url = reverse("accounts:user_update", args=[staff.pk])
    data = {"username": staff.username, "full_name": staff.full_name, "email": staff.email}

    refused = client.post(url, data)  # is_active left out: unchecked, the account would lock
    staff.refresh_from_db()
    assert staff.is_active and ASK in refused.content.decode()
    locked = client.post(url, {**data, "reauth-password": PASSWORD})

    staff.refresh_from_db()
    assert locked.status_code == 302 and not staff.is_active


# --- ending a role ----------------------------------------------------------------------------


def test_ending_a_role_with_a_fresh_stamp_is_unchanged(world, client):
    client.force_login(world.users.admin)
    assignment = RoleAssignment.objects.get(user=world.users.head)

    response = client.post(reverse("accounts:role_end", args=[assignment.pk]),
                           {"valid_to": "31/12/2026"})

    assignment.refresh_from_db()
    assert response.status_code == 302 and str(assignment.valid_to) == "2026-12-31"


def test_ending_a_role_with_a_stale_stamp_asks_on_a_page_that_keeps_the_date(world, client):
    stale_admin(client, world)
    assignment = RoleAssignment.objects.get(user=world.users.head)
    url = reverse("accounts:role_end", args=[assignment.pk])

    asked = client.post(url, {"valid_to": "31/12/2026"})
    wrong = client.post(url, {"valid_to": "31/12/2026", "reauth-password": "sai-roi"})
    assignment.refresh_from_db()
    assert assignment.valid_to is None
    ended = client.post(url, {"valid_to": "31/12/2026", "reauth-password": PASSWORD})

    assert asked.status_code == 200 and asked.templates[0].name == "accounts/role_end.html"
    page = asked.content.decode()
    assert ASK in page and PASSWORD_FIELD in page and 'value="31/12/2026"' in page
    assert WRONG in wrong.content.decode()
    assignment.refresh_from_db()
    assert ended.status_code == 302 and str(assignment.valid_to) == "2026-12-31"


def test_ending_a_role_outside_the_scope_is_still_404_when_stale(world, client):
    client.force_login(world.users.province_admin)
    make_stale(client)
    assignment = RoleAssignment.objects.get(user=world.users.outsider)

    response = client.post(reverse("accounts:role_end", args=[assignment.pk]),
                           {"valid_to": "31/12/2026", "reauth-password": PASSWORD})

    assignment.refresh_from_db()
    assert response.status_code == 404 and assignment.valid_to is None


# --- a user with two-factor sign-in -----------------------------------------------------------


def test_a_user_with_a_totp_device_needs_the_code_too(world, client):
    admin = stale_admin(client, world)
    device, _backup = enrolled(admin)
    staff = world.users.staff
    before = staff_roles(staff)

    page = client.get(detail_url(staff)).content.decode()
    no_code = client.post(detail_url(staff), assign_data(world, **{"reauth-password": PASSWORD}))
    wrong = client.post(detail_url(staff), assign_data(world, **{
        "reauth-password": PASSWORD, "reauth-code": wrong_code_for(device)}))
    assert staff_roles(staff) == before
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    right = client.post(detail_url(staff), assign_data(world, **{
        "reauth-password": PASSWORD, "reauth-code": code_for(device)}))

    assert PASSWORD_FIELD in page and CODE_FIELD in page
    assert CODE_MISSING in no_code.content.decode()
    assert "Mã không đúng hoặc đã hết hạn." in wrong.content.decode()
    assert right.status_code == 302 and (Role.UNIT_STAFF, "HTX-HN-1") in staff_roles(staff)


def test_a_backup_code_confirms_too_and_works_once(world, client):
    admin = stale_admin(client, world)
    _device, backup = enrolled(admin)
    assignment = RoleAssignment.objects.get(user=world.users.head)

    response = client.post(reverse("accounts:role_end", args=[assignment.pk]), {
        "valid_to": "31/12/2026", "reauth-password": PASSWORD, "reauth-code": backup[0]})

    assignment.refresh_from_db()
    assert response.status_code == 302 and assignment.valid_to is not None
    assert len(backup) - 1 == admin.staticdevice_set.get().token_set.count()


def test_a_wrong_password_does_not_use_up_the_code(world, client):
    admin = stale_admin(client, world)
    _device, backup = enrolled(admin)

    client.post(detail_url(world.users.staff), assign_data(world, **{
        "reauth-password": "sai", "reauth-code": backup[0]}))

    assert admin.staticdevice_set.get().token_set.count() == len(backup)


# --- the failure limit ------------------------------------------------------------------------


def test_five_wrong_confirmations_sign_the_user_out(world, client, caplog):
    admin = stale_admin(client, world)
    staff = world.users.staff
    before = staff_roles(staff)

    with caplog.at_level(logging.INFO, logger="accounts.reauth"):
        answers = [client.post(detail_url(staff), assign_data(world, **{
            "reauth-password": f"sai-{i}"})) for i in range(reauth.MAX_FAILURES)]

    assert [r.status_code for r in answers] == [200] * 4 + [302]
    assert answers[-1].url == reverse("accounts:login")
    assert staff_roles(staff) == before
    assert "_auth_user_id" not in client.session
    assert SIGNED_OUT in client.get(answers[-1].url).content.decode()
    assert (f"identity confirmation: too many failures, signed out: user={admin.pk}"
            in caplog.text)
    # Signed out: the right password now is of no use without logging in again.
    late = client.post(detail_url(staff), assign_data(world, **{"reauth-password": PASSWORD}))
    assert late.status_code == 302 and "dang-nhap" in late.url
    assert staff_roles(staff) == before


def test_a_success_clears_the_failure_count(world, client):
    stale_admin(client, world)
    staff = world.users.staff
    for i in range(reauth.MAX_FAILURES - 1):
        client.post(detail_url(staff), assign_data(world, **{"reauth-password": f"sai-{i}"}))

    client.post(detail_url(staff), assign_data(world, **{"reauth-password": PASSWORD}))

    assert reauth.FAILURES_KEY not in client.session


def test_a_user_without_the_admin_role_is_refused_before_any_password(world, client):
    client.force_login(world.users.staff)
    make_stale(client)
    target = UserFactory(username="aidobatky")

    response = client.post(detail_url(target), assign_data(world, **{
        "reauth-password": "sai"}))

    assert response.status_code in (403, 404)
    assert reauth.FAILURES_KEY not in client.session
