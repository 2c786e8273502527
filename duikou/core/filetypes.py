"""What an uploaded file really is, told by its first bytes rather than its name.

Stored documents are opened later by other officials, so a file is accepted only when both
its extension and its content belong to one allowed type: a program renamed ``.pdf`` is
refused, and the name it is downloaded under always ends in an allowed extension, so the
reader's computer opens it with a document viewer. Office files that carry macros are refused
too, whatever they are called: OOXML packages holding a ``vbaProject.bin``, legacy (OLE) files
holding a VBA project (``oletools.olevba``) or an Excel 4.0 macro sheet. Pure Python; imports
no Django.
"""

import io
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote


class FileTypeRefused(ValueError):
    """The file may not be stored; ``str(error)`` is the Chinese reason."""


@dataclass(frozen=True)
class FileType:
    label: str  # what users call it: "PDF", "Word（.docx）"…
    content_type: str


PDF = FileType("PDF", "application/pdf")
_OPENXML = "application/vnd.openxmlformats-officedocument."
OOXML = {
    "docx": FileType("Word（.docx）", _OPENXML + "wordprocessingml.document"),
    "xlsx": FileType("Excel（.xlsx）", _OPENXML + "spreadsheetml.sheet"),
    "pptx": FileType("PowerPoint（.pptx）", _OPENXML + "presentationml.presentation"),
}
# The part every document of each kind has (ECMA-376 part names, as Office and WPS write them).
OOXML_MAIN_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OLE = {
    "doc": FileType("Word（.doc）", "application/msword"),
    "xls": FileType("Excel（.xls）", "application/vnd.ms-excel"),
    "ppt": FileType("PowerPoint（.ppt）", "application/vnd.ms-powerpoint"),
    # WPS Office's own formats, still common in government offices.
    "wps": FileType("WPS文字（.wps）", "application/octet-stream"),
    "et": FileType("WPS表格（.et）", "application/octet-stream"),
}
OFD = FileType("OFD", "application/ofd")
JPEG = FileType("JPEG图片", "image/jpeg")
PNG = FileType("PNG图片", "image/png")
TEXT = {"txt": "text/plain", "csv": "text/csv"}

# Extension → the family its content must belong to.
ALLOWED = {
    "pdf": "pdf",
    **dict.fromkeys(OOXML, "ooxml"),
    **dict.fromkeys(OLE, "ole"),
    "ofd": "ofd",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    **dict.fromkeys(TEXT, "text"),
}
ALLOWED_TEXT = "PDF、OFD、Word、Excel、PowerPoint、WPS、JPEG、PNG、TXT、CSV"
PROGRAM_EXTENSIONS = {
    "exe", "com", "scr", "pif", "msi", "msp", "dll", "cpl", "bat", "cmd", "ps1", "psm1", "vbs",
    "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "jar", "sh", "bash", "py", "pl", "apk",
    "app", "dmg", "deb", "rpm", "reg", "inf",
}  # fmt: skip
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlsb", "pptm", "potm", "ppsm"}
SAVE_WITHOUT_MACROS = "请另存为不含宏的格式（如.docx、.xlsx）后再上传"
PAGE_EXTENSIONS = {"html", "htm", "xhtml", "shtml", "mht", "mhtml", "svg", "svgz", "xml", "xsl"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# ELF, Mach-O (both byte orders, 32/64 bit), universal Mach-O and Java classes, WebAssembly.
PROGRAM_MAGICS = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\x00asm",
)
PAGE_STARTS = (
    "<!doctype",
    "<html",
    "<head",
    "<body",
    "<script",
    "<svg",
    "<?xml",
    "<iframe",
    "<object",
    "<embed",
    "<meta",
    "<!--",
)
# Byte-order marks: (mark, codec that reads what follows, charset of the whole file).
BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "utf-8"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
# Control characters that never occur in a real text file (tab, line ends, form feed and
# the old DOS end-of-file mark do).
TEXT_CONTROLS = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v\x1a"} | {"\x7f"}


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def sniff(data: bytes, name: str) -> FileType:
    """The type of ``data`` uploaded as ``name``, or FileTypeRefused saying why not."""
    ext = extension_of(name)
    if ext in MACRO_EXTENSIONS:
        raise FileTypeRefused(macros_refusal(name, f"扩展名.{ext}是启用宏的格式"))
    if ext in PROGRAM_EXTENSIONS:
        raise FileTypeRefused(f"不能上传程序或脚本文件（.{ext}）")
    if ext in PAGE_EXTENSIONS:
        raise FileTypeRefused(f"不能上传网页或SVG、XML文件（.{ext}），请另存为PDF")
    _refuse_active_content(data, ext)
    family = ALLOWED.get(ext)
    if family is None:
        shown = f"“.{ext}”" if ext else "没有扩展名的"
        raise FileTypeRefused(f"不支持{shown}文件，只能上传{ALLOWED_TEXT}文件")
    found = _family_of(data, ext, name)
    if found is None:
        raise FileTypeRefused(f"文件扩展名是.{ext}，但内容不是有效的{_label(ext)}文件，可能已损坏")
    if isinstance(found, FileTypeRefused):
        raise found
    return found


def _label(ext: str) -> str:
    family = ALLOWED[ext]
    if family == "ooxml":
        return OOXML[ext].label
    if family == "ole":
        return OLE[ext].label
    if family == "text":
        return "文本（.txt、.csv）"
    return {"pdf": PDF, "ofd": OFD, "jpeg": JPEG, "png": PNG}[family].label


def _refuse_active_content(data: bytes, ext: str) -> None:
    """Programs and web pages, whatever the file is called."""
    head = data[:4096]
    is_windows_program = head.startswith(b"MZ") and b"\x00" in head[:64]
    if is_windows_program or head.startswith(PROGRAM_MAGICS) or head.startswith(b"#!"):
        raise FileTypeRefused(f"文件内容是程序或脚本（扩展名为.{ext}），不能上传")
    start = _text_start(head)
    if start is not None and start.startswith(PAGE_STARTS):
        raise FileTypeRefused(f"文件内容是网页或SVG、XML（扩展名为.{ext}），不能上传，请另存为PDF")


def _text_start(head: bytes) -> str | None:
    """The first characters of a text file, lower-cased, or None if it is not text-like."""
    for bom, codec, _charset in BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "ignore").lstrip().lower()
    if b"\x00" in head[:512]:
        return None
    return head.decode("latin-1").lstrip().lower()


def _family_of(data: bytes, ext: str, name: str) -> FileType | FileTypeRefused | None:
    family = ALLOWED[ext]
    if family == "pdf":
        # Readers accept the header anywhere in the first kilobyte (ISO 32000-1, annex H).
        return PDF if b"%PDF-" in data[:1024] else None
    if family == "jpeg":
        return JPEG if data.startswith(b"\xff\xd8\xff") else None
    if family == "png":
        return PNG if data.startswith(PNG_MAGIC) else None
    if family == "ole":
        if not data.startswith(OLE_MAGIC):
            return None
        try:
            found = ole_macros(data)
        except OleUnreadable:
            return None
        return FileTypeRefused(macros_refusal(name, found)) if found else OLE[ext]
    if family in {"ooxml", "ofd"}:
        return _zip_family(data, ext, name)
    return _text(data, ext)


def _zip_family(data: bytes, ext: str, name: str) -> FileType | FileTypeRefused | None:
    """Office Open XML and OFD are zip packages; only the list of parts is read, never
    decompressed, so a zip bomb costs nothing."""
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if ext == "ofd":
        return OFD if "OFD.xml" in names else None
    if "[Content_Types].xml" not in names:
        return None
    if ooxml_has_macros(names):
        return FileTypeRefused(macros_refusal(name, "含有VBA宏（vbaProject.bin）"))
    part = OOXML_MAIN_PART[ext]
    if not any(n.startswith(part) for n in names):
        parts = {k for k, p in OOXML_MAIN_PART.items() if any(n.startswith(p) for n in names)}
        if parts:
            actual = sorted(parts)[0]
            return FileTypeRefused(
                f"文件扩展名是.{ext}，但内容是{OOXML[actual].label}，请改正扩展名后再上传"
            )
        return None
    return OOXML[ext]


# Macros ---------------------------------------------------------------------------------


class OleUnreadable(ValueError):
    """The bytes start like a compound document but its structure cannot be read."""


def macros_refusal(name: str, why: str) -> str:
    """Why a file with macros is refused, naming the file: macros run on the computer of
    whoever opens it."""
    return (
        f"文件“{name}”是含宏的Office文档（{why}），宏会在他人打开文件时运行，不能上传；"
        + SAVE_WITHOUT_MACROS
    )


def ooxml_has_macros(names: list[str]) -> bool:
    """An Office Open XML package carries macros in a ``vbaProject.bin`` part (any main part:
    word/, xl/, ppt/), whatever the package is called."""
    return any(n.lower().endswith("vbaproject.bin") for n in names)


def ole_macros(data: bytes) -> str:
    """What macros a legacy Office file (.doc/.xls/.ppt/.wps/.et: an OLE compound document)
    carries, as the refusal says it ("" when none). Raises OleUnreadable for a broken file.

    VBA projects are found by ``oletools.olevba`` (Word's ``Macros``, Excel's
    ``_VBA_PROJECT_CUR``, PowerPoint's embedded project, and VBA code in any stream). Excel 4.0
    macro sheets are found from the workbook's sheet list: olevba's own check of them decodes
    every record of the workbook, seconds for a large one.
    """
    import olefile
    from oletools.olevba import VBA_Parser

    try:
        parser = VBA_Parser("upload", data=data)
        try:
            if parser.detect_vba_macros():
                return "含有VBA宏"
        finally:
            parser.close()
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            sheets = biff_sheets(ole.openstream(stream).read()) if stream else []
    except Exception as error:  # olevba and olefile raise many types for damaged files
        raise OleUnreadable(str(error)) from None
    if any(s.kind == BIFF_MACRO_SHEET for s in sheets):
        return "含有Excel 4.0宏表"
    if any(s.kind == BIFF_VBA_MODULE for s in sheets):
        return "含有VBA模块表"
    return ""


# Excel's binary format (BIFF5/BIFF8, MS-XLS): the workbook's list of sheets ----------------

BIFF_BOF, BIFF_EOF, BIFF_BOUNDSHEET, BIFF_FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
BIFF_WORKSHEET, BIFF_MACRO_SHEET, BIFF_CHART, BIFF_VBA_MODULE = 0, 1, 2, 6


@dataclass(frozen=True)
class BiffSheet:
    name: str
    kind: int  # BIFF_WORKSHEET, BIFF_MACRO_SHEET, BIFF_CHART or BIFF_VBA_MODULE
    offset: int  # where the sheet's records start in the workbook stream


def biff_records(stream: bytes, start: int = 0) -> Iterator[tuple[int, int, int]]:
    """(record type, where its data starts, its length) from ``start`` on."""
    pos, end = start, len(stream)
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        yield kind, pos + 4, size
        pos += 4 + size


def biff_sheets(stream: bytes) -> list[BiffSheet]:
    """The sheets a workbook stream declares (its BOUNDSHEET records), in workbook order;
    names are unreadable in an encrypted file, kinds and offsets are not (MS-XLS 2.2.10)."""
    sheets: list[BiffSheet] = []
    biff8, encrypted = True, False
    for kind, at, size in biff_records(stream):
        if kind == BIFF_BOF and size >= 2:
            biff8 = struct.unpack_from("<H", stream, at)[0] >= 0x0600
        elif kind == BIFF_FILEPASS:
            encrypted = True
        elif kind == BIFF_BOUNDSHEET and size >= 7:
            offset, _visible, sheet_kind, count = struct.unpack_from("<IBBB", stream, at)
            name = ""
            if not encrypted:
                if biff8 and size >= 8:
                    wide = stream[at + 7] & 1
                    raw = stream[at + 8 : at + 8 + count * (2 if wide else 1)]
                    name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
                else:
                    name = stream[at + 7 : at + 7 + count].decode("gbk", "replace")
            sheets.append(BiffSheet(name, sheet_kind, offset))
        elif kind == BIFF_EOF:
            break
    return sheets


def _text(data: bytes, ext: str) -> FileType | FileTypeRefused | None:
    """Plain text or CSV in UTF-8, UTF-16 (Excel's “Unicode text”) or GB18030 (Excel's CSV
    on a Chinese Windows); anything with binary control characters is not text."""
    text, charset = None, None
    for bom, codec, marked in BOMS:
        if data.startswith(bom):
            try:
                text, charset = data[len(bom) :].decode(codec), marked
            except UnicodeDecodeError:
                return None
            break
    else:
        if b"\x00" in data:
            return None
        for codec in ("utf-8", "gb18030"):
            try:
                text, charset = data.decode(codec), codec
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        return FileTypeRefused("无法识别文本文件的编码，请另存为UTF-8编码后再上传")
    if TEXT_CONTROLS.intersection(text[:65536]):
        return None
    label = "CSV表格" if ext == "csv" else "文本文件"
    return FileType(label, f"{TEXT[ext]}; charset={charset}")


def attachment_disposition(file_name: str, fallback: str) -> str:
    """``Content-Disposition`` for a download under its own (often Chinese) name: RFC 6266
    with the UTF-8 name in ``filename*`` (RFC 5987) and an ASCII ``filename`` for old clients."""
    plain = file_name.isascii() and file_name.isprintable() and not set('"\\') & set(file_name)
    encoded = quote(file_name, safe="")
    return (
        f"attachment; filename=\"{file_name if plain else fallback}\"; filename*=UTF-8''{encoded}"
    )
