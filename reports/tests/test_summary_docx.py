"""The summary report as .docx (reports.summary_docx), read back with python-docx and from the
raw XML: the Decree 30 header in its table cells, headings in outline order, section bodies
with their formatting, hostile markup dropped, counts, fonts, margins, page numbers from page 2,
the annex with its repeating header row, and a 2,000-row annex in a few seconds."""

import io
import re
import time
import zipfile

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from django.utils import translation

from reports.outline import OUTLINE
from reports.summary_docx import render

FONT = "Times New Roman"
AWARDS = [  # after /tmp/prompts/sample_figures_2025.json, with a count above 999
    {"award_code": "LDTT", "award_name": "Lao động tiên tiến", "recipient_kind": "individual",
     "count": 1234},
    {"award_code": "CSTDCS", "award_name": "Chiến sĩ thi đua cơ sở",
     "recipient_kind": "individual", "count": 239},
    {"award_code": "TTLDXS", "award_name": "Tập thể lao động xuất sắc",
     "recipient_kind": "collective", "count": 123},
    {"award_code": "BK_CT", "award_name": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
     "recipient_kind": "collective", "count": 6},
    {"award_code": "BK_CT", "award_name": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
     "recipient_kind": "individual", "count": 41},
]
STATE = [{"award_code": "HCLD3", "award_name": "Huân chương Lao động hạng Ba",
          "recipient_kind": "individual", "count": 2}]
COMPARISON = [{"key": "awards_total", "label": "Tổng số khen thưởng", "current": 1643,
               "previous": 1400, "change": 243, "change_percent": 17.4},
              {"key": "cooperative_share_percent", "label": "Tỷ lệ khen thưởng hợp tác xã (%)",
               "current": 80.4, "previous": 82.5, "change": -2.1, "change_percent": None}]
BODY = ("<p>Công tác <strong>thi đua</strong> được <em>chỉ đạo</em> kịp thời.</p>"
        "<ul><li>Mục một</li><li>Mục <b>hai</b></li></ul><ol><li>Việc đầu</li><li>Việc sau</li>"
        "</ol>")


def annex_rows(count):
    return [{"award_code": "BK_CT", "award_name": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
             "recipient_kind": "individual", "recipient_name": f"Nguyễn Văn {index}",
             "unit_name": "HTX Nông nghiệp Thành Công", "decision_number": "599/QĐ-LMHTXVN",
             "decision_date": "2025-03-04"} for index in range(count)]


def snapshot(*, is_draft=True, half="H1", annex=3, bodies=None, authority="KT."):
    bodies = bodies or {"direction": BODY}
    with translation.override("vi"):
        sections = [{"key": s.key, "number": s.number, "title": str(s.title), "level": s.level,
                     "has_body": s.has_body, "body": bodies.get(s.key, "")} for s in OUTLINE]
    whole_year = half == "FY"
    return {
        "version": 1, "is_draft": is_draft,
        "period": {"code": "2025" if whole_year else "2025-H1", "year": 2025, "half": half,
                   "start": "2025-01-01", "end": "2025-12-31" if whole_year else "2025-06-30"},
        "header": {
            "parent_lines": [], "issuer_lines": ["LIÊN MINH HỢP TÁC XÃ", "VIỆT NAM"],
            "number": "15/BC-LMHTXVN", "date_line": "Hà Nội, ngày 05 tháng 01 năm 2026",
            "type_name": "BÁO CÁO",
            "summary_lines": ["Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2025,",
                              "nhiệm vụ công tác 6 tháng cuối năm 2025"],
            "authority": authority, "authority_title": "CHỦ TỊCH" if authority else "",
            "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Nguyễn Ngọc Bảo",
            "recipients": ["- Ban Thi đua - Khen thưởng Trung ương;", "- Lưu: VT, TCCB."]},
        "figures": {"period": "2025", "awards": AWARDS, "awards_total": 1643,
                    "state_awards": STATE, "state_awards_total": 2,
                    "cooperative_awards": 1276, "cooperative_share_percent": 80.4,
                    "annex": annex_rows(annex), "annex_total": annex,
                    "previous": {} if whole_year else None,
                    "comparison": COMPARISON if whole_year else []},
        "sections": sections,
    }


def read(data):
    return Document(io.BytesIO(data))


def part(data, name):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def texts(cell):
    return [p.text for p in cell.paragraphs if p.text]


def test_header_cells_issuer_left_nation_right_number_and_date_in_one_row():
    doc = read(render(snapshot()))
    header = doc.tables[0]
    issuer, nation = header.rows[0].cells
    assert texts(issuer) == ["LIÊN MINH HỢP TÁC XÃ", "VIỆT NAM"]
    assert all(run.bold for p in issuer.paragraphs for run in p.runs)
    assert texts(nation) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(run.bold for p in nation.paragraphs for run in p.runs)
    number, date = header.rows[1].cells
    assert texts(number) == ["Số: 15/BC-LMHTXVN"]
    assert texts(date) == ["Hà Nội, ngày 05 tháng 01 năm 2026"]
    assert [run.italic for run in date.paragraphs[0].runs] == [True]
    assert header._tbl.find(qn("w:tblPr")).find(qn("w:tblBorders")) is None  # borderless


def test_lines_under_issuer_and_motto_are_drawn_on_narrow_paragraphs_not_underlines():
    data = render(snapshot())
    doc = read(data)
    for cell in doc.tables[0].rows[0].cells:
        rule = cell.paragraphs[-1]
        assert rule.text == ""
        borders = rule._p.pPr.find(qn("w:pBdr"))
        assert borders is not None and borders.find(qn("w:top")) is not None
        width = cell.width - rule.paragraph_format.left_indent - rule.paragraph_format.right_indent
        assert Mm(20) < width < Mm(60)  # short, not the cell's width
    xml = part(data, "word/document.xml")
    assert "<w:u " not in xml and "___" not in xml


def test_title_summary_and_draft_mark():
    doc = read(render(snapshot()))
    lines = [p.text for p in doc.paragraphs]
    assert lines[0] == "DỰ THẢO"
    title = next(p for p in doc.paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].bold and title.alignment == 1  # centred
    assert "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2025,\nnhiệm vụ" in "\n".join(
        lines)
    final = read(render(snapshot(is_draft=False)))
    assert "DỰ THẢO" not in [p.text for p in final.paragraphs]


def test_headings_in_outline_order_parts_centred():
    doc = read(render(snapshot()))
    headings = [p for p in doc.paragraphs if p.style.name.startswith(("Report Part",
                                                                       "Report Heading"))]
    with translation.override("vi"):
        expected = [f"{s.number} {s.title}".strip() for s in OUTLINE]
    assert [p.text for p in headings] == expected
    part_one = headings[0]
    assert part_one.style.name == "Report Part"
    assert part_one.style.font.bold and part_one.style.paragraph_format.alignment == 1
    assert all(p.style.font.bold for p in headings)


def test_section_body_keeps_bold_italic_and_list_items():
    doc = read(render(snapshot()))
    lines = [p.text for p in doc.paragraphs]
    start = lines.index("Công tác thi đua được chỉ đạo kịp thời.")
    assert lines[start:start + 5] == ["Công tác thi đua được chỉ đạo kịp thời.", "- Mục một",
                                      "- Mục hai", "1. Việc đầu", "2. Việc sau"]
    paragraph = doc.paragraphs[start]
    assert [r.text for r in paragraph.runs if r.bold] == ["thi đua"]
    assert [r.text for r in paragraph.runs if r.italic] == ["chỉ đạo"]
    assert [r.text for r in doc.paragraphs[start + 2].runs if r.bold] == ["hai"]
    body = paragraph.style
    assert body.paragraph_format.alignment == 3  # justified
    assert round(body.paragraph_format.first_line_indent.mm, 1) == 10
    assert body.paragraph_format.space_after.pt == 6


def test_line_break_nested_list_and_whitespace():
    bodies = {"direction": "<p>  Dòng một<br>dòng   hai </p><ul><li>Cha<ul><li>Con</li></ul>"
                           "</li></ul>"}
    doc = read(render(snapshot(bodies=bodies)))
    lines = [p.text for p in doc.paragraphs]
    assert "Dòng một\ndòng hai" in lines
    assert lines[lines.index("- Cha") + 1] == "+ Con"


def test_hostile_html_never_appears_as_text_or_markup():
    hostile = ('<p>Trước<script>alert("x")</script> sau</p><style>p{color:red}</style>'
               '<img src=x onerror="alert(2)"><!-- ghi chú --><p onclick="alert(3)">Cuối'
               '<iframe src="http://example.com">khung</iframe></p>\x00\x0b')
    data = render(snapshot(bodies={"direction": hostile}))
    lines = [p.text for p in read(data).paragraphs]
    assert "Trước sau" in lines and "Cuối" in lines
    xml = part(data, "word/document.xml")
    for needle in ("alert", "script", "onerror", "onclick", "color:red", "ghi chú", "khung",
                   "example.com", "&lt;"):
        assert needle not in xml


def test_statistics_tables_with_borders_and_formatted_counts():
    doc = read(render(snapshot()))
    awards = doc.tables[1]
    rows = [[c.text for c in row.cells] for row in awards.rows]
    assert rows[0] == ["STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân", "Tổng số"]
    assert rows[1] == ["1", "Lao động tiên tiến", "0", "1.234", "1.234"]
    assert rows[4] == ["4", "Bằng khen của Chủ tịch Liên minh HTX Việt Nam", "6", "41", "47"]
    assert rows[-1] == ["", "Tổng cộng", "129", "1.514", "1.643"]
    borders = awards._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.get(qn("w:val")) for child in borders} == {"single"}
    state = [[c.text for c in row.cells] for row in doc.tables[2].rows]
    assert state[1] == ["1", "Huân chương Lao động hạng Ba", "0", "2", "2"]
    # A six-month report has no comparison: next come the signature table and the annex.
    assert len(doc.tables) == 5


def test_whole_year_report_has_the_comparison_table():
    doc = read(render(snapshot(half="FY")))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Report Caption"]
    assert "So sánh với năm 2024" in captions
    rows = [[c.text for c in row.cells] for row in doc.tables[3].rows]
    assert rows[0][2:4] == ["Năm 2024", "Năm 2025"]
    assert rows[1] == ["1", "Tổng số khen thưởng", "1.400", "1.643", "+243", "+17,4"]
    assert rows[2] == ["2", "Tỷ lệ khen thưởng hợp tác xã (%)", "82,5", "80,4", "-2,1", "—"]


def test_recipients_beside_signature():
    doc = read(render(snapshot()))
    footer = doc.tables[-2]
    recipients, signature = footer.rows[0].cells
    title = recipients.paragraphs[0]
    assert title.text == "Nơi nhận:" and title.runs[0].bold and title.runs[0].italic
    assert title.runs[0].font.size.pt == 12
    assert recipients.paragraphs[1].runs[0].font.size.pt == 11
    assert texts(recipients)[1:] == ["- Ban Thi đua - Khen thưởng Trung ương;",
                                     "- Lưu: VT, TCCB."]
    assert texts(signature) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Ngọc Bảo"]
    assert all(p.runs[0].bold for p in signature.paragraphs if p.text)
    head_signs = read(render(snapshot(authority="")))
    assert texts(head_signs.tables[-2].rows[0].cells[1]) == ["PHÓ CHỦ TỊCH", "Nguyễn Ngọc Bảo"]


def _style_font(style):
    while style is not None:
        if style.font.name:
            return style.font.name
        style = style.base_style
    return None


def test_every_run_is_times_new_roman_for_every_script():
    data = render(snapshot(half="FY"))
    doc = read(data)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert dict(fonts.attrib) == {qn(f"w:{a}"): FONT for a in ("ascii", "hAnsi", "cs",
                                                                "eastAsia")}
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert dict(normal.attrib) == dict(fonts.attrib)
    paragraphs = list(doc.paragraphs) + [p for t in doc.tables for row in t.rows
                                         for c in row.cells for p in c.paragraphs]
    paragraphs += doc.sections[0].header.paragraphs
    for paragraph in paragraphs:
        assert _style_font(paragraph.style) == FONT, paragraph.style.name
        for run in paragraph.runs:
            assert run.font.name in (None, FONT)
    for name in ("word/document.xml", "word/header1.xml", "word/header2.xml"):
        xml = part(data, name)
        assert "Theme=" not in xml
        for found in re.findall(r'w:(?:ascii|hAnsi|cs|eastAsia)="([^"]*)"', xml):
            assert found == FONT


def test_a4_portrait_and_decree_margins():
    section = read(render(snapshot())).sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin]
    assert [round(size.mm) for size in sizes] == [210, 297, 20, 20, 30, 15]
    assert section.orientation == 0  # portrait


def test_page_number_field_in_the_header_from_page_two():
    data = render(snapshot())
    section = read(data).sections[0]
    assert section.different_first_page_header_footer
    number = section.header.paragraphs[0]
    assert number.alignment == 1
    fields = number._p.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE"]
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert all("PAGE" not in p._p.xml for p in first.paragraphs)


def test_annex_on_a_new_page_with_repeating_header_row():
    doc = read(render(snapshot(annex=3)))
    title = next(p for p in doc.paragraphs if p.text == "PHỤ LỤC")
    assert title.paragraph_format.page_break_before
    annex = doc.tables[-1]
    rows = [[c.text for c in row.cells] for row in annex.rows]
    assert rows[0] == ["STT", "Tập thể, cá nhân được khen thưởng", "Đơn vị",
                       "Hình thức khen thưởng", "Số, ngày quyết định"]
    assert rows[1] == ["1", "Nguyễn Văn 0", "HTX Nông nghiệp Thành Công",
                       "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
                       "599/QĐ-LMHTXVN\n04/03/2025"]
    header_rows = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in annex.rows]
    assert header_rows == [True, False, False, False]


def test_no_annex_page_without_annex_rows():
    doc = read(render(snapshot(annex=0)))
    assert "PHỤ LỤC" not in [p.text for p in doc.paragraphs]


def test_control_characters_in_user_text_do_not_break_the_document():
    snap = snapshot(annex=1)
    snap["figures"]["annex"][0]["recipient_name"] = "Trần\x00 Thị\x1f Hoa <b>&"
    snap["header"]["recipients"][0] = "- Sở\x0b Nội vụ;"
    doc = read(render(snap))
    assert doc.tables[-1].rows[1].cells[1].text == "Trần Thị Hoa <b>&"
    assert "- Sở Nội vụ;" in texts(doc.tables[-2].rows[0].cells[0])


def test_progress_is_reported_in_stages():
    calls = []
    render(snapshot(), progress=lambda percent, stage: calls.append((percent, stage)))
    percents = [percent for percent, _ in calls]
    assert len(calls) >= 3 and percents == sorted(percents) and percents[-1] < 100
    assert all(stage for _, stage in calls)


def test_two_thousand_row_annex_renders_in_a_few_seconds():
    started = time.perf_counter()
    data = render(snapshot(annex=2000))
    elapsed = time.perf_counter() - started
    annex = read(data).tables[-1]
    assert len(annex.rows) == 2001
    assert annex.rows[2000].cells[0].text == "2000"
    assert elapsed < 5, elapsed
