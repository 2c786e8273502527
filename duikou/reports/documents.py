"""The work summary as a Word document (python-docx), from ``summary.SummaryContext``,
laid out as GB/T 9704 (党政机关公文格式) has it.

A4, margins 37/35/28/26 mm (type area 156 × 225 mm); the title 二号 in 小标宋 (style
“公文标题”); headings 一、 黑体, （一） 楷体, 1. 仿宋 bold, all 三号, as Word's own
Heading 1–3 so the navigation pane and a table of contents see them; body 仿宋 三号 at a
fixed 29 pt, first line indented two characters; page numbers “— 1 —” in 宋体 四号, on
the right of odd pages and the left of even ones. Fonts are named, not embedded, so an
office's own 方正小标宋简体 / 仿宋_GB2312 apply where installed (the font table names
the common Windows face to use otherwise).
"""

import io
import re

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .charts import chart_png
from .summary import SummaryContext, Table, sources_table

# Sizes by their Chinese names (号), in points.
ERHAO, SANHAO, SIHAO, XIAOSI, WUHAO = 22, 16, 14, 12, 10.5
LINE = Pt(29)  # 22 lines in the 225 mm type area
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "宋体"
# What Word uses where the office's font is missing (w:altName in the font table).
ALTERNATES = {TITLE_FONT: SONG, BODY_FONT: "仿宋", KAI: "楷体"}
TITLE_STYLE = "公文标题"
TABLE_STYLE = "公文表格"
APPENDIX_HEADING = "附件"
NUMERIC = re.compile(r"[\d,.\-]+")
TYPE_AREA_MM = 156


def _fonts(target, name: str, size: float, *, bold: bool = False) -> None:
    """Set a style's or run's fonts: the East Asian face, Times New Roman for Latin."""
    font = target.font
    font.name = "Times New Roman"
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    # Quotation marks and dashes, which Unicode shares between scripts, in the Chinese face:
    # full-width “”, not Times New Roman's narrow ones after a figure ("两个80%”").
    fonts.set(qn("w:hint"), "eastAsia")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _indent_chars(paragraph_format_element, chars: int) -> None:
    """First-line indent in characters (w:firstLineChars), which follows the font size."""
    ppr = paragraph_format_element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _paragraph_style(style, *, font: str, size: float, bold=False, indent=True, align=None):
    _fonts(style, font, size, bold=bold)
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(size * 2) if indent else Pt(0)
    if indent:
        _indent_chars(style.element, 2)
    if align is not None:
        pf.alignment = align
    pf.widow_control = True


def _styles(document) -> None:
    styles = document.styles
    # Language of every run unless a run says otherwise: Chinese text, Latin in English.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    _paragraph_style(
        styles["Normal"], font=BODY_FONT, size=SANHAO, align=WD_ALIGN_PARAGRAPH.JUSTIFY
    )
    title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = styles["Title"]
    title.next_paragraph_style = styles["Normal"]
    _paragraph_style(
        title, font=TITLE_FONT, size=ERHAO, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.paragraph_format.line_spacing = Pt(35)
    title.paragraph_format.space_after = Pt(0)
    # The built-in Title style draws a border and uses theme colours: clear them.
    border = styles["Title"].element.get_or_add_pPr().find(qn("w:pBdr"))
    if border is not None:
        border.getparent().remove(border)
    for level, font, bold in ((1, HEI, False), (2, KAI, False), (3, BODY_FONT, True)):
        heading = styles[f"Heading {level}"]
        _paragraph_style(heading, font=font, size=SANHAO, bold=bold)
        heading.font.italic = False
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.space_before = heading.paragraph_format.space_after = Pt(0)
    caption = styles.add_style("表题", WD_STYLE_TYPE.PARAGRAPH)
    caption.base_style = styles["Normal"]
    _paragraph_style(caption, font=HEI, size=SIHAO, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    caption.paragraph_format.keep_with_next = True
    note = styles.add_style("表注", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    _paragraph_style(note, font=BODY_FONT, size=XIAOSI, indent=False)
    note.paragraph_format.line_spacing = Pt(20)
    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    _paragraph_style(cell, font=BODY_FONT, size=WUHAO, indent=False)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    footer = styles["Footer"]
    _fonts(footer, SONG, SIHAO)


def _font_table(document) -> None:
    """Name a common Windows face for each office font, used where it is not installed."""
    part = document.part.font_table_part if hasattr(document.part, "font_table_part") else None
    if part is None:
        for rel in document.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                part = rel.target_part
                break
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    for name, alternate in ALTERNATES.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), alternate)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if name == BODY_FONT else "roman")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph) -> None:
    """“— N —” with N a PAGE field, so Word and LibreOffice number the pages themselves."""

    def run(text=None):
        r = paragraph.add_run(text)
        _fonts(r, SONG, SIHAO)
        return r

    run("— ")
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("t", "1"),
        ("end", None),
    ):
        r = run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "t":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        r._r.append(element)
    run(" —")


def _page_setup(document) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(28) - Mm(7) - Mm(7)  # page number ~7 mm below the text
        for footer, align, side in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = document.styles["Footer"]
            paragraph.alignment = align
            # one character in from the type area's edge
            if side == "right":
                paragraph.paragraph_format.right_indent = Pt(SIHAO)
            else:
                paragraph.paragraph_format.left_indent = Pt(SIHAO)
            _page_number(paragraph)


def _cell(cell, text: str, *, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_STYLE
    paragraph.alignment = align
    run = paragraph.add_run(text)
    if bold:
        _fonts(run, HEI, WUHAO)


def _table(document, table: Table, widths_mm: list[float] | None = None) -> None:
    document.add_paragraph(table.title, style="表题")
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = grid.rows[0]
    # the header row repeats on every page the table runs over
    trpr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    trpr.append(repeat)
    for cell, text in zip(head.cells, table.header, strict=True):
        _cell(cell, text, bold=True)
    # A column of figures is right-aligned throughout, its "—" (no figure) included.
    figures = {i for row in table.rows for i, text in enumerate(row) if NUMERIC.fullmatch(text)}
    for n, row in enumerate(table.rows):
        added = grid.add_row()
        # a row stays on one page, as in the PDF (w:cantSplit)
        added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = added.cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            numeric = i > 0 and (
                NUMERIC.fullmatch(text) is not None or (i in figures and text == "—")
            )
            _cell(
                cell,
                text,
                bold=n == table.total_row,
                align=WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT,
            )
    if not widths_mm:
        first = 30
        rest = (TYPE_AREA_MM - first) / (len(table.header) - 1)
        widths_mm = [first] + [rest] * (len(table.header) - 1)
    grid.autofit = False
    for column, width in zip(grid.columns, widths_mm, strict=True):
        column.width = Mm(width)  # the table grid, which LibreOffice and WPS read
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    if table.note:
        document.add_paragraph(f"注：{table.note}", style="表注")


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def summary_docx(context: SummaryContext) -> bytes:
    """Title, 一、总体情况 … 四、下一步工作打算, the signing office and date; then 附件1
    (the table by unit, and the chart) and 附件2 (where every figure comes from)."""
    document = Document()
    _styles(document)
    _font_table(document)
    _page_setup(document)
    properties = document.core_properties
    properties.title = context.title
    properties.author = context.issuer
    properties.last_modified_by = context.issuer
    properties.language = "zh-CN"
    properties.subject = "对口援疆工作总结"
    properties.keywords = "对口援疆；工作总结"
    properties.comments = ""
    properties.created = properties.modified = context.generated_at
    properties.revision = 1

    document.add_paragraph(context.title, style=TITLE_STYLE)
    document.add_paragraph()  # 空一行 between the title and the text
    for section in context.sections:
        document.add_paragraph(section.title, style="Heading 1")
        for text in section.paragraphs:
            document.add_paragraph(text)
        for child in section.children:
            document.add_paragraph(child.title, style="Heading 2")
            for text in child.paragraphs:
                document.add_paragraph(text)
    # 落款: the office and the date, right-aligned, four characters in from the right edge
    document.add_paragraph()
    for text in (context.issuer, _date(context.issued_on)):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(SANHAO * 2)
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph(APPENDIX_HEADING, style="Heading 1")
    for table in context.tables:
        _table(document, table)
    if context.chart:
        document.add_paragraph()
        picture = document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.first_line_indent = Pt(0)
        picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        picture.add_run().add_picture(io.BytesIO(chart_png(context.chart)), width=Mm(150))
        document.add_paragraph(context.chart.title, style="表题")
    _page_break(document)
    # 序号, 记录数 and 出处 (正文·台账记录) on one line; codes, one a line, unbroken
    _table(document, sources_table(context.entries), [12, 25, 34, 28, 15, 42])
    document.add_paragraph(f"生成时间：{context.generated_at:%Y-%m-%d %H:%M}", style="表注")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""
