"""read_document detects encodings and reads Word and PDF reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from duikou.extract import extract, read_document

TEXT = "一年多来，工作队累计接诊患者125012人次，完成手术7360台。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_it_detects_the_encoding_of_a_text_file(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_document(path) == TEXT


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_it_reads_utf16_without_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_document(path) == TEXT


def test_it_reads_paragraphs_and_tables_of_a_docx(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph(TEXT)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "签约金额"
    table.rows[0].cells[1].text = "238.05亿元"
    path = tmp_path / "report.docx"
    document.save(str(path))
    text = read_document(path)
    assert TEXT in text
    assert [figure.text for figure in extract(text)] == ["125012人次", "7360台", "238.05亿元"]


def test_it_reads_the_text_layer_of_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf_with_text(TEXT))
    assert read_document(path) == TEXT


def test_it_rejects_a_broken_pdf_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"not a pdf at all")
    with pytest.raises(ValueError, match="PDF"):
        read_document(path)


def test_it_rejects_a_broken_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ValueError, match="无法读取"):
        read_document(path)


def test_it_rejects_binary_data_posing_as_text(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="无法识别文件编码"):
        read_document(path)


def test_it_rejects_legacy_word_files(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ValueError, match=r"\.docx"):
        read_document(path)


def _pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text layer is ``text`` (Identity-H font + ToUnicode map)."""
    chars = sorted(set(text))
    cid = {char: index + 1 for index, char in enumerate(chars)}
    glyphs = "".join(f"{cid[char]:04X}" for char in text)
    pairs = " ".join(f"<{cid[char]:04X}> <{ord(char):04X}>" for char in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange "
        f"{len(chars)} beginbfchar {pairs} endbfchar endcmap "
        "CMapName currentdict /CMap defineresource pop end end"
    )

    def stream(body: str) -> bytes:
        data = body.encode("ascii")
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        stream(f"BT /F1 12 Tf 72 720 Td <{glyphs}> Tj ET"),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 8 0 R >>",
        stream(cmap),
        b"<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 0 1000 1000] "
        b"/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
