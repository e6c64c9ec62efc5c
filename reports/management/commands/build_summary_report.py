"""Build the summary report's data from the current records, without finalizing anything.

    python manage.py build_summary_report --period 2021-H1 --format json|xlsx --out FILE
                                          [--organization CODE]

`--period 2021` is the whole year. Without --organization the whole system is counted and the
Alliance issues the document. The PDF and .docx are drafts built like the report page's preview
(default header, text generated from the figures); nothing is stored. Any refusal exits 2 and
writes no file."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.models import Organization

from ...exports import figures_to_json, figures_to_xlsx
from ...document_figures import document_figures
from ...statistics import parse_period

FORMATS = ("json", "xlsx", "pdf", "docx")


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
            raise CommandError(_("Unknown format %(format)s: choose pdf, json, xlsx or docx.")
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
        figures = document_figures(period, organization)
        if output_format == "json":
            return figures_to_json(figures)
        if output_format == "xlsx":
            return figures_to_xlsx(figures)
        return _document(period, organization, figures, output_format)


def _document(period, organization, figures, output_format) -> bytes:
    """A draft document from an unsaved report: the issuer is the organization, or the
    central body for the whole system."""
    from ...models import SummaryReport
    from ...narrative import generate_sections
    from ...summary import build_snapshot, default_header

    issuer = organization or Organization.objects.filter(parent__isnull=True).order_by(
        "id").first()
    if issuer is None:
        raise CommandError(_("There is no central body in the database."), returncode=2)
    report = SummaryReport(period=_period_row(period), organization=issuer, figures=figures,
                           **default_header(period, issuer))
    bodies = generate_sections(figures, issuer_name=issuer.name)
    snapshot = build_snapshot(report, bodies=bodies, is_draft=True)
    if output_format == "pdf":
        from ...summary_pdf import render
    else:
        from ...summary_docx import render
    return render(snapshot)


def _period_row(span):
    """The ReportPeriod of the span if it exists, else an unsaved one (never stored)."""
    from ...models import ReportPeriod

    found = ReportPeriod.objects.filter(year=span.year, half=span.half).first()
    return found or ReportPeriod(year=span.year, half=span.half, deadline=span.end)
