"""The summary report PDF (reports/summary_pdf.py) through real WeasyPrint and poppler: the
Decree 30 header, positions on the page, text and numbers, fonts, vector charts, the annex, and
a renderer that fetches nothing but the project's static files."""

import logging
import re
import subprocess
import threading
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from reports import pdf as pdf_module
from reports import summary_pdf

XHTML = "{http://www.w3.org/1999/xhtml}"


def award_line(code, name, kind, count):
    return {"award_code": code, "award_name": name, "recipient_kind": kind, "count": count,
            "records_url": None}


def annex_line(index):
    return {"award_code": "BK_CT", "award_name": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
            "recipient_kind": "individual" if index % 3 else "collective",
            "recipient_name": f"Nguyễn Văn Thành {index}" if index % 3 else f"Hợp tác xã {index}",
            "unit_name": "Liên minh Hợp tác xã thành phố Hà Nội",
            "decision_number": f"{100 + index}/QĐ-LMHTXVN", "decision_date": "2020-12-05"}


def snapshot(*, annex=20, is_draft=False, figures=None, bodies=None):
    """A snapshot as reports.summary.build_snapshot makes it, figures modelled on the sample
    figures of 2025 (whole year, with the previous year's comparison)."""
    data = {
        "period": "2020", "start": "2020-01-01", "end": "2020-12-31", "organization": None,
        "awards": [award_line("LDTT", "Lao động tiên tiến", "individual", 940),
                   award_line("CSTDCS", "Chiến sĩ thi đua cơ sở", "individual", 239),
                   award_line("TTLDXS", "Tập thể lao động xuất sắc", "collective", 123),
                   award_line("BK_CT", "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
                              "collective", 6),
                   award_line("BK_CT", "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
                              "individual", 41)],
        "awards_total": 1349,
        "state_awards": [award_line("BK_TTG", "Bằng khen của Thủ tướng Chính phủ",
                                    "collective", 2)],
        "state_awards_total": 2, "cooperative_awards": 1086, "cooperative_share_percent": 80.5,
        "movements": {"active": 7, "launched": 1, "campaigns": 1, "expired_still_reported": []},
        "registrations": {"submitted": 0, "late": 0}, "pledges_signed": 0,
        "scoring_rounds_closed": 0, "council": {"meetings": 1, "items": 3, "passed": 3},
        "unit_reports": {"deadline": "2020-12-15", "submitted": 5, "on_time": 4,
                         "late": [{"id": 9, "name": "Liên minh HTX tỉnh Huế"}],
                         "missing": [{"kind": "organization", "id": 8, "name": "Ban Kế hoạch"}]},
        "by_group": [{"group_id": 1, "name": "Cụm thi đua các tỉnh miền núi phía Bắc",
                      "kind": "cluster", "count": 1234, "records_url": None},
                     {"group_id": 2, "name": "Khối các ban, đơn vị cơ quan", "kind": "bloc",
                      "count": 57, "records_url": None}],
        "annex": [annex_line(i) for i in range(1, annex + 1)], "annex_total": annex,
        "previous": None,
        "comparison": [{"key": "awards_total", "label": "Tổng số khen thưởng", "current": 1349,
                        "previous": 1200, "change": 149, "change_percent": 12.4},
                       {"key": "cooperative_share_percent", "label": "Tỷ lệ khen thưởng hợp tác xã (%)",
                        "current": 80.5, "previous": 75.0, "change": 5.5,
                        "change_percent": 7.3}],
    }
    data.update(figures or {})
    texts = {"direction": "<p>Thực hiện chủ trương của Đảng về công tác thi đua.</p>"
                          "<ul><li>Hợp tác xã tích cực hưởng ứng.</li></ul>",
             "commendation": "<p>Khen thưởng đúng người, đúng việc.</p>"}
    texts.update(bodies or {})
    from reports.outline import OUTLINE
    from django.utils import translation
    with translation.override("vi"):
        sections = [{"key": s.key, "number": s.number, "title": str(s.title), "level": s.level,
                     "has_body": s.has_body, "body": texts.get(s.key, "")} for s in OUTLINE]
    return {
        "version": 1, "is_draft": is_draft,
        "period": {"code": "2020", "year": 2020, "half": "FY", "start": "2020-01-01",
                   "end": "2020-12-31"},
        "header": {
            "parent_lines": [], "issuer_lines": ["LIÊN MINH HỢP TÁC XÃ", "VIỆT NAM"],
            "number": "15/BC-LMHTXVN", "date_line": "Hà Nội, ngày 05 tháng 01 năm 2021",
            "type_name": "BÁO CÁO",
            "summary_lines": ["Tổng kết công tác thi đua, khen thưởng năm 2020,",
                              "phương hướng, nhiệm vụ năm 2021"],
            "authority": "KT.", "authority_title": "CHỦ TỊCH", "signer_title": "PHÓ CHỦ TỊCH",
            "signer_name": "Nguyễn Ngọc Bảo",
            "recipients": ["- Ban Thi đua - Khen thưởng Trung ương;", "- Thường trực LMHTXVN;",
                           "- Lưu: VT, TCCB."]},
        "figures": data,
        "sections": sections,
    }


def run(*args, data: bytes) -> str:
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()


def words(content: bytes) -> list[list[dict]]:
    """Per page, the words with their boxes (pdftotext -bbox), in points from the top left."""
    root = ET.fromstring(run("pdftotext", "-bbox", "-", "-", data=content))
    pages = []
    for page in root.iter(f"{XHTML}page"):
        pages.append([{"text": unicodedata.normalize("NFC", word.text or ""),
                       **{key: float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")}}
                      for word in page.iter(f"{XHTML}word")])
    return pages


def find(page, text, nth=0):
    hits = [word for word in page if word["text"] == text]
    assert len(hits) > nth, f"{text!r} not found"
    return hits[nth]


@lru_cache(maxsize=None)
def rendered(annex=20, is_draft=False) -> bytes:
    return summary_pdf.render(snapshot(annex=annex, is_draft=is_draft))


A4_WIDTH = 595.3


def test_header_lines_on_the_first_page():
    text = run("pdftotext", "-layout", "-f", "1", "-l", "1", "-", "-", data=rendered())
    text = unicodedata.normalize("NFC", text)
    for line in ("LIÊN MINH HỢP TÁC XÃ", "VIỆT NAM", "Số: 15/BC-LMHTXVN",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Hà Nội, ngày 05 tháng 01 năm 2021", "BÁO CÁO",
                 "Tổng kết công tác thi đua, khen thưởng năm 2020,"):
        assert line in text
    assert "DỰ THẢO" not in text


def test_header_positions():
    page = words(rendered())[0]
    issuer, nation = find(page, "LIÊN"), find(page, "CỘNG")
    assert issuer["xMax"] < A4_WIDTH / 2 + 20 and issuer["xMin"] < A4_WIDTH / 2
    assert nation["xMin"] > A4_WIDTH / 2 - 60 and find(page, "NGHĨA")["xMax"] > A4_WIDTH / 2
    number, date = find(page, "Số:"), find(page, "Hà")
    assert abs(number["yMax"] - date["yMax"]) < 4
    assert number["xMax"] < A4_WIDTH / 2 < date["xMin"] + 40


def test_recipients_beside_signature():
    pages = words(rendered(annex=0))
    page = next(p for p in pages if any(w["text"] == "nhận:" for w in p))
    recipients, authority = find(page, "Nơi"), find(page, "KT.")
    assert recipients["xMax"] < authority["xMin"]
    assert abs(recipients["yMin"] - authority["yMin"]) < 6
    assert find(page, "PHÓ")["yMin"] > authority["yMin"]
    assert find(page, "Bảo")["yMin"] > find(page, "PHÓ")["yMin"] + 40  # room for the signature


def test_page_numbers_from_page_two_centred_on_top():
    pages = words(rendered())
    assert len(pages) >= 3
    first_top = [w for w in pages[0] if w["yMax"] < 57 and w["text"].isdigit()]
    assert not first_top
    number = [w for w in pages[1] if w["text"] == "2" and w["yMax"] < 57]
    assert len(number) == 1
    centre = (number[0]["xMin"] + number[0]["xMax"]) / 2
    # Centred in the text column (left margin 30 mm, right 15 mm).
    assert abs(centre - (85.04 + (A4_WIDTH - 42.5)) / 2) < 5


def test_left_margin_at_least_30_mm():
    for page in words(rendered()):
        assert min(w["xMin"] for w in page) >= 85


def test_counts_and_vietnamese_text_are_extracted():
    text = unicodedata.normalize("NFC", run("pdftotext", "-", "-", data=rendered()))
    assert "1.234" in text  # the by-group count, in its chart
    assert "1.349" in text  # awards in the table total
    assert "Chiến sĩ thi đua cơ sở" in text
    assert "Hợp tác xã tích cực hưởng ứng." in text
    assert "+12,4%" in text and "80,5" in text and "75,0" in text and "+5,5" in text
    assert "Phần I" in text and "Phần II" in text
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text


def test_charts_are_vector_text_without_images():
    content = rendered()
    text = unicodedata.normalize("NFC", run("pdftotext", "-", "-", data=content))
    assert "Cụm thi đua các tỉnh miền núi phía Bắc" in text  # a chart label, as text
    listing = run("pdfimages", "-list", "-", data=content).strip().splitlines()
    assert len(listing) == 2, listing  # the header lines only: no raster image


def test_only_embedded_serif_fonts():
    lines = run("pdffonts", "-", data=rendered()).strip().splitlines()[2:]
    assert lines
    for line in lines:
        name = line.split()[0]
        assert re.search(r"Liberation-?Serif|Times-?New-?Roman", name), name
        columns = line.split()
        assert columns[-5] == "yes", line  # emb


def test_annex_of_300_rows_repeats_its_header():
    content = rendered(annex=300)
    pages = run("pdftotext", "-layout", "-", "-", data=content).split("\f")
    annex_pages = [page for page in pages if "Nguyễn Văn Thành" in page]
    assert len(annex_pages) >= 5
    for page in annex_pages:
        assert "STT" in page and "Tên tập thể, cá nhân" in page
    text = "".join(pages)
    assert "PHỤ LỤC" in text and "Nguyễn Văn Thành 299" in text and "05/12/2020" in text
    assert "Tổng số: 300" in text


def test_draft_mark():
    text = run("pdftotext", "-f", "1", "-l", "1", "-", "-", data=rendered(is_draft=True))
    assert "DỰ THẢO" in unicodedata.normalize("NFC", text)


def test_html_is_lean_and_bodies_are_output_as_given():
    snap = snapshot(annex=50, bodies={"council": "<p>Hội đồng <strong>họp</strong> 01 lần.</p>"})
    html = summary_pdf.html(snap)
    assert "<p>Hội đồng <strong>họp</strong> 01 lần.</p>" in html
    assert html.count("<thead>") >= 4 and "style=" not in html.split("PHỤ LỤC")[1]
    assert html.count("<svg") == 3


def test_names_in_tables_are_escaped():
    hostile = '<img src="http://example.com/x.png">Cụm'
    snap = snapshot(figures={"annex": [dict(annex_line(1), recipient_name=hostile)],
                             "awards": [award_line("X", hostile, "collective", 1)]})
    html = summary_pdf.html(snap)
    assert "<img" not in html and "&lt;img" in html


def test_progress_is_reported():
    calls = []
    summary_pdf.render(snapshot(annex=0), lambda percent, stage: calls.append(percent))
    assert calls == sorted(calls) and calls[-1] == 100 and len(calls) >= 3


def test_number_formats():
    assert summary_pdf.format_decimal(1234567) == "1.234.567"
    assert summary_pdf.format_decimal(1234.5) == "1.234,5"
    assert summary_pdf.format_percent(-3.5) == "-3,5%"
    assert summary_pdf.format_percent(12.0) == "+12,0%"
    assert summary_pdf.format_percent(None) == "—"
    assert summary_pdf.format_change(0) == "0"
    assert summary_pdf.dmy("2021-01-05") == "05/01/2021"


# --- the renderer fetches nothing but the project's static files ------------------------------


class _Server(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = HTTPServer(("127.0.0.1", 0), _Server)
    _Server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_network_files_and_parent_paths_are_refused(local_server, tmp_path, caplog):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (f'<html><head><link rel="stylesheet" href="{local_server}/x.css">'
            f'<link rel="stylesheet" href="file://{secret}">'
            '<link rel="stylesheet" href="../../config/settings.py">'
            '<style>@import url("file:///etc/passwd");</style></head><body>'
            '<img src="http://example.com/x.png"><img src="file:///etc/passwd">'
            f'<img src="{local_server}/y.png"><img src="../../settings.py">'
            '<p>Hợp tác xã</p></body></html>')
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = pdf_module.write_pdf_from_html(html)
    # The render succeeds without them: the text is there, no image, nothing was requested.
    assert "Hợp tác xã" in unicodedata.normalize("NFC", run("pdftotext", "-", "-", data=content))
    assert run("pdfimages", "-list", "-", data=content).strip().count("\n") == 1
    assert _Server.hits == []
    refused = caplog.text
    for url in (f"{local_server}/x.css", f"file://{secret}", "file:///etc/passwd",
                "http://example.com/x.png", f"{local_server}/y.png"):
        assert f"refused to fetch {url!r}" in refused


@pytest.mark.parametrize("url", ["http://example.com/x.png", "file:///etc/passwd",
                                 pdf_module.STATIC_BASE + "../../settings.py",
                                 pdf_module.STATIC_BASE + "css/../../config/settings.py",
                                 pdf_module.STATIC_BASE + "does-not-exist.png"])
def test_fetcher_refuses(url):
    with pytest.raises(ValueError, match="refused to fetch"):
        pdf_module._fetcher().fetch(url)


def test_static_files_still_load():
    response = pdf_module._fetcher().fetch(pdf_module.STATIC_BASE + "static/css/pdf.css")
    assert b"@page" in response.read()
    assert response.headers["Content-Type"] == "text/css"
    # Linked by a relative URL, the stylesheet applies: A4 with the 30 mm left margin.
    html = ('<html><head><link rel="stylesheet" href="css/pdf.css"></head>'
            '<body><p>Hợp tác xã</p></body></html>')
    page = words(pdf_module.write_pdf_from_html(html))[0]
    word = find(page, "Hợp")
    assert 84 < word["xMin"] < 87 and word["yMin"] > 55
