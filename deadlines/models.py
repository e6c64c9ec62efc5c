"""The working-day calendar; deadlines and reminders build on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Holiday(models.Model):
    """A public holiday. Without a year it recurs every year (the fixed holidays); Tết and other
    lunar-calendar days are entered per year by an administrator."""

    name = models.CharField(_("holiday name"), max_length=120)
    day = models.PositiveSmallIntegerField(_("day"))
    month = models.PositiveSmallIntegerField(_("month"))
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Leave it blank if the holiday recurs every year.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "month", "day"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "month", "year"], condition=models.Q(year__isnull=False),
                name="holiday_unique_dated",
                violation_error_message=_("This holiday is already in the calendar."),
            ),
            models.UniqueConstraint(
                fields=["day", "month"], condition=models.Q(year__isnull=True),
                name="holiday_unique_recurring",
                violation_error_message=_("This holiday is already in the calendar."),
            ),
        ]

    def __str__(self):
        if self.year:
            return f"{self.day:02d}/{self.month:02d}/{self.year} – {self.name}"
        return f"{self.day:02d}/{self.month:02d} – {self.name}"


class Notification(models.Model):
    """A message in the application for one user (the bell in the top bar); e-mail goes
    alongside it. Reminders (later) and workflow steps (dossier returned, decision issued)
    create them."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    text = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.text
