"""One exporter for every list: rows plus a column spec, rendered as XLSX or CSV.

Pages call ``export_response(rows, columns, filename, format)``; background jobs call
``export_write`` with an open file. Rows are dicts (or objects) and each column says
which key to read, its Chinese header and, optionally, how to turn the value into a
cell. Cells are written by ``transfer.safe``: text that a spreadsheet would run as a formula
(= + - @, tab, CR) is neutralised with a leading apostrophe, so an exported name can never
execute on a user's machine.
"""

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from duikou.core.filetypes import attachment_disposition
from duikou.core.money import unit_label

from .safe import csv_writer, workbook, write_cell
from .safe import neutralise as neutralise  # callers and tests still import it from here
from .sheets import Widths, key_columns, print_setup

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
HEADER_ROW = 1  # row 0 says what the sheet is; an import finds the header below it


@dataclass(frozen=True)
class ExportColumn:
    """A column of an export: the row key (or a function of the row) and its header."""

    key: str | Callable
    header: str
    kind: str = "text"  # text, int, money, number, date, datetime, bool
    width: int = 14


def _get(row, column: ExportColumn):
    if callable(column.key):
        return column.key(row)
    if isinstance(row, dict):
        return row.get(column.key)
    value = row
    for part in column.key.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value


def write_csv(handle, rows: Iterable, columns: list[ExportColumn]) -> int:
    """UTF-8 with a byte-order mark, which Excel needs to read Chinese correctly."""
    handle.write("\ufeff")
    writer = csv_writer(handle)
    writer.writerow([c.header for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_get(row, c) for c in columns])
        count += 1
    return count


def write_xlsx(
    target, rows: Iterable, columns: list[ExportColumn], *, sheet: str = "数据", title: str = ""
) -> int:
    """Write one sheet as offices print it: a title row (``title``, else the sheet's name),
    a bold header frozen and repeated on every page, columns as wide as their widest cell,
    A4 landscape one page wide with page numbers. ``target`` is a path or a binary file.

    xlsxwriter's constant-memory mode streams rows to disk, so a large export does not
    hold the whole sheet in memory; widths are measured as rows go and set at the end.
    """
    book = workbook(target, constant_memory=True)
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14, "valign": "vcenter"}),
        "header": book.add_format(
            {"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True}
        ),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "money": book.add_format({"num_format": "#,##0.00"}),
    }
    ws = book.add_worksheet(sheet[:31])
    title = title or sheet
    write_cell(ws, 0, 0, title, formats["title"])
    ws.set_row(0, 24)
    widths = Widths([c.header for c in columns], [min(c.width, 12) for c in columns])
    for index, column in enumerate(columns):
        write_cell(ws, HEADER_ROW, index, column.header, formats["header"])
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, column in enumerate(columns):
            value = _get(row, column)
            if isinstance(value, datetime):
                fmt = formats["datetime"]
            elif isinstance(value, date):
                fmt = formats["date"]
            elif isinstance(value, Decimal) and column.kind == "money":
                fmt = formats["money"]
            else:
                fmt = None
            write_cell(ws, HEADER_ROW + count, index, value, fmt)
            widths.see(index, value)
    widths.apply(ws)
    print_setup(
        ws,
        title=title,
        header_rows=(HEADER_ROW, HEADER_ROW),
        columns=len(columns),
        last_row=HEADER_ROW + count,
        freeze_columns=key_columns([c.header for c in columns]),
    )
    book.close()
    return count


def export_title(label: str, *, unit: str = "") -> str:
    """The title row of an export: what it holds, when it was taken and, when it has money,
    the unit (援疆项目（2026年12月2日导出，金额单位：万元））."""
    today = timezone.localdate()
    said = f"{today.year}年{today.month}月{today.day}日导出"
    if unit:
        said += f"，金额单位：{unit_label(unit)}"
    return f"{label}（{said}）"


def export_write(
    handle, rows: Iterable, columns: list[ExportColumn], format: str, *, title: str = ""
) -> int:
    """Write rows to an open file (text for CSV, binary for XLSX); returns the row count."""
    if format == "csv":
        return write_csv(handle, rows, columns)
    return write_xlsx(handle, rows, columns, title=title)


def _disposition(filename: str, fallback: str = "") -> str:
    """The download's own (Chinese) name, and for clients that cannot read it an ASCII name
    that still says what the file is (``fallback``: projects-20261202.xlsx)."""
    if not fallback:
        stem, _dot, extension = filename.rpartition(".")
        plain = re.sub(r"[^A-Za-z0-9._-]+", "", stem).strip("-._")
        fallback = f"duikou-{plain}.{extension}" if plain else f"duikou-export.{extension}"
    return attachment_disposition(filename, fallback)


class _Echo:
    def write(self, value):
        return value


def export_response(
    rows: Iterable,
    columns: list[ExportColumn],
    filename: str,
    format: str = "xlsx",
    *,
    fallback: str = "",
    title: str = "",
) -> HttpResponse:
    """An HTTP download of ``rows``: ``filename`` without extension, ``format`` xlsx or csv;
    ``fallback`` the ASCII name without extension for clients that cannot read Chinese;
    ``title`` the workbook's title row (else the file name)."""
    if format not in FORMATS:
        format = "xlsx"
    name = f"{filename}.{format}"
    if format == "csv":
        # Streamed, so a long list starts downloading at once and is never held whole.
        echo = _Echo()
        writer = csv_writer(echo)

        def lines():
            yield "\ufeff" + writer.writerow([c.header for c in columns])
            for row in rows:
                yield writer.writerow([_get(row, c) for c in columns])

        response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    else:
        buffer = io.BytesIO()
        write_xlsx(buffer, rows, columns, title=title or filename)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _disposition(name, f"{fallback}.{format}" if fallback else "")
    return response


def pivot_export_response(pivot, filename: str, format: str = "xlsx") -> HttpResponse:
    """The indicator explorer's pivot (``web.selectors.explore``) as a download."""
    # Every label of an indicator carries its unit (援疆资金支出（万元）); the first header
    # says the money unit once more for a reader who sees only the columns.
    first = f"金额单位：{unit_label(pivot.money_unit)}" if pivot.has_money else ""
    columns = [ExportColumn("label", first, width=28)] + [
        ExportColumn(f"c{i}", str(label), kind="number") for i, label in enumerate(pivot.columns)
    ]
    rows = [
        {"label": row.label, **{f"c{i}": cell.value for i, cell in enumerate(row.cells)}}
        for row in pivot.rows
    ]
    # The file says what it counts, as the page does; marked cells are listed by position.
    note = pivot.basis_note
    pending = [
        f"{row.label} · {pivot.columns[i]}"
        for row in pivot.rows
        for i, cell in enumerate(row.cells)
        if cell.pending
    ]
    rows.append({"label": note.replace("（标 * 的数含待审核数据）", "")})
    if pending:
        rows.append({"label": "含待审核数据：" + "；".join(pending[:200])})
    title = export_title("指标数据", unit=pivot.money_unit if pivot.has_money else "")
    return export_response(rows, columns, filename, format, title=title)
