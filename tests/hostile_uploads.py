"""A corpus of hostile uploads, generated in code (no binary files in the repository).

Each sample is (id, file name, content bytes); `ATTACHMENTS` are refused by every entry point
that takes a document or a scan (PDF, DOCX, XLSX, JPEG, PNG), `SPREADSHEETS` by every import of
an .xlsx or .csv. Quality target S4 and ASVS 5.2.1–5.2.2, 5.3.2.

The bad things are built on top of valid files (a real PNG, a real .xlsx), so that each sample
is refused for the reason it names, not for some accident of a hand-made header."""

import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile


@dataclass(frozen=True)
class Sample:
    id: str
    name: str
    content: bytes

    def upload(self, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.content, content_type)


# --- valid building blocks -------------------------------------------------------------------


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 4, height: int = 4) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 30, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="xml" ContentType="application/xml"/></Types>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                 b'org/officeDocument/2006/relationships/worksheet" '
                 b'Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_OPEN = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def inline_row(number: int, values) -> bytes:
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (bytes([65 + i]), number,
                                                               str(v).encode())
        for i, v in enumerate(values))
    return b'<row r="%d">%s</row>' % (number, cells)


def xlsx_bytes(sheet_xml: bytes, *, extra: dict[str, bytes] | None = None,
               compresslevel: int = 6) -> bytes:
    """A minimal workbook whose first sheet is `sheet_xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def sheet_xml(headers, rows=(), *, prolog: bytes = b"") -> bytes:
    body = inline_row(1, headers) + b"".join(inline_row(i, r) for i, r in enumerate(rows, 2))
    return SHEET_OPEN + prolog + b"<worksheet %s><sheetData>%s</sheetData></worksheet>" % (
        SHEET_NS, body)


# --- hostile samples -------------------------------------------------------------------------


def zip_bomb_xlsx() -> bytes:
    """A real-looking workbook whose sheet XML expands from ~200 KB to ~200 MB: far beyond any
    limit. Built by streaming, so the test never holds the expanded sheet in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_OPEN + b"<worksheet " + SHEET_NS + b"><sheetData>")
            chunk = b"<row><c><v>0</v></c></row>" * 40_000
            for _ in range(200):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


BILLION_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
                  b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
                  b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
                  b'<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
                  b'<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
                  b'<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
                  b'<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">'
                  b']>\n')
EXTERNAL_ENTITY = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def entity_xlsx(headers, prolog: bytes, value: bytes) -> bytes:
    """A workbook whose sheet declares entities and uses one in the first data cell."""
    sheet = sheet_xml(headers, [["x"] * len(headers)], prolog=prolog)
    sheet = sheet.replace(b"<t>x</t>", b"<t>" + value + b"</t>", 1)
    return xlsx_bytes(sheet)


def pdf_with(body: bytes) -> bytes:
    return PDF.replace(b"trailer", body + b"\ntrailer")


def flate_pdf_with_javascript() -> bytes:
    """/JavaScript hidden in a compressed object stream, and its name spelt with #-escapes."""
    import zlib

    hidden = zlib.compress(b"<</S/J#61vaScript/JS(app.alert\\(1\\))>>")
    return pdf_with(b"4 0 obj<</Type/ObjStm/N 1/First 0/Filter/FlateDecode/Length %d>>stream\n"
                    % len(hidden) + hidden + b"\nendstream endobj")


def attachments(max_bytes: int) -> list[Sample]:
    """Hostile files for the document and scan uploads (accepted: PDF, DOCX, XLSX, JPEG, PNG)."""
    png, jpeg = png_bytes(), jpeg_bytes()
    return [
        Sample("polyglot-pdf-html", "bao-cao.pdf",
               b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
               + PDF[9:]),
        Sample("polyglot-jpeg-php", "anh.jpg", jpeg + b"<?php system($_GET['c']); ?>"),
        Sample("polyglot-gif-php-as-png", "anh.png", b"GIF89a\x01\x00\x01\x00<?php phpinfo(); ?>"),
        Sample("polyglot-png-php", "anh.png", png + b"<?php system($_GET['c']); ?>"),
        Sample("svg-script", "logo.svg",
               b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        Sample("svg-script-as-png", "logo.png",
               b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        Sample("php-renamed-pdf", "shell.pdf", b"<?php system($_GET['c']); ?>"),
        Sample("php-extension", "shell.php", b"<?php system($_GET['c']); ?>"),
        Sample("double-extension", "shell.php.pdf", b"<?php system($_GET['c']); ?>"),
        Sample("exe-renamed-pdf", "hoa-don.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120),
        Sample("exe-renamed-png", "anh.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120),
        Sample("html-renamed-png", "anh.png", b"<!DOCTYPE html><html><script>alert(1)</script>"),
        Sample("path-traversal", "../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n"),
        Sample("control-characters", "bao\x00cao\x1b[31m.pdf", b"\x00\x01\x02 not a pdf"),
        Sample("empty", "trong.pdf", b""),
        Sample("oversized", "lon.pdf", b"%PDF-1.4\n" + b"0" * (max_bytes + 1)),
        Sample("pdf-javascript", "js.pdf",
               pdf_with(b"4 0 obj<</S/JavaScript/JS(app.alert\\(1\\))>>endobj")),
        Sample("pdf-openaction-launch", "launch.pdf",
               pdf_with(b"4 0 obj<</OpenAction<</S/Launch/F(cmd.exe)>>>>endobj")),
        Sample("pdf-hidden-javascript", "an.pdf", flate_pdf_with_javascript()),
        Sample("truncated-png", "cat.png", png[: len(png) // 2]),
        Sample("truncated-jpeg", "cat.jpg", jpeg[: len(jpeg) // 2]),
        Sample("png-header-only", "rong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        Sample("zip-bomb-xlsx", "bang.xlsx", zip_bomb_xlsx()),
        Sample("xlsx-billion-laughs", "bang.xlsx",
               entity_xlsx(["A"], BILLION_LAUGHS, b"&lol9;")),
        Sample("xlsx-external-entity", "bang.xlsx",
               entity_xlsx(["A"], EXTERNAL_ENTITY, b"&xxe;")),
        Sample("docx-with-macros", "to-trinh.docx", _docx_with_macros()),
    ]


def _docx_with_macros() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("word/document.xml",
                   b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                   b'2006/main"><w:body/></w:document>')
        z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    return buffer.getvalue()


def spreadsheets(headers, max_bytes: int) -> list[Sample]:
    """Hostile files for an import whose template has `headers`."""
    row = ["x"] * len(headers)
    formula = ['=cmd|" /C calc"!A0'] + row[1:]
    return [
        Sample("zip-bomb-xlsx", "bang.xlsx", zip_bomb_xlsx()),
        Sample("xlsx-billion-laughs", "bang.xlsx", entity_xlsx(headers, BILLION_LAUGHS,
                                                              b"&lol9;")),
        Sample("xlsx-external-entity", "bang.xlsx", entity_xlsx(headers, EXTERNAL_ENTITY,
                                                               b"&xxe;")),
        Sample("csv-formula-injection", "bang.csv",
               (",".join(headers) + "\n" + ",".join(f'"{v}"' for v in formula) + "\n").encode()),
        Sample("xlsx-formula-injection", "bang.xlsx", xlsx_bytes(
            sheet_xml(headers, [row]).replace(
                b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>',
                b'<c r="A2" t="str"><f>cmd|" /C calc"!A0</f><v>0</v></c>'))),
        Sample("exe-renamed-xlsx", "bang.xlsx", b"MZ\x90\x00" + b"\x00" * 200),
        Sample("html-renamed-csv", "bang.csv", b"\x00<html><script>alert(1)</script></html>"),
        Sample("php-extension", "bang.php", b"<?php system($_GET['c']); ?>"),
        Sample("path-traversal", "../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n"),
        Sample("empty", "trong.xlsx", b""),
        Sample("oversized", "lon.csv", (",".join(headers) + "\n").encode()
               + b"x" * (max_bytes + 1)),
        Sample("truncated-xlsx", "bang.xlsx", xlsx_bytes(sheet_xml(headers, [row]))[:300]),
    ]
