"""The summary report as an editable Word document (.docx), in the layout of the PDF
(reports.summary_pdf) and of Decree 30/2020/NĐ-CP (domain-reference §7): A4 portrait, margins
20/20/30/15 mm, Times New Roman 14 pt, the two-column header, the body along the outline, the
statistics tables, recipients beside the signature, and the annex of awards on a new page.

Built from the snapshot alone (no database), so a finalized report gives the same document.
The fixed administrative wording ("BÁO CÁO", "Nơi nhận:", table headings) is Vietnamese text,
as in templates/pdf/. The annex can have thousands of rows: its table (like the other data
tables) is written as XML in one piece, because python-docx's cell access is slow."""

import datetime
import io
import re
from xml.sax.saxutils import escape

import lxml.html
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from awards.documents import format_number

FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 30 - 15
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
# Characters XML 1.0 cannot hold: python-docx refuses them, so user text loses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
# Elements whose content is never text of the report (bodies are sanitized upstream anyway).
_DROPPED = {"script", "style", "template", "noscript", "iframe", "object", "embed", "head",
            "title", "textarea", "svg", "math"}
_BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
# The children of w:pPr that follow w:pBdr and w:outlineLvl (the schema fixes their order).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc",
               "w:outlineLvl", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_OUTLINE = _AFTER_PBDR[7:]
_BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def clean(text) -> str:
    return _NOT_XML.sub("", str(text or ""))


def render(snapshot: dict, progress=None) -> bytes:
    report = progress or (lambda percent, stage: None)
    report(5, _("Preparing the Word document"))
    doc = Document()
    _setup(doc, snapshot)
    if snapshot.get("is_draft"):
        _draft_mark(doc)
    header = snapshot["header"]
    _doc_header(doc, header)
    _title(doc, header)
    report(30, _("Writing the report body"))
    _body(doc, snapshot)
    _footer(doc, header)
    report(60, _("Writing the annex"))
    _annex(doc, snapshot)
    report(90, _("Saving the Word document"))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- page, styles ------------------------------------------------------------------------

def _fonts(rpr):
    """The font for every script, without theme fonts (a theme attribute wins over the
    explicit one in Word, which would bring back Calibri or Cambria)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" '
                            f'w:cs="{FONT}" w:eastAsia="{FONT}"/>'))


def _setup(doc, snapshot):
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    rpr.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")  # single
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    _fonts(normal.element.get_or_add_rPr())
    _style(doc, "Report Body", align=JUSTIFY, indent=True, after=6)
    _style(doc, "Report Part", align=CENTER, bold=True, before=12, after=6, outline=0)
    for level in (1, 2, 3):
        _style(doc, f"Report Heading {level}", align=JUSTIFY, bold=True, indent=level > 1,
               before=6, after=6, outline=level)
    _style(doc, "Report Table", size=12)
    _style(doc, "Report Table Heading", size=12, bold=True, align=CENTER)
    _style(doc, "Report Caption", align=CENTER, bold=True, before=6, after=6)
    doc.styles["Header"].font.size = Pt(13)
    # Page numbers centred in the top margin from page 2 (the first page has its own, empty
    # header): a PAGE field, so Word renumbers after edits.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    number._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE ">'
                               '<w:r><w:t>2</w:t></w:r></w:fldSimple>'))
    # A <br> in a justified paragraph must not stretch the line before it (Word's default).
    compat = doc.settings.element.find(qn("w:compat"))
    if compat is not None:
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
    header, props = snapshot["header"], doc.core_properties
    props.title = clean(" ".join([header.get("type_name", "")]
                                 + header.get("summary_lines", [])))[:250]
    props.author = clean(" ".join(header.get("issuer_lines", [])))[:250]
    props.language, props.comments = "vi-VN", ""


def _style(doc, name, *, align=None, bold=None, indent=False, size=None, before=0, after=0,
           outline=None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.bold, style.font.size = bold, Pt(size) if size else None
    fmt = style.paragraph_format
    fmt.alignment, fmt.first_line_indent = align, Mm(10) if indent else None
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if outline is not None:  # a heading: shown in Word's navigation pane, kept with its text
        fmt.keep_with_next = True
        level = parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{outline}"/>')
        style.element.get_or_add_pPr().insert_element_before(level, *_AFTER_OUTLINE)


# --- small paragraph helpers --------------------------------------------------------------

def _para(container, text="", *, style=None, align=None, bold=None, italic=None, size=None,
          before=None, after=None, first=False):
    """A paragraph with one run; `first` reuses a table cell's empty first paragraph."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph(style=style)
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    fmt.space_before = Pt(before) if before is not None else None
    fmt.space_after = Pt(after) if after is not None else None
    if text:
        run = paragraph.add_run(clean(text))
        run.bold, run.italic, run.font.size = bold, italic, Pt(size) if size else None
    return paragraph


def _border(paragraph, sides):
    ppr = paragraph._p.get_or_add_pPr()
    xml = "".join(_BORDER.format(side) for side in sides)
    ppr.insert_element_before(parse_xml(f'<w:pBdr {nsdecls("w")}>{xml}</w:pBdr>'),
                              *_AFTER_PBDR)


def _rule(container, width_mm, within_mm, *, before=1):
    """A drawn line `width_mm` long, centred: the top border of a narrow empty paragraph (not an
    underline, not underscores), as Decree 30 draws under the issuer, the motto and the
    summary."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((within_mm - width_mm) / 2)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(0), Pt(1)
    _border(paragraph, ["top"])
    return paragraph


def _layout_table(doc, rows, widths_mm):
    """A borderless table for the page layout (header, signature): fixed column widths, no
    cell padding, so the columns line up with the margins."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment, table.autofit = WD_TABLE_ALIGNMENT.CENTER, False
    margins = parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
                        '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>')
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption")
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


# --- first page -------------------------------------------------------------------------

def _draft_mark(doc):
    mark = _para(doc, "DỰ THẢO", bold=True, size=11, after=4)
    mark.paragraph_format.right_indent = Mm(TEXT_WIDTH_MM - 24)
    mark.alignment = CENTER
    _border(mark, ["top", "left", "bottom", "right"])


def _doc_header(doc, header):
    left_mm, right_mm = 68, TEXT_WIDTH_MM - 68
    table = _layout_table(doc, 2, [left_mm, right_mm])
    issuer, nation = table.rows[0].cells
    lines = [(line, None) for line in header.get("parent_lines") or []]  # the parent: not bold
    lines += [(line, True) for line in header.get("issuer_lines") or []]
    for index, (line, bold) in enumerate(lines):
        _para(issuer, line, align=CENTER, bold=bold, size=12, first=index == 0)
    _rule(issuer, 24, left_mm)
    _para(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=CENTER, bold=True, size=12,
          first=True)
    _para(nation, "Độc lập - Tự do - Hạnh phúc", align=CENTER, bold=True, size=13)
    _rule(nation, 56, right_mm)  # as long as the motto at 13 pt bold
    number, date = table.rows[1].cells
    _para(number, f"Số: {header.get('number', '')}", align=CENTER, size=13, before=5,
          first=True)
    _para(date, header.get("date_line", ""), align=CENTER, italic=True, size=13, before=5,
          first=True)


def _title(doc, header):
    _para(doc, header.get("type_name") or "BÁO CÁO", align=CENTER, bold=True, before=18)
    lines = [clean(line) for line in header.get("summary_lines") or []]
    if lines:
        summary = _para(doc, align=CENTER)
        for index, line in enumerate(lines):
            run = summary.add_run(line)
            run.bold = True
            if index < len(lines) - 1:
                run.add_break()
    _rule(doc, 40, TEXT_WIDTH_MM, before=2)
    _para(doc, after=6)


# --- body --------------------------------------------------------------------------------

def _body(doc, snapshot):
    """The sections in outline order; the statistics tables follow the commendation section
    (or end Part I's text when a snapshot has no such section)."""
    sections = snapshot.get("sections") or []
    for section in sections:
        level = section.get("level", 1)
        style = "Report Part" if level == 0 else f"Report Heading {min(max(level, 1), 3)}"
        _para(doc, f"{section.get('number', '')} {section.get('title', '')}".strip(),
              style=style)
        text = clean(section.get("body")).strip() if section.get("has_body") else ""
        if text:
            writer = _Writer(doc)
            writer.walk(lxml.html.fragment_fromstring(text, create_parent="div"), False, False, 0)
            writer.close()
        if section.get("key") == "commendation":
            _statistics(doc, snapshot)
    if not any(section.get("key") == "commendation" for section in sections):
        _statistics(doc, snapshot)


class _Writer:
    """Sanitized section HTML → paragraphs: <p> a justified paragraph, <br> a line break,
    <ul>/<ol> items as paragraphs starting "- " / "1. " (nested: "+ " / "a) ", indented) as
    Vietnamese reports write them, <strong>/<b> bold, <em>/<i> italic. Other markup gives its
    text only; script-like elements give nothing."""

    def __init__(self, doc):
        self.doc, self.para, self.fresh, self.prefix = doc, None, True, ""

    def walk(self, element, bold, italic, depth):
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag.lower() in _DROPPED:
            return  # comments, processing instructions, scripts; the tail is the caller's
        tag = tag.lower()
        bold = bold or tag in ("strong", "b")
        italic = italic or tag in ("em", "i")
        if tag == "br":
            if self.para is not None and self.para.runs:
                self.para.runs[-1].add_break()
                self.fresh = True
            return
        if tag in _BLOCKS:
            self.close()
        if tag in ("ul", "ol"):
            self._list(element, tag, bold, italic, depth)
            return
        self.text(element.text, bold, italic, depth)
        for child in element:
            self.walk(child, bold, italic, depth)
            self.text(child.tail, bold, italic, depth)
        if tag in _BLOCKS:
            self.close()

    def _list(self, element, tag, bold, italic, depth):
        number = 0
        for child in element:
            if isinstance(child.tag, str) and child.tag.lower() == "li":
                number += 1
                if tag == "ul":
                    self.prefix = "- " if depth == 0 else "+ "
                else:
                    self.prefix = f"{number}. " if depth == 0 else f"{chr(96 + min(number, 26))}) "
                self.walk(child, bold, italic, depth + 1)
            else:
                self.walk(child, bold, italic, depth + 1)
            self.text(child.tail, bold, italic, depth + 1)
            self.close()
        self.prefix = ""

    def text(self, text, bold, italic, depth):
        text = _SPACES.sub(" ", text or "")
        if self.para is None or self.fresh:
            text = text.lstrip()
        if not text:
            return
        if self.para is None:
            self.para = self.doc.add_paragraph(style="Report Body")
            if depth > 1:
                self.para.paragraph_format.left_indent = Mm(10 * (depth - 1))
            if self.prefix:
                self.para.add_run(self.prefix)
                self.prefix = ""
        run = self.para.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        self.fresh = False

    def close(self):
        if self.para is not None and self.para.runs:
            last = self.para.runs[-1]
            if last.text.endswith(" "):
                last.text = last.text.rstrip()
        self.para, self.fresh = None, True


# --- data tables --------------------------------------------------------------------------

def _number(value) -> str:
    """1234 → "1.234"; 80.4 → "80,4" (decimal comma); None → "—"."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return format_number(value)


def _signed(value) -> str:
    text = _number(value)
    return f"+{text}" if value is not None and value > 0 else text


def _cell(text, width, style, align=None):
    lines = [escape(clean(line)) for line in str(text).split("\n")]
    run = '</w:t><w:br/><w:t xml:space="preserve">'.join(lines)
    jc = f'<w:jc w:val="{align}"/>' if align and align != "left" else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
            f'<w:pStyle w:val="{style}"/>{jc}</w:pPr><w:r><w:t xml:space="preserve">{run}'
            '</w:t></w:r></w:p></w:tc>')


def _data_table(doc, widths_mm, headings, rows, *, aligns, bold_last=False):
    """A bordered table whose heading row repeats on every page (w:tblHeader) and whose rows do
    not split across pages; the XML is written in one piece for speed."""
    widths = [round(mm * 1440 / 25.4) for mm in widths_mm]  # twips
    head_style = doc.styles["Report Table Heading"].style_id
    body_style = doc.styles["Report Table"].style_id
    borders = "".join(_BORDER.format(side)
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
             f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
             '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
             '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>']
    parts += [f'<w:gridCol w:w="{width}"/>' for width in widths]
    parts.append('</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>')
    parts += [_cell(text, width, head_style) for text, width in zip(headings, widths)]
    parts.append("</w:tr>")
    for index, row in enumerate(rows):
        style = head_style if bold_last and index == len(rows) - 1 else body_style
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts += [_cell(text, width, style, align)
                  for text, width, align in zip(row, widths, aligns)]
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    doc.element.body.sectPr.addprevious(parse_xml("".join(parts)))
    _para(doc, after=6)


def _award_rows(lines):
    """Award lines (one per award type and recipient kind) → rows by award type."""
    by_code = {}
    for line in lines or []:
        row = by_code.setdefault(line.get("award_code"), {"name": line.get("award_name", ""),
                                                          "collective": 0, "individual": 0})
        kind = "individual" if line.get("recipient_kind") == "individual" else "collective"
        row[kind] += line.get("count") or 0
    total = {"name": "Tổng cộng", "collective": sum(r["collective"] for r in by_code.values()),
             "individual": sum(r["individual"] for r in by_code.values())}
    return [[str(index) if index else "", row["name"], _number(row["collective"]),
             _number(row["individual"]), _number(row["collective"] + row["individual"])]
            for index, row in [*enumerate(by_code.values(), start=1), (0, total)]]


def _statistics(doc, snapshot):
    figures = snapshot.get("figures") or {}
    award_table = dict(widths_mm=[12, 83, 23, 23, 24],
                       headings=["STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân",
                                 "Tổng số"],
                       aligns=["center", "left", "right", "right", "right"], bold_last=True)
    _para(doc, "Kết quả khen thưởng theo hình thức", style="Report Caption")
    _data_table(doc, rows=_award_rows(figures.get("awards")), **award_table)
    if figures.get("state_awards"):
        _para(doc, "Khen thưởng cấp Nhà nước", style="Report Caption")
        _data_table(doc, rows=_award_rows(figures["state_awards"]), **award_table)
    comparison = figures.get("comparison") or []
    if comparison:
        year = (snapshot.get("period") or {}).get("year") or 0
        _para(doc, f"So sánh với năm {year - 1}", style="Report Caption")
        rows = [[str(index), row.get("label", ""), _number(row.get("previous")),
                 _number(row.get("current")), _signed(row.get("change")),
                 _signed(row.get("change_percent"))]
                for index, row in enumerate(comparison, start=1)]
        _data_table(doc, [12, 63, 23, 23, 22, 22],
                    ["STT", "Chỉ tiêu", f"Năm {year - 1}", f"Năm {year}", "Tăng, giảm",
                     "Tỷ lệ tăng, giảm (%)"], rows,
                    aligns=["center", "left", "right", "right", "right", "right"])


# --- recipients, signature, annex ---------------------------------------------------------

def _footer(doc, header):
    _para(doc, after=6)
    table = _layout_table(doc, 1, [TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2])
    recipients, signature = table.rows[0].cells
    _para(recipients, "Nơi nhận:", bold=True, italic=True, size=12, first=True)
    for line in header.get("recipients") or []:
        _para(recipients, line, size=11)
    authority = f"{header.get('authority', '')} {header.get('authority_title', '')}".strip()
    titles = [authority, header.get("signer_title", "")] if authority else [
        header.get("signer_title", "")]
    for index, title in enumerate(titles):
        _para(signature, title, align=CENTER, bold=True, first=index == 0)
    # Room for the signature and the seal (about 28 mm, as in the PDF).
    _para(signature, header.get("signer_name", ""), align=CENTER, bold=True, before=80)


def _short_date(iso) -> str:
    try:
        return datetime.date.fromisoformat(str(iso)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return clean(iso)


def _annex(doc, snapshot):
    figures = snapshot.get("figures") or {}
    annex = figures.get("annex") or []
    if not annex:
        return
    header = snapshot["header"]
    title = _para(doc, "PHỤ LỤC", align=CENTER, bold=True)
    title.paragraph_format.page_break_before = True
    _para(doc, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG", align=CENTER, bold=True)
    date = (header.get("date_line") or "").split(", ", 1)[-1]
    _para(doc, f"(Kèm theo Báo cáo số {header.get('number', '')} {date})", align=CENTER,
          italic=True, after=6)
    rows = [[str(index), row.get("recipient_name", ""), row.get("unit_name", ""),
             row.get("award_name", ""),
             f"{row.get('decision_number', '')}\n{_short_date(row.get('decision_date', ''))}"]
            for index, row in enumerate(annex, start=1)]
    _data_table(doc, [11, 44, 36, 36, 38],
                ["STT", "Tập thể, cá nhân được khen thưởng", "Đơn vị", "Hình thức khen thưởng",
                 "Số, ngày quyết định"], rows,
                aligns=["center", "left", "left", "left", "center"])
    total = figures.get("annex_total") or len(annex)
    _para(doc, f"Tổng số: {format_number(total)} tập thể, cá nhân được khen thưởng.",
          italic=True)
