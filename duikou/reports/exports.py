"""Exports of selector rows: compliance as CSV and XLSX, the monthly dispatch as XLSX.

Both write through ``transfer.safe``, so names and comments that start like a formula open
as text."""

import io
from decimal import Decimal

from duikou.core.money import WAN
from duikou.transfer.safe import (
    csv_writer,
    merge_cells,
    sheet_name,
    workbook,
    write_cell,
    write_row,
)
from duikou.transfer.sheets import fit_width, print_setup, text_width, wrapped_height

from .selectors import ComplianceRow, DispatchSheet

COMPLIANCE_HEADER = ["援疆省市", "年度", "检查项", "数值", "说明", "标准", "结论", "问题记录"]


def compliance_csv(rows: list[ComplianceRow]) -> str:
    """One line per check; the offending records joined in the last column."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(COMPLIANCE_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.province,
                row.year,
                row.check_label,
                row.value,
                row.value_text,
                row.standard,
                row.verdict,
                "；".join(f"{r.code} {r.name}：{r.detail}" for r in row.records),
            ]
        )
    return buffer.getvalue()


COUNTED_CHECKS = {"behind_schedule", "deals_stuck"}  # 数值 is a number of records


def compliance_xlsx(rows: list[ComplianceRow], *, year: int, scope: str) -> bytes:
    """The checks as a workbook to print: a title row, the header frozen and repeated, 数值
    a number, the offending records one per line in the last column."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format(
        {"bold": True, "bg_color": "#F2E6E4", "border": 1, "align": "center", "valign": "vcenter"}
    )
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    number = book.add_format({"border": 1, "valign": "top", "num_format": "0.00"})
    count = book.add_format({"border": 1, "valign": "top", "num_format": "0"})
    failed = book.add_format({"border": 1, "valign": "top", "font_color": "#B03A2E"})
    ws = book.add_worksheet("合规检查")
    heading = f"{scope}{year}年度援疆资金合规检查"
    columns = len(COMPLIANCE_HEADER)
    merge_cells(ws, (0, 0), (0, columns - 1), heading, title)
    ws.set_row(0, 28)
    write_row(ws, 1, 0, COMPLIANCE_HEADER, head)
    texts: list[list] = [[h] for h in COMPLIANCE_HEADER]
    lines = []
    for n, row in enumerate(rows, start=2):
        offenders = "\n".join(f"{r.code} {r.name}：{r.detail}" for r in row.records)
        line = [row.province, row.year, row.check_label, row.value, row.value_text]
        line += [row.standard, row.verdict, offenders]
        # shares and amounts to two places; counts of projects and deals whole
        figure = count if row.check in COUNTED_CHECKS else number
        for i, value in enumerate(line):
            fmt = figure if i == 3 else failed if i == 6 and row.ok is False else cell
            write_cell(ws, n, i, value, fmt)
            texts[i].append(value)
        lines.append(line)
    widths = [fit_width(texts[i], m) for i, m in enumerate((10, 6, 16, 8, 24, 16, 8, 40))]
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    for n, line in enumerate(lines, start=2):
        height = wrapped_height(line, widths)
        if height:
            ws.set_row(n, height)
    print_setup(ws, title=heading, header_rows=(0, 1), columns=columns, last_row=len(rows) + 1)
    book.close()
    return buffer.getvalue()


# (header, width in characters)
DISPATCH_COLUMNS = [
    ("项目编号", 18),
    ("项目名称", 34),
    ("实施单位", 16),
    ("状态", 7),
    ("计划开工", 11),
    ("计划完工", 11),
    ("形象进度（%）", 11),
    ("时间进度（%）", 11),
    ("进度差（百分点）", 12),
    ("累计下达（万元）", 12),
    ("累计支出（万元）", 12),
    ("本月报送", 16),
    ("存在问题", 30),
]
DISPATCH_HEADER = [name for name, _ in DISPATCH_COLUMNS]
# A header wider than its column wraps before its unit, "累计下达" over "（万元）", rather
# than wherever the line runs out (which leaves a "）" alone on the second line).
DISPATCH_HEADER_CELLS = [
    name if text_width(name) + 1 <= width else name.replace("（", "\n（", 1)
    for name, width in DISPATCH_COLUMNS
]
HEADER_ROW = 2  # row 0 the title, row 1 what the sheet counts, row 2 the header


def dispatch_xlsx(sheets: list[DispatchSheet]) -> bytes:
    """One worksheet per command: a title row, the projects, then those that did not
    report. Dates are dates and figures numbers; a project with no progress reported
    leaves 形象进度 blank and says so in 本月报送."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    lead = book.add_format({"font_size": 10})
    head = book.add_format(
        {
            "bold": True,
            "bg_color": "#F2E6E4",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    cell = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
    day = book.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "vcenter"})
    number = book.add_format({"border": 1, "num_format": "0.00", "valign": "vcenter"})
    money = book.add_format({"border": 1, "num_format": "#,##0.00", "valign": "vcenter"})
    late = book.add_format(
        {"border": 1, "num_format": "0.00", "font_color": "#B03A2E", "valign": "vcenter"}
    )
    warn = book.add_format(
        {"border": 1, "font_color": "#B03A2E", "valign": "vcenter", "text_wrap": True}
    )
    section = book.add_format({"bold": True, "font_size": 12})
    used = set()
    columns = len(DISPATCH_COLUMNS)
    for sheet in sheets:
        ws = book.add_worksheet(sheet_name(sheet.command[:28] or sheet.command_code, used))
        heading = f"{sheet.command}{sheet.year}年{sheet.month}月援疆项目调度表"
        merge_cells(ws, (0, 0), (0, columns - 1), heading, title)
        ws.set_row(0, 28)
        write_cell(
            ws,
            1,
            0,
            f"在建项目{len(sheet.lines)}个，本月未报送{len(sheet.missing)}个，"
            f"反映问题{len(sheet.problems)}个；资金单位：万元",
            lead,
        )
        write_row(ws, HEADER_ROW, 0, DISPATCH_HEADER_CELLS, head)
        ws.set_row(HEADER_ROW, 32)
        texts: list[list[str]] = [[h] for h in DISPATCH_HEADER]
        for n, line in enumerate(sheet.lines, start=HEADER_ROW + 1):
            write_cell(ws, n, 0, line.code, cell)
            write_cell(ws, n, 1, line.name, cell)
            write_cell(ws, n, 2, line.org, cell)
            write_cell(ws, n, 3, line.status, cell)
            write_cell(ws, n, 4, line.planned_start, day)
            write_cell(ws, n, 5, line.planned_end, day)
            write_cell(ws, n, 6, line.percent_complete, number)
            write_cell(ws, n, 7, line.time_elapsed, number)
            gap = line.gap
            write_cell(ws, n, 8, gap, late if gap is not None and gap < 0 else number)
            write_cell(ws, n, 9, in_wan(line.released), money)
            write_cell(ws, n, 10, in_wan(line.spent), money)
            if line.reported:
                reported = "已报送"
            elif line.percent_complete is None:
                reported = "未报送（无进度记录）"
            else:
                reported = f"未报送（进度为{line.reported_in}数）"
            write_cell(ws, n, 11, reported, cell if line.reported else warn)
            write_cell(ws, n, 12, line.problems, cell)
            for i, text in enumerate((line.code, line.name, line.org, line.status)):
                texts[i].append(text)
            texts[11].append(reported)
        row = len(sheet.lines) + HEADER_ROW + 2
        write_cell(ws, row, 0, "本月未报送月调度的项目", section)
        write_row(ws, row + 1, 0, ["项目编号", "项目名称", "实施单位"], head)
        for n, line in enumerate(sheet.missing, start=row + 2):
            write_cell(ws, n, 0, line.code, cell)
            write_cell(ws, n, 1, line.name, cell)
            write_cell(ws, n, 2, line.org, cell)
        if not sheet.missing:
            write_cell(ws, row + 2, 0, "无", cell)
        last_row = row + 1 + max(1, len(sheet.missing))
        widths = []
        for i, (_, minimum) in enumerate(DISPATCH_COLUMNS):
            widths.append(fit_width(texts[i], minimum) if i in (0, 2, 3, 11) else minimum)
            ws.set_column(i, i, widths[i])
        for n, line in enumerate(sheet.lines, start=HEADER_ROW + 1):
            height = wrapped_height([line.name, line.problems], [widths[1], widths[12]])
            if height:
                ws.set_row(n, height)
        print_setup(
            ws,
            title=heading,
            header_rows=(0, HEADER_ROW),
            columns=columns,
            last_row=last_row,
            freeze_columns=2,
        )
    if not sheets:
        write_cell(book.add_worksheet("月调度"), 0, 0, "本月没有需要调度的项目")
    book.close()
    return buffer.getvalue()


def in_wan(amount: Decimal) -> Decimal:
    """Yuan as 万元, every fen kept (six decimals; the cell shows two)."""
    return (amount / WAN).quantize(Decimal("0.000001"))
