"""The work summary as a tagged PDF (WeasyPrint, PDF/UA-1), from ``summary.SummaryContext``.

The same GB/T 9704 layout as the Word file: A4, margins 37/35/28/26 mm, title 二号,
headings 一、/（一）/1. and body 三号 at 29 pt lines, page numbers “— 1 —” in 四号 on the
outer side. The fonts are the open faces of ``fonts.PDF_FACES``, embedded (subset).
WeasyPrint breaks lines by Unicode's rules, so no line starts with a closing mark (，。、）)
and none ends with an opening one. The PDF is tagged (headings, paragraphs, tables) with
its language zh-CN, title and author, so screen readers and archiving tools read it.
"""

import base64
from html import escape

from .charts import chart_png
from .fonts import pdf_faces
from .summary import SummaryContext, Table, sources_table

CSS = """
@page {
  size: 210mm 297mm;
  margin: 37mm 26mm 35mm 28mm;
  @bottom-right { content: none; }
}
@page :right {
  @bottom-right {
    content: "— " counter(page) " —"; font-family: "{serif}"; font-size: 14pt;
    vertical-align: top; padding-top: 7mm; padding-right: 14pt;
  }
}
@page :left {
  @bottom-left {
    content: "— " counter(page) " —"; font-family: "{serif}"; font-size: 14pt;
    vertical-align: top; padding-top: 7mm; padding-left: 14pt;
  }
}
html { font-family: "{serif}"; font-size: 16pt; line-height: 29pt; color: #000; }
body { margin: 0; }
p { margin: 0; text-indent: 2em; text-align: justify; orphans: 2; widows: 2; }
h1.title { font-family: "{serif}"; font-weight: bold; font-size: 22pt; line-height: 35pt;
  text-align: center; margin: 0 0 29pt 0; }
h2, h3, h4 { font-size: 16pt; line-height: 29pt; margin: 0; text-indent: 2em;
  font-weight: normal; break-after: avoid; }
h2 { font-family: "{sans}"; }
h3 { font-family: "{kai}"; }
h4 { font-family: "{serif}"; font-weight: bold; }
.signature { margin-top: 29pt; text-align: right; text-indent: 0; padding-right: 2em; }
.signature p { text-align: right; text-indent: 0; }
.appendix { break-before: page; }
.caption { font-family: "{sans}"; font-size: 14pt; text-align: center; text-indent: 0;
  margin: 8pt 0 4pt 0; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 14pt; }
th, td { border: 0.5pt solid #000; padding: 2pt 3pt; vertical-align: middle; }
th { font-family: "{sans}"; font-weight: normal; text-align: center; }
td.number { text-align: right; white-space: nowrap; }
tr.total td { font-family: "{sans}"; }
thead { display: table-header-group; }
.note { font-size: 12pt; line-height: 20pt; text-indent: 0; margin-top: 4pt; }
figure { margin: 12pt 0 0 0; text-align: center; }
figure img { width: 150mm; }
figcaption { font-family: "{sans}"; font-size: 14pt; text-align: center; }
tr { break-inside: avoid; }
.sources { table-layout: fixed; font-size: 9pt; line-height: 12pt; }
.sources td:nth-child(2) { white-space: nowrap; }
.sources td:nth-child(6) { white-space: pre-line; }
"""


def _css() -> str:
    css = CSS
    for role, family in pdf_faces().items():
        css = css.replace("{" + role + "}", family)
    return css


SOURCE_WIDTHS = (6, 15, 28, 15, 8, 28)  # percent of the type area, for 附件2


def _table(table: Table, css_class: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    widths = ""
    if css_class == "sources":
        widths = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in SOURCE_WIDTHS)
        widths += "</colgroup>"
    rows = []
    # A column of figures is right-aligned throughout, its "—" (no figure) included.
    figures = {i for row in table.rows for i, c in enumerate(row) if c[:1].isdigit()}
    for n, row in enumerate(table.rows):
        cells = "".join(
            f'<td class="number">{escape(c)}</td>'
            if i > 0 and css_class != "sources" and (c[:1].isdigit() or (i in figures and c == "—"))
            else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        total = ' class="total"' if n == table.total_row else ""
        rows.append(f"<tr{total}>{cells}</tr>")
    note = f'<p class="note">注：{escape(table.note)}</p>' if table.note else ""
    return (
        f'<p class="caption">{escape(table.title)}</p>'
        f'<table class="{css_class}">{widths}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{note}"
    )


def summary_html(context: SummaryContext) -> str:
    """The summary as one HTML page, which WeasyPrint lays out."""
    body = [f'<h1 class="title">{escape(context.title)}</h1>']
    for section in context.sections:
        body.append(f"<h2>{escape(section.title)}</h2>")
        body += [f"<p>{escape(text)}</p>" for text in section.paragraphs]
        for child in section.children:
            body.append(f"<h3>{escape(child.title)}</h3>")
            body += [f"<p>{escape(text)}</p>" for text in child.paragraphs]
    issued = context.issued_on
    body.append(
        f'<div class="signature"><p>{escape(context.issuer)}</p>'
        f"<p>{issued.year}年{issued.month}月{issued.day}日</p></div>"
    )
    body.append('<section class="appendix"><h2>附件</h2>')
    body += [_table(table) for table in context.tables]
    if context.chart:
        png = base64.b64encode(chart_png(context.chart)).decode()
        body.append(
            f'<figure><img src="data:image/png;base64,{png}" alt="{escape(context.chart.title)}">'
            f"<figcaption>{escape(context.chart.title)}</figcaption></figure>"
        )
    body.append('<div class="appendix">')
    body.append(_table(sources_table(context.entries), "sources"))
    body.append(
        f'<p class="note">生成时间：{context.generated_at:%Y-%m-%d %H:%M}</p></div></section>'
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(context.title)}</title>"
        f'<meta name="author" content="{escape(context.issuer)}">'
        '<meta name="description" content="对口援疆工作总结">'
        f'<meta name="dcterms.created" content="{context.generated_at.isoformat()}">'
        f"<style>{_css()}</style></head><body>{''.join(body)}</body></html>"
    )


def summary_pdf(context: SummaryContext) -> bytes:
    from weasyprint import HTML

    return HTML(string=summary_html(context)).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
