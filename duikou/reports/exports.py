"""Exports of selector rows: compliance as CSV, the monthly dispatch as XLSX.

Both write through ``transfer.safe``, so names and comments that start like a formula open
as text."""

import io

from duikou.core.money import WAN
from duikou.transfer.safe import csv_writer, sheet_name, workbook, write_cell, write_row

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


DISPATCH_HEADER = [
    "项目编号",
    "项目名称",
    "实施单位",
    "状态",
    "计划开工",
    "计划完工",
    "形象进度（%）",
    "时间进度（%）",
    "进度差（百分点）",
    "累计下达（万元）",
    "累计支出（万元）",
    "本月是否报送",
    "存在问题",
]


def dispatch_xlsx(sheets: list[DispatchSheet]) -> bytes:
    """One worksheet per command: the projects, then those that did not report."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#F2E6E4", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "0.00"})
    warn = book.add_format({"border": 1, "font_color": "#B03A2E"})
    used = set()
    for sheet in sheets:
        ws = book.add_worksheet(sheet_name(sheet.command[:28] or sheet.command_code, used))
        write_cell(ws, 0, 0, f"{sheet.command}{sheet.year}年{sheet.month}月援疆项目调度表", title)
        write_cell(
            ws,
            1,
            0,
            f"在建项目{len(sheet.lines)}个，本月未报送{len(sheet.missing)}个，"
            f"反映问题{len(sheet.problems)}个",
        )
        write_row(ws, 3, 0, DISPATCH_HEADER, head)
        for n, line in enumerate(sheet.lines, start=4):
            write_cell(ws, n, 0, line.code, cell)
            write_cell(ws, n, 1, line.name, cell)
            write_cell(ws, n, 2, line.org, cell)
            write_cell(ws, n, 3, line.status, cell)
            write_cell(ws, n, 4, f"{line.planned_start:%Y-%m-%d}", cell)
            write_cell(ws, n, 5, f"{line.planned_end:%Y-%m-%d}", cell)
            if line.percent_complete is None:
                write_cell(ws, n, 6, "未报", warn)
            else:
                write_cell(ws, n, 6, line.percent_complete, number)
            write_cell(ws, n, 7, line.time_elapsed, number)
            if line.gap is None:
                write_cell(ws, n, 8, None, cell)
            else:
                write_cell(ws, n, 8, line.gap, warn if line.gap < 0 else number)
            write_cell(ws, n, 9, line.released / WAN, number)
            write_cell(ws, n, 10, line.spent / WAN, number)
            reported = (
                "是"
                if line.reported
                else "否" + (f"（最近报送{line.reported_in}）" if line.reported_in else "")
            )
            write_cell(ws, n, 11, reported, cell if line.reported else warn)
            write_cell(ws, n, 12, line.problems, cell)
        row = len(sheet.lines) + 6
        write_cell(ws, row, 0, "本月未报送月调度的项目", title)
        for n, line in enumerate(sheet.missing, start=row + 1):
            write_cell(ws, n, 0, line.code)
            write_cell(ws, n, 1, line.name)
            write_cell(ws, n, 2, line.org)
        ws.set_column(0, 0, 20)
        ws.set_column(1, 1, 36)
        ws.set_column(2, 2, 16)
        ws.set_column(3, 11, 12)
        ws.set_column(12, 12, 30)
    if not sheets:
        write_cell(book.add_worksheet("月调度"), 0, 0, "本月没有需要调度的项目")
    book.close()
    return buffer.getvalue()
