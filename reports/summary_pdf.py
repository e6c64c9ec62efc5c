"""The summary report (báo cáo sơ kết / tổng kết) as PDF, from its snapshot (reports.summary
build_snapshot): the Decree 30 layout of templates/pdf/_base.html, the outline's sections, the
statistics tables and charts (inline SVG, drawn as vectors) and the annex listing the awards.

`html(snapshot)` is the HTML given to WeasyPrint and `render()` is exactly html() plus
reports.pdf.write_pdf_from_html(), so a benchmark can time the bare render of the same HTML.
Everything printed comes from the snapshot; nothing here reads the database."""

import datetime
import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from awards.documents import format_number, pdf_stylesheet
from reports import charts
from reports.pdf import write_pdf_from_html

TEMPLATE = "pdf/summary_report.html"
EM_DASH = "—"
_PART = re.compile(r"^\s*(PHẦN|Phần)\s+([IVXLC]+)\.?\s*(.*)$")

# Where the tables and charts go in the outline: after the body of the named section.
PLACES = {"commendation": ("awards", "state", "comparison", "chart_types"),
          "group_activity": ("chart_groups",),
          "direction": ("chart_reports",)}


def format_decimal(value, *, decimals: bool = False) -> str:
    """80.4 → "80,4"; whole numbers as format_number (1.234) unless `decimals` (75.0 →
    "75,0", for percentages); None → "—"."""
    if value is None:
        return EM_DASH
    if decimals or (isinstance(value, float) and not value.is_integer()):
        sign = "-" if value < 0 else ""
        whole, _dot, tenths = f"{abs(float(value)):.1f}".partition(".")
        return f"{sign}{format_number(int(whole))},{tenths}"
    return format_number(value)


def format_change(value, *, decimals: bool = False) -> str:
    """A change with its sign: +12, -3, 0."""
    if value is None:
        return EM_DASH
    text = format_decimal(value, decimals=decimals)
    return f"+{text}" if value > 0 else text


def format_percent(value) -> str:
    """12.4 → "+12,4%" (always one decimal, decimal comma)."""
    return EM_DASH if value is None else f"{format_change(value, decimals=True)}%"


def dmy(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.date.fromisoformat(str(iso)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(iso)


def award_rows(lines: list[dict]) -> tuple[list[dict], dict]:
    """Figure lines (one per award and recipient kind) → one row per award with the collective,
    individual and total counts, in the figures' order; and the totals row."""
    rows: dict[str, dict] = {}
    for line in lines or []:
        key = line.get("award_code") or line.get("award_name") or ""
        row = rows.setdefault(key, {"name": line.get("award_name") or key,
                                    "collective": 0, "individual": 0})
        kind = "collective" if line.get("recipient_kind") == "collective" else "individual"
        row[kind] += int(line.get("count") or 0)
    result, totals = [], {"collective": 0, "individual": 0}
    for index, row in enumerate(rows.values(), start=1):
        for kind in totals:
            totals[kind] += row[kind]
        result.append({"index": index, "name": row["name"],
                       "collective": format_number(row["collective"]),
                       "individual": format_number(row["individual"]),
                       "total": format_number(row["collective"] + row["individual"])})
    return result, {"collective": format_number(totals["collective"]),
                    "individual": format_number(totals["individual"]),
                    "total": format_number(totals["collective"] + totals["individual"])}


def comparison_rows(rows: list[dict]) -> list[dict]:
    result = []
    for index, row in enumerate(rows or [], start=1):
        # A share in per cent keeps its decimal in every column (75,0 beside 80,5).
        tenths = str(row.get("key", "")).endswith("percent")
        result.append({"index": index, "label": row.get("label", ""),
                       "previous": format_decimal(row.get("previous"), decimals=tenths),
                       "current": format_decimal(row.get("current"), decimals=tenths),
                       "change": format_change(row.get("change"), decimals=tenths),
                       "change_percent": format_percent(row.get("change_percent"))})
    return result


def annex_rows(annex: list[dict]) -> list[tuple]:
    """Plain tuples: the annex may list 2,000 awards and the template loop stays lean."""
    return [(index, row.get("recipient_name", ""), row.get("unit_name", ""),
             row.get("award_name", ""), row.get("decision_number", ""),
             dmy(row.get("decision_date")))
            for index, row in enumerate(annex or [], start=1)]


def _section(section: dict) -> dict:
    item = dict(section)
    if section.get("level") == 0:
        match = _PART.match(section.get("title") or "")
        # "PHẦN I. KẾT QUẢ …" is printed as the reference does: "Phần I" on its own line,
        # the part's title under it.
        item["part_word"] = f"Phần {match[2]}" if match else ""
        item["part_title"] = match[3] if match else section.get("title", "")
    else:
        item["heading"] = " ".join(filter(None, [section.get("number"), section.get("title")]))
    item["kind"] = "section"
    return item


def context(snapshot: dict) -> dict:
    header = snapshot.get("header") or {}
    figures = snapshot.get("figures") or {}
    period = snapshot.get("period") or {}
    year = period.get("year")
    awards, awards_total = award_rows(figures.get("awards"))
    state, state_total = award_rows(figures.get("state_awards"))
    blocks = {
        "awards": {"kind": "awards", "rows": awards, "totals": awards_total},
        "state": {"kind": "state", "rows": state, "totals": state_total},
        "comparison": {"kind": "comparison", "rows": comparison_rows(figures.get("comparison")),
                       "previous_year": (year - 1) if year else "",
                       "year": year or ""},
        "chart_types": {"kind": "chart", "svg": mark_safe(charts.awards_by_type_svg(figures))},
        "chart_groups": {"kind": "chart", "svg": mark_safe(charts.awards_by_group_svg(figures))},
        "chart_reports": {"kind": "chart",
                          "svg": mark_safe(charts.reports_on_time_svg(figures))},
    }
    if not blocks["comparison"]["rows"]:
        del blocks["comparison"]
    # One flat list of sections and blocks (tables, charts), each block after the body of its
    # section; an outline without that section still shows the figures at its end.
    items, placed = [], set()
    for section in snapshot.get("sections") or []:
        items.append(_section(section))
        for name in PLACES.get(section.get("key"), ()):
            if name in blocks and name not in placed:
                items.append(blocks[name])
                placed.add(name)
    items.extend(block for name, block in blocks.items() if name not in placed)
    annex = annex_rows(figures.get("annex"))
    return {
        **header,
        "is_draft": bool(snapshot.get("is_draft")),
        "pdf_css": pdf_stylesheet(),
        "items": items,
        "annex": annex,
        "annex_total": format_number(figures.get("annex_total", len(annex))),
        "annex_date": (header.get("date_line") or "").partition(", ")[2]
        or header.get("date_line", ""),
    }


def html(snapshot: dict) -> str:
    """The HTML of the document, as given to WeasyPrint."""
    return render_to_string(TEMPLATE, context(snapshot))


def render(snapshot: dict, progress=None) -> bytes:
    if progress:
        progress(10, _("Preparing the document"))
    text = html(snapshot)
    if progress:
        progress(30, _("Laying out the pages"))
    def stages(percent, _stage):
        progress(percent, _("Writing the PDF") if percent >= 80 else _("Laying out the pages"))
    # About 15 annex rows fit on a page, after a dozen pages of text and tables.
    expected = 12 + len(snapshot.get("figures", {}).get("annex") or []) // 15
    content = write_pdf_from_html(text, stages if progress else None, expected_pages=expected)
    if progress:
        progress(100, _("Done"))
    return content
