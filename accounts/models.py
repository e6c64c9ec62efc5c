"""Users and their roles at organizations."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Unit emulation staff")
    UNIT_HEAD = "unit_head", _("Unit head")
    GROUP_LEADER = "group_leader", _("Cluster or bloc leader")
    APPRAISER = "appraiser", _("Appraiser (Personnel Department)")
    COUNCIL_MEMBER = "council_member", _("Member of the Emulation and Commendation Council")
    ADMIN = "admin", _("Administrator")
    LEADERSHIP = "leadership", _("Leadership")


class User(AbstractUser):
    # Letters without diacritics only, as the help text says and the spreadsheet import enforces.
    username_validator = ASCIIUsernameValidator()
    username = models.CharField(
        _("Username"), max_length=150, unique=True, validators=[username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    history = audit_history(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, update_fields=None, **kwargs):
        # Each login saves last_login alone, a field the trail excludes: a history row for it
        # would fill the audit trail with "no field changed" at every sign-in.
        if update_fields is not None and set(update_fields) == {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, update_fields=update_fields, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, update_fields=update_fields, **kwargs)

    def get_full_name(self):
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "clusters.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "role", "id"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_dates_ordered",
                violation_error_message=_("The end date must be after the start date."),
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} – {self.organization}"


class UserSession(models.Model):
    """Which session belongs to whom, so that all of a user's sessions can be revoked at once
    (quality target S6: deactivation, last role ended, second factor reset). Written at login
    and when the session key rotates (accounts.sessions); not audited, it holds no decision."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")

    def __str__(self):
        return f"{self.user} – {self.created_at:%d/%m/%Y %H:%M}"
