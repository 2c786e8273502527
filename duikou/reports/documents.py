"""The work summary as a Word document (python-docx), from ``summary.SummaryContext``."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .charts import chart_png
from .summary import FigureEntry, SummaryContext

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
APPENDIX_HEADING = "附录 数字来源"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(
    document, text: str, *, font=BODY_FONT, size=14, bold=False, indent=True, align=None
):
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(size * 1.9)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _table(document, header: list[str], rows: list[list[str]], size: float = 9) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, size, True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, size)


def _entry(document, entry: FigureEntry) -> None:
    _paragraph(
        document,
        f"〔{entry.number}〕{entry.text}　{entry.indicator_name}（{entry.origin}）",
        font=HEADING_FONT,
        size=10.5,
        indent=False,
    )
    _paragraph(document, f"查询：{entry.query}", size=9, indent=False)
    _paragraph(
        document,
        f"范围：{entry.node_name}（含下级）；来源：{entry.source_kind}"
        + (f"；{entry.note}" if entry.note else ""),
        size=9,
        indent=False,
    )
    if entry.sources:
        _table(
            document,
            ["记录", "名称", "日期", "数值"],
            [
                [
                    row.code,
                    row.label,
                    f"{row.day:%Y-%m-%d}" if row.day else "",
                    "计1家" if row.value is None else f"{row.value.normalize():f}",
                ]
                for row in entry.sources
            ],
            size=8,
        )


def summary_docx(context: SummaryContext) -> bytes:
    """Title, sections, the table and chart, then the appendix of every figure's source."""
    document = Document()
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(3.7 - 1.2)
        section.left_margin = section.right_margin = Cm(2.6)
    _paragraph(
        document,
        context.title,
        font=TITLE_FONT,
        size=20,
        bold=True,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(document, context.subtitle, size=14, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    if context.opening:
        _paragraph(document, context.opening)
    for section in context.sections:
        _paragraph(document, section.title, font=HEADING_FONT, size=15, indent=True)
        for text in section.paragraphs:
            _paragraph(document, text)
    for table in context.tables:
        _paragraph(
            document,
            table.title,
            font=HEADING_FONT,
            size=12,
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        _table(document, table.header, table.rows)
        if table.note:
            _paragraph(document, table.note, size=9, indent=False)
    if context.chart:
        document.add_picture(io.BytesIO(chart_png(context.chart)), width=Cm(15.5))
        _paragraph(
            document,
            context.chart.title,
            font=HEADING_FONT,
            size=11,
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    document.add_page_break()
    _paragraph(document, APPENDIX_HEADING, font=HEADING_FONT, size=16, indent=False)
    _paragraph(
        document,
        "下列各项逐一列出正文和附表中每个数字的查询条件（指标编码、机构或地区、期间、汇总方式）"
        "及其所依据的台账记录或指标值。",
        size=10.5,
    )
    for entry in context.entries:
        _entry(document, entry)
    _paragraph(
        document,
        f"生成时间：{context.generated_at:%Y-%m-%d %H:%M}",
        size=9,
        indent=False,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
