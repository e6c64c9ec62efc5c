"""The pages of deadlines and reminders: the countdown wording, a user's own deadlines on the
home page, the administrators' scoped lists and detail, the ladder editors, the deliveries log,
"mark all as read" and the digest setting; permissions and bad input everywhere."""

import itertools
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from deadlines.calendar import add_working_days
from deadlines.models import (Deadline, Holiday, LadderStep, Notification, Obligation, Reminder,
                              ReminderDelivery, ReminderPreference)
from deadlines.selectors_reminders import countdown, holiday_cache

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


# --- builders (also used by tests/test_query_counts.py and tests/test_cross_province.py) -------


def deadline(org, *, due_on=None, kind="unit_report", title=None, owing=(), active=True):
    n = next(_ids)
    d = Deadline.objects.create(
        kind=kind, source_model="reports.reportperiod", source_id=10_000 + n,
        title=title or f"Báo cáo số {n}", url="/bao-cao/", organization=org, active=active,
        due_on=due_on or add_working_days(timezone.localdate(), 3))
    for user in owing:
        Obligation.objects.create(deadline=d, user=user, organization=org)
    return d


def delivery(d, user, *, status="sent", offset=-3, repeats=0, error=""):
    reminder, _ = Reminder.objects.get_or_create(
        deadline=d, offset=offset, defaults={"send_at": timezone.now(), "status": "done"})
    return ReminderDelivery.objects.create(reminder=reminder, user=user, email_status=status,
                                           attempts=1, possible_repeats=repeats, error=error)


def cross_province_objects(world):
    d = deadline(world.hanoi, title="Hạn của Hà Nội")
    return {"deadlines:deadline_detail": {"pk": d.pk}, "deadlines:deadline_ladder": {"pk": d.pk}}


def make_deadlines(world, n):
    from accounts.tests.factories import user_with_role

    for _ in range(n):
        deadline(world.coop_hanoi, owing=[user_with_role("unit_staff", world.coop_hanoi)])


def make_owing(world, n):
    from accounts.tests.factories import user_with_role

    d = Deadline.objects.filter(title="Hạn nhiều người nợ").first() or deadline(
        world.hanoi, title="Hạn nhiều người nợ")
    for _ in range(n):
        user = user_with_role("unit_staff", world.coop_hanoi)
        Obligation.objects.create(deadline=d, user=user, organization=world.coop_hanoi)
        delivery(d, user)


def owing_url(world):
    return f"/lich/han/{Deadline.objects.get(title='Hạn nhiều người nợ').pk}/"


def make_deliveries(world, n):
    make_owing(world, n)


def make_my_deadlines(world, n):
    for i in range(n):
        deadline(world.hanoi, owing=[world.users.admin],
                 due_on=timezone.localdate() + timedelta(days=i % 20 - 5))


# --- the countdown ---------------------------------------------------------------------------


def test_the_countdown_counts_working_days_and_says_so_in_vietnamese(db):
    Holiday.objects.create(name="Nghỉ bù", day=9, month=6, year=2026)  # a Tuesday
    cache = holiday_cache([2026])
    friday = date(2026, 6, 5)

    # Mon 8, (Tue 9 holiday), Wed 10, Thu 11: three working days.
    assert countdown(date(2026, 6, 11), friday, cache).label == "còn 3 ngày làm việc"
    assert countdown(date(2026, 6, 8), friday, cache).label == "còn 1 ngày làm việc"
    assert countdown(friday, friday, cache).label == "hạn hôm nay"
    assert countdown(friday, friday, cache).status == "today"
    late = countdown(date(2026, 6, 3), friday, cache)
    assert (late.status, late.days, late.label) == ("late", 2, "quá hạn 2 ngày")
    assert countdown(date(2026, 6, 6), friday, cache).label == "không còn ngày làm việc nào"


# --- a user's own deadlines ------------------------------------------------------------------


def test_the_home_page_shows_only_the_deadlines_the_user_still_owes(world, client):
    today = timezone.localdate()
    deadline(world.hanoi, title="Báo cáo 6 tháng của Hà Nội", owing=[world.users.staff],
             due_on=add_working_days(today, 3))
    deadline(world.hanoi, title="Đăng ký thi đua đã quá hạn", owing=[world.users.staff],
             due_on=today - timedelta(days=2))
    deadline(world.hanoi, title="Hạn đã đóng", owing=[world.users.staff], active=False)
    deadline(world.hue, title="Báo cáo của Huế", owing=[world.users.outsider])
    client.force_login(world.users.staff)

    page = client.get("/").content.decode()

    assert "Báo cáo 6 tháng của Hà Nội" in page and "còn 3 ngày làm việc" in page
    assert "Đăng ký thi đua đã quá hạn" in page and "quá hạn 2 ngày" in page
    assert "Hạn đã đóng" not in page and "Báo cáo của Huế" not in page
    assert page.index("Đăng ký thi đua đã quá hạn") < page.index("Báo cáo 6 tháng của Hà Nội")


def test_my_deadlines_page_lists_everything_owed_with_its_status(world, client):
    deadline(world.hanoi, title="Chấm điểm hôm nay", owing=[world.users.staff],
             due_on=timezone.localdate(), kind="self_scoring")
    client.force_login(world.users.staff)

    page = client.get("/lich/han-cua-toi/").content.decode()

    assert "Chấm điểm hôm nay" in page and "hạn hôm nay" in page


# --- administrators: scope and permissions -----------------------------------------------------


def test_the_deadline_list_is_scoped_and_counts_who_still_owes(world, client):
    deadline(world.coop_hanoi, title="Hạn Hà Nội", owing=[world.users.staff, world.users.head])
    deadline(world.hue, title="Hạn Huế", owing=[world.users.outsider])
    deadline(None, title="Hạn toàn hệ thống")

    client.force_login(world.users.province_admin)
    page = client.get("/lich/han/").content.decode()
    assert "Hạn Hà Nội" in page and "Hạn Huế" not in page and "Hạn toàn hệ thống" not in page
    assert '<td class="text-end">2</td>' in page

    client.force_login(world.users.admin)
    page = client.get("/lich/han/").content.decode()
    assert all(t in page for t in ("Hạn Hà Nội", "Hạn Huế", "Hạn toàn hệ thống"))


@pytest.mark.parametrize("url", ["/lich/han/", "/lich/da-gui/", "/lich/thang-nhac/"])
def test_admin_lists_are_forbidden_to_other_users(world, client, url):
    client.force_login(world.users.staff)
    assert client.get(url).status_code == 403


def test_another_provinces_deadline_is_not_found(world, client):
    hue = deadline(world.hue, title="Hạn Huế")
    client.force_login(world.users.province_admin)
    for url in (f"/lich/han/{hue.pk}/", f"/lich/han/{hue.pk}/thang-nhac/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "add", "offset": "2"}).status_code == 404
    assert not LadderStep.objects.filter(deadline=hue).exists()
    client.force_login(world.users.staff)  # not an administrator at all
    assert client.get(f"/lich/han/{hue.pk}/").status_code == 404


def test_the_kind_ladder_is_for_central_administrators(world, client):
    client.force_login(world.users.province_admin)
    assert client.get("/lich/thang-nhac/unit_report/").status_code == 403
    assert client.post("/lich/thang-nhac/unit_report/", {"offset": "5"}).status_code == 403
    client.force_login(world.users.admin)
    assert client.get("/lich/thang-nhac/khong-co/").status_code == 404
    assert not LadderStep.objects.filter(offset=5).exists()


def test_the_filters_select_by_kind_and_state_and_refuse_unknown_values(world, client):
    today = timezone.localdate()
    deadline(world.hanoi, title="Báo cáo sắp tới", due_on=today + timedelta(days=5))
    deadline(world.hanoi, title="Phiếu bầu quá hạn", kind="council_vote",
             due_on=today - timedelta(days=1))
    client.force_login(world.users.admin)

    late = client.get("/lich/han/?state=late").content.decode()
    votes = client.get("/lich/han/?kind=council_vote").content.decode()
    bad = client.get("/lich/han/?kind=<script>x</script>&state=" + "z" * 5000).content.decode()

    assert "Phiếu bầu quá hạn" in late and "Báo cáo sắp tới" not in late
    assert "Phiếu bầu quá hạn" in votes and "Báo cáo sắp tới" not in votes
    assert "Vui lòng chọn một loại hạn trong danh sách." in bad
    assert "Vui lòng chọn một trạng thái trong danh sách." in bad
    assert "<script>x" not in bad


def test_the_detail_shows_who_owes_the_ladder_the_reminders_and_deliveries(world, client):
    d = deadline(world.coop_hanoi, title="Báo cáo năm", owing=[world.users.staff])
    delivery(d, world.users.head, status="failed", error="SMTP 554 từ chối")
    client.force_login(world.users.province_admin)

    page = client.get(f"/lich/han/{d.pk}/").content.decode()

    assert world.users.staff.username in page
    assert "SMTP 554 từ chối" in page and world.users.head.username in page
    assert "14 ngày làm việc trước hạn" in page  # the kind's ladder
    assert "Hạn này theo thang nhắc của loại hạn." in page


def test_the_deliveries_log_is_scoped_and_filtered(world, client):
    hanoi, hue = deadline(world.hanoi, title="Hạn Hà Nội"), deadline(world.hue, title="Hạn Huế")
    delivery(hanoi, world.users.staff, status="sent")
    delivery(hanoi, world.users.head, status="failed", error="hộp thư đầy", offset=1)
    delivery(hanoi, world.users.group_leader, repeats=1, offset=3)
    delivery(hue, world.users.outsider)
    client.force_login(world.users.province_admin)

    everything = client.get("/lich/da-gui/").content.decode()
    failed = client.get("/lich/da-gui/?status=failed").content.decode()
    repeats = client.get("/lich/da-gui/?status=repeats").content.decode()
    bad = client.get("/lich/da-gui/?status=%27%3B+DROP+TABLE").content.decode()

    assert "Hạn Hà Nội" in everything and "Hạn Huế" not in everything
    assert "hộp thư đầy" in failed and world.users.staff.username not in failed
    assert world.users.group_leader.username in repeats
    assert world.users.head.username not in repeats
    assert "Vui lòng chọn một trạng thái trong danh sách." in bad


# --- the ladder editor -------------------------------------------------------------------------


def offsets(**filters):
    return sorted(LadderStep.objects.filter(**filters).values_list("offset", flat=True))


def test_adding_a_step_to_a_deadline_starts_from_its_kinds_ladder(world, client):
    d = deadline(world.hanoi)
    client.force_login(world.users.province_admin)

    response = client.post(f"/lich/han/{d.pk}/thang-nhac/",
                           {"action": "add", "offset": "-2", "escalate": "on"})

    assert response.status_code == 302
    assert offsets(deadline=d) == [-14, -7, -3, -2, -1, 0, 1, 3]
    assert offsets(kind="unit_report") == [-14, -7, -3, -1, 0, 1, 3]  # the kind's is untouched
    step = LadderStep.objects.get(deadline=d, offset=-2)
    assert step.escalate and step.history.get().history_user == world.users.province_admin

    client.post(f"/lich/han/{d.pk}/thang-nhac/", {"action": "remove", "offset": "-14"})
    assert -14 not in offsets(deadline=d)
    client.post(f"/lich/han/{d.pk}/thang-nhac/", {"action": "reset"})
    assert offsets(deadline=d) == []


def test_a_central_administrator_edits_a_kinds_ladder(world, client):
    client.force_login(world.users.admin)

    client.post("/lich/thang-nhac/pledge/", {"action": "add", "offset": "-30"})
    client.post("/lich/thang-nhac/pledge/", {"action": "remove", "offset": "3"})

    assert offsets(kind="pledge") == [-30, -14, -7, -3, -1, 0, 1]
    removed = LadderStep.history.filter(offset=3, kind="pledge", history_type="-").get()
    assert removed.history_user == world.users.admin


@pytest.mark.parametrize("value, message", [
    ("abc", "Vui lòng nhập số nguyên ngày làm việc, ví dụ -3 hoặc 2."),
    ("", "Vui lòng nhập số ngày làm việc."),
    ("9" * 40, "Số ngày làm việc phải trong khoảng từ -60 đến +60."),
    ("61", "Số ngày làm việc phải trong khoảng từ -60 đến +60."),
    ("<script>alert(1)</script>", "Vui lòng nhập số nguyên ngày làm việc, ví dụ -3 hoặc 2."),
    ("-7", "Thang nhắc đã có một bước vào ngày này."),
])
@pytest.mark.parametrize("target", ["kind", "deadline"])
def test_bad_steps_are_refused_in_vietnamese_and_change_nothing(world, client, value, message,
                                                                 target):
    d = deadline(world.hanoi)
    url = "/lich/thang-nhac/unit_report/" if target == "kind" else f"/lich/han/{d.pk}/thang-nhac/"
    client.force_login(world.users.admin)

    response = client.post(url, {"action": "add", "offset": value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert offsets(kind="unit_report") == [-14, -7, -3, -1, 0, 1, 3]
    assert offsets(deadline=d) == []


@pytest.mark.parametrize("value, message", [
    ("5", "Bước này không còn trong thang nhắc."),
    ("", "Vui lòng chọn bước cần bỏ."),
    ("1" * 300, "Bước này không còn trong thang nhắc."),
    ("<b>0</b>", "Bước này không còn trong thang nhắc."),
])
def test_bad_removals_are_refused_in_vietnamese_and_change_nothing(world, client, value, message):
    client.force_login(world.users.admin)

    response = client.post("/lich/thang-nhac/council_vote/",
                           {"action": "remove", "offset": value}, follow=True)

    assert message in response.content.decode()
    assert offsets(kind="council_vote") == [-14, -7, -3, -1, 0, 1, 3]


def test_the_last_step_of_a_ladder_cannot_be_removed(world, client):
    LadderStep.objects.filter(kind="appraisal").exclude(offset=0).delete()
    client.force_login(world.users.admin)

    response = client.post("/lich/thang-nhac/appraisal/", {"action": "remove", "offset": "0"},
                           follow=True)

    assert "Thang nhắc cần ít nhất một bước. Hãy thêm bước khác trước." in response.content.decode()
    assert offsets(kind="appraisal") == [0]


# --- notifications and the digest setting ---------------------------------------------------------


def test_mark_all_as_read_marks_only_the_users_own(world, client):
    mine = [Notification.objects.create(user=world.users.staff, text=f"Nhắc {i}") for i in range(3)]
    other = Notification.objects.create(user=world.users.outsider, text="Của Huế")
    client.force_login(world.users.staff)

    assert client.get("/lich/thong-bao/da-doc-het/").status_code == 405
    page = client.post("/lich/thong-bao/da-doc-het/", follow=True).content.decode()

    assert "Đã đánh dấu 3 thông báo là đã đọc." in page
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_the_digest_setting_is_saved_with_its_history(world, client):
    client.force_login(world.users.staff)

    client.post("/lich/thong-bao/cach-nhan/", {"delivery": "digest"})

    preference = ReminderPreference.objects.get(user=world.users.staff)
    assert preference.daily_digest
    assert preference.history.first().history_user == world.users.staff
    page = client.get("/lich/thong-bao/cach-nhan/").content.decode()
    assert re.search(r'value="digest"[^>]*checked', page)


@pytest.mark.parametrize("value, message", [
    ("weekly", "Vui lòng chọn một trong các lựa chọn đã cho."),
    ("", "Vui lòng chọn cách nhận e-mail nhắc việc."),
    ("d" * 10_000, "Vui lòng chọn một trong các lựa chọn đã cho."),
    ("digest' OR 1=1 --", "Vui lòng chọn một trong các lựa chọn đã cho."),
])
def test_a_bad_digest_setting_is_refused(world, client, value, message):
    client.force_login(world.users.staff)

    response = client.post("/lich/thong-bao/cach-nhan/", {"delivery": value})

    assert response.status_code == 400 and message in response.content.decode()
    assert not ReminderPreference.objects.filter(user=world.users.staff).exists()


# --- send now -------------------------------------------------------------------------------------


def test_send_now_is_a_post_for_administrators(world, client):
    client.force_login(world.users.staff)
    assert client.post("/lich/gui-ngay/").status_code == 403
    client.force_login(world.users.admin)
    assert client.get("/lich/gui-ngay/").status_code == 405


def test_send_now_runs_one_sweep(world, client):
    from deadlines import ladder

    client.force_login(world.users.admin)

    page = client.post("/lich/gui-ngay/", follow=True).content.decode()

    if ladder.is_quiet(timezone.now()):
        assert "Không gửi nhắc việc từ 21:00 đến 07:00" in page
    else:
        assert "Đã gửi các nhắc việc đến hạn" in page
