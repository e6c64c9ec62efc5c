"""Messages of Django and django-axes that our users can see, whose Vietnamese is missing or wrong
in those packages' own catalogs.

Nothing imports this module. It exists so that `makemessages` extracts these msgids into
locale/vi/LC_MESSAGES/django.po, where they are translated; our catalog (LOCALE_PATHS) takes
precedence over the packages' ones, and listing the msgids here keeps `makemessages` from marking
their translations obsolete. Each msgid must stay exactly as the package spells it: check it again
when upgrading Django or django-axes (tests/test_translations.py renders the pages that show them).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    # django.contrib.auth.password_validation.MinimumLengthValidator: missing in Django's vi.
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        0,
    ),
    # Max/MinLengthValidator: Django's vi spells "kí tự" where the application writes "ký tự".
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        0,
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        0,
    ),
    # AuthenticationForm: Django's vi reads "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác".
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    # ModelMultipleChoiceField (members of a group): missing in Django's vi.
    gettext_noop("“%(pk)s” is not a valid value."),
    # A database constraint without its own message: missing in Django's vi.
    gettext_noop("Constraint “%(name)s” is violated."),
    # IntegerField: Django's vi says "số tổng thể" (an overall number), not an integer.
    gettext_noop("Enter a whole number."),
    # Min/Max value validators: Django's vi has a stray space before the full stop.
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    # EmailField: Django's vi drops "valid" ("Nhập địa chỉ email.").
    gettext_noop("Enter a valid email address."),
    # PasswordChangeForm: Django's vi lacks the final full stop.
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    # ASCIIUsernameValidator (our usernames): missing in Django's vi.
    gettext_noop(
        "Enter a valid username. This value may contain only unaccented lowercase a-z "
        "and uppercase A-Z letters, numbers, and @/./+/-/_ characters."
    ),
    # django-axes has no Vietnamese catalog. We render registration/lockout.html, but axes also
    # puts this message in the authentication context.
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
]
