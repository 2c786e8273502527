"""A file is what its bytes say, and its name must agree."""

import io
import struct
import zipfile
from pathlib import Path

import olefile
import pytest

from duikou.core.filetypes import FileTypeRefused, sniff

FILES = Path(__file__).parent / "files"
PLAIN_XLS = (FILES / "plain.xls").read_bytes()  # saved by LibreOffice; files/README.md
MACROS_XLS = (FILES / "macros.xls").read_bytes()  # the same with a VBA project


def package(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def word_document() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("可行性研究报告")
    document.save(buffer)
    return buffer.getvalue()


def workbook() -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet().write(0, 0, "资金")
    book.close()
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # the magic, then nothing readable


def with_macro_sheet(data: bytes) -> bytes:
    """``data`` (an .xls) with its first sheet turned into an Excel 4.0 macro sheet: the
    BOUNDSHEET record's type byte set to 1, the way XLM macro files declare it."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    stream = bytearray(ole.openstream("Workbook").read())
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        if kind == 0x0085:
            stream[pos + 4 + 5] = 1
            break
        pos += 4 + size
    buffer = io.BytesIO(data)
    writable = olefile.OleFileIO(buffer, write_mode=True)
    writable.write_stream("Workbook", bytes(stream))
    writable.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"%PDF-1.7\n", "批复.PDF", "application/pdf"),
        (word_document(), "可研.docx", "wordprocessingml.document"),
        (workbook(), "资金.xlsx", "spreadsheetml.sheet"),
        (package("[Content_Types].xml", "ppt/presentation.xml"), "汇报.pptx", "presentationml"),
        (PLAIN_XLS, "旧合同.doc", "application/msword"),
        (PLAIN_XLS, "旧台账.xls", "application/vnd.ms-excel"),
        (PLAIN_XLS, "公文.wps", "application/octet-stream"),
        (PLAIN_XLS, "台账.et", "application/octet-stream"),
        (PLAIN_XLS, "汇报.ppt", "application/vnd.ms-powerpoint"),
        (package("OFD.xml", "Doc_0/Document.xml"), "电子公文.ofd", "application/ofd"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "工地.jpeg", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "工地.png", "image/png"),
        ("项目,金额\n医院,100\n".encode("gb18030"), "台账.csv", "text/csv; charset=gb18030"),
        ("项目,金额\n".encode("utf-8-sig"), "台账.csv", "text/csv; charset=utf-8"),
        ("项目\t金额\n".encode("utf-16"), "台账.txt", "text/plain; charset=utf-16"),
        ("说明：<b>加粗</b>".encode(), "说明.txt", "text/plain; charset=utf-8"),
    ],
)
def test_it_accepts_the_formats_offices_use(data, name, content_type):
    assert content_type in sniff(data, name).content_type


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "报告.pdf", "文件内容是程序或脚本"),
        (b"\x7fELF\x02\x01\x01", "照片.png", "文件内容是程序或脚本"),
        (b"#!/bin/sh\nrm -rf /\n", "说明.txt", "文件内容是程序或脚本"),
        (b"\xef\xbb\xbf<!doctype html><p>", "通知.txt", "文件内容是网页"),
        (b'<?xml version="1.0"?><svg/>', "图.jpg", "文件内容是网页"),
        (b"<svg/>", "图.svg", "不能上传网页或SVG、XML文件（.svg）"),
        (b"x", "安装.msi", "不能上传程序或脚本文件（.msi）"),
        (b"x", "宏.xlsm", "含宏"),
        (
            package("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
            "a.docx",
            "含宏",
        ),
        (workbook(), "改名.docx", "但内容是Excel（.xlsx），请改正扩展名"),
        (package("[Content_Types].xml", "word/document.xml"), "电子公文.ofd", "不是有效的OFD"),
        (package("readme.txt"), "可研.docx", "不是有效的Word"),
        (OLE, "旧合同.pdf", "不是有效的PDF"),
        (OLE, "旧合同.doc", "不是有效的Word（.doc）文件，可能已损坏"),
        (b"abc\x00\x01\x02def", "数据.csv", "不是有效的文本"),
        (b"x", "无扩展名", "不支持没有扩展名的文件"),
    ],
)
def test_it_refuses_programs_pages_and_files_whose_content_contradicts_their_name(
    data, name, message
):
    with pytest.raises(FileTypeRefused, match=message):
        sniff(data, name)


@pytest.mark.parametrize("name", ["台账.xls", "台账.et", "公文.doc", "公文.wps", "汇报.ppt"])
def test_a_legacy_office_file_with_a_vba_project_is_refused_naming_the_file(name):
    with pytest.raises(FileTypeRefused) as refused:
        sniff(MACROS_XLS, name)
    assert str(refused.value).startswith(f"文件“{name}”是含宏的Office文档（含有VBA宏）")
    assert "另存为不含宏的格式" in str(refused.value)


def test_the_macro_test_file_really_carries_a_macro_olevba_can_read():
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser("macros.xls", data=MACROS_XLS)
    assert parser.detect_vba_macros()
    sources = {name: code for _, _, name, code in parser.extract_macros()}
    assert "Sub Auto_Open()" in sources["Module1.bas"]
    assert not VBA_Parser("plain.xls", data=PLAIN_XLS).detect_vba_macros()


def test_an_excel_4_macro_sheet_is_refused():
    with pytest.raises(FileTypeRefused, match=r"含有Excel 4\.0宏表"):
        sniff(with_macro_sheet(PLAIN_XLS), "台账.xls")


@pytest.mark.parametrize("name", ["宏.xlsm", "宏.docm", "宏.pptm", "宏.xlsb", "模板.dotm"])
def test_macro_enabled_formats_are_refused_by_name_whatever_they_hold(name):
    with pytest.raises(FileTypeRefused, match=f"文件“{name}”是含宏的Office文档"):
        sniff(workbook(), name)


@pytest.mark.parametrize(
    ("part", "name"),
    [("xl/vbaProject.bin", "台账.xlsx"), ("word/vbaProject.bin", "报告.docx")],
)
def test_an_ooxml_package_holding_a_vba_project_is_refused_whatever_it_is_called(part, name):
    main = "xl/workbook.xml" if name.endswith("xlsx") else "word/document.xml"
    with pytest.raises(FileTypeRefused, match=r"含有VBA宏（vbaProject\.bin）"):
        sniff(package("[Content_Types].xml", main, part), name)
