"""How every generated worksheet is laid out for reading on screen and on paper.

Offices print what the platform writes: a sheet has a title row saying what it is, a frozen
header, columns wide enough for what they hold, and print set-up that puts it on landscape
pages one page wide, the header rows repeated on every page and page numbers in the
footer. Exports, templates, the monthly dispatch and the compliance workbook all call
``print_setup`` and measure their columns with ``fit_width``.

Paper: A4 while the sheet fits one A4 page wide at a readable scale (``READABLE``, the
type no smaller than about 6 points); a wider sheet goes on A3 landscape, which offices'
copiers print and file folded, rather than shrinking to a scale nobody reads. A sheet too
wide even for one A3 page (the project list: 25 columns, 项目简介 among them) runs over as
many A3 pages across as a readable scale needs. On every page across the key columns
(项目编号, 项目名称) are repeated, as on screen they stay frozen, so each page still says
which project a row is.
"""

import math
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

A4 = 9
A3 = 8
MAX_WIDTH = 60
MARGIN = 0.5  # left and right, inches
# Printable width of each paper, landscape, in points (1/72 inch).
PRINTABLE = {A4: (297 / 25.4 - 2 * MARGIN) * 72, A3: (420 / 25.4 - 2 * MARGIN) * 72}
READABLE = 0.55  # the smallest scale that still prints 11-point cells legibly
DEFAULT_PIXELS = 64  # a column Excel leaves at its default width (8.43 characters)


def text_width(value) -> int:
    """How many Excel characters a value needs: CJK and full-width characters count two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16 if value.time() != time(0) else 10
    if isinstance(value, date):
        return 10
    if isinstance(value, (int, float, Decimal)):
        return len(f"{value:,.2f}") if isinstance(value, (float, Decimal)) else len(f"{value:,}")
    longest = max(str(value).splitlines() or [""], key=len)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest)


def fit_width(values: Iterable, minimum: float = 8, maximum: float = MAX_WIDTH) -> float:
    """A column width that fits the widest of ``values`` (header included by the caller)."""
    widest = max((text_width(v) for v in values), default=0)
    return max(minimum, min(maximum, widest + 2))


def wrapped_height(values: Iterable, widths: Iterable[float], line: float = 16.5) -> float | None:
    """The height (points) of a row whose wrapped cells hold ``values`` in columns of
    ``widths`` (a line of 11-point Chinese text takes about 16.5 points, more than the 15 of
    a Latin line); None for a row of one line. Set explicitly: LibreOffice does not fit a
    row's height to wrapped text when it opens an .xlsx, and a cut-off line prints cut."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            room = max(1.0, width - 1)
            count = sum(max(1, math.ceil(text_width(part) / room)) for part in value.split("\n"))
            lines = max(lines, count)
    return lines * line if lines > 1 else None


class Widths:
    """Column widths measured while rows are written (a streamed export cannot look back)."""

    def __init__(self, headers: list[str], minimums: list[float] | None = None):
        self.widest = [text_width(h) for h in headers]
        self.minimums = minimums or [8] * len(headers)

    def see(self, index: int, value) -> None:
        width = text_width(value)
        if width > self.widest[index]:
            self.widest[index] = width

    def apply(self, sheet, first_column: int = 0) -> None:
        for index, widest in enumerate(self.widest):
            width = max(self.minimums[index], min(MAX_WIDTH, widest + 2))
            sheet.set_column(first_column + index, first_column + index, width)


def key_columns(headers: list[str]) -> int:
    """How many leading columns say which record a row is: a code (项目编号, 编号, 师傅姓名),
    and the name after it (项目名称)."""
    if not headers or not headers[0].endswith(("编号", "姓名")):
        return 0
    return 2 if len(headers) > 1 and headers[1].endswith("名称") else 1


def column_points(sheet, columns: int) -> list[float]:
    """The printed width of each of the first ``columns`` columns, in points, as set on the
    xlsxwriter sheet (``col_info`` holds pixels at 96 dpi since xlsxwriter 3.3)."""
    info = getattr(sheet, "col_info", {}) or {}
    points = []
    for index in range(columns):
        entry = info.get(index)
        if entry is None:
            pixels = DEFAULT_PIXELS
        elif hasattr(entry, "width"):
            pixels = entry.width
        else:  # xlsxwriter before 3.3: [width in characters, format, …]
            pixels = round(entry[0] * 7 + 5)
        points.append(pixels * 0.75)
    return points


def paper_for(widths: list[float], repeated: int = 0) -> tuple[int, int]:
    """(paper, pages across) for columns of ``widths`` points: A4 if one page wide is
    readable, else A3; too wide for A3, as many A3 pages across as a readable scale needs,
    the first ``repeated`` columns printed again on each."""
    total = sum(widths)
    for paper in (A4, A3):
        if total * READABLE <= PRINTABLE[paper]:
            return paper, 1
    keys = sum(widths[:repeated])
    room = PRINTABLE[A3] / READABLE - keys
    return A3, max(1, math.ceil((total - keys) / room))


def print_setup(
    sheet,
    *,
    title: str,
    header_rows: tuple[int, int],
    columns: int,
    last_row: int | None = None,
    freeze_columns: int = 0,
    repeat_columns: int | None = None,
) -> None:
    """Landscape, one page wide on A4 or, for a wide sheet, A3 (see the module's docstring);
    ``header_rows`` (first, last) repeated on every page and frozen on screen, the first
    ``repeat_columns`` (by default ``freeze_columns``) on every page across, the title in the
    page header and "第 1 页，共 3 页" in the footer. Call it after the column widths are set."""
    repeated = freeze_columns if repeat_columns is None else repeat_columns
    paper, across = paper_for(column_points(sheet, columns), repeated)
    sheet.set_landscape()
    sheet.set_paper(paper)
    sheet.set_margins(left=MARGIN, right=MARGIN, top=0.75, bottom=0.75)
    sheet.fit_to_pages(across, 0)
    sheet.repeat_rows(*header_rows)
    if repeated:
        sheet.repeat_columns(0, repeated - 1)
    if last_row is not None and columns:
        sheet.print_area(0, 0, max(last_row, header_rows[1]), columns - 1)
    sheet.center_horizontally()
    sheet.set_header("&L" + title.replace("&", "&&"))
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.freeze_panes(header_rows[1] + 1, freeze_columns)
