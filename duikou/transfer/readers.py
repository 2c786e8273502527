"""Opening uploaded spreadsheets safely: what the file really is, how big it unpacks, formulas.

Every refusal is a ``FileRefused`` with a Chinese message for the user, raised before
anything is parsed into records. Workbooks (.xlsx, .xlsm, legacy .xls, WPS .et, .ods) are
read with python-calamine, which gives each formula cell's cached value and the merged
ranges; CSV may be UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GB18030.
A ``Workbook`` holds every sheet as a grid of raw cells: finding the table inside a sheet
is ``tables``' work.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from .conf import setting

ZIP_MAGIC = b"PK\x03\x04"
# Legacy .xls, WPS .et and encrypted .xlsx files are OLE compound documents, not zip archives.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Sheets that hold instructions or choice lists rather than data, in templates and offices' files.
SKIP_SHEETS = {"说明", "选项", "填表说明", "封面", "目录", "填报说明"}
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_WITH_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b[^>]*\br=\"([A-Z]+)(\d+)\"[^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f[\s>/]",
    re.S,
)
MAX_FORMULAS = 100_000


class FileRefused(Exception):
    """The file cannot be imported at all; ``str()`` is the message for the user."""


@dataclass
class Grid:
    """One sheet as it was saved: every row from the sheet's first, raw cells, merges."""

    name: str
    cells: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 0-based
    # Cells shown as a percentage (0.9 formatted 0% reads 90%), 0-based; .xlsx only.
    percent: set[tuple[int, int]] = field(default_factory=set)

    @property
    def blank(self) -> bool:
        return not any(not _blank(c) for row in self.cells for c in row)


@dataclass
class Workbook:
    format: str  # xlsx, xls, ods or csv
    sheets: list[Grid]

    def sheet(self, name: str | None = None) -> Grid:
        """The named sheet, or the first that holds data (not 说明/选项/封面)."""
        if name:
            for grid in self.sheets:
                if grid.name == name:
                    return grid
            names = "、".join(g.name for g in self.sheets)
            raise FileRefused(f"找不到工作表“{name}”，文件中的工作表有：{names}")
        for grid in self.sheets:
            if grid.name.strip() not in SKIP_SHEETS and not grid.blank:
                return grid
        raise FileRefused("表格中没有内容")

    def sheet_names(self) -> list[str]:
        return [g.name for g in self.sheets]


def size_refusal(size: int, limit: int) -> str:
    return f"文件大小{size / 1048576:.1f}MB，超过上限{limit / 1048576:.0f}MB，请拆分后导入"


def _limits() -> tuple[int, int, int]:
    return (
        setting("DUIKOU_IMPORT_MAX_BYTES"),
        setting("DUIKOU_IMPORT_MAX_UNCOMPRESSED"),
        setting("DUIKOU_IMPORT_MAX_ROWS"),
    )


def workbook_read(data: bytes, file_name: str) -> Workbook:
    """Every sheet of an .xlsx/.xlsm/.xls/.et/.ods or .csv file, checked before it is parsed."""
    max_bytes, _, _ = _limits()
    if len(data) > max_bytes:
        raise FileRefused(size_refusal(len(data), max_bytes))
    if not data:
        raise FileRefused("文件是空的")
    name = file_name.lower()
    if data.startswith(OLE_MAGIC):
        return _legacy(data)
    if data.startswith(ZIP_MAGIC):
        return _zipped(data)
    if name.endswith((".xlsx", ".xlsm", ".xls", ".et", ".ods")):
        raise FileRefused("文件已损坏，无法作为 Excel 文件打开，请重新保存后导入")
    if name.endswith((".csv", ".txt")) or not _binary(data):
        return _csv(data)
    raise FileRefused("不是电子表格文件：请上传 Excel（.xlsx、.xls）、WPS 表格（.et）或 CSV 文件")


def _binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"MZ"))


def _calamine(data: bytes, refuse_message: str) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    _, _, max_rows = _limits()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = []
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            if sheet.total_height > max_rows + 200:
                raise FileRefused(
                    f"工作表“{sheet_name}”有{sheet.total_height}行，"
                    f"超过单次导入上限{max_rows}行，请拆分后导入"
                )
            table = sheet.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            grids.append(Grid(name=sheet_name, cells=table, merged=merged))
    except FileRefused:
        raise
    except Exception as error:  # calamine raises several error types
        text = str(error).lower()
        if "password" in text or "encrypt" in text:
            raise FileRefused("文件已加密，请去掉密码后再导入") from None
        raise FileRefused(refuse_message) from None
    if not grids:
        raise FileRefused("表格中没有内容")
    return grids


def _legacy(data: bytes) -> Workbook:
    """An OLE file: legacy .xls or WPS .et, which calamine reads; or an encrypted .xlsx."""
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise FileRefused("文件已加密（设置了打开密码），请去掉密码后再导入")
    grids = _calamine(
        data,
        "无法打开这个文件：它可能已加密（设置了打开密码）或已损坏，"
        "请去掉密码，用 Excel 或 WPS 另存为 .xlsx 后再导入",
    )
    return Workbook(format="xls", sheets=grids)


def _zipped(data: bytes) -> Workbook:
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
    broken = "文件已损坏，无法读取其中的表格，请重新保存后导入"
    if "xl/workbook.xml" in names:
        grids = _calamine(data, broken)
        styles = _percent_styles(archive)
        for index, grid in enumerate(grids):
            grid.formulas, grid.percent = _formulas(archive, index, styles)
        return Workbook(format="xlsx", sheets=grids)
    if "content.xml" in names and "mimetype" in names:
        return Workbook(format="ods", sheets=_calamine(data, broken))
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise FileRefused("文件已加密，请去掉密码后再导入")
    raise FileRefused("不是有效的 Excel 文件，请用 Excel 或 WPS 另存为 .xlsx")


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


_BUILTIN_PERCENT = {9, 10}


def _percent_styles(archive: zipfile.ZipFile) -> set[bytes]:
    """The cell style indexes (``s="N"``) whose number format shows a percentage."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    formats = set(_BUILTIN_PERCENT)
    for match in re.finditer(
        rb'<(?:\w+:)?numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', styles
    ):
        if b"%" in match[2].replace(b"\\%", b"").replace(b'"%"', b""):
            formats.add(int(match[1]))
    xfs = re.search(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", styles, re.S)
    if xfs is None:
        return set()
    found = set()
    for n, xf in enumerate(re.finditer(rb"<(?:\w+:)?xf\b[^>]*>", xfs[0])):
        number = re.search(rb'numFmtId="(\d+)"', xf[0])
        if number and int(number[1]) in formats:
            found.add(str(n).encode())
    return found


_STYLED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bs="(\d+)"')
_STYLED_CELL_REVERSED = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bs="(\d+)"[^>]*?\br="([A-Z]+)(\d+)"')


def _formulas(
    archive: zipfile.ZipFile, index: int, percent_styles: set[bytes]
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Cells holding formulas and cells shown as percentages (0-based row, column).
    Formulas' cached values are imported, but a formula saved without one (written by a
    program, never opened) reads as blank."""
    path = _sheet_path(archive, index)
    if path is None or path not in archive.namelist():
        return set(), set()
    found: set[tuple[int, int]] = set()
    percent: set[tuple[int, int]] = set()
    with archive.open(path) as handle:
        tail = b""
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            if _FORMULA.search(block) and len(found) < MAX_FORMULAS:
                for match in _CELL_WITH_FORMULA.finditer(block):
                    found.add((int(match[2]) - 1, _column_index(match[1].decode())))
            if percent_styles:
                for match in _STYLED_CELL.finditer(block):
                    if match[3] in percent_styles:
                        percent.add((int(match[2]) - 1, _column_index(match[1].decode())))
                for match in _STYLED_CELL_REVERSED.finditer(block):
                    if match[1] in percent_styles:
                        percent.add((int(match[3]) - 1, _column_index(match[2].decode())))
            tail = block[-4096:]
    return found, percent


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letter(index: int) -> str:
    """A 0-based column index as Excel names it (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _csv(data: bytes) -> Workbook:
    _, _, max_rows = _limits()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        if b"\x00" in data[:4096]:
            raise FileRefused("不是电子表格文件：请上传 .xlsx、.xls 或 .csv 文件")
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030 编码")
    try:
        dialect = csv.Sniffer().sniff(content[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = (
            csv.excel_tab if "\t" in content[:8192] and "," not in content[:8192] else csv.excel
        )
    try:
        table = list(csv.reader(io.StringIO(content), dialect))
    except csv.Error:
        raise FileRefused("CSV 文件格式有误，无法读取") from None
    if len(table) > max_rows + 200:
        raise FileRefused(f"数据有{len(table)}行，超过单次导入上限{max_rows}行，请拆分后导入")
    return Workbook(format="csv", sheets=[Grid(name="CSV", cells=table)])


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
