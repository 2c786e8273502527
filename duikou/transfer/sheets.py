"""How every generated worksheet is laid out for reading on screen and on paper.

Offices print what the platform writes: a sheet has a title row saying what it is, a frozen
header, columns wide enough for what they hold, and print set-up that puts it on A4
landscape one page wide, the header rows repeated on every page and page numbers in the
footer. Exports, templates, the monthly dispatch and the compliance workbook all call
``print_setup`` and measure their columns with ``fit_width``.
"""

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

A4 = 9
MAX_WIDTH = 60


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


def print_setup(
    sheet,
    *,
    title: str,
    header_rows: tuple[int, int],
    columns: int,
    last_row: int | None = None,
    freeze_columns: int = 0,
) -> None:
    """Landscape A4, one page wide, ``header_rows`` (first, last) repeated on every page and
    frozen on screen, the title in the page header and "第 1 页，共 3 页" in the footer."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(*header_rows)
    if last_row is not None and columns:
        sheet.print_area(0, 0, max(last_row, header_rows[1]), columns - 1)
    sheet.center_horizontally()
    sheet.set_header("&L" + title.replace("&", "&&"))
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.freeze_panes(header_rows[1] + 1, freeze_columns)
