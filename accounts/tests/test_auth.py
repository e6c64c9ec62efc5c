"""Login, lockout, logout, password reset by e-mail, and the roles shown in the top bar."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/tai-khoan/dang-nhap/", {"username": username, "password": password})


def test_login_with_the_right_password_reaches_the_dashboard(world, client):
    response = login(client, "canbo.hanoi", PASSWORD)

    assert response.status_code == 302 and response.url == "/"
    page = client.get("/")
    assert "Cán bộ thi đua đơn vị" in page.content.decode()


def test_five_failures_lock_the_username_and_the_lock_expires(world, client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _ in range(5):
        login(client, "canbo.hanoi", "sai-mat-khau")

    locked = login(client, "canbo.hanoi", PASSWORD)

    assert locked.status_code == 429
    assert "Tài khoản tạm thời bị khoá đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    released = login(client, "canbo.hanoi", PASSWORD)
    assert released.status_code == 302


def test_a_lockout_of_one_username_does_not_lock_another(world, client):
    for _ in range(5):
        login(client, "canbo.hanoi", "sai-mat-khau")

    assert login(client, "canbo.hue", PASSWORD).status_code == 302


def test_logout_needs_a_post_and_ends_the_session(world, client):
    client.force_login(world.users.staff)

    response = client.post("/tai-khoan/dang-xuat/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get("/don-vi/")

    assert response.status_code == 302
    assert response.url.startswith("/tai-khoan/dang-nhap/?next=/don-vi/")


def test_password_reset_sends_a_vietnamese_mail_with_a_working_link(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-khoan/quen-mat-khau/", {"email": world.users.staff.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.users.staff.email]
    assert message.subject == "Đặt lại mật khẩu – Hệ thống Thi đua, Khen thưởng"
    assert "Kính gửi Người Dùng Thử," in message.body
    path = re.search(r"https?://[^/]+(/tai-khoan/dat-lai-mat-khau/\S+/)", message.body).group(1)

    form = client.get(path, follow=True)
    new = "mat-khau-hoan-toan-moi-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert done.status_code == 302
    assert User.objects.get(pk=world.users.staff.pk).check_password(new)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(world, client,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-khoan/quen-mat-khau/", {"email": "khong-ai@example.vn"})

    assert response.status_code == 302 and response.url == "/tai-khoan/quen-mat-khau/da-gui/"
    assert mail.outbox == []


def test_a_user_without_roles_is_told_so(world, client):
    client.force_login(world.users.no_role)

    page = client.get("/").content.decode()

    assert "chưa được gán vai trò" in page
    assert client.get("/don-vi/").context["page"].paginator.count == 0


def test_every_change_to_a_role_is_recorded_with_who(world, client):
    client.force_login(world.users.admin)

    client.post(f"/tai-khoan/nguoi-dung/{world.users.staff.pk}/",
                {"role": "unit_head", "organization": "LM-HA-NOI"})

    from accounts.models import RoleAssignment

    record = RoleAssignment.history.filter(role="unit_head", user_id=world.users.staff.pk).get()
    assert record.history_user == world.users.admin
    assert record.history_type == "+"


def test_the_dashboard_shows_a_leaders_role_and_an_administrators_figures(world, client):
    from clusters import services
    from clusters.tests.factories import GroupFactory

    group = GroupFactory(name="Cụm thi đua các thành phố")
    services.group_set_year(group=group, year=__import__("datetime").date.today().year,
                            members=[world.hanoi, world.hue], leader=world.hanoi, deputy=world.hue)
    client.force_login(world.users.province_admin)

    page = client.get("/").content.decode()

    assert "Cụm thi đua các thành phố</a> – <strong>Cụm trưởng</strong>" in page
    assert "tài khoản người dùng đang hoạt động" in page
