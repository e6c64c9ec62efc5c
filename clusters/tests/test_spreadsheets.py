"""The spreadsheet reader refuses what it cannot trust, and the writer never writes a formula."""

import io
import unicodedata
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from clusters.spreadsheets import (
    MAX_CELL_CHARS,
    SpreadsheetError,
    column_letter,
    parse_date,
    read_rows,
    write_xlsx,
)
from clusters.tests.importing import csv_upload, xlsx_upload

HEADERS = ("Mã đơn vị", "Tên đầy đủ", "Tỉnh, thành phố", "Hoạt động từ")


def refusal(upload, headers=HEADERS) -> list[str]:
    with pytest.raises(SpreadsheetError) as caught:
        read_rows(upload, headers=headers)
    return [p.message for p in caught.value.problems]


def test_column_letters_follow_the_spreadsheet():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_parse_date_accepts_day_month_year_only():
    assert parse_date("5/3/2020") == date(2020, 3, 5)
    assert parse_date("15/03/2020") == date(2020, 3, 15)
    for bad in ("2020-03-15", "31/02/2020", "15/03/20", "hôm qua"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_xlsx_rows_keep_spreadsheet_numbers_and_become_clean_text():
    upload = xlsx_upload([
        HEADERS,
        ["htx-1", "  Hợp tác xã   An Phú ", "Hà Nội", datetime(2020, 3, 15)],
        [None, None, None, None],
        ["HTX-2", unicodedata.normalize("NFD", "Hợp tác xã Hoà Bình"), 2021, "01/02/2021"],
    ])

    rows = read_rows(upload, headers=HEADERS)

    assert [(r.number, r.values) for r in rows] == [
        (2, {"Mã đơn vị": "htx-1", "Tên đầy đủ": "Hợp tác xã An Phú", "Tỉnh, thành phố": "Hà Nội",
             "Hoạt động từ": "15/03/2020"}),
        (4, {"Mã đơn vị": "HTX-2", "Tên đầy đủ": "Hợp tác xã Hoà Bình", "Tỉnh, thành phố": "2021",
             "Hoạt động từ": "01/02/2021"}),
    ]
    assert unicodedata.is_normalized("NFC", rows[1]["Tên đầy đủ"])


def test_header_matching_ignores_case_and_accent_encoding():
    upload = xlsx_upload([[h.upper() for h in HEADERS], ["A", "B", "C", ""]])

    assert [r.values["Mã đơn vị"] for r in read_rows(upload, headers=HEADERS)] == ["A"]


def test_semicolon_csv_with_bom_is_read():
    upload = csv_upload([HEADERS, ["HTX-1", "Hợp tác xã An Phú", "Hà Nội", "15/03/2020"]],
                        delimiter=";", bom=True)

    rows = read_rows(upload, headers=HEADERS)

    assert [r.values for r in rows] == [{"Mã đơn vị": "HTX-1", "Tên đầy đủ": "Hợp tác xã An Phú",
                                         "Tỉnh, thành phố": "Hà Nội", "Hoạt động từ": "15/03/2020"}]


def test_comma_csv_with_quoted_comma_is_read():
    upload = csv_upload([HEADERS, ["HTX-1", "Hợp tác xã An Phú, Hà Nội", "Hà Nội", ""]])

    assert read_rows(upload, headers=HEADERS)[0]["Tên đầy đủ"] == "Hợp tác xã An Phú, Hà Nội"


def test_wrong_header_is_explained_column_by_column():
    upload = xlsx_upload([["Mã đơn vị", "Tên", None, "Hoạt động từ", "Ghi chú"], ["A", "B", "C", "D"]])

    assert refusal(upload) == [
        _("The header row (row 1) does not match the template. The columns must be, in this "
          "order: %(headers)s.") % {"headers": " | ".join(HEADERS)},
        _("Column %(letter)s: expected “%(expected)s”, found “%(found)s”.")
        % {"letter": "B", "expected": "Tên đầy đủ", "found": "Tên"},
        _("Column %(letter)s: expected “%(expected)s”, found an empty cell.")
        % {"letter": "C", "expected": "Tỉnh, thành phố"},
        _("Column %(letter)s: “%(found)s” is not a column of the template.")
        % {"letter": "E", "found": "Ghi chú"},
    ]


@pytest.mark.parametrize("content", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_empty_csv_is_refused(content):
    assert refusal(SimpleUploadedFile("a.csv", content)) == [
        _("The file is empty: it has no header row and no data.")]


def test_empty_workbook_is_refused():
    assert refusal(xlsx_upload([])) == [_("The file is empty: it has no header row and no data.")]


@pytest.mark.parametrize("make", [xlsx_upload, csv_upload])
def test_header_only_is_refused(make):
    assert refusal(make([HEADERS, ["", "", "", ""]])) == [
        _("The file has a header row but no data rows.")]


def test_oversized_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = csv_upload([HEADERS] + [["HTX", "Hợp tác xã", "Hà Nội", ""]] * 10)

    assert refusal(upload) == [
        _("The file is %(size)s; files larger than %(limit)s are not accepted. Split it into "
          "several files.") % {"size": filesizeformat(upload.size), "limit": filesizeformat(100)}]


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 2
    upload = xlsx_upload([HEADERS] + [["HTX", "Hợp tác xã", "Hà Nội", ""]] * 3)

    assert refusal(upload) == [
        _("The file has more than %(limit)s rows (empty rows at the end of the sheet count "
          "too); split it into several files.") % {"limit": 2}]


def test_unknown_extension_and_old_excel_are_refused():
    assert refusal(SimpleUploadedFile("du-lieu.txt", b"abc")) == [
        _("Only Excel (.xlsx) and .csv files are accepted; “%(name)s” is neither.")
        % {"name": "du-lieu.txt"}]
    assert refusal(SimpleUploadedFile("du-lieu.XLS", b"abc")) == [
        _("Old Excel files (.xls) are not accepted: open the file in Excel and save it as "
          "“Excel Workbook (.xlsx)”.")]


NOT_XLSX = ("The file is not a valid Excel workbook (.xlsx). It may be another kind of file "
            "renamed to .xlsx, damaged, or protected by a password; open it in Excel and save it "
            "again as .xlsx.")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02",  # a PNG
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100,  # an .exe
    _zip({"word/document.xml": b"<w:document/>"}),  # a .docx
    _zip({"xl/workbook.xml": b"<not-a-workbook"}),  # a damaged workbook
])
def test_renamed_binary_is_refused_as_xlsx(content):
    assert refusal(SimpleUploadedFile("du-lieu.xlsx", content)) == [_(NOT_XLSX)]


def test_workbook_that_expands_too_much_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 20_000
    upload = xlsx_upload([HEADERS] + [["HTX", "a" * 400, "Hà Nội", ""]] * 600)
    assert upload.size < 20_000

    assert refusal(upload) == [
        _("The workbook expands to more than %(limit)s when opened, so it cannot be read "
          "safely. Delete unused sheets, formatting and empty rows, or split the file.")
        % {"limit": filesizeformat(200_000)}]


def test_binary_csv_is_refused():
    assert refusal(SimpleUploadedFile("du-lieu.csv", b"M\x00a\x00\x00\x01")) == [
        _("The file is not a text CSV file (it contains binary data). It may be another kind "
          "of file renamed to .csv.")]


def test_non_utf8_csv_is_refused_with_the_position():
    # Vietnamese Windows' own code page: "à" is the single byte 0xE0, invalid in UTF-8 here.
    content = ",".join(HEADERS).encode("utf-8") + "\r\nHTX,Hà,Hà,\r\n".encode("cp1258")

    assert refusal(SimpleUploadedFile("du-lieu.csv", content)) == [
        _("The CSV file is not encoded in UTF-8 (problem at byte %(position)s). In Excel choose "
          "“Save As” and the type “CSV UTF-8 (Comma delimited)”.")
        % {"position": len(",".join(HEADERS).encode("utf-8")) + 2 + len("HTX,H") + 1}]


def test_utf16_csv_is_refused_as_not_utf8():
    content = ",".join(HEADERS).encode("utf-16")

    assert refusal(SimpleUploadedFile("du-lieu.csv", content)) == [
        _("The CSV file is not encoded in UTF-8 (problem at byte %(position)s). In Excel choose "
          "“Save As” and the type “CSV UTF-8 (Comma delimited)”.") % {"position": 1}]


def test_formulas_are_refused_naming_the_cell():
    upload = xlsx_upload([HEADERS, ["HTX", "=CONCATENATE(\"Hợp tác xã\", \" A\")", "Hà Nội", "=TODAY()"]])

    assert refusal(upload) == [
        _("Cell %(cell)s contains a formula (%(formula)s); formulas are not accepted. Copy the "
          "column and paste it back as values only.")
        % {"cell": "B2", "formula": '=CONCATENATE("Hợp tác xã", " A")'},
        _("Cell %(cell)s contains a formula (%(formula)s); formulas are not accepted. Copy the "
          "column and paste it back as values only.") % {"cell": "D2", "formula": "=TODAY()"},
    ]


def test_formula_in_csv_is_refused():
    upload = csv_upload([HEADERS, ["HTX", '=HYPERLINK("http://x.example","bấm")', "Hà Nội", ""]])

    assert refusal(upload) == [
        _("Cell %(cell)s contains a formula (%(formula)s); formulas are not accepted. Copy the "
          "column and paste it back as values only.")
        % {"cell": "B2", "formula": '=HYPERLINK("http://x.example","bấm")'}]


def test_very_long_cell_is_refused_naming_the_cell():
    upload = xlsx_upload([HEADERS, ["HTX", "a" * 5000, "Hà Nội", ""]])

    assert refusal(upload) == [
        _("Cell %(cell)s has %(length)s characters; at most %(limit)s are allowed.")
        % {"cell": "B2", "length": 5000, "limit": MAX_CELL_CHARS}]


def test_value_outside_the_template_columns_is_refused():
    upload = xlsx_upload([HEADERS, ["HTX", "Hợp tác xã", "Hà Nội", "", "ghi chú lạc"]])

    assert refusal(upload) == [
        _("Cell %(cell)s has a value but lies outside the template's columns; move it into the "
          "right column or delete it.") % {"cell": "E2"}]


def test_unclosed_quote_in_csv_is_refused():
    content = (",".join(HEADERS) + '\r\nHTX,"Hợp tác xã\r\n').encode()
    content += b"x" * 200_000

    assert refusal(SimpleUploadedFile("du-lieu.csv", content)) == [
        _("The CSV file cannot be read near line %(line)s: a quotation mark is not closed, or a "
          "cell is far too long.") % {"line": 3}]


def test_control_and_bidi_characters_are_removed():
    upload = xlsx_upload([HEADERS, ["HTX\u202e", "Hợp\u200b tác xã", "Hà Nội", ""]])

    assert read_rows(upload, headers=HEADERS)[0].values["Tên đầy đủ"] == "Hợp tác xã"


DANGEROUS = ["=1+2", "+84 912 345 678", "-2+3", "@SUM(A1)", "\tcmd", "\r=2", '=HYPERLINK("http://x")']


def test_write_xlsx_never_writes_a_formula():
    data = write_xlsx(["Tên", "Ngày", "Số"], [[text, date(2020, 3, 15), 3] for text in DANGEROUS])

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    # Without lxml, XML turns a bare carriage return into a line feed; with it (our
    # requirements) the text is kept exactly as typed.
    assert all(c.value in (text, text.replace("\r", "\n")) for c, text in zip(cells, DANGEROUS))
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)
    assert [row[1].value for row in book.active.iter_rows(min_row=2, max_row=2)] == [datetime(2020, 3, 15)]


def test_written_file_reads_back_through_the_reader():
    data = write_xlsx(HEADERS, [["HTX-1", "=Hợp tác xã", "Hà Nội", date(2020, 3, 15)]],
                      extra_sheets=[("Hướng dẫn", ["Cột"], [["Mã đơn vị"]])])

    rows = read_rows(SimpleUploadedFile("lai.xlsx", data), headers=HEADERS)

    assert [r.values for r in rows] == [{"Mã đơn vị": "HTX-1", "Tên đầy đủ": "=Hợp tác xã",
                                         "Tỉnh, thành phố": "Hà Nội", "Hoạt động từ": "15/03/2020"}]
