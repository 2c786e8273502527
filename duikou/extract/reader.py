"""Read .txt (any common Chinese encoding), .docx and text-layer .pdf files."""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

# The most frequent characters of Chinese news text. A correct decoding is
# full of them; a wrong one (UTF-16 read as GB18030) almost never hits them.
_COMMON = set("的一是在了和有人年中为不这个大以上我们国到发展工作援疆新会地来，。、")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _plausibility(text: str) -> float:
    if not text:
        return 0.0
    common = sum(1 for char in text if char in _COMMON)
    plain = sum(1 for char in text if char.isascii() and (char.isalnum() or char.isspace()))
    controls = len(_CONTROL.findall(text))
    return (common + 0.5 * plain - 5 * controls) / len(text)


def decode_text(data: bytes) -> str:
    """Decode bytes of a text file: UTF-8 (BOM or not), GB18030/GBK or UTF-16.

    Raise ``ValueError`` when no encoding gives readable text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if not data:
        return ""
    best, best_score = None, 0.0
    for encoding in ("utf-8", "gb18030", "utf-16-le", "utf-16-be"):
        if encoding.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if encoding == "utf-8" and score > 0:
            return text  # Valid UTF-8 that reads as text is almost never a mistake.
        if score > best_score:
            best, best_score = text, score
    if best is None:
        best = _guess_with_charset_normalizer(data)
    if best is None or _plausibility(best) <= 0:
        raise ValueError("无法识别文件编码，内容可能不是文本")
    return best


def _guess_with_charset_normalizer(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    return str(match) if match is not None else None


def _read_docx(path: Path) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ValueError(f"无法读取 Word 文档：{path.name}") from error
    blocks: list[str] = []
    # Walk the body in order so tables stay where they were in the report.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                blocks.append("\t".join(cell.text for cell in row.cells))
    return "\n\n".join(block for block in blocks if block.strip())


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError) as error:
        raise ValueError(f"无法读取 PDF 文件：{path.name}") from error
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        raise ValueError(f"PDF 文件没有文字层（可能是扫描件）：{path.name}")
    return text


def read_document(path: str | Path) -> str:
    """Return the text of a report file; raise ``ValueError`` when it is unreadable.

    ``.docx`` is read with python-docx (paragraphs and tables), ``.pdf`` from
    its text layer with pypdf, anything else as text in UTF-8, GB18030/GBK or
    UTF-16 (detected).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path)
    if suffix == ".doc":
        raise ValueError(f"不支持旧版 Word（.doc）格式，请另存为 .docx：{path.name}")
    try:
        return decode_text(path.read_bytes())
    except ValueError as error:
        raise ValueError(f"{error}：{path.name}") from error
