"""In-app notifications: each user sees only their own; opening one marks it read and follows
only links inside the application; the e-mail goes through the worker after the commit."""

import pytest
from django.core import mail

from deadlines.models import Notification
from deadlines.services import notify

pytestmark = pytest.mark.django_db


def test_notify_creates_a_notification_and_mails_it_after_commit(world, django_capture_on_commit_callbacks):
    world.users.staff.email = "canbo@example.vn"
    world.users.staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.users.staff], text="Hồ sơ của đơn vị đã được trả lại.",
               url="/khen-thuong/ho-so/1/")
    note = Notification.objects.get(user=world.users.staff)
    assert note.read_at is None
    assert len(mail.outbox) == 1
    assert "Hồ sơ của đơn vị đã được trả lại." in mail.outbox[0].body
    assert mail.outbox[0].to == ["canbo@example.vn"]


def test_a_user_sees_only_their_own_notifications_and_the_unread_count(world, client):
    notify(users=[world.users.staff], text="Thông báo cho cán bộ Hà Nội")
    notify(users=[world.users.outsider], text="Thông báo cho cán bộ Huế")
    client.force_login(world.users.staff)
    page = client.get("/lich/thong-bao/").content.decode()
    assert "Thông báo cho cán bộ Hà Nội" in page
    assert "Thông báo cho cán bộ Huế" not in page
    assert "1<span class=\"visually-hidden\"> chưa đọc</span>" in page


def test_opening_marks_read_and_follows_only_internal_links(world, client):
    inside, = notify(users=[world.users.staff], text="a", url="/khen-thuong/")
    outside, = notify(users=[world.users.staff], text="b", url="//evil.example/x")
    client.force_login(world.users.staff)
    assert client.post(f"/lich/thong-bao/{inside.pk}/")["Location"] == "/khen-thuong/"
    assert client.post(f"/lich/thong-bao/{outside.pk}/")["Location"] == "/lich/thong-bao/"
    inside.refresh_from_db()
    assert inside.read_at is not None


def test_another_users_notification_is_not_found(world, client):
    note, = notify(users=[world.users.outsider], text="riêng tư")
    client.force_login(world.users.staff)
    assert client.post(f"/lich/thong-bao/{note.pk}/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_bell_counts_unread_notifications_without_a_query_of_its_own(world, client):
    """The user of each request is loaded with the bell's number (accounts.backends): no COUNT
    on the notifications table per page; read ones and other users' are not counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, _second, _third = notify(users=[world.users.staff], text="một") + \
        notify(users=[world.users.staff], text="hai") + notify(users=[world.users.staff], text="ba")
    notify(users=[world.users.outsider], text="của người khác")
    client.force_login(world.users.staff)
    assert client.post(f"/lich/thong-bao/{first.pk}/").status_code == 302

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/lich/han-cua-toi/").content.decode()

    assert "2<span class=\"visually-hidden\"> chưa đọc</span>" in page
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")
                and "deadlines_notification" in q["sql"]]


def test_a_locked_user_is_not_loaded_from_the_session(world, client):
    client.force_login(world.users.staff)
    world.users.staff.is_active = False
    world.users.staff.save()

    response = client.get("/lich/han-cua-toi/")

    assert response.status_code == 302 and response.url.startswith("/tai-khoan/dang-nhap/")
