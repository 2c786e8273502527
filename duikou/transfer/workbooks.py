"""Import templates: one .xlsx per record kind, with Chinese headers, drop-down lists for
every column that names something, checks on dates and amounts and an instructions sheet
(说明). Written with xlsxwriter through
``transfer.safe``: organisation names in the drop-downs are database text."""

import io
from datetime import date

from .kinds import Column, Kind
from .readers import column_letter
from .safe import workbook, write_cell
from .sheets import fit_width, key_columns, print_setup

TYPE_HELP = {
    "text": "文字",
    "ref": "编号或名称",
    "idno": "18位身份证号，按文字填写",
    "amount": "金额，单位见列名；可写 1200万元、238.05亿元、4200余万元（按约数导入）",
    "int": "整数；可写 1.2万",
    "decimal": "数字",
    "number": "数字；可写 1.2万、4200余",
    "date": "日期：2025-03-12、2025年3月12日、2025/3/12；2025.3 表示当月1日",
    "bool": "填“是”或“否”",
    "choice": "从下拉列表中选择",
    "region": "区划名称、简称或6位区划代码",
    "org": "机构全称、简称或机构编码",
    "period": "期间：2025、2025Q3、2025年第3季度、2025-03、2025-01-01..2025-06-30",
}
# Whole numbers that are not counts: a year or a month is never written 1.2万.
CALENDAR_HELP = {
    "year": "四位年份，如 2025",
    "month": "月份，1 到 12",
    "plan_year": "四位年份，如 2025",
}
TITLE_ROW, HEADER_ROW = 0, 1
LAST_ROW = 50_000
GENERAL_RULES = [
    "第1行是标题，第2行是列名，请勿修改或删除；从第3行起填写，不需要的选填列可以留空。",
    "每行一条记录；空行会被跳过。单元格中不能有公式，请粘贴为数值。",
    "导入前会检查每一行，问题会列出行号、列名和原因；全部无误并确认后才会写入，"
    "任何一行有问题都不会写入任何数据。",
    "同一文件重复导入不会重复登记：已有记录按识别列匹配，内容未变的保持不变，"
    "内容有变的按修改处理并保留修改记录。",
    "也可以上传 UTF-8 或 GB18030 编码的 CSV 文件，列名与本模板相同。",
]


def template_build(kind: Kind, *, options: dict[str, list[str]] | None = None) -> bytes:
    """The template workbook of ``kind``: a title row, the header (required columns marked,
    each with its help as a comment), drop-downs for every column that names something
    (``options``: column key → what the user may name there, from
    ``selectors.template_options``), checks on date, money and whole-number cells, and
    print set-up; the 说明 sheet repeats every column's help."""
    options = options or {}
    buffer = io.BytesIO()
    book = workbook(buffer)
    title = book.add_format({"bold": True, "font_size": 14, "valign": "vcenter"})
    header = book.add_format(
        {"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    required = book.add_format(
        {
            "bold": True,
            "bg_color": "#FCE8D5",
            "border": 1,
            "font_color": "#9C2A00",
            "text_wrap": True,
            "valign": "vcenter",
        }
    )
    formats = {
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "amount": book.add_format({"num_format": "#,##0.00"}),
    }
    data = book.add_worksheet(kind.label[:31])
    notes = book.add_worksheet("说明")
    lists = book.add_worksheet("选项")
    lists.hide()

    columns = kind.input_columns()
    heading = f"{kind.label}导入模板"
    write_cell(
        data,
        TITLE_ROW,
        0,
        f"{heading}（第2行为列名，请勿修改；橙色列必填；从第3行起每行一条）",
        title,
    )
    data.set_row(TITLE_ROW, 24)
    data.set_row(HEADER_ROW, 30)
    list_column = 0
    for index, column in enumerate(columns):
        write_cell(data, HEADER_ROW, index, column.header, required if column.required else header)
        # Width and cell format in one call: a second set_column would reset the width.
        cell_format = formats.get(_format_kind(column))
        data.set_column(index, index, _width(column, options.get(column.key)), cell_format)
        data.write_comment(HEADER_ROW, index, _help(column), {"x_scale": 2, "y_scale": 1.2})
        choices = _options(column, options)
        if choices:
            write_cell(lists, 0, list_column, column.header)
            for row, option in enumerate(choices, start=1):
                write_cell(lists, row, list_column, option)
            letter = column_letter(list_column)
            source = f"=选项!${letter}$2:${letter}${len(choices) + 1}"
            data.data_validation(HEADER_ROW + 1, index, LAST_ROW, index, _list_rule(column, source))
            list_column += 1
        else:
            rule = _value_rule(column)
            if rule:
                data.data_validation(HEADER_ROW + 1, index, LAST_ROW, index, rule)
    print_setup(
        data,
        title=heading,
        header_rows=(TITLE_ROW, HEADER_ROW),
        columns=len(columns),
        freeze_columns=key_columns([c.header for c in columns]),
    )
    _instructions(book, notes, kind, columns, options)
    book.close()
    return buffer.getvalue()


def _format_kind(column: Column) -> str:
    if column.type in ("text", "ref", "idno"):
        return "text"  # 身份证号 and codes stay text: Excel would turn them into numbers
    if column.type == "date":
        return "date"
    if column.type == "amount":
        return "amount"
    return ""


def _width(column: Column, choices: list[str] | None) -> float:
    """Wide enough for the header and the longest choice; names and descriptions wider."""
    return fit_width([column.header, *(choices or [])[:500]], column.width, maximum=40)


def _list_rule(column: Column, source: str) -> dict:
    """A drop-down: strict where only the listed labels can be read (choices, 是/否), a
    reminder where a name or code not listed is still looked up."""
    strict = column.type in ("choice", "bool")
    return {
        "validate": "list",
        "source": source,
        "error_type": "stop" if strict else "information",
        "error_title": column.header[:32],
        "error_message": "请从下拉列表中选择" if strict else "不在列表中，导入时将按名称或编码查找",
    }


def _value_rule(column: Column) -> dict | None:
    """Checks on dates, money and whole numbers. A warning, not a refusal: the importer
    also reads 2025年3月12日 and 1200万元, which a spreadsheet's check cannot."""
    common = {"error_type": "warning", "error_title": column.header[:32]}
    if column.type == "date":
        return {
            **common,
            "validate": "date",
            "criteria": "between",
            "minimum": date(1990, 1, 1),
            "maximum": date(2100, 12, 31),
            "input_title": "日期",
            "input_message": "如 2025-03-12",
            "error_message": "不是日期。请填写如 2025-03-12；写成“2025年3月12日”也能导入。",
        }
    if column.type == "amount":
        return {
            **common,
            "validate": "decimal",
            "criteria": "between",
            "minimum": -1e13,
            "maximum": 1e13,
            "error_message": "不是金额数字。请填写数字，单位见列名；写成“1200万元”也能导入。",
        }
    if column.key == "month":
        return {
            **common,
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 12,
            "error_message": "月份应为 1 到 12 的整数",
        }
    if column.key in CALENDAR_HELP:
        return {
            **common,
            "validate": "integer",
            "criteria": "between",
            "minimum": 1990,
            "maximum": 2100,
            "error_message": "年份应为四位数，如 2025",
        }
    if column.type == "int":
        return {
            **common,
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "应为整数；写成“1.2万”也能导入。",
        }
    return None


def _help(column: Column) -> str:
    """必填/选填, how a cell of this type is written, and the column's own note, each once."""
    kind_help = CALENDAR_HELP.get(column.key) or TYPE_HELP.get(column.type, "")
    parts = ["必填" if column.required else "选填", kind_help]
    if column.help and column.help not in kind_help:
        parts.append(column.help)
    if not column.editable and column.key:
        parts.append("导入后不能通过导入修改")
    return "；".join(p for p in parts if p)


def _options(column: Column, options: dict[str, list[str]]) -> list[str]:
    if column.type == "choice":
        return [str(label) for _, label in column.choices.choices]
    if column.type == "bool":
        return ["是", "否"]
    return list(options.get(column.key) or [])


def _instructions(book, sheet, kind: Kind, columns: list[Column], options) -> None:
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 8)
    sheet.set_column(2, 2, 70)
    sheet.set_column(3, 3, 40)
    write_cell(sheet, 0, 0, f"{kind.label}导入模板说明", title)
    row = 2
    for rule in [kind.instructions, *GENERAL_RULES]:
        if rule:
            sheet.merge_range(row, 0, row, 3, "", wrap)
            write_cell(sheet, row, 0, f"• {rule}", wrap)
            sheet.set_row(row, 32)
            row += 1
    row += 1
    for index, text in enumerate(("列名", "必填", "填写说明", "可选值")):
        write_cell(sheet, row, index, text, bold)
    for column in columns:
        row += 1
        write_cell(sheet, row, 0, column.header, wrap)
        write_cell(sheet, row, 1, "是" if column.required else "", wrap)
        write_cell(sheet, row, 2, _help(column), wrap)
        if column.type == "choice":
            write_cell(sheet, row, 3, "、".join(str(x) for _, x in column.choices.choices), wrap)
        elif column.type == "bool":
            write_cell(sheet, row, 3, "是、否", wrap)
        elif options.get(column.key):
            write_cell(sheet, row, 3, "见下拉列表", wrap)
    print_setup(sheet, title=f"{kind.label}导入模板说明", header_rows=(0, 0), columns=4)
