"""The summary figures (reports.statistics.summary_figures) as JSON and as .xlsx."""

import datetime
import json

from django.utils.translation import gettext as _

from clusters.spreadsheets import write_xlsx

from .statistics import INDIVIDUAL


def figures_json_data(figures: dict) -> dict:
    """The figures with dates as ISO text: what the JSON export holds. `cooperative_share_percent`
    stays a number with one decimal."""
    return json.loads(json.dumps(figures, default=_json_default))


def figures_to_json(figures: dict) -> str:
    return json.dumps(figures, default=_json_default, ensure_ascii=False, indent=2)


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def recipient_kind_label(kind: str) -> str:
    return _("Individual") if kind == INDIVIDUAL else _("Collective")


def _award_rows(lines):
    return [(line["award_code"], line["award_name"], recipient_kind_label(line["recipient_kind"]),
             line["count"]) for line in lines]


def _summary_rows(figures):
    movements, council = figures["movements"], figures["council"]
    reports = figures["unit_reports"]
    rows = [
        (_("Period"), figures["period"]),
        (_("Organization"), figures["organization"]["name"] if figures["organization"]
         else _("The whole system")),
        (_("Awards decided in the period"), figures["awards_total"]),
        (_("Awards granted by the State"), figures["state_awards_total"]),
        (_("Awards to cooperatives and their members"), figures["cooperative_awards"]),
        (_("Share of awards to cooperatives and their members (%)"),
         figures["cooperative_share_percent"]),
        (_("Movements under way"), movements["active"]),
        (_("Movements launched in the period"), movements["launched"]),
        (_("Short campaigns"), movements["campaigns"]),
        (_("Expired movements still reported"), len(movements["expired_still_reported"])),
        (_("Registrations sent"), figures["registrations"]["submitted"]),
        (_("Registrations sent late"), figures["registrations"]["late"]),
        (_("Pledges signed"), figures["pledges_signed"]),
        (_("Scoring rounds held"), figures["scoring_rounds_closed"]),
        (_("Council meetings held"), council["meetings"]),
        (_("Items voted on"), council["items"]),
        (_("Items passed"), council["passed"]),
        (_("Unit reports submitted"), reports["submitted"]),
        (_("Unit reports on time"), reports["on_time"]),
        (_("Unit reports late"), len(reports["late"])),
    ]
    if reports["missing"] is not None:
        rows.append((_("Unit reports missing"), len(reports["missing"])))
    return rows


def figures_to_xlsx(figures: dict) -> bytes:
    """One sheet per table; every text cell is written as text, never as a formula."""
    award_headers = [_("Award code"), _("Award"), _("Recipient"), _("Number")]
    reports = figures["unit_reports"]
    sheets = [
        (_("Awards"), award_headers, _award_rows(figures["awards"])),
        (_("Awards from the State"), award_headers, _award_rows(figures["state_awards"])),
        (_("Expired movements"), [_("Movement"), _("Ended on")],
         [(m["name"], m["end_date"]) for m in figures["movements"]["expired_still_reported"]]),
        (_("Late reports"), [_("Unit"), _("First submitted at")],
         [(r["name"], _naive(r["first_submitted_at"])) for r in reports["late"]]),
    ]
    if reports["missing"] is not None:
        sheets.append((_("Missing reports"), [_("Unit")],
                       [(m["name"],) for m in reports["missing"]]))
    sheets.extend(_document_sheets(figures))
    return write_xlsx([_("Figure"), _("Value")], _summary_rows(figures), title=_("Overview"),
                      extra_sheets=sheets)


def _document_sheets(figures: dict) -> list:
    """The tables only the summary report's figures have (reports.document_figures):
    awards by cluster and bloc, the comparison with the previous year, the annex."""
    sheets = []
    if "by_group" in figures:
        sheets.append((_("Awards by cluster and bloc"), [_("Cluster or bloc"), _("Number")],
                       [(g["name"], g["count"]) for g in figures["by_group"]]))
    if figures.get("comparison"):
        sheets.append((_("Comparison with the previous year"),
                       [_("Figure"), _("Previous year"), _("This year"), _("Change"),
                        _("Change (%)")],
                       [(row["label"], row["previous"], row["current"], row["change"],
                         row["change_percent"]) for row in figures["comparison"]]))
    if "annex" in figures:
        sheets.append((_("Annex: awards"),
                       [_("Award"), _("Recipient"), _("Recipient name"), _("Unit"),
                        _("Decision number"), _("Decision date")],
                       [(row["award_name"], recipient_kind_label(row["recipient_kind"]),
                         row["recipient_name"], row["unit_name"], row["decision_number"],
                         _date(row["decision_date"])) for row in figures["annex"]]))
    return sheets


def _date(value):
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _naive(moment):
    """Excel has no time zones: the local time of the moment."""
    from django.utils import timezone

    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None
