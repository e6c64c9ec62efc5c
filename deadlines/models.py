"""The working-day calendar; deadlines and reminders build on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history


class Holiday(models.Model):
    """A public holiday. Without a year it recurs every year (the fixed holidays); Tết and other
    lunar-calendar days are entered per year by an administrator."""

    name = models.CharField(_("holiday name"), max_length=120)
    day = models.PositiveSmallIntegerField(_("day"))
    month = models.PositiveSmallIntegerField(_("month"))
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Leave it blank if the holiday recurs every year.")
    )
    history = audit_history()

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


# --- deadlines and reminders (issue 8; architecture §9) ----------------------------------------


class DeadlineKind(models.TextChoices):
    REGISTRATION = "registration", _("Emulation registration")
    PLEDGE = "pledge", _("Pledge signing")
    SELF_SCORING = "self_scoring", _("Self-scoring")
    PEER_SCORING = "peer_scoring", _("Peer scoring")
    UNIT_REPORT = "unit_report", _("Unit report")
    NOMINATION = "nomination", _("Nomination dossiers")
    APPRAISAL = "appraisal", _("Appraisal time limit")
    COUNCIL_VOTE = "council_vote", _("Council vote")


class Deadline(models.Model):
    """A dated obligation, mirrored from the row that sets it (a registration call, a scoring
    round, a report period, an award cycle, a dossier waiting for appraisal, a council meeting).
    Who still owes it is computed when a reminder is due (deadlines.obligations), so reminders
    reach only those who have not done the work."""

    kind = models.CharField(_("kind"), max_length=16, choices=DeadlineKind.choices)
    # The source row, by kind: "<app_label>.<model>" and its primary key.
    source_model = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due_on = models.DateField(_("due date"), db_index=True)
    # The organization whose subtree owes the work (the organizer's or the unit's), for scoping
    # the administrators' pages.
    organization = models.ForeignKey("clusters.Organization", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("organization"))
    active = models.BooleanField(_("active"), default=True)
    synced_at = models.DateTimeField(_("synchronized at"), auto_now=True)
    history = audit_history(excluded_fields=["synced_at"])

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_model", "source_id"],
                                    name="deadline_unique_source"),
        ]

    def __str__(self):
        return self.title


class LadderStep(models.Model):
    """One step of a reminder ladder: `offset` working days from the due date (negative before,
    0 on the day, positive after), with or without escalation to the unit's head. A kind's
    default ladder has `kind` set; a deadline's own ladder (which replaces it) has `deadline`."""

    kind = models.CharField(_("kind"), max_length=16, choices=DeadlineKind.choices, blank=True)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="ladder_steps", verbose_name=_("deadline"))
    offset = models.SmallIntegerField(_("working days from the due date"))
    escalate = models.BooleanField(_("also to the unit's head"), default=False)
    history = audit_history()

    class Meta:
        ordering = ["kind", "deadline", "offset"]
        verbose_name = _("reminder step")
        verbose_name_plural = _("reminder steps")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(deadline__isnull=True) & ~models.Q(kind=""))
                | (models.Q(deadline__isnull=False) & models.Q(kind="")),
                name="ladder_step_kind_or_deadline"),
            models.UniqueConstraint(fields=["kind", "offset"],
                                    condition=models.Q(deadline__isnull=True),
                                    name="ladder_step_unique_kind"),
            models.UniqueConstraint(fields=["deadline", "offset"],
                                    condition=models.Q(deadline__isnull=False),
                                    name="ladder_step_unique_deadline"),
        ]


class Reminder(models.Model):
    """A ladder step of a deadline, due at `send_at` (outside 21:00–07:00 Vietnam time). The
    sweeper claims it with a lease; a claim whose lease has expired is taken again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    offset = models.SmallIntegerField(_("working days from the due date"))
    escalate = models.BooleanField(_("also to the unit's head"), default=False)
    send_at = models.DateTimeField(_("send at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    done_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["send_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "offset"],
                                    name="reminder_unique_step"),
        ]
        indexes = [models.Index(fields=["status", "send_at"], name="reminder_due_idx")]


class ReminderDelivery(models.Model):
    """One reminder to one user: created (with its in-app notification, in the same
    transaction) before any e-mail is sent, so a second delivery of the same step to the same
    user is impossible. `email_status` follows the mail: sent once the server accepted it."""

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NO_ADDRESS = "no_address", _("No e-mail address")
        DIGEST = "digest", _("In the daily digest")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("recipient"))
    escalation = models.BooleanField(_("escalation to the head"), default=False)
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    email_status = models.CharField(_("e-mail"), max_length=10, choices=EmailStatus.choices,
                                    default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # Attempts started after an earlier attempt that may have reached the mail server without
    # being marked (a worker killed in between): the only way an e-mail can repeat.
    possible_repeats = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"],
                                    name="reminder_delivery_unique"),
        ]


class ReminderPreference(models.Model):
    """A user's choice: reminders by e-mail one by one (default) or in one daily digest."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE,
                                related_name="reminder_preference")
    daily_digest = models.BooleanField(_("one daily digest e-mail"), default=False)
    history = audit_history()


class DigestDelivery(models.Model):
    """The daily digest of one user for one day: at most one."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_unique_day"),
        ]


class Obligation(models.Model):
    """A user who still owes a deadline's work, as of the last refresh (every sweep): what the
    dashboards read in one query. Reminders do not trust it: they ask the source again when
    they are sent, so that work done a minute ago is not reminded."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="obligations")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("clusters.Organization", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+")
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "user"], name="obligation_unique"),
        ]
        indexes = [models.Index(fields=["user", "deadline"], name="obligation_user_idx")]
