"""Run the reminder sweeper once (what Celery beat does every few minutes) and say what it did."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from deadlines.ladder import VIETNAM
from deadlines.sweeper import sweep


class Command(BaseCommand):
    help = "Send the reminders that are due now (one pass of the sweeper)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Run as if it were this moment, Vietnam time "
                                         "(YYYY-MM-DD HH:MM); for checks and demonstrations.")

    def handle(self, *args, **options):
        now = None
        if options["at"]:
            try:
                now = datetime.strptime(options["at"], "%Y-%m-%d %H:%M").replace(tzinfo=VIETNAM)
            except ValueError:
                raise CommandError(_("The moment must look like 2026-03-02 08:30.")) from None
        result = sweep(now=now, worker="send_due_reminders", sync=True)
        synced = result["synced"] or {}
        if synced:
            self.stdout.write(_("Deadlines: %(created)d new, %(updated)d changed, %(deactivated)d "
                                "closed, %(unchanged)d unchanged.") % {
                key: synced.get(key, 0) for key in ("created", "updated", "deactivated",
                                                    "unchanged")})
        self.stdout.write(_("Reminder steps: %(created)d new, %(rescheduled)d rescheduled, "
                            "%(cancelled)d cancelled.") % result)
        if result["quiet"]:
            self.stdout.write(_("Quiet hours (21:00–07:00): no reminder is sent now."))
            return
        self.stdout.write(self.style.SUCCESS(
            _("Reminders sent: %(claimed)d; recipients: %(deliveries)d; e-mails queued: "
              "%(emails)d; e-mails queued again: %(requeued)d.") % result))
