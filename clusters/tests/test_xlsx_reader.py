"""The streaming .xlsx reader behind every import (clusters.xlsx_reader): what Excel and other
programs write (shared strings, rich text, date styles, the 1904 calendar, sparse rows and
cells) reads as openpyxl would read it, and a damaged sheet is refused, never half-read."""

import io
import zipfile
from datetime import datetime

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from clusters.xlsx_reader import iter_rows


def workbook_bytes(rows, *, epoch_1904=False, gaps=False, rich=False) -> bytes:
    book = openpyxl.Workbook()  # the normal writer: shared strings, like Excel
    sheet = book.active
    if epoch_1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for index, row in enumerate(rows, start=1):
        number = index * 2 if gaps and index > 1 else index
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    if rich:
        sheet["B1"] = CellRichText([TextBlock(InlineFont(b=True), "Hợp tác xã "), "Hưng Thịnh"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def values(data, width=5):
    return [[value for value, _formula in row] for row in iter_rows(data, width)]


def test_shared_strings_numbers_and_dates_read_as_openpyxl_reads_them():
    data = workbook_bytes([["Nguyễn Văn An", 1980, datetime(2024, 3, 15), True, 2.5]])
    assert values(data) == [["Nguyễn Văn An", 1980, datetime(2024, 3, 15), True, 2.5]]


def test_dates_of_the_1904_calendar():
    data = workbook_bytes([["x", datetime(2021, 12, 31)]], epoch_1904=True)
    assert values(data)[0][1] == datetime(2021, 12, 31)


def test_rich_text_is_read_as_its_plain_text():
    data = workbook_bytes([["a", "b"]], rich=True)
    assert values(data)[0][1] == "Hợp tác xã Hưng Thịnh"


def test_rows_the_file_leaves_out_are_empty_so_numbers_match_the_spreadsheet():
    data = workbook_bytes([["header"], ["row 4"], ["row 6"]], gaps=True)
    rows = values(data)
    assert rows[0] == ["header"] and rows[1] == [] and rows[3] == ["row 4"]
    assert rows[5] == ["row 6"]


def test_sparse_cells_keep_their_columns_and_columns_beyond_the_width_are_ignored():
    book = openpyxl.Workbook()
    book.active["A1"], book.active["C1"], book.active["Z1"] = "a", "c", "far"
    buffer = io.BytesIO()
    book.save(buffer)
    assert values(buffer.getvalue(), width=4) == [["a", None, "c"]]


def test_formulas_are_flagged_with_their_text():
    book = openpyxl.Workbook()
    book.active["A1"] = "=SUM(1,2)"
    buffer = io.BytesIO()
    book.save(buffer)
    assert list(iter_rows(buffer.getvalue(), 3)) == [[("=SUM(1,2)", True)]]


def rewrite_sheet(data: bytes, sheet_xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize("sheet_xml", [
    b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c>",  # cut off
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>99'
    b'</v></c></row></sheetData></worksheet>',  # a shared string that does not exist
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="5"><c r="A5"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
    b'</sheetData></worksheet>',  # rows out of order
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="1A"><v>1</v></c></row></sheetData></worksheet>',  # a bad cell reference
], ids=["truncated", "missing-shared-string", "rows-out-of-order", "bad-reference"])
def test_a_damaged_sheet_is_refused(sheet_xml):
    data = rewrite_sheet(workbook_bytes([["a"]]), sheet_xml)
    with pytest.raises(ValueError):
        list(iter_rows(data, 3))


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(ValueError):
        list(iter_rows(b"MZ\x90\x00 not a workbook", 3))
