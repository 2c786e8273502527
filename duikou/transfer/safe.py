"""One safe writer for every spreadsheet and CSV file the platform produces.

Text from users or the database that Excel, WPS or LibreOffice would run as a formula (it
starts with = + - @, a tab or a carriage return) gets a leading apostrophe, so a project
named ``=HYPERLINK(...)`` opens as that text. Numbers and dates stay typed: a number is
written as a number, never as text, so a negative amount is not touched.

Workbooks come from ``workbook()``, which never turns a string into a formula or a link, and
cells are written with ``write_cell``; CSV rows go through ``csv_writer``. A formula the
platform means to write (a total row, say) is written with ``sheet.write_formula``, which
these options leave alone.
"""

import csv
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# Excel refuses these in a sheet name, and a name may not begin or end with an apostrophe.
_SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: str) -> str:
    """Make text that starts like a formula inert: ``'=SUM(A1)`` stays text in any spreadsheet."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cell_value(value):
    """The Python value one cell holds: numbers and dates stay typed, the rest is safe text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, Decimal, float)):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return neutralise(str(value))


def kept_as_text(value: str) -> str:
    """Digits that Excel and WPS would read as a number and spoil — an 18-digit 身份证号
    shown as 1.10101E+17 and its last digits zeroed, a code's leading zero dropped — written
    as ``="…"``, which every spreadsheet opens as that text (the importer reads it back)."""
    if value.isascii() and value.isdigit() and (len(value) >= 12 or value.startswith("0")):
        return f'="{value}"'
    return value


def csv_text(value) -> str:
    """One CSV field: safe text, plain decimals (no exponent), ISO dates, long digit
    strings kept as text."""
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return kept_as_text(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class SafeCsvWriter:
    """``csv.writer`` whose every field passes ``csv_text``; returns what ``writerow`` wrote."""

    def __init__(self, handle, **options):
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable):
        return self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle, **options) -> SafeCsvWriter:
    return SafeCsvWriter(handle, **options)


def workbook(target, *, constant_memory: bool = False):
    """An xlsxwriter workbook that writes strings as strings. ``target`` is a path or a binary
    file; ``constant_memory`` streams rows to disk for large exports, otherwise the workbook
    is built in memory (no temporary files)."""
    import xlsxwriter

    mode = {"constant_memory": True} if constant_memory else {"in_memory": True}
    return xlsxwriter.Workbook(target, {**WORKBOOK_OPTIONS, **mode})


def write_cell(sheet, row: int, col: int, value, cell_format=None) -> None:
    """Write one value: numbers as numbers, dates as dates (give them a date format), text
    neutralised. ``None`` and "" leave the cell empty (with its format, if any)."""
    value = cell_value(value)
    if value is None or value == "":
        if cell_format is not None:
            sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, (datetime, date)):
        sheet.write_datetime(row, col, value, cell_format)
    elif isinstance(value, Decimal):
        # Excel holds doubles; money to the fen is exact in a double below 2^53 fen.
        sheet.write_number(row, col, float(value), cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, value, cell_format)


def merge_cells(sheet, first: tuple[int, int], last: tuple[int, int], value, cell_format) -> None:
    """Merge a range (a title across a table) and write one value into it, as ``write_cell``
    would: the range is merged blank, then its first cell written (xlsxwriter's own way)."""
    sheet.merge_range(*first, *last, "", cell_format)
    write_cell(sheet, *first, value, cell_format)


def write_row(sheet, row: int, col: int, values: Iterable, cell_format=None) -> None:
    for offset, value in enumerate(values):
        write_cell(sheet, row, col + offset, value, cell_format)


def sheet_name(text: str, used: set[str]) -> str:
    """A worksheet name Excel accepts, unique in ``used`` (which it joins): at most 31
    characters, without []:*?/\\ and without an apostrophe at either end."""
    name = _SHEET_NAME_REFUSED.sub("_", text).strip("'")[:31] or "Sheet"
    base, n = name, 1
    while name.lower() in {u.lower() for u in used}:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    used.add(name)
    return name
