"""Sessions (quality targets S6, A5): the absolute lifetime, the keep-alive behind the expiry
warning, the expired page, and revoking every session of a locked user or one whose last role
ended."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import UserSession
from accounts.sessions import LOGIN_AT_KEY, RENEWED_AT_KEY
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

KEEPALIVE = "/tai-khoan/phien/gia-han/"
EXPIRED = "/tai-khoan/phien/het-han/"


def login(client, username):
    response = client.post("/tai-khoan/dang-nhap/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_login_records_the_time_and_the_session_and_logout_forgets_it(world, client):
    before = int(time.time())
    login(client, "canbo.hanoi")

    assert before <= client.session[LOGIN_AT_KEY] <= int(time.time())
    assert list(UserSession.objects.filter(user=world.users.staff)
                .values_list("session_key", flat=True)) == [client.session.session_key]
    client.post("/tai-khoan/dang-xuat/")
    assert not UserSession.objects.filter(user=world.users.staff).exists()


def test_a_session_ends_after_its_absolute_lifetime_however_active(world, client, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 3600
    login(client, "canbo.hanoi")
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time()) - 12 * 3600 + 60
    session.save()
    assert client.get("/").status_code == 200  # 11 h 59 min: still fine

    session = client.session
    session[LOGIN_AT_KEY] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get("/thi-dua/?nam=2026")

    assert response.status_code == 302
    assert response.url == "/tai-khoan/dang-nhap/?next=/thi-dua/%3Fnam%3D2026"
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "Bạn đã đăng nhập liên tục 12 giờ" in page


def test_the_keep_alive_extends_the_idle_timeout(world, client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    login(client, "canbo.hanoi")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=20))

    response = client.post(KEEPALIVE)

    assert response.status_code == 200
    assert response.json() == {"idle_seconds": 1800}
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=1790)


def test_the_keep_alive_needs_a_post_with_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.staff)

    assert client.get(KEEPALIVE).status_code == 405
    assert client.post(KEEPALIVE).status_code == 403
    page = client.get("/").content.decode()
    token = page.split('id="session-timeout-extend">')[1].split('value="')[1].split('"')[0]
    assert client.post(KEEPALIVE, {"csrfmiddlewaretoken": token}).status_code == 200


def test_the_keep_alive_says_why_a_session_is_over(world, client, settings):
    assert client.post(KEEPALIVE).json() == {"expired": "idle"}
    login(client, "canbo.hanoi")
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()

    response = client.post(KEEPALIVE)

    assert response.status_code == 401 and response.json() == {"expired": "absolute"}
    assert "_auth_user_id" not in client.session


def test_the_expired_page_sends_to_the_login_with_a_message(world, client, settings):
    settings.SESSION_COOKIE_AGE = 1800

    response = client.get(EXPIRED, {"next": "/thi-dua/"})

    assert response.url == "/tai-khoan/dang-nhap/?next=/thi-dua/"
    page = client.get(response.url).content.decode()
    assert "Phiên làm việc đã kết thúc do không có thao tác nào trong 30 phút." in page
    assert client.get(EXPIRED, {"next": "https://evil.example/"}).url == "/tai-khoan/dang-nhap/"


def test_the_expired_page_returns_a_user_whose_session_another_tab_kept(world, client):
    login(client, "canbo.hanoi")

    assert client.get(EXPIRED, {"next": "/thi-dua/"}).url == "/thi-dua/"
    assert client.get(EXPIRED, {"next": "https://evil.example/"}).url == "/"


def test_pages_carry_the_timer_settings_for_the_warning_script(world, client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_WARNING_SECONDS = 120
    assert "data-session-idle-seconds" not in client.get("/tai-khoan/dang-nhap/").content.decode()
    login(client, "canbo.hanoi")

    page = client.get("/").content.decode()

    assert 'data-session-idle-seconds="1800"' in page
    assert 'data-session-warning-seconds="120"' in page
    assert f'data-session-keepalive-url="{KEEPALIVE}"' in page
    assert 'role="alertdialog"' not in page  # set by the script once shown (Bootstrap resets it)
    assert "Tiếp tục làm việc" in page and "js/session-timeout.js" in page


def _session_writes(client, url="/"):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]


def _renewed_ago(client, seconds):
    session = client.session
    session[RENEWED_AT_KEY] = int(time.time()) - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=1800 - seconds))
    return session.session_key


def test_reading_pages_does_not_write_the_session_within_a_minute(world, client, settings):
    """The idle expiry moves at most once per 1/30 of the idle time (bench/RESULTS.md F4: the
    session used to be written on every request)."""
    settings.SESSION_COOKIE_AGE = 1800
    login(client, "canbo.hanoi")
    key = client.session.session_key
    expires = Session.objects.get(session_key=key).expire_date

    assert _session_writes(client) == []
    assert _session_writes(client, "/lich/han-cua-toi/") == []
    assert Session.objects.get(session_key=key).expire_date == expires


def test_a_request_a_minute_after_the_last_renewal_moves_the_idle_expiry(world, client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    login(client, "canbo.hanoi")
    key = _renewed_ago(client, 61)

    assert len(_session_writes(client)) == 1

    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=1790)
    assert _session_writes(client) == []  # and not again at once


def test_the_page_is_told_the_seconds_really_left(world, client, settings):
    """A page served without moving the expiry (renewed 50 s ago) tells the warning script that
    1,750 seconds are left, not a full 1,800 from its own load."""
    settings.SESSION_COOKIE_AGE = 1800
    login(client, "canbo.hanoi")
    _renewed_ago(client, 50)

    page = client.get("/").content.decode()

    left = int(page.split('data-session-left-seconds="', 1)[1].split('"', 1)[0])
    assert 1748 <= left <= 1750
    assert 'data-session-idle-seconds="1800"' in page


def test_a_session_idle_past_its_expiry_is_over_even_between_renewals(world, client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    login(client, "canbo.hanoi")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/")

    assert response.status_code == 302 and response.url.startswith("/tai-khoan/dang-nhap/")


def _two_sessions(username):
    return login(Client(), username), login(Client(), username)


def test_locking_an_account_ends_all_its_sessions(world, client):
    staff = world.users.staff
    first, second = _two_sessions("canbo.hanoi")
    keys = [first.session.session_key, second.session.session_key]
    client.force_login(world.users.admin)

    client.post(f"/tai-khoan/nguoi-dung/{staff.pk}/sua/", {
        "username": staff.username, "full_name": staff.full_name, "email": staff.email})

    staff.refresh_from_db()
    assert not staff.is_active
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=staff).exists()
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302


def test_editing_an_active_account_keeps_its_sessions(world):
    first, _second = _two_sessions("canbo.hanoi")

    services.user_update(user=world.users.staff, full_name="Nguyễn Văn Mới")

    assert first.get("/").status_code == 200


def test_the_end_of_the_last_role_ends_all_sessions(world, client):
    staff = world.users.staff
    first, second = _two_sessions("canbo.hanoi")
    role = staff.role_assignments.get()
    client.force_login(world.users.admin)
    yesterday = timezone.localdate() - timedelta(days=1)

    client.post(f"/tai-khoan/vai-tro/{role.pk}/ket-thuc/", {"valid_to": yesterday.strftime("%d/%m/%Y")})

    role.refresh_from_db()
    assert role.valid_to == yesterday
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302


def test_a_role_ending_later_or_another_role_left_keeps_the_sessions(world):
    staff = world.users.staff
    first, _second = _two_sessions("canbo.hanoi")
    role = staff.role_assignments.get()

    services.role_end(assignment=role, valid_to=timezone.localdate() + timedelta(days=30))
    assert first.get("/").status_code == 200

    other = services.role_assign(user=staff, role="unit_head", organization=world.hanoi)
    services.role_end(assignment=role, valid_to=timezone.localdate() - timedelta(days=1))
    assert first.get("/").status_code == 200
    services.role_end(assignment=other, valid_to=timezone.localdate() - timedelta(days=1))
    assert first.get("/").status_code == 302


def test_a_rotated_session_key_is_still_revoked(world):
    """Changing the password gives the session a new key; locking the account must end it."""
    staff = world.users.staff
    client = login(Client(), "canbo.hanoi")
    old_key = client.session.session_key
    new_password = "mot-mat-khau-moi-dai-2026"

    client.post("/tai-khoan/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": new_password,
                                            "new_password2": new_password})

    new_key = client.session.session_key
    assert new_key != old_key
    assert list(UserSession.objects.filter(user=staff).values_list("session_key", flat=True)) == [new_key]
    services.user_update(user=staff, is_active=False)
    assert not Session.objects.filter(session_key=new_key).exists()


def test_the_nightly_sweep_ends_sessions_once_a_role_ended_ahead_of_time_is_over(world):
    """role_end with a date still to come keeps the sessions (the role is valid until then); the
    night after that date, the sweep ends them. Others are untouched: a user with a current role,
    and an account that never had one."""
    from accounts.sessions import revoke_sessions_of_ended_roles
    from accounts.tasks import revoke_ended_role_sessions_task
    from accounts.tests.factories import UserFactory

    staff = world.users.staff
    first, second = _two_sessions("canbo.hanoi")
    other = login(Client(), "quantri.hanoi")
    roleless = UserFactory(username="chua.co.vai.tro")
    waiting = Client()
    waiting.force_login(roleless)
    last_day = timezone.localdate() + timedelta(days=2)
    services.role_end(assignment=staff.role_assignments.get(), valid_to=last_day)
    assert first.get("/").status_code == 200

    assert revoke_sessions_of_ended_roles(day=last_day) == 0  # still valid on its last day
    assert first.get("/").status_code == 200

    assert revoke_sessions_of_ended_roles(day=last_day + timedelta(days=1)) == 1
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302
    assert not UserSession.objects.filter(user=staff).exists()
    assert other.get("/").status_code == 200
    assert UserSession.objects.filter(user=roleless).exists()
    assert revoke_ended_role_sessions_task.apply().get() == 0  # today: nothing more to end


def test_the_nightly_sweep_is_scheduled_just_after_midnight_in_vietnam(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["accounts.revoke_ended_role_sessions"]
    assert entry["task"] == "accounts.revoke_ended_role_sessions"
    assert entry["schedule"].hour == {17} and entry["schedule"].minute == {5}  # 00:05 UTC+7
