"""The work summary as a PDF (reportlab), from the same ``summary.SummaryContext``.

The Chinese font is embedded (subset) so the file reads the same on any machine.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .charts import chart_png
from .documents import APPENDIX_HEADING
from .fonts import pdf_font
from .summary import SummaryContext


def _styles() -> dict[str, ParagraphStyle]:
    font = pdf_font()
    base = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=22, wordWrap="CJK", firstLineIndent=24
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=18,
            leading=28,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=6,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=10
        ),
        "heading": ParagraphStyle("heading", parent=base, fontSize=14, leading=24, spaceBefore=6),
        "body": base,
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontSize=10.5,
            leading=16,
            alignment=TA_CENTER,
            firstLineIndent=0,
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, firstLineIndent=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, firstLineIndent=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(header, rows, style, widths=None) -> Table:
    data = [[_p(h, style) for h in header]] + [[_p(c, style) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2e6e4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def summary_pdf(context: SummaryContext) -> bytes:
    styles = _styles()
    story = [
        _p(context.title, styles["title"]),
        _p(context.subtitle, styles["subtitle"]),
    ]
    if context.opening:
        story.append(_p(context.opening, styles["body"]))
    for section in context.sections:
        story.append(_p(section.title, styles["heading"]))
        story.extend(_p(text, styles["body"]) for text in section.paragraphs)
    for table in context.tables:
        block = [Spacer(1, 8), _p(table.title, styles["caption"]), Spacer(1, 4)]
        block.append(_table(table.header, table.rows, styles["cell"]))
        if table.note:
            block.append(_p(table.note, styles["small"]))
        story.append(KeepTogether(block))
    if context.chart:
        png = chart_png(context.chart)
        story += [Spacer(1, 8), Image(io.BytesIO(png), width=16 * cm, height=8.5 * cm)]
        story.append(_p(context.chart.title, styles["caption"]))
    story += [PageBreak(), _p(APPENDIX_HEADING, styles["heading"])]
    story.append(
        _p(
            "下列各项逐一列出正文和附表中每个数字的查询条件及其所依据的台账记录或指标值。",
            styles["small"],
        )
    )
    for entry in context.entries:
        story.append(Spacer(1, 6))
        story.append(
            _p(
                f"〔{entry.number}〕{entry.text}　{entry.indicator_name}（{entry.origin}）",
                styles["small"],
            )
        )
        story.append(_p(f"查询：{entry.query}", styles["small"]))
        story.append(
            _p(
                f"范围：{entry.node_name}（含下级）；来源：{entry.source_kind}"
                + (f"；{entry.note}" if entry.note else ""),
                styles["small"],
            )
        )
        if entry.sources:
            rows = [
                [
                    row.code,
                    row.label,
                    f"{row.day:%Y-%m-%d}" if row.day else "",
                    "计1家" if row.value is None else f"{row.value.normalize():f}",
                ]
                for row in entry.sources
            ]
            story.append(
                _table(
                    ["记录", "名称", "日期", "数值"],
                    rows,
                    styles["cell"],
                    widths=[3.2 * cm, 8 * cm, 2.3 * cm, 3 * cm],
                )
            )
    story.append(Spacer(1, 8))
    story.append(_p(f"生成时间：{context.generated_at:%Y-%m-%d %H:%M}", styles["small"]))

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(pdf_font(), 9)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"— {document.page} —")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.6 * cm,
        rightMargin=2.6 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.2 * cm,
        title=context.title,
        author="对口 Duikou",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
