from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clusters.forms import OrganizationCodeField
from clusters.text import clean_text

from .models import Role, RoleAssignment, User


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by username, full name or e-mail"), required=False,
                        max_length=100)


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput(render_value=False),
        required=False, help_text=_("At least 12 characters. When editing, leave it blank to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "is_active"]
        help_texts = {"username": _("Letters without diacritics, digits and the characters @ . + - _")}

    def clean_full_name(self):
        name = clean_text(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Please enter the full name."))
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not email:
            raise forms.ValidationError(_("Please enter an e-mail address so that the user can receive "
                                          "notifications and reset the password."))
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This e-mail address is already used by another account."))
        return email

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if not password and not self.instance.pk:
            raise forms.ValidationError(_("Please set an initial password."))
        if password:
            candidate = User(username=self.cleaned_data.get("username", ""),
                             email=self.cleaned_data.get("email", ""))
            password_validation.validate_password(password, candidate)
        return password


class RoleAssignmentForm(forms.ModelForm):
    organization = OrganizationCodeField(label=_("Organization code"))

    class Meta:
        model = RoleAssignment
        fields = ["role", "organization", "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "valid_to": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, organizations, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if allowed_roles is not None:
            self.fields["role"].choices = [c for c in Role.choices if c[0] in allowed_roles]

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date must be after the start date."))
        return data


class EndRoleForm(forms.Form):
    valid_to = forms.DateField(label=_("Ends on"),
                               widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))


class PasswordResetRequestForm(PasswordResetForm):
    """Django's form, but the e-mail leaves through a Celery task after the request commits, so
    a slow or failing mail server neither delays the page nor loses the message (the task
    retries)."""

    def save(self, *args, **kwargs):
        from .tasks import send_password_reset_task

        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(lambda pk=user.pk: send_password_reset_task.delay(user_id=pk))


class ConfirmIdentityForm(forms.Form):
    """The password again (and, for a user with a TOTP device, a current or backup code) before
    a sensitive action: casting a ballot, changing roles (accounts.reauth). Checks the format
    only; accounts.reauth.IdentityCheck checks the password and the code and counts failures."""

    # Longer than any password a person types: refused before hashing, as a wrong password.
    MAX_PASSWORD = 4096

    password = forms.CharField(
        label=_("Your password"), strip=False, required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    code = forms.CharField(
        label=_("Verification code"), required=False, strip=True,
        help_text=_("The 6 digits your authenticator app shows now, or a backup code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false", "maxlength": "20"}))

    def __init__(self, *args, user, **kwargs):
        from .twofactor import confirmed_device

        super().__init__(*args, **kwargs)
        # A NUL byte is refused below as a wrong password (no stored password holds one), not
        # with Django's untranslated "Null characters are not allowed."
        self.fields["password"].validators = []
        self.needs_code = confirmed_device(user) is not None
        if not self.needs_code:
            del self.fields["code"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password:
            raise forms.ValidationError(_("For your security, enter your password again to "
                                          "continue."), code="required")
        if len(password) > self.MAX_PASSWORD or "\x00" in password:
            raise forms.ValidationError(_("The password is not correct."), code="wrong")
        return password
