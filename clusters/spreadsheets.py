"""Read uploaded spreadsheets into checked rows of text, and write .xlsx files safely.

Every import (organizations, people, users, the award registry) reads through `read_rows`: the
file is refused as a whole, with Vietnamese messages, when it cannot be trusted (too big, not
what its name says, formulas, absurdly long cells, a header row that is not the template's).
Rows keep the numbers the spreadsheet program shows (the header is row 1), so a problem can be
found in the user's own file.

`write_xlsx` is the one way we produce .xlsx files: text that a spreadsheet program would take
for a formula (=, +, -, @, tab, CR) is stored as a quoted string, never evaluated.
"""

import codecs
import csv
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .text import clean_text, fold

MAX_CELL_CHARS = 500
# A workbook is a zip: refuse one that would expand far beyond the upload limit (zip bomb).
MAX_UNZIPPED_FACTOR = 10
# Columns read beyond the template's, so that extra headers or stray data can be reported.
EXTRA_COLUMNS = 10
# Stop listing cell problems after this many; the user fixes the pattern, not each cell.
MAX_CELL_PROBLEMS = 50
EXTENSIONS = (".xlsx", ".csv")

_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2066-\u2069\ufeff]"
)
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell or row (row is the spreadsheet's number, column the
    template's header), or with the whole file (row None)."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(problem)s") % {"row": self.row, "problem": self.message}
        return _("Row %(row)s, column “%(column)s”: %(problem)s") % {
            "row": self.row, "column": self.column, "problem": self.message}


class SpreadsheetError(ValidationError):
    """The file cannot be read as the expected table. `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__([p.message for p in self.problems])


@dataclass(frozen=True)
class Row:
    """One data row: its number in the spreadsheet and its cells by header, as clean text."""

    number: int
    values: dict[str, str]

    def __getitem__(self, header: str) -> str:
        return self.values.get(header, "")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_date(text: str) -> date:
    """dd/mm/yyyy (one-digit day or month accepted) -> date; ValueError otherwise."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


# --- reading -----------------------------------------------------------------------------------


def _refuse(message: str, row: int | None = None, column: str = "") -> SpreadsheetError:
    return SpreadsheetError([Problem(row, column, message)])


def extension_of(name: str) -> str:
    name = (name or "").lower()
    return next((ext for ext in EXTENSIONS + (".xls",) if name.endswith(ext)), "")


def check_upload(name: str, size: int | None) -> None:
    """The checks that need only the name and size, done before anything is stored."""
    ext = extension_of(name)
    if ext == ".xls":
        raise _refuse(_("Old Excel files (.xls) are not accepted: open the file in Excel and save "
                        "it as “Excel Workbook (.xlsx)”."))
    if not ext:
        raise _refuse(_("Only Excel (.xlsx) and .csv files are accepted; “%(name)s” is neither.")
                      % {"name": name})
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise _too_big(size)


def _too_big(size: int) -> SpreadsheetError:
    return _refuse(_("The file is %(size)s; files larger than %(limit)s are not accepted. Split "
                     "it into several files.")
                   % {"size": filesizeformat(size),
                      "limit": filesizeformat(settings.IMPORT_MAX_BYTES)})


def read_rows(file, *, headers: Sequence[str], name: str | None = None) -> list[Row]:
    """Read an uploaded .xlsx or .csv whose first row must be `headers`, in that order.

    Returns the non-blank data rows. Raises SpreadsheetError listing every reason to refuse the
    file (up to MAX_CELL_PROBLEMS cells)."""
    name = name or getattr(file, "name", "") or ""
    check_upload(name, getattr(file, "size", None))
    data = file.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise _too_big(len(data))
    if not data.strip():
        raise _refuse(_("The file is empty: it has no header row and no data."))
    width = len(headers) + EXTRA_COLUMNS
    if extension_of(name) == ".xlsx":
        raw = _xlsx_cells(data, width)
    else:
        raw = _csv_cells(data, width, headers)
    return _table(raw, list(headers))


def _xlsx_cells(data: bytes, width: int) -> Iterable[list[tuple[object, bool]]]:
    """Yield each physical row as (value, is_formula) pairs, numbered from 1 by position."""
    not_xlsx = _refuse(_(
        "The file is not a valid Excel workbook (.xlsx). It may be another kind of file renamed to "
        ".xlsx, damaged, or protected by a password; open it in Excel and save it again as .xlsx."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if "xl/workbook.xml" not in names:
        raise not_xlsx
    limit = settings.IMPORT_MAX_BYTES * MAX_UNZIPPED_FACTOR
    if unzipped > limit:
        raise _refuse(_("The workbook expands to more than %(limit)s when opened, so it cannot be "
                        "read safely. Delete unused sheets, formatting and empty rows, or split "
                        "the file.") % {"limit": filesizeformat(limit)})
    from .packages import DTD, MACROS, package_problem

    # The sheet parser drops entities instead of expanding them, which would silently empty a
    # cell; a DTD (billion laughs, external entities) or macros are refused outright instead.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        problem = package_problem(archive, limit)
    if problem in (DTD, MACROS):
        raise _refuse(_("The workbook contains macros or XML declarations that Excel never writes "
                        "in an .xlsx file, so it is not accepted. Open it in Excel and save it "
                        "again as “Excel Workbook (.xlsx)”."))
    if problem:
        raise _refuse(_("The workbook expands to more than %(limit)s when opened, so it cannot be "
                        "read safely. Delete unused sheets, formatting and empty rows, or split "
                        "the file.") % {"limit": filesizeformat(limit)})
    from .xlsx_reader import iter_rows

    # The sheet is read directly (clusters.xlsx_reader), not through openpyxl's cell objects:
    # five times faster on a 100,000-row file. The stored dimension is never trusted.
    rows = iter_rows(data, width)
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except ValueError:
            raise not_xlsx from None
        yield cells


def _csv_cells(data: bytes, width: int,
               headers: Sequence[str]) -> Iterable[list[tuple[object, bool]]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_utf8(1)
    if b"\x00" in data:
        raise _refuse(_("The file is not a text CSV file (it contains binary data). It may be "
                        "another kind of file renamed to .csv."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(error.start + 1) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, headers))
    try:
        for record in reader:
            # A spreadsheet program would evaluate these when it opens the file.
            yield [(value, value.lstrip().startswith("=")) for value in record[:width]]
    except csv.Error:
        raise _refuse(_("The CSV file cannot be read near line %(line)s: a quotation mark is not "
                        "closed, or a cell is far too long.") % {"line": reader.line_num}) from None


def _not_utf8(position: int) -> SpreadsheetError:
    return _refuse(_("The CSV file is not encoded in UTF-8 (problem at byte %(position)s). In "
                     "Excel choose “Save As” and the type “CSV UTF-8 (Comma delimited)”.")
                   % {"position": position})


def _delimiter(text: str, headers: Sequence[str]) -> str:
    """Comma or semicolon, whichever splits the first line into more of the expected headers.

    csv.Sniffer is fooled by a semicolon file whose header contains a comma ("Tỉnh, thành phố");
    the known header row is a better witness."""
    first_line = text.split("\n", 1)[0]
    expected = {fold(header) for header in headers}

    def score(delimiter):
        fields = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(fold(field) in expected for field in fields), len(fields)

    return max((",", ";"), key=score)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(_INVISIBLE.sub("", unicodedata.normalize("NFC", str(value))))


def _table(raw: Iterable[list[tuple[object, bool]]], headers: list[str]) -> list[Row]:
    problems: list[Problem] = []
    rows: list[Row] = []
    header_cells = None
    limit = settings.IMPORT_MAX_ROWS
    for number, cells in enumerate(raw, start=1):
        if number == 1:
            header_cells = [_cell_text(value) for value, _formula in cells]
            continue
        if number - 1 > limit:
            raise _refuse(_("The file has more than %(limit)s rows (empty rows at the end of the "
                            "sheet count too); split it into several files.") % {"limit": limit})
        texts = []
        for index, (value, is_formula) in enumerate(cells):
            text = _cell_text(value)
            if text and len(problems) < MAX_CELL_PROBLEMS:
                problem = _cell_problem(number, index, headers, value, text, is_formula)
                if problem:
                    problems.append(problem)
            texts.append(text)
        if any(texts):
            rows.append(Row(number, dict(zip(headers, texts + [""] * len(headers)))))
    if header_cells is None or (not any(header_cells) and not rows):
        raise _refuse(_("The file is empty: it has no header row and no data."))
    header_problems = _header_problems(header_cells, headers)
    if header_problems:
        raise SpreadsheetError(header_problems)
    if problems:
        raise SpreadsheetError(problems)
    if not rows:
        raise _refuse(_("The file has a header row but no data rows."))
    return rows


def _cell_problem(number, index, headers, value, text, is_formula) -> Problem | None:
    if not is_formula and index < len(headers) and len(text) <= MAX_CELL_CHARS:
        return None  # the common case, decided before building the cell's name
    cell = f"{column_letter(index)}{number}"
    column = headers[index] if index < len(headers) else ""
    if is_formula:
        shown = str(getattr(value, "text", value))
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        return Problem(number, column, _(
            "Cell %(cell)s contains a formula (%(formula)s); formulas are not accepted. Copy the "
            "column and paste it back as values only.") % {"cell": cell, "formula": shown})
    if index >= len(headers):
        return Problem(number, "", _(
            "Cell %(cell)s has a value but lies outside the template's columns; move it into the "
            "right column or delete it.") % {"cell": cell})
    if len(text) > MAX_CELL_CHARS:
        return Problem(number, column, _(
            "Cell %(cell)s has %(length)s characters; at most %(limit)s are allowed.")
            % {"cell": cell, "length": len(text), "limit": MAX_CELL_CHARS})
    return None


def _header_problems(found: list[str], expected: list[str]) -> list[Problem]:
    found = found + [""] * (len(expected) - len(found))
    problems = []
    for index, name in enumerate(expected):
        letter = column_letter(index)
        if not found[index]:
            problems.append(Problem(1, name, _(
                "Column %(letter)s: expected “%(expected)s”, found an empty cell.")
                % {"letter": letter, "expected": name}))
        elif fold(found[index]) != fold(name):
            problems.append(Problem(1, name, _(
                "Column %(letter)s: expected “%(expected)s”, found “%(found)s”.")
                % {"letter": letter, "expected": name, "found": found[index][:80]}))
    for index in range(len(expected), len(found)):
        if found[index]:
            problems.append(Problem(1, "", _(
                "Column %(letter)s: “%(found)s” is not a column of the template.")
                % {"letter": column_letter(index), "found": found[index][:80]}))
    if problems:
        problems.insert(0, Problem(1, "", _(
            "The header row (row 1) does not match the template. The columns must be, in this "
            "order: %(headers)s.") % {"headers": " | ".join(expected)}))
    return problems


# --- writing -----------------------------------------------------------------------------------

_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "",
               extra_sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]] = ()
               ) -> bytes:
    """An .xlsx with a bold, frozen header row, then `rows`; further sheets may follow
    (title, headers, rows). Dates become date cells shown dd/mm/yyyy; text is never a formula."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for sheet_title, sheet_headers, sheet_rows in ((title, headers, rows), *extra_sheets):
        _write_sheet(book, sheet_title, sheet_headers, sheet_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(book, title, headers, rows) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = book.create_sheet(_SHEET_TITLE.sub(" ", title)[:31] or None)
    sheet.freeze_panes = "A2"
    # Columns as wide as their header or their first rows' text, within reason.
    rows = iter(rows)
    first = list(itertools.islice(rows, 100))
    for index, header in enumerate(headers):
        longest = max([len(str(header))] + [len(str(row[index])) for row in first
                                            if index < len(row) and row[index] is not None])
        sheet.column_dimensions[column_letter(index)].width = min(max(longest + 2, 12), 100)
    rows = itertools.chain(first, rows)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _safe_cell(WriteOnlyCell(sheet), header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_safe_cell(WriteOnlyCell(sheet), value) for value in row])


def _safe_cell(cell, value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (datetime, date)) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = "DD/MM/YYYY" if not isinstance(value, datetime) else "DD/MM/YYYY HH:MM"
        return cell
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    if text.startswith(_FORMULA_START):
        # Kept as typed, shown as text: the string type stops this file computing it, and the
        # quote prefix (Excel's leading apostrophe) keeps it text when someone edits the cell.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
