"""Helpers for tests: spreadsheets built in memory, and uploads run to the end."""

import io

from .models import ImportRecord
from .services import import_start, import_upload


def xlsx_bytes(headers: list[str], rows: list[list], *, formulas: dict | None = None) -> bytes:
    """An .xlsx with one sheet; ``formulas`` maps (row index, column index) to a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    for (r, c), formula in (formulas or {}).items():
        sheet.write_formula(r + 1, c, formula, None, 42)
    book.close()
    return buffer.getvalue()


def sheet_table(data: bytes) -> list[list]:
    """The first sheet of an .xlsx as a list of rows (as the importer reads it)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def export_table(data: bytes) -> list[list]:
    """A generated export's sheet from its header row down (its title row left out)."""
    from .exporters import HEADER_ROW

    table = sheet_table(data)
    assert len([c for c in table[0] if c not in ("", None)]) == 1, "an export opens with a title"
    return table[HEADER_ROW:]


def import_file(*, user, kind: str, data: bytes, name: str = "导入.xlsx", commit: bool = True):
    """Upload, check and (when the check passes and ``commit``) commit, inline."""
    record = import_upload(user=user, kind=kind, file_name=name, data=data)
    if record.status == ImportRecord.Status.UPLOADED:
        record = import_start(record=record, commit=False, actor=user)
    if commit and record.status == ImportRecord.Status.CHECKED:
        record = import_start(record=record, commit=True, actor=user)
    return record
