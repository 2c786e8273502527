"""Opening uploaded spreadsheets safely: what the file really is, how big it unpacks, formulas.

Every refusal is a ``FileRefused`` with a Chinese message for the user, raised before
anything is parsed into records. Workbooks (.xlsx, .xlsm, legacy .xls, WPS .et, .ods) are
read with python-calamine, which gives each formula cell's cached value and the merged
ranges; CSV may be UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GB18030.
A ``Workbook`` holds every sheet as a grid of raw cells: finding the table inside a sheet
is ``tables``' work.

Calamine reads a whole sheet into memory before it can say how tall it is, so the caps are
checked first by ``workbook_measure``, which reads no cell: an .xlsx sheet's XML is streamed
and only its row tags looked at, a legacy sheet's records are walked, an .ods's rows counted
as its content streams by, and CSV rows are counted as they are decoded.
"""

import csv
import io
import re
import struct
import zipfile
from dataclasses import dataclass, field

from duikou.core import filetypes

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
CSV_SHEET = "CSV"  # a CSV file's one sheet
# Rows above and below a full table that the cap allows for: titles, headers, notes, totals.
MARGIN_ROWS = 200
# One row element that never ends is a broken or hostile file, not a spreadsheet.
MAX_ROW_BYTES = 16 * 1048576


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


@dataclass(frozen=True)
class SheetSize:
    """How tall a sheet is before it is read: rows up to the last one holding a value."""

    name: str
    rows: int


def size_refusal(size: int, limit: int) -> str:
    return f"文件大小{size / 1048576:.1f}MB，超过上限{limit / 1048576:.0f}MB，请拆分后导入"


def rows_refusal(sheet: str, rows: int, limit: int) -> str:
    where = "CSV文件" if sheet == CSV_SHEET else f"工作表“{sheet}”"
    return f"{where}有{rows}行，超过单次导入上限{limit}行，请拆分后导入"


def _over_cap(rows: int) -> bool:
    return rows > _limits()[2] + MARGIN_ROWS


def _check_rows(sizes: list[SheetSize]) -> list[SheetSize]:
    for size in sizes:
        if _over_cap(size.rows):
            raise FileRefused(rows_refusal(size.name, size.rows, _limits()[2]))
    return sizes


def _limits() -> tuple[int, int, int]:
    return (
        setting("DUIKOU_IMPORT_MAX_BYTES"),
        setting("DUIKOU_IMPORT_MAX_UNCOMPRESSED"),
        setting("DUIKOU_IMPORT_MAX_ROWS"),
    )


def workbook_read(data: bytes, file_name: str) -> Workbook:
    """Every sheet of an .xlsx/.xlsm/.xls/.et/.ods or .csv file, checked before it is parsed."""
    container = _container(data, file_name)
    if container == "csv":
        return _csv(data)  # counts rows as it decodes them
    workbook_measure(data, file_name)
    if container == "ole":
        return _legacy(data)
    return _zipped(data)


def workbook_measure(data: bytes, file_name: str) -> list[SheetSize]:
    """How tall each sheet is, found without reading its cells into memory; refuses what
    may not be imported (too large, a zip bomb, macros, a sheet over the row cap).

    Cheap enough for the web process whatever the file: it decides whether the file is
    read here or in the worker.
    """
    container = _container(data, file_name)
    if container == "ole":
        sizes = _ole_sizes(data, file_name)
    elif container == "zip":
        sizes = _zip_sizes(data, file_name)
    else:
        sizes = [SheetSize(CSV_SHEET, _csv_rows(data))]
    return _check_rows(sizes)


def _container(data: bytes, file_name: str) -> str:
    """ "ole", "zip" or "csv", after the checks every file passes first."""
    max_bytes, _, _ = _limits()
    if len(data) > max_bytes:
        raise FileRefused(size_refusal(len(data), max_bytes))
    if not data:
        raise FileRefused("文件是空的")
    name = file_name.lower()
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if name.endswith((".xlsx", ".xlsm", ".xls", ".et", ".ods")):
        raise FileRefused("文件已损坏，无法作为 Excel 文件打开，请重新保存后导入")
    if name.endswith((".csv", ".txt")) or not _binary(data):
        return "csv"
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
            # ``workbook_measure`` has refused over-tall sheets before this read them; this
            # catches a sheet its scan could not see (a writer's unusual XML).
            if _over_cap(sheet.total_height + 1):
                raise FileRefused(rows_refusal(sheet_name, sheet.total_height + 1, max_rows))
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
    grids = _calamine(
        data,
        "无法打开这个文件：它可能已加密（设置了打开密码）或已损坏，"
        "请去掉密码，用 Excel 或 WPS 另存为 .xlsx 后再导入",
    )
    return Workbook(format="xls", sheets=grids)


# Measuring without reading cells ----------------------------------------------------------


def _ole_sizes(data: bytes, file_name: str) -> list[SheetSize]:
    """A legacy .xls/.et: refused with macros; each worksheet's height from its records."""
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise FileRefused("文件已加密（设置了打开密码），请去掉密码后再导入")
    damaged = (
        "无法打开这个文件：它可能已加密（设置了打开密码）或已损坏，"
        "请去掉密码，用 Excel 或 WPS 另存为 .xlsx 后再导入"
    )
    try:
        macros = filetypes.ole_macros(data)
    except filetypes.OleUnreadable:
        raise FileRefused(damaged) from None
    if macros:
        raise FileRefused(_macros_refusal(file_name, macros))
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise FileRefused(damaged)
            workbook = ole.openstream(stream).read()
    except FileRefused:
        raise
    except Exception:  # olefile raises several types for damaged files
        raise FileRefused(damaged) from None
    return [
        SheetSize(sheet.name, _biff_rows(workbook, sheet.offset))
        for sheet in filetypes.biff_sheets(workbook)
        if sheet.kind == filetypes.BIFF_WORKSHEET
    ]


def _macros_refusal(file_name: str, why: str) -> str:
    return (
        f"文件“{file_name}”含有宏（{why.removeprefix('含有')}），为安全起见不能导入；"
        "请在 Excel 或 WPS 中另存为不含宏的 .xlsx 后再导入"
    )


_BIFF_DIMENSIONS = 0x0200
# Records that hold a cell's value; each starts with its row (MS-XLS 2.4).
_BIFF_VALUES = {0x0006, 0x00BD, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E}


def _biff_rows(workbook: bytes, offset: int) -> int:
    """A legacy sheet's height: its DIMENSIONS record, which also counts formatted empty
    rows, so a sheet it says is over the cap has its value records walked for the last row
    that holds one (calamine skips empty cells too)."""
    declared = 0
    for kind, at, size in filetypes.biff_records(workbook, offset):
        if kind == _BIFF_DIMENSIONS:
            declared = struct.unpack_from(
                "<I" if size >= 14 else "<H", workbook, at + (4 if size >= 14 else 2)
            )[0]
            break
        if kind == filetypes.BIFF_EOF:
            return 0
    if not _over_cap(declared):
        return declared
    last = 0
    for kind, at, size in filetypes.biff_records(workbook, offset):
        if kind in _BIFF_VALUES and size >= 2:
            last = max(last, struct.unpack_from("<H", workbook, at)[0] + 1)
        elif kind == filetypes.BIFF_EOF:
            break
    return last


def _open_zip(data: bytes) -> zipfile.ZipFile:
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
    return archive


def _zip_sizes(data: bytes, file_name: str) -> list[SheetSize]:
    archive = _open_zip(data)
    names = archive.namelist()
    if filetypes.ooxml_has_macros(names):
        raise FileRefused(_macros_refusal(file_name, "VBA宏"))
    if "xl/workbook.xml" in names:
        sizes = []
        for sheet_name, path in _xlsx_sheets(archive):
            if path in names:
                with archive.open(path) as handle:
                    sizes.append(SheetSize(sheet_name, _xlsx_rows(handle, sheet_name)))
                if _over_cap(sizes[-1].rows):
                    break  # one is enough to refuse the file
        return sizes
    if "content.xml" in names and "mimetype" in names:
        with archive.open("content.xml") as handle:
            return _ods_sizes(handle)
    return []  # not a workbook: ``_zipped`` says what it is


_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_ROOT_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")


def _xlsx_rows(handle, sheet_name: str) -> int:
    """The number of the last row holding a value, from a worksheet part's XML as it is
    unpacked a megabyte at a time. Rows come in order (ECMA-376 18.3.1.73), so only the
    last row of each block that has a value (``<v>``, or ``<is>`` for inline text) is
    looked at; rows of formatted empty cells do not count, as calamine skips them. The
    part's ``<dimension>`` is not used: it counts those rows too, and nothing checks it."""
    prefix, close = None, b"</row>"
    tail, closed, last = b"", 0, 0
    while chunk := handle.read(1 << 20):
        block = tail + chunk
        if prefix is None:
            found = _ROOT_PREFIX.search(block)
            if found is None and len(block) < 65536:
                tail = block
                continue
            prefix = (found[1] or b"") if found else b""
            close = b"</" + prefix + b"row>"
            marks = (b"<" + prefix + b"v>", b"<" + prefix + b"v ", b"<" + prefix + b"is>")
            opening = b"<" + prefix + b"row"
        end = block.rfind(close)
        if end < 0:
            if len(block) > MAX_ROW_BYTES:
                raise FileRefused(
                    f"工作表“{sheet_name}”的内容无法识别（一行超过16MB），请重新保存后导入"
                )
            tail = block
            continue
        cut = end + len(close)
        complete, tail = block[:cut], block[cut:]
        count = complete.count(close)
        stop, ordinal = cut, closed + count
        while True:  # from the block's last row back to the first one holding a value
            start = complete.rfind(close, 0, stop - len(close))
            row = complete[start + len(close) if start >= 0 else 0 : stop]
            if any(mark in row for mark in marks):
                number = _ROW_NUMBER.match(row, max(0, row.rfind(opening)))
                last = max(last, int(number[1]) if number else ordinal)
                break
            if start < 0:
                break
            stop, ordinal = start + len(close), ordinal - 1
        closed += count
    return last


_ODS_TABLE = re.compile(rb'<table:table\s[^>]*?table:name="([^"]*)"')
_ODS_REPEATED = re.compile(rb'^<table:table-row\b[^>]*?table:number-rows-repeated="(\d+)"')


def _ods_sizes(handle) -> list[SheetSize]:
    """Each table's rows up to the last holding a value, counting repeated rows, from
    ``content.xml`` as it streams by (LibreOffice writes trailing empty rows as one
    repeated by a million, which do not count)."""
    from xml.sax.saxutils import unescape

    close = b"</table:table-row>"
    sizes: list[SheetSize] = []
    tail, position, last = b"", 0, 0
    while chunk := handle.read(1 << 20):
        block = tail + chunk
        pieces = block.split(close)
        tail = pieces.pop()
        if len(tail) > MAX_ROW_BYTES:
            raise FileRefused("表格内容无法识别（一行超过16MB），请重新保存后导入")
        for piece in pieces:
            for table in _ODS_TABLE.finditer(piece):
                if sizes:
                    sizes[-1] = SheetSize(sizes[-1].name, last)
                name = unescape(table[1].decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
                sizes.append(SheetSize(name, 0))
                position = last = 0
            row = piece[max(0, piece.rfind(b"<table:table-row")) :]
            repeated = _ODS_REPEATED.match(row)
            position += int(repeated[1]) if repeated else 1
            if b"office:value-type" in row or b"<text:" in row:
                last = position
    if sizes:
        sizes[-1] = SheetSize(sizes[-1].name, last)
    return sizes


def _xlsx_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, worksheet part) of every sheet, in workbook order."""
    from xml.sax.saxutils import unescape

    try:
        workbook = archive.read("xl/workbook.xml")
    except KeyError:
        return []
    found = []
    for index, tag in enumerate(re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook)):
        name = re.search(rb'\bname="([^"]*)"', tag)
        text = name[1].decode("utf-8", "replace") if name else ""
        path = _sheet_path(archive, index)
        if path:
            found.append((unescape(text, {"&quot;": '"', "&apos;": "'"}), path))
    return found


# Reading ---------------------------------------------------------------------------------


def _zipped(data: bytes) -> Workbook:
    archive = _open_zip(data)
    names = set(archive.namelist())
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
    rows, count = _csv_table(data, keep=True)
    _check_rows([SheetSize(CSV_SHEET, count)])
    rows = [[_as_text(cell) for cell in row] for row in rows]
    return Workbook(format="csv", sheets=[Grid(name=CSV_SHEET, cells=rows)])


def _as_text(cell: str) -> str:
    """``="0991"``, as exports write digits a spreadsheet would spoil, is the text 0991."""
    if cell.startswith('="') and cell.endswith('"') and len(cell) > 3:
        return cell[2:-1]
    return cell


def _csv_rows(data: bytes) -> int:
    return _csv_table(data, keep=False)[1]


def _csv_table(data: bytes, *, keep: bool) -> tuple[list[list[str]], int]:
    """The rows (with ``keep``) and how many there are, decoded as they are read: rows past
    the cap are counted, never kept, so a huge file costs time, not memory."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        if b"\x00" in data[:4096]:
            raise FileRefused("不是电子表格文件：请上传 .xlsx、.xls 或 .csv 文件")
        encodings = ("utf-8-sig", "gb18030")
    kept = _limits()[2] + MARGIN_ROWS
    for encoding in encodings:
        text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        rows: list[list[str]] = []
        count = 0
        try:
            head = text.read(8192)
            text.seek(0)
            for row in csv.reader(text, _dialect(head)):
                count += 1
                if keep and count <= kept:
                    rows.append(row)
        except UnicodeDecodeError:
            continue  # read as the next encoding
        except csv.Error:
            raise FileRefused("CSV 文件格式有误，无法读取") from None
        return rows, count
    raise FileRefused("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030 编码")


def _dialect(head: str):
    try:
        return csv.Sniffer().sniff(head, delimiters=",\t;")
    except csv.Error:
        return csv.excel_tab if "\t" in head and "," not in head else csv.excel


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
