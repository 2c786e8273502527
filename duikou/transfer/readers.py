"""Opening uploaded spreadsheets safely: what the file really is, how big it unpacks, formulas.

Every refusal is a ``FileRefused`` with a Chinese message for the user, raised before
anything is parsed into records. XLSX is read with python-calamine (about 7× faster than
openpyxl on 100,000 rows); CSV may be UTF-8 (with or without BOM) or GB18030.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .conf import setting

ZIP_MAGIC = b"PK\x03\x04"
# Encrypted .xlsx files (and old .xls) are OLE compound documents, not zip archives.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SKIP_SHEETS = {"说明", "选项"}
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_WITH_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b[^>]*\br=\"([A-Z]+)(\d+)\"[^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f[\s>/]",
    re.S,
)


class FileRefused(Exception):
    """The file cannot be imported at all; ``str()`` is the message for the user."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list]  # data rows, each a list of raw cells
    first_line: int = 2  # the spreadsheet row number of rows[0]
    formulas: dict[tuple[int, int], str] | None = None  # (line, column index) → cell


def size_refusal(size: int, limit: int) -> str:
    return f"文件大小{size / 1048576:.1f}MB，超过上限{limit / 1048576:.0f}MB，请拆分后导入"


def _limits() -> tuple[int, int, int]:
    return (
        setting("DUIKOU_IMPORT_MAX_BYTES"),
        setting("DUIKOU_IMPORT_MAX_UNCOMPRESSED"),
        setting("DUIKOU_IMPORT_MAX_ROWS"),
    )


def sheet_read(data: bytes, file_name: str) -> Sheet:
    """The first data sheet of an .xlsx or .csv file, checked before it is parsed."""
    max_bytes, _, _ = _limits()
    if len(data) > max_bytes:
        raise FileRefused(size_refusal(len(data), max_bytes))
    if not data:
        raise FileRefused("文件是空的")
    name = file_name.lower()
    if data.startswith(OLE_MAGIC):
        raise FileRefused(
            "文件已加密（设置了打开密码）或是旧版 .xls 格式：请去掉密码，另存为 .xlsx 后再导入"
        )
    if data.startswith(ZIP_MAGIC):
        return _xlsx(data)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused("文件已损坏，无法作为 Excel 文件打开，请重新保存后导入")
    if name.endswith((".csv", ".txt")):
        return _csv(data)
    raise FileRefused("不是电子表格文件：请上传 .xlsx 或 .csv 文件")


def _xlsx(data: bytes) -> Sheet:
    _, max_unpacked, _ = _limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("文件已损坏，无法作为 Excel 文件打开，请重新保存后导入") from None
    # A zip bomb unpacks to many times its size; look at the declared sizes before reading.
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > max_unpacked or (unpacked > 10 * 1048576 and unpacked / packed > 200):
        raise FileRefused("文件解压后过大（疑似压缩炸弹），已拒绝导入")
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        if "EncryptionInfo" in names or "EncryptedPackage" in names:
            raise FileRefused("文件已加密，请去掉密码后再导入")
        raise FileRefused("不是有效的 Excel 文件（.xlsx），请用 Excel 或 WPS 另存为 .xlsx")
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_name = next(
            (s for s in book.sheet_names if s not in SKIP_SHEETS), book.sheet_names[0]
        )
        index = book.sheet_names.index(sheet_name)
        table = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except (CalamineError, Exception) as error:  # calamine raises several error types
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise FileRefused("文件已加密，请去掉密码后再导入") from None
        raise FileRefused("文件已损坏，无法读取其中的表格，请重新保存后导入") from None
    sheet = _table(table)
    sheet.formulas = _formulas(archive, index)
    return sheet


def _sheet_path(archive: zipfile.ZipFile, index: int) -> str | None:
    """The worksheet part of the sheet at ``index``, through the workbook's relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    ids = re.findall(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
    if index >= len(ids):
        return None
    for rel in re.findall(rb"<Relationship\b[^>]*>", rels):
        if re.search(rb'Id="' + re.escape(ids[index]) + rb'"', rel):
            target = re.search(rb'Target="([^"]+)"', rel)
            if target:
                path = target[1].decode()
                return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return None


def _formulas(archive: zipfile.ZipFile, index: int) -> dict[tuple[int, int], str]:
    """Cells holding formulas. Imports refuse them: a formula's cached value may be stale
    and its meaning is not the user's figure."""
    path = _sheet_path(archive, index)
    if path is None or path not in archive.namelist():
        return {}
    found: dict[tuple[int, int], str] = {}
    with archive.open(path) as handle:
        tail = b""
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            if _FORMULA.search(block):
                for match in _CELL_WITH_FORMULA.finditer(block):
                    line, column = int(match[2]), _column_index(match[1].decode())
                    found[(line, column)] = match[1].decode() + match[2].decode()
                    if len(found) >= 50:
                        return found
            tail = block[-4096:]
    return found


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _csv(data: bytes) -> Sheet:
    if b"\x00" in data[:4096]:
        raise FileRefused("不是电子表格文件：请上传 .xlsx 或 .csv 文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030 编码")
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        table = list(csv.reader(io.StringIO(content), dialect))
    except csv.Error:
        raise FileRefused("CSV 文件格式有误，无法读取") from None
    return _table(table)


def _table(table: list[list]) -> Sheet:
    _, _, max_rows = _limits()
    # Leading blank lines are skipped; the first non-blank line is the header.
    start = 0
    while start < len(table) and all(_blank(c) for c in table[start]):
        start += 1
    if start >= len(table):
        raise FileRefused("表格中没有内容")
    headers = [str(h).strip() if h is not None else "" for h in table[start]]
    while headers and not headers[-1]:
        headers.pop()
    rows = table[start + 1 :]
    while rows and all(_blank(c) for c in rows[-1]):
        rows.pop()
    if len(rows) > max_rows:
        raise FileRefused(f"数据有{len(rows)}行，超过单次导入上限{max_rows}行，请拆分后导入")
    return Sheet(headers=headers, rows=rows, first_line=start + 2)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def iter_rows(sheet: Sheet) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, cells) for every data row that is not entirely blank."""
    for offset, row in enumerate(sheet.rows):
        if all(_blank(c) for c in row):
            continue
        yield sheet.first_line + offset, row
