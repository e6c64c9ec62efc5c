"""Build the summary report's data from the current records, without finalizing anything.

    python manage.py build_summary_report --period 2021-H1 --format json|xlsx --out FILE
                                          [--organization CODE]

`--period 2021` is the whole year. Without --organization the whole system is counted. The pdf
and docx formats are not built yet: the command says so and exits 2. Any refusal exits 2 and
writes no file."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.models import Organization

from ...exports import figures_to_json, figures_to_xlsx
from ...statistics import parse_period, summary_figures

FORMATS = ("json", "xlsx", "pdf", "docx")
NOT_BUILT_YET = ("pdf", "docx")


class Command(BaseCommand):
    help = "Build the six-month or annual summary report's data (JSON or .xlsx) from the records."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help='"2021-H1" or "2021".')
        parser.add_argument("--format", required=True, dest="output_format")
        parser.add_argument("--out", required=True, help="The file to write.")
        parser.add_argument("--organization", default="",
                            help="Code of the organization whose subtree is counted.")

    def handle(self, *args, period, output_format, out, organization="", **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = self._build(period, output_format.lower(), organization)
            mode = "w" if isinstance(data, str) else "wb"
            try:
                with open(out, mode, **({"encoding": "utf-8"} if mode == "w" else {})) as handle:
                    handle.write(data)
            except OSError as error:
                raise CommandError(_("Cannot write %(path)s: %(error)s")
                                   % {"path": out, "error": error.strerror}, returncode=2) from None
            self.stdout.write(_("Written to %(path)s.") % {"path": os.path.abspath(out)})

    def _build(self, period_code, output_format, organization_code):
        if output_format not in FORMATS:
            raise CommandError(_("Unknown format %(format)s: choose json or xlsx.")
                               % {"format": output_format}, returncode=2)
        if output_format in NOT_BUILT_YET:
            raise CommandError(_("The %(format)s format is not built yet: choose json or xlsx.")
                               % {"format": output_format}, returncode=2)
        try:
            period = parse_period(period_code)
        except ValidationError as error:
            raise CommandError(error.messages[0], returncode=2) from None
        organization = None
        if organization_code:
            organization = Organization.objects.filter(
                code=organization_code.strip().upper()).first()
            if organization is None:
                raise CommandError(_("No organization has the code %(code)s.")
                                   % {"code": organization_code}, returncode=2)
        figures = summary_figures(period, organization)
        return figures_to_json(figures) if output_format == "json" else figures_to_xlsx(figures)
