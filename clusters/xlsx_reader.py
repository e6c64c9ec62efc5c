"""A streaming reader of the first worksheet of an .xlsx file, for imports.

openpyxl builds an object per cell and per rich-text run; on a 100,000-row file that took most
of an import's time (bench/RESULTS.md §7). Imports need only each cell's value and whether it
holds a formula, so this reads the sheet XML directly with ElementTree's C parser: shared and
inline strings, numbers, booleans, errors, formulas, and dates (numbers whose cell style has a
date format, using openpyxl's own list of date formats and its epoch conversion).

Rows are yielded by position from row 1, with empty rows for the gaps, so that a row's number is
the one the spreadsheet program shows. Raises ValueError on anything it cannot read; the caller
turns that into the user's message."""

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse

try:  # lxml filters the row elements in C: three times faster on large sheets
    from lxml.etree import XMLSyntaxError
    from lxml.etree import iterparse as _lxml_iterparse
except ImportError:  # pragma: no cover - lxml is in requirements.txt
    _lxml_iterparse = None
    XMLSyntaxError = SyntaxError

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _text_of(element) -> str:
    """The text of a shared or inline string: its <t>, or the <t> of each rich-text run; the
    phonetic runs (<rPh>) are not part of the value."""
    if len(element) == 1:  # the common case, a single <t>
        child = element[0]
        if child.tag == _T:
            return child.text or ""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            for run_child in child:
                if run_child.tag == _T:
                    parts.append(run_child.text or "")
    return "".join(parts)


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = archive.read("xl/workbook.xml")
    rel_id = None
    for _event, element in iterparse(io.BytesIO(workbook), events=("end",)):
        if element.tag == MAIN + "sheet":
            rel_id = element.get(REL + "id")
            break
    if rel_id is None:
        raise ValueError("no worksheet")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    for _event, element in iterparse(io.BytesIO(rels), events=("end",)):
        if element.tag == PKG_REL + "Relationship" and element.get("Id") == rel_id:
            target = element.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    raise ValueError("worksheet relationship not found")


def _epoch(archive: zipfile.ZipFile):
    workbook = archive.read("xl/workbook.xml")
    for _event, element in iterparse(io.BytesIO(workbook), events=("end",)):
        if element.tag == MAIN + "workbookPr":
            if element.get("date1904") in ("1", "true"):
                return CALENDAR_MAC_1904
    return CALENDAR_WINDOWS_1900


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        data = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with data:
        for _event, element in iterparse(data, events=("end",)):
            if element.tag == MAIN + "si":
                strings.append(_text_of(element))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles (cellXfs) whose number format is a date."""
    try:
        data = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    custom, xfs, in_cell_xfs = {}, [], False
    for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
        if element.tag == MAIN + "numFmt" and event == "end":
            custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif element.tag == MAIN + "cellXfs":
            in_cell_xfs = event == "start"
        elif element.tag == MAIN + "xf" and event == "end" and in_cell_xfs:
            xfs.append(int(element.get("numFmtId", "0")))
    dates = set()
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        return float(text)


def iter_rows(data: bytes, width: int) -> Iterator[list[tuple[object, bool]]]:
    """Each row of the first sheet as (value, is_formula) pairs for the first `width` columns."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValueError("not a zip") from error
    with archive:
        try:
            sheet_path = _first_sheet_path(archive)
            strings = _shared_strings(archive)
            date_styles = _date_styles(archive)
            epoch = _epoch(archive)
            sheet = archive.open(sheet_path)
        except (KeyError, SyntaxError, ValueError) as error:
            raise ValueError("unreadable workbook") from error
        expected_row = 1
        with sheet:
            if _lxml_iterparse is not None:
                # No entities, no network, no huge trees: the sheet is data, not a document.
                events = _lxml_iterparse(sheet, events=("end",), tag=MAIN + "row",
                                         resolve_entities=False, no_network=True,
                                         huge_tree=False)
            else:
                events = iterparse(sheet, events=("end",))
            try:
                for _event, element in events:
                    if element.tag != MAIN + "row":
                        continue
                    number = int(element.get("r") or expected_row)
                    if number < expected_row:
                        raise ValueError("rows out of order")
                    while expected_row < number:  # rows the file leaves out are empty
                        yield []
                        expected_row += 1
                    try:
                        cells = _row(element, width, strings, date_styles, epoch)
                    except (IndexError, OverflowError, TypeError) as error:
                        raise ValueError("unreadable cell") from error
                    yield cells
                    expected_row = number + 1
                    element.clear()
                    if _lxml_iterparse is not None:
                        # Drop the rows already read, or lxml keeps the whole sheet in memory.
                        while element.getprevious() is not None:
                            del element.getparent()[0]
            except (SyntaxError, XMLSyntaxError) as error:
                raise ValueError("malformed sheet XML") from error


_C, _F, _V, _IS, _T, _R = (MAIN + "c", MAIN + "f", MAIN + "v", MAIN + "is", MAIN + "t",
                           MAIN + "r")
_DIGITS = "0123456789"
_EMPTY = (None, False)


def _cells_of(row):
    """The <c> children of a row: lxml filters them in C; ElementTree's elements cannot."""
    return row.iterchildren(_C) if _lxml_iterparse is not None else row.iterfind(_C)
_COLUMNS: dict[str, int] = {}


def _position(ref: str) -> int:
    letters = ref.rstrip(_DIGITS)
    index = _COLUMNS.get(letters)
    if index is None:
        if not _CELL_REF.match(ref):
            raise ValueError(f"bad cell reference {ref!r}")
        index = _COLUMNS.setdefault(letters, _column_index(letters))
    return index


def _row(element, width, strings, date_styles, epoch) -> list[tuple[object, bool]]:
    # Called for every row of the sheet: lookups are kept local and the common cell (an inline
    # or shared string, or a number) goes through as few branches as possible.
    cells: list[tuple[object, bool]] = []
    append = cells.append
    position = 0
    for cell in _cells_of(element):
        ref = cell.get("r")
        if ref:
            position = _COLUMNS.get(ref.rstrip(_DIGITS))
            if position is None:
                position = _position(ref)
        if position >= width:
            position += 1
            continue
        if len(cells) < position:
            cells.extend([_EMPTY] * (position - len(cells)))
        kind = cell.get("t")
        formula = value_text = inline = None
        for child in cell:
            tag = child.tag
            if tag == _IS:
                inline = _text_of(child)
            elif tag == _V:
                value_text = child.text
            elif tag == _F:
                formula = child.text or ""
        position += 1
        if formula is not None:
            append(("=" + formula, True))
            continue
        if kind == "inlineStr":
            value = inline or ""
        elif value_text is None:
            value = None
        elif kind == "s":
            value = strings[int(value_text)]
        elif kind == "str" or kind == "e":
            value = value_text
        elif kind == "b":
            value = value_text.strip() in ("1", "true")
        else:
            value = _number(value_text)
            style = cell.get("s")
            if style is not None and int(style) in date_styles:
                value = from_excel(value, epoch)
        append((value, False))
    return cells
