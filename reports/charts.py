"""Horizontal bar charts of a summary report's figures as self-contained inline SVG (issue 7):
the same markup goes on the screen (mark_safe) and into the PDF, where WeasyPrint draws it as
vectors with real, extractable text.

Pure functions of the figures JSON (reports.document_figures), no database. Every
text is escaped (award, unit and group names are user data), there are no scripts, links or
external references, and the output is deterministic (the same figures give the same bytes) so
that a snapshot renders identically every time. Colours are dark-blue tones of clearly different
lightness so that the series stay distinguishable when printed in grey."""

from django.utils.html import escape
from django.utils.translation import gettext as _

from awards.documents import format_number

FONT = "'Times New Roman', 'Liberation Serif', serif"
WIDTH = 640
LABEL_WIDTH = 260  # left column for the category labels
VALUE_WIDTH = 60  # right room for the value printed after the longest bar
BAR_LEFT = LABEL_WIDTH + 10
BAR_AREA = WIDTH - BAR_LEFT - VALUE_WIDTH
BAR_HEIGHT = 16
BAR_GAP = 2  # between the bars of one category
ROW_GAP = 10  # between categories
TOP = 40  # room for the title
MAX_LABEL = 40  # characters before a label is cut with an ellipsis

DARK = "#1f3a60"  # prints as a dark grey
LIGHT = "#8fa8c8"  # prints as a light grey
MIDDLE = "#4f6f99"


def _truncate(label: str) -> str:
    label = " ".join(str(label or "").split())
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def _svg_open(title: str, height: int) -> list[str]:
    title = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{title}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="{FONT}" font-size="14">',
        f"<title>{title}</title>",
        f'<text x="{WIDTH // 2}" y="18" text-anchor="middle" font-size="16" font-weight="bold" '
        f'font-style="italic" fill="#000">{title}</text>',
    ]


def _empty(title: str) -> str:
    parts = _svg_open(title, 64)
    parts.append(f'<text x="{WIDTH // 2}" y="48" text-anchor="middle" font-style="italic" fill="#000">'
                 f'{escape(_("No data yet"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, rows: list[tuple[str, list[int]]],
              series: list[tuple[str, str]]) -> str:
    """`rows`: (category label, one count per series); `series`: (legend name, fill). Each
    category gets one bar per series (grouped), widths proportional to the largest count, the
    formatted count after each bar. A legend is drawn when there is more than one series."""
    largest = max((value for _label, values in rows for value in values), default=0)
    if not rows or largest <= 0:
        return _empty(title)
    top = TOP + (20 if len(series) > 1 else 0)
    row_height = len(series) * BAR_HEIGHT + (len(series) - 1) * BAR_GAP
    height = top + len(rows) * (row_height + ROW_GAP) + 4
    parts = _svg_open(title, height)
    if len(series) > 1:
        x = BAR_LEFT
        for name, fill in series:
            parts.append(f'<rect x="{x}" y="{TOP - 7}" width="12" height="12" fill="{fill}" '
                         f'stroke="#000" stroke-width="0.5"/>')
            parts.append(f'<text x="{x + 16}" y="{TOP + 4}" fill="#000">{escape(name)}</text>')
            x += 34 + 8 * len(name)
    parts.append(f'<line x1="{BAR_LEFT}" y1="{top - 4}" x2="{BAR_LEFT}" '
                 f'y2="{height - 4}" stroke="#000" stroke-width="0.75"/>')
    y = top
    for label, values in rows:
        label = " ".join(str(label or "").split())
        short = _truncate(label)
        label_y = y + row_height / 2 + 4
        text = (f'<text x="{LABEL_WIDTH}" y="{label_y:g}" text-anchor="end" fill="#000">'
                f"{escape(short)}</text>")
        if short != label:
            # The whole name stays readable as a tooltip (and for screen readers).
            text = f"<g><title>{escape(label)}</title>{text}</g>"
        parts.append(text)
        for index, ((_name, fill), value) in enumerate(zip(series, values)):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            width = round(BAR_AREA * max(value, 0) / largest, 2)
            parts.append(f'<rect class="chart-bar" x="{BAR_LEFT}" y="{bar_y}" '
                         f'width="{width:g}" height="{BAR_HEIGHT}" fill="{fill}" '
                         f'stroke="#000" stroke-width="0.5" data-value="{int(value)}"/>')
            parts.append(f'<text x="{BAR_LEFT + width + 4:g}" y="{bar_y + BAR_HEIGHT - 3}" '
                         f'fill="#000">{escape(format_number(value))}</text>')
        y += row_height + ROW_GAP
    parts.append("</svg>")
    return "".join(parts)


def awards_by_type_svg(figures: dict) -> str:
    """Awards by award type, one bar for collectives and one for individuals per type, in the
    order of the figures (the award display order)."""
    by_code: dict[str, dict] = {}
    for line in figures.get("awards") or []:
        entry = by_code.setdefault(line.get("award_code") or line.get("award_name"),
                                   {"name": line.get("award_name") or "",
                                    "collective": 0, "individual": 0})
        kind = "collective" if line.get("recipient_kind") == "collective" else "individual"
        entry[kind] += int(line.get("count") or 0)
    rows = [(entry["name"], [entry["collective"], entry["individual"]])
            for entry in by_code.values()]
    return bar_chart(_("Awards by award type"), rows,
                     [(_("Collective"), DARK), (_("Individual"), LIGHT)])


def awards_by_group_svg(figures: dict) -> str:
    """Awards by emulation cluster or bloc (figures["by_group"], already in name order)."""
    rows = [(group.get("name") or "", [int(group.get("count") or 0)])
            for group in figures.get("by_group") or []]
    return bar_chart(_("Awards by emulation cluster and bloc"), rows, [(_("Awards"), DARK)])


def reports_on_time_svg(figures: dict) -> str:
    """Unit reports on time, late and missing; the missing bar is left out when the list of
    expected authors is unknown (missing is None)."""
    reports = figures.get("unit_reports") or {}
    rows = [(_("On time"), [int(reports.get("on_time") or 0)]),
            (_("Late"), [len(reports.get("late") or [])])]
    if reports.get("missing") is not None:
        rows.append((_("Not submitted"), [len(reports["missing"])]))
    return bar_chart(_("Unit reports"), rows, [(_("Reports"), DARK)])
