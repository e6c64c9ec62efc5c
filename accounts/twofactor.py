"""Two-factor sign-in with a TOTP app (quality target S5), on django-otp.

Who must use it is decided here and only here (`requires_two_factor`): council members and
administrators, and superusers, who can open the Django admin. The middleware at the bottom
keeps such a user, once past the password, on the two-factor pages until a code verifies the
session. Devices: one confirmed TOTPDevice per user, plus a StaticDevice named "backup" that
holds the ten single-use backup codes.

django-otp's devices are not audited by simple-history; enrolment, verification failures and
resets go to the "accounts.twofactor" log, and an administrator's reset is also written into
the user's own history, with the change reason RESET_REASON.
"""

import logging
import re
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, RoleAssignment, User

log = logging.getLogger("accounts.twofactor")

TWO_FACTOR_ROLES = (Role.COUNCIL_MEMBER, Role.ADMIN)
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10
RESET_REASON = "two-factor reset"
# Session key holding freshly generated backup codes until the page that shows them once.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"

_TOTP_CODE = re.compile(r"^[0-9]{6}$")  # ASCII digits only: \d also matches other scripts
_BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")  # StaticToken.random_token(): 5 random bytes, base32


# --- who -----------------------------------------------------------------------------------

def requires_two_factor(user) -> bool:
    """True when the user must confirm the password with a code: two-factor sign-in is switched
    on (TWO_FACTOR_REQUIRED) and they hold a current council member or administrator role, in
    whichever role they work now, or are a superuser."""
    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if not hasattr(user, "_requires_two_factor"):
        user._requires_two_factor = user.is_superuser or RoleAssignment.objects.current().filter(
            user=user, role__in=TWO_FACTOR_ROLES).exists()
    return user._requires_two_factor


def is_verified(user) -> bool:
    """The session was confirmed with a code (django-otp's middleware sets user.is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


def status_for(user) -> dict:
    device = confirmed_device(user)
    return {
        "required": requires_two_factor(user),
        "device": device,
        "backup_codes_left": backup_codes_left(user) if device else 0,
    }


# --- enrolment -----------------------------------------------------------------------------

def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being set up; the same one on every reload, so that a QR code
    already scanned stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where it is typed instead of scanned."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    # An SVG data: URI is allowed by the policy (img-src 'self' data:), no inline style needed.
    return segno.make(device.config_url, error="m", micro=False).svg_data_uri(scale=4, border=2)


def confirm_enrolment(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the new device with a code from the app; returns the new backup codes."""
    code = normalize_code(code)
    _check_format(code, allow_backup=False)
    # A wrong code's throttling count must be kept: raise only after the transaction.
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        _check_throttle(device)
        accepted = device.verify_token(code)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = regenerate_backup_codes(user)
    if not accepted:
        log.warning("two-factor enrolment: wrong code user=%s", user.pk)
        raise ValidationError(_wrong_code_message(), code="wrong")
    log.info("two-factor enrolled: user=%s device=%s", user.pk, device.pk)
    return codes


@transaction.atomic
def regenerate_backup_codes(user: User) -> list[str]:
    """Ten new single-use codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME)
    device.token_set.all().delete()
    codes = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    log.info("two-factor backup codes generated: user=%s", user.pk)
    return [format_backup_code(c) for c in codes]


def format_backup_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- verification --------------------------------------------------------------------------

def normalize_code(raw) -> str:
    """What people type: spaces and a hyphen in the middle, any case."""
    return re.sub(r"[\s\-]", "", str(raw or "")).lower()


def _wrong_code_message() -> str:
    return _("The code is not correct or has expired. Check that your phone's clock is right "
             "and enter the code the app shows now.")


def _check_format(code: str, *, allow_backup: bool) -> None:
    if not code:
        raise ValidationError(_("Enter the 6-digit code shown in your authenticator app."),
                              code="required")
    if _TOTP_CODE.match(code) or (allow_backup and _BACKUP_CODE.match(code)):
        return
    if allow_backup:
        raise ValidationError(_("The code has exactly 6 digits (a backup code has 8 letters "
                                "and digits)."), code="format")
    raise ValidationError(_("The code has exactly 6 digits."), code="format")


def _check_throttle(device) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = info.get("locked_until") if info else None
        log.warning("two-factor throttled: user=%s device=%s", device.user_id, device.persistent_id)
        if until:
            raise ValidationError(
                _("Too many wrong codes. Wait until %(time)s, then try again.")
                % {"time": timezone.localtime(until).strftime("%H:%M:%S")}, code="throttled")
        raise ValidationError(_("Too many wrong codes. Wait a moment, then try again."),
                              code="throttled")


def verify_code(*, user: User, code: str):
    """The device that accepts the code (the TOTP app, or the backup codes, each once), or a
    ValidationError with the reason. Failures slow down further tries (django-otp throttling:
    1, 2, 4, 8 ... seconds, kept on the device)."""
    code = normalize_code(code)
    _check_format(code, allow_backup=True)
    if _TOTP_CODE.match(code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True, name=BACKUP_DEVICE_NAME)
    # A wrong code's throttling count must be kept: raise only after the transaction.
    with transaction.atomic():
        devices = list(devices.select_for_update())
        for device in devices:
            _check_throttle(device)
        accepted = next((device for device in devices if device.verify_token(code)), None)
    if accepted is None:
        log.warning("two-factor failed: user=%s", user.pk)
        raise ValidationError(_wrong_code_message(), code="wrong")
    log.info("two-factor verified: user=%s device=%s", user.pk, accepted.persistent_id)
    return accepted


# --- reset by an administrator -------------------------------------------------------------

@transaction.atomic
def reset_two_factor(*, user: User, actor: User) -> None:
    """Remove the user's devices and backup codes (a lost phone): at the next sign-in they enrol
    again. Their sessions end too. Recorded in the user's history with RESET_REASON."""
    from .sessions import revoke_user_sessions

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked._change_reason = RESET_REASON
    locked._history_user = actor
    locked.save()
    revoke_user_sessions(locked, reason="two-factor reset")
    log.info("two-factor reset: user=%s by=%s", user.pk, actor.pk)


def last_reset(user):
    """The latest reset from the user's history, or None."""
    return (User.history.filter(id=user.pk, history_change_reason=RESET_REASON)
            .select_related("history_user").order_by("-history_date").first())


# --- the gate ------------------------------------------------------------------------------

def _open_paths() -> tuple[str, ...]:
    """Paths a user who still owes a code may open: the two-factor pages, logging out, the
    session timer's endpoints, static files."""
    return tuple(p for p in (
        reverse("accounts:twofactor_verify"),  # the enrolment and backup-code pages are below it
        reverse("accounts:logout"),
        reverse("accounts:session_keepalive"),
        reverse("accounts:session_expired"),
        settings.STATIC_URL,
        settings.MEDIA_URL,
    ) if p)


def two_factor_redirect(request, user):
    view = "accounts:twofactor_verify" if confirmed_device(user) else "accounts:twofactor_enrol"
    url = reverse(view)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)


class TwoFactorMiddleware:
    """Until the session is verified, a user who must use two-factor sign-in sees only the
    two-factor pages; everything else redirects there, keeping the page asked for as `next`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR_REQUIRED:
            user = request.user
            if (user.is_authenticated and not is_verified(user)
                    and not request.path_info.startswith(_open_paths())
                    and requires_two_factor(user)):
                return two_factor_redirect(request, user)
        return self.get_response(request)
