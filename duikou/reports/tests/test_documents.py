"""The files read back as an office files them: GB/T 9704 Word and tagged PDF summaries, and
a 月调度 workbook that prints on landscape pages with typed cells."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from duikou.core.demo import demo_load
from duikou.core.testing import user
from duikou.orgs.models import Organisation
from duikou.reports.periods import report_period_parse
from duikou.reports.selectors import Operator
from duikou.reports.services import dispatch_render, summary_render

pytestmark = pytest.mark.django_db
# What must never reach an official's page: query strings, indicator codes, raw yuan.
MACHINE = re.compile(r"查询：|指标=|范围=|[A-Z]{3,}_[A-Z_]+|\d{5,}(\.\d+)?元|o:FC-")
CLOSING = "，。、；：！？）》」』”’"


def fujian(fmt: str) -> bytes:
    demo_load()
    org = Organisation.objects.get(code="FC-350000")
    return summary_render(user=user(), org=org, period=report_period_parse("2025"), fmt=fmt)


def east_asian_font(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_word_summary_is_an_a4_gbt_9704_document_with_heading_styles():
    document = Document(io.BytesIO(fujian("docx")))
    for section in document.sections:
        measured = [
            round(length.mm, 1)
            for length in (
                section.page_width,
                section.page_height,
                section.top_margin,
                section.bottom_margin,
                section.left_margin,
                section.right_margin,
            )
        ]
        assert measured == [210, 297, 37, 35, 28, 26]  # Word keeps twips: 210 mm = 11906
    styles = document.styles
    normal = styles["Normal"]
    assert east_asian_font(normal) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(29)
    assert normal.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert east_asian_font(styles["公文标题"]) == "方正小标宋简体"
    assert styles["公文标题"].font.size == Pt(22)
    for name, font in (("Heading 1", "黑体"), ("Heading 2", "楷体_GB2312")):
        assert east_asian_font(styles[name]) == font and styles[name].font.size == Pt(16)
    assert styles["Heading 3"].font.bold

    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["公文标题"] == ["福建援疆工作队2025年对口援疆工作总结"]
    assert by_style["Heading 1"] == [
        "一、总体情况",
        "二、主要工作成效",
        "三、存在的问题",
        "四、下一步工作打算",
        "附件",
    ]
    assert "（一）产业援疆" in by_style["Heading 2"]
    texts = [p.text for p in document.paragraphs]
    signing = texts.index("福建省援疆前方指挥部")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", texts[signing + 1])
    assert signing < texts.index("附件")

    # page numbers: a PAGE field, right on odd pages, left on even ones
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == {"right": 2, "left": 0}[side]
        assert " PAGE " in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")

    properties = document.core_properties
    assert properties.title == "福建援疆工作队2025年对口援疆工作总结"
    assert properties.author == "福建省援疆前方指挥部" and properties.language == "zh-CN"
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"

    text = "\n".join(texts + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert not MACHINE.search(text), MACHINE.search(text)
    [by_unit, sources] = document.tables
    assert by_unit.rows[-1].cells[0].text == "合计"
    assert [c.text for c in sources.rows[0].cells][:4] == ["序号", "数字", "统计口径", "出处"]
    assert len(sources.rows) > 20


def test_the_pdf_summary_is_tagged_a4_with_serif_fonts_and_outer_page_numbers():
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(fujian("pdf")))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/Lang"] == "zh-CN"
    assert reader.metadata.title == "福建援疆工作队2025年对口援疆工作总结"
    assert reader.metadata.author == "福建省援疆前方指挥部"
    fonts = set()
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = font["/BaseFont"]
            descendant = font.get("/DescendantFonts")
            if descendant:
                descriptor = descendant[0].get_object()["/FontDescriptor"]
                assert {"/FontFile2", "/FontFile3"} & set(descriptor), name  # embedded
            fonts.add(name.split("+")[-1])
    assert "Noto-Serif-CJK-SC" in fonts and "AR-PL-UKai-CN" in fonts
    assert not any("WenQuanYi" in f for f in fonts)

    # the text block starts 28 mm from the left; page numbers sit on the outer side
    lefts, numbers = [], {}

    def visit(page_no):
        def visitor(text, cm, tm, font, size):
            x = tm[4] * cm[0] + cm[4]
            if text.strip():
                lefts.append(x)
            if re.fullmatch(r"— \d+ —", text.strip()):
                numbers[page_no] = x

        return visitor

    lines = []
    for n, page in enumerate(reader.pages[:4], start=1):
        text = page.extract_text(visitor_text=visit(n))
        lines += text.splitlines()
    assert min(lefts) >= 28 / 25.4 * 72 - 1
    assert numbers[1] > 595 / 2 > numbers[2]
    starts = [line for line in lines if line[:1] in CLOSING]
    assert not starts, starts
    body = "\n".join(lines)
    assert "三、存在的问题" in body and "四、下一步工作打算" in body
    assert not MACHINE.search(body)


def test_the_dispatch_workbook_has_typed_cells_a_title_and_prints_landscape():
    import openpyxl

    demo_load()
    content = dispatch_render(
        user=Operator(),
        year=2025,
        month=10,
        org=Organisation.objects.get(code="FC-350000"),
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book.worksheets[0]
    assert "援疆项目调度表" in ws["A1"].value and "A1:M1" in [str(r) for r in ws.merged_cells]
    header = [c.value for c in ws[3]]
    assert header[:6] == ["项目编号", "项目名称", "实施单位", "状态", "计划开工", "计划完工"]
    assert ws.freeze_panes == "C4"
    lines = []
    for row in ws.iter_rows(min_row=4):
        if not row[0].value or row[0].value == "本月未报送月调度的项目":
            break
        lines.append(row)
    assert lines
    for row in lines:
        assert isinstance(row[4].value, datetime) and isinstance(row[5].value, datetime)
        assert row[4].number_format == "yyyy-mm-dd"
        for cell in row[6:11]:
            assert cell.value is None or isinstance(cell.value, (int, float)), cell.coordinate
        if row[6].value is None:
            assert row[11].value.startswith("未报送")
    assert not any(c.value == "未报" for r in ws.iter_rows() for c in r)
    assert row[4].value.date() >= date(2000, 1, 1)

    setup = ws.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # 1 is the default
    assert ws.print_title_rows == "$1:$3"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    name_width = ws.column_dimensions["B"].width
    longest = max(len(r[1].value) for r in lines)
    assert name_width >= min(34, longest)
    code_width = ws.column_dimensions["A"].width
    assert code_width >= max(len(r[0].value) for r in lines)
    assert sum(Decimal(str(r[9].value)) for r in lines) >= 0
