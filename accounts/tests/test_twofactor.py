"""Two-factor sign-in (quality target S5): who must use it, enrolment with a real TOTP code,
wrong codes, backup codes, the `next` page, and an administrator's reset."""

import time
from base64 import b32encode
from datetime import timedelta
from urllib.parse import quote

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import User, UserSession
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

VERIFY = "/tai-khoan/xac-thuc-2-buoc/"
ENROL = "/tai-khoan/xac-thuc-2-buoc/dang-ky/"
BACKUP = "/tai-khoan/xac-thuc-2-buoc/ma-du-phong/"
WRONG = "Mã không đúng hoặc đã hết hạn."


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def login(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/tai-khoan/dang-nhap/", data)


def code_for(device, steps_ahead=0):
    """The code the user's app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code_for(device):
    right = {code_for(device, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    codes = twofactor.regenerate_backup_codes(user)
    return device, codes


def verified_session(client, user, device):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.mark.parametrize("who", ["council", "admin", "province_admin"])
def test_council_members_and_administrators_are_sent_to_enrolment(world, client, who):
    login(client, getattr(world.users, who).username)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == f"{ENROL}?next=%2F"
    # Any other page too, POSTs included (without a `next`: a form cannot be replayed).
    assert client.get("/tai-khoan/doi-mat-khau/").url.startswith(ENROL)
    assert client.post("/tai-khoan/vai-tro/", {"role": "1"}).url == ENROL


@pytest.mark.parametrize("who", ["staff", "head", "appraiser", "leadership", "no_role"])
def test_other_roles_are_not_asked_for_a_code(world, client, who):
    login(client, getattr(world.users, who).username)

    assert client.get("/").status_code == 200


def test_nobody_is_asked_when_two_factor_sign_in_is_switched_off(world, client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    login(client, "hoidong")

    assert client.get("/").status_code == 200


def test_enrolment_with_a_real_code_then_ten_backup_codes_shown_once(world, client):
    council = world.users.council
    login(client, council.username, next_url="/tai-khoan/bao-mat/")
    page = client.get(f"{ENROL}?next=/tai-khoan/bao-mat/")
    html = page.content.decode()

    device = TOTPDevice.objects.get(user=council, confirmed=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    assert grouped in html
    assert 'src="data:image/svg+xml' in html and "otpauth" not in html.split("data:image")[0]
    # A reload shows the same key: a QR code already scanned stays valid.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=council).count() == 1

    response = client.post(ENROL, {"code": code_for(device), "next": "/tai-khoan/bao-mat/"})

    assert response.status_code == 302 and response.url == BACKUP
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    shown = client.get(BACKUP)
    codes = shown.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in shown.content.decode() for code in codes)
    assert StaticToken.objects.filter(device__user=council).count() == 10
    assert 'href="/tai-khoan/bao-mat/"' in shown.content.decode()
    assert client.get(BACKUP).status_code == 302  # once only
    assert client.get("/").status_code == 200


def test_enrolment_rejects_a_wrong_code_and_stays_unconfirmed(world, client):
    login(client, "hoidong")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=world.users.council)

    response = client.post(ENROL, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=world.users.council).exists()
    assert client.get("/").url.startswith(ENROL)


@pytest.mark.parametrize("code, message", [
    ("", "Hãy nhập mã 6 chữ số hiển thị trong ứng dụng xác thực."),
    ("1234567890123", "Mã xác thực gồm đúng 6 chữ số (mã dự phòng gồm 8 chữ cái và chữ số)."),
    ("12345a", "Mã xác thực gồm đúng 6 chữ số (mã dự phòng gồm 8 chữ cái và chữ số)."),
    ("１２３４５６", "Mã xác thực gồm đúng 6 chữ số"),  # full-width digits are not accepted
    ("WRONG", None),
])
def test_a_bad_code_is_refused_in_vietnamese_and_does_not_verify(world, client, code, message):
    device, _codes = enrolled(world.users.council)
    login(client, "hoidong")
    assert client.get("/").url == f"{VERIFY}?next=%2F"
    if code == "WRONG":
        code, message = wrong_code_for(device), WRONG

    response = client.post(VERIFY, {"code": code, "next": "/"})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<title>Lỗi:" in html
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_the_right_code_verifies_the_session(world, client):
    device, _codes = enrolled(world.users.council)
    login(client, "hoidong")

    response = client.post(VERIFY, {"code": code_for(device), "next": "/"})

    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    # The same code cannot be used twice (replay).
    client.post("/tai-khoan/dang-xuat/")
    login(client, "hoidong")
    again = client.post(VERIFY, {"code": code_for(device), "next": "/"})
    assert WRONG in again.content.decode()


def test_wrong_codes_slow_down_further_tries(world, client):
    device, _codes = enrolled(world.users.council)
    login(client, "hoidong")
    client.post(VERIFY, {"code": wrong_code_for(device)})

    # Right after a failure even the right code is refused, and says why.
    refused = client.post(VERIFY, {"code": code_for(device)})

    assert "Đã nhập sai quá nhiều lần. Vui lòng chờ đến" in refused.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    # The count is kept on the device, not in the session: logging in again does not reset it.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=2))
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_backup_code_works_once(world, client):
    _device, codes = enrolled(world.users.council)
    login(client, "hoidong")

    # Typed in capitals and without the hyphen: still the same code.
    response = client.post(VERIFY, {"code": codes[0].replace("-", "").upper(), "next": "/"})

    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Bạn đã đăng nhập bằng một mã dự phòng; còn lại 9 mã." in page.content.decode()
    client.post("/tai-khoan/dang-xuat/")
    login(client, "hoidong")
    reused = client.post(VERIFY, {"code": codes[0], "next": "/"})
    assert WRONG in reused.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_the_page_asked_for_is_kept_through_password_and_code(world, client):
    device, _codes = enrolled(world.users.admin)
    wanted = "/tai-khoan/nguoi-dung/?q=hoi"
    first = client.get(wanted)
    assert first.url == f"/tai-khoan/dang-nhap/?next={quote(wanted, safe='/')}"

    after_password = login(client, "quantri", next_url=wanted)
    assert after_password.url == wanted
    gate = client.get(wanted)
    assert gate.url == f"{VERIFY}?next={quote(wanted, safe='')}"
    page = client.get(gate.url)
    assert f'name="next" value="{wanted}"' in page.content.decode()

    response = client.post(VERIFY, {"code": code_for(device), "next": wanted})

    assert response.url == wanted
    assert client.get(wanted).status_code == 200


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_outside_next_is_refused(world, client, evil):
    device, _codes = enrolled(world.users.council)
    login(client, "hoidong")

    response = client.post(VERIFY, {"code": code_for(device), "next": evil})

    assert response.status_code == 302 and response.url == "/"


def test_logout_works_before_the_code(world, client):
    enrolled(world.users.council)
    login(client, "hoidong")

    response = client.post("/tai-khoan/dang-xuat/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_user_makes_new_backup_codes_and_the_old_ones_stop_working(world, client):
    council = world.users.council
    device, old_codes = enrolled(council)
    verified_session(client, council, device)
    status = client.get("/tai-khoan/bao-mat/").content.decode()
    assert "Bắt buộc với vai trò của bạn" in status and "Tạo mã dự phòng mới" in status

    response = client.post("/tai-khoan/bao-mat/ma-du-phong-moi/")

    assert response.url == BACKUP
    new_codes = client.get(BACKUP).context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    client.post("/tai-khoan/dang-xuat/")
    login(client, "hoidong")
    assert WRONG in client.post(VERIFY, {"code": old_codes[1]}).content.decode()


def test_new_backup_codes_need_a_verified_session(world, client):
    council = world.users.council
    enrolled(council)
    client.force_login(council)

    # The gate sends the unverified session to the code page before the view is reached.
    assert client.post("/tai-khoan/bao-mat/ma-du-phong-moi/").url == VERIFY


def test_a_central_administrator_resets_a_lost_phone(world, client):
    council, admin = world.users.council, world.users.admin
    enrolled(council)
    victim = type(client)()
    login(victim, "hoidong")
    admin_device, _ = enrolled(admin)
    verified_session(client, admin, admin_device)
    detail = client.get(f"/tai-khoan/nguoi-dung/{council.pk}/").content.decode()
    assert "Đặt lại xác thực hai bước" in detail

    response = client.post(f"/tai-khoan/nguoi-dung/{council.pk}/xac-thuc-2-buoc/dat-lai/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=council).exists()
    assert not StaticDevice.objects.filter(user=council).exists()
    record = User.history.filter(id=council.pk).order_by("-history_date").first()
    assert record.history_change_reason == twofactor.RESET_REASON
    assert record.history_user == admin
    # Signed out everywhere; at the next sign-in the council member enrols again.
    assert not UserSession.objects.filter(user=council).exists()
    assert victim.get("/").url.startswith("/tai-khoan/dang-nhap/")
    login(victim, "hoidong")
    assert victim.get("/").url.startswith(ENROL)
    page = client.get(f"/tai-khoan/nguoi-dung/{council.pk}/").content.decode()
    assert "Đặt lại lần cuối ngày" in page and "Chưa thiết lập" in page


def test_only_a_central_administrator_may_reset(world, client):
    council = world.users.council
    enrolled(council)
    staff_user = world.users.staff
    enrolled(staff_user)
    province_admin = world.users.province_admin
    device, _ = enrolled(province_admin)
    verified_session(client, province_admin, device)

    # Another province's... the council member is outside a provincial admin's scope: 404;
    # a user inside it: 403, a provincial administrator cannot reset.
    assert client.post(f"/tai-khoan/nguoi-dung/{council.pk}/xac-thuc-2-buoc/dat-lai/").status_code == 404
    assert client.post(f"/tai-khoan/nguoi-dung/{staff_user.pk}/xac-thuc-2-buoc/dat-lai/").status_code == 403
    assert "Đặt lại xác thực hai bước" not in client.get(
        f"/tai-khoan/nguoi-dung/{staff_user.pk}/").content.decode()
    assert TOTPDevice.objects.filter(user__in=[council, staff_user]).count() == 2
