"""Writing what ``kokeilu export`` exports: CSV that a spreadsheet cannot misread, CSV for Finnish
spreadsheets, and real .xlsx spreadsheets.

A spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(CSV injection), also after leading spaces or invisible characters and in the full-width forms
(``＝``, ``＋``, ``－``, ``＠``), and a cell holding a line break that is not quoted starts a new
row whose first cell is then read on its own. So every text cell that could start a formula gets a
leading apostrophe (spreadsheets show the text, not the apostrophe, and run nothing), and every
cell holding a CR or LF is quoted. The tracker and the JSON export keep the text as it was given.
"""

from __future__ import annotations

import datetime
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

# Spreadsheets that a CSV (or JSON) text must not be written into: they would open it as garbage or,
# worse, read it as CSV with the formula rules of their own format.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".fods", ".numbers")

# Columns that hold a date or a time (ISO 8601 text in the rows): typed in --excel and .xlsx output.
DATE_COLUMNS = frozenset({"planned_start", "planned_end", "actual_start", "actual_end", "decided_on"})
TIME_COLUMNS = frozenset({"at", "locked_at", "created_at", "updated_at"})

# The most rows a worksheet holds (Excel's limit, header included).
XLSX_MAX_ROWS = 1_048_576

_FORMULA_STARTS = frozenset("=+-@")
# Characters a spreadsheet may skip or show as nothing before a formula: what Unicode calls default
# ignorable, beyond the format and control categories (combining grapheme joiner, Hangul fillers,
# Khmer vowel inherents, Mongolian variation selectors, variation selectors, halfwidth filler).
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0" + "".join(map(chr, range(0xFE00, 0xFE10)))
)
# Minus signs that are not U+002D but that a spreadsheet may take for one.
_MINUS_SIGNS = frozenset("\u2212\u2796\ufe63\uff0d")


def _invisible(character: str) -> bool:
    return (
        character.isspace()
        or unicodedata.category(character) in ("Cc", "Cf", "Zs", "Zl", "Zp")
        or character in _INVISIBLE
    )


def could_be_formula(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula."""
    if text[:1] in ("\t", "\r"):  # OWASP's list: these starts are refused whatever follows
        return True
    for character in text:
        if _invisible(character):
            continue
        if character in _MINUS_SIGNS:
            return True
        # NFKC folds the full-width and small forms (＝, ﹦, ＋, ＠ ...) to the ASCII character.
        return unicodedata.normalize("NFKC", character)[:1] in _FORMULA_STARTS
    return False


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet could run it as a formula."""
    return "'" + text if could_be_formula(text) else text


@dataclass(frozen=True)
class Table:
    """What an export writes: a header and rows of str, int, float or None (NaN counts as None)."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _quoted(cell: str, separator: str) -> str:
    # Quoted when it holds the separator, a quote, or a line break of either kind: a CR alone also
    # ends a row for a spreadsheet.
    if any(c in cell for c in (separator, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _plain_cell(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(table: Table) -> str:
    """RFC 4180 CSV with a comma, as before: text exactly as stored (formulas neutralised), times in
    ISO 8601 UTC, numbers with a decimal point; rows end in LF."""
    lines = [",".join(_quoted(name, ",") for name in table.columns)]
    lines += [",".join(_quoted(_plain_cell(value), ",") for value in row) for row in table.rows]
    return "\n".join(lines) + "\n"


def _parse_time(text: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def _typed(column: str, value: Any) -> Any:
    """A cell as a spreadsheet should hold it: dates and times (UTC) as such, numbers as numbers."""
    if _missing(value):
        return None
    if isinstance(value, str) and value:
        if column in DATE_COLUMNS:
            return datetime.date.fromisoformat(value[:10])
        if column in TIME_COLUMNS:
            return _parse_time(value)
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        value = value.item()
        return None if _missing(value) else value
    return value


def _excel_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += "," + f"{value.microsecond:06d}".rstrip("0")
        return text
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value).replace(".", ",") if math.isfinite(value) else ""
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def to_excel_csv(table: Table) -> str:
    """CSV as a spreadsheet in Finnish reads it: a UTF-8 byte order mark (without it Excel takes the
    text for the legacy code page), a semicolon between cells, a decimal comma, dates as
    2026-03-02 and times (UTC) as 2026-03-02 09:00:00, which both Excel and LibreOffice read as
    dates and times in any locale; rows end in CR LF."""
    lines = [";".join(_quoted(name, ";") for name in table.columns)]
    for row in table.rows:
        cells = (_excel_cell(_typed(column, value)) for column, value in zip(table.columns, row))
        lines.append(";".join(_quoted(cell, ";") for cell in cells))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


class TooManyRows(ValueError):
    """The table does not fit in one worksheet."""


def write_xlsx(table: Table, path: str, sheet: str) -> None:
    """Writes `table` as an .xlsx workbook of one sheet with typed cells: numbers as numbers, dates
    and times (UTC) as dates and times, and text always as text, also text that looks like a
    formula (kept exactly, and marked to stay text when edited). Needs openpyxl."""
    if len(table.rows) + 1 > XLSX_MAX_ROWS:
        raise TooManyRows(len(table.rows))
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)

    def cell(value: Any) -> Cell:
        if isinstance(value, str):
            # XML cannot hold most control characters; the replacement character shows where one was.
            text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            written = WriteOnlyCell(worksheet, value=text)
            written.data_type = "s"  # openpyxl would make a formula of text that starts with "="
            if could_be_formula(text):
                written.quotePrefix = True
            return written
        written = WriteOnlyCell(worksheet, value=value)
        if isinstance(value, datetime.datetime):
            written.number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, datetime.date):
            written.number_format = "yyyy-mm-dd"
        return written

    worksheet.append([cell(name) for name in table.columns])
    for row in table.rows:
        worksheet.append([cell(_typed(column, value)) for column, value in zip(table.columns, row)])
    workbook.save(path)
