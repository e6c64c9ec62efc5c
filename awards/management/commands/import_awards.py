"""Import award records from a file, as the import page does: every row or none.

    python manage.py import_awards FILE [--dry-run] [--user USERNAME]

Prints the report (row, column, explanation; warnings) and exits non-zero when any row is
rejected. Without --user, the first administrator of the central body imports."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from clusters.permissions import can_import
from clusters.spreadsheets import SpreadsheetError, read_rows

from ...imports import AwardRecordImporter


class Command(BaseCommand):
    help = "Import award records from an .xlsx or .csv file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and print the report without importing.")
        parser.add_argument("--user", help="Username of the person importing (the scope).")

    def handle(self, *args, file, dry_run=False, user=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(file, dry_run, user)

    def _handle(self, path, dry_run, username):
        user = self._user(username)
        importer = AwardRecordImporter(user=user)
        importer.change_reason = (_("Import of file %(name)s") % {
            "name": os.path.basename(path)})[:100]
        try:
            with open(path, "rb") as handle:
                rows = read_rows(handle, headers=importer.headers, name=os.path.basename(path))
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s")
                               % {"path": path, "error": error.strerror}) from None
        except SpreadsheetError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("The file was refused; nothing was imported.")) from None
        plan = importer.validate(rows)
        for problem in sorted(plan.problems, key=lambda p: p.row or 0):
            self.stderr.write(_("Error: %(problem)s") % {"problem": problem})
        for problem in sorted(plan.warnings, key=lambda p: p.row or 0):
            self.stdout.write(_("Warning: %(problem)s") % {"problem": problem})
        for problem in sorted(plan.notes, key=lambda p: p.row or 0):
            self.stdout.write(_("Note: %(problem)s") % {"problem": problem})
        if plan.problems:
            raise CommandError(_("%(count)s problems in %(rows)s rows; nothing was imported.")
                               % {"count": len(plan.problems), "rows": plan.row_count})
        if dry_run:
            self.stdout.write(_("Check only: %(summary)s. Nothing was imported.")
                              % {"summary": self._summary(plan.counts)})
            return
        with transaction.atomic():
            result = importer.commit(plan)
        result["skip"] = plan.counts.get("skip", 0)
        self.stdout.write(_("Imported: %(summary)s.") % {"summary": self._summary(result)})

    @staticmethod
    def _summary(counts) -> str:
        return "; ".join(f"{label}: {counts.get(key, 0)}"
                         for key, label in AwardRecordImporter.outcome_labels().items())

    @staticmethod
    def _user(username):
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("There is no active user “%(name)s”.") % {"name": username})
        else:
            role = (RoleAssignment.objects.current().filter(role=Role.ADMIN, user__is_active=True)
                    .select_related("organization", "user").order_by("id"))
            role = next((r for r in role if r.organization.is_central), None)
            if role is None:
                raise CommandError(_("No administrator of the central body exists; give "
                                     "--user."))
            user = role.user
        if not can_import(user):
            raise CommandError(_("User “%(name)s” may not import data.")
                               % {"name": user.username})
        return user
