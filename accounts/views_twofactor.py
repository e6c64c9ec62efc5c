"""Two-factor sign-in pages: the code after the password, enrolment, backup codes, the user's
own status, and an administrator's reset. The rules are in accounts.twofactor."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from . import permissions, selectors, twofactor
from .views_sessions import safe_next


class CodeForm(forms.Form):
    # No max_length or pattern here: the service checks the format and says what is wrong in
    # the same words everywhere (too long, letters, empty).
    code = forms.CharField(
        label=gettext_lazy("Verification code"), required=False, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false", "maxlength": "20", "autofocus": True}),
    )


class EnrolCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self.fields["code"].help_text = _("The 6 digits the app shows after adding the account.")


def _with_next(view_name: str, next_url: str) -> str:
    url = reverse(view_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _finish_sign_in(request, device) -> None:
    otp_login(request, device)
    # A new key for the now fully signed-in session (the tracker records it on the way out).
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    next_url = safe_next(request)
    if twofactor.is_verified(user):
        return redirect(next_url)
    if twofactor.confirmed_device(user) is None:
        if twofactor.requires_two_factor(user):
            return redirect(_with_next("accounts:twofactor_enrol", safe_next(request, "")))
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify_code(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            _finish_sign_in(request, device)
            if device.name == twofactor.BACKUP_DEVICE_NAME:
                left = twofactor.backup_codes_left(user)
                messages.warning(request, _("You signed in with a backup code; %(count)s are left. "
                                            "Each code works only once.") % {"count": left})
            return redirect(next_url)
    return render(request, "accounts/twofactor_verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    user = request.user
    next_url = safe_next(request)
    if twofactor.confirmed_device(user) is not None:
        return redirect(_with_next("accounts:twofactor_verify", safe_next(request, "")))
    if not twofactor.requires_two_factor(user):
        messages.info(request, _("Two-factor sign-in is not required for your roles."))
        return redirect("accounts:twofactor_status")
    device = twofactor.enrolment_device(user)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(user=user, device=device,
                                                code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            device.refresh_from_db()
            _finish_sign_in(request, device)
            request.session[twofactor.NEW_CODES_SESSION_KEY] = {"codes": codes, "next": next_url}
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect("accounts:twofactor_backup_codes")
    return render(request, "accounts/twofactor_enrol.html", {
        "form": form, "next": next_url, "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_for_typing(device),
    })


@login_required
def backup_codes(request):
    """Shown once, right after they are made: the session forgets them as the page renders."""
    fresh = request.session.pop(twofactor.NEW_CODES_SESSION_KEY, None)
    if not fresh:
        return redirect("accounts:twofactor_status")
    next_url = fresh.get("next") or reverse("dashboard")
    return render(request, "accounts/twofactor_backup_codes.html",
                  {"codes": fresh["codes"], "next": next_url})


@login_required
def status(request):
    return render(request, "accounts/twofactor_status.html",
                  {"status": twofactor.status_for(request.user),
                   "verified": twofactor.is_verified(request.user)})


@login_required
@require_POST
def regenerate(request):
    user = request.user
    # Only from a session confirmed with a code: otherwise a stolen password would be enough.
    if twofactor.confirmed_device(user) is None or not twofactor.is_verified(user):
        raise PermissionDenied
    codes = twofactor.regenerate_backup_codes(user)
    request.session[twofactor.NEW_CODES_SESSION_KEY] = {
        "codes": codes, "next": reverse("accounts:twofactor_status")}
    messages.success(request, _("New backup codes have been made; the old ones no longer work."))
    return redirect("accounts:twofactor_backup_codes")


@login_required
def reset(request, pk):
    """A central administrator removes another user's devices (a lost phone)."""
    # Scope, then role, then method: another province's user is a 404 whatever is asked (S3).
    target = selectors.get_user_for_admin(request.user, pk)
    if not permissions.is_central_admin(request.user) or target.pk == request.user.pk:
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    twofactor.reset_two_factor(user=target, actor=request.user)
    messages.success(request, _("Two-factor sign-in of %(name)s has been reset: they will set it "
                                "up again at their next sign-in.") % {"name": target.get_full_name()})
    return redirect("accounts:user_detail", pk=target.pk)
