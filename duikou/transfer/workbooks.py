"""Import templates: one .xlsx per record kind, with Chinese headers, drop-down lists for
coded columns and an instructions sheet (说明). Written with xlsxwriter through
``transfer.safe``: organisation names in the drop-downs are database text."""

import io

from .kinds import Column, Kind
from .readers import column_letter
from .safe import workbook, write_cell

TYPE_HELP = {
    "text": "文字",
    "ref": "编号或名称",
    "amount": "金额，单位元；可写 1200万元、238.05亿元、4200余万元（按约数导入）",
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
GENERAL_RULES = [
    "第一行是列名，请勿修改或删除；不需要的选填列可以留空。",
    "每行一条记录；空行会被跳过。单元格中不能有公式，请粘贴为数值。",
    "导入前会检查每一行，问题会列出行号、列名和原因；全部无误并确认后才会写入，"
    "任何一行有问题都不会写入任何数据。",
    "同一文件重复导入不会重复登记：已有记录按识别列匹配，内容未变的保持不变，"
    "内容有变的按修改处理并保留修改记录。",
    "也可以上传 UTF-8 或 GB18030 编码的 CSV 文件，列名与本模板相同。",
]


def template_build(kind: Kind, *, org_names: list[str] | None = None, indicators=None) -> bytes:
    """The template workbook of ``kind``. ``org_names`` (those the user may report for) and
    ``indicators`` (code, name) fill the drop-downs of organisation and indicator columns."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    required = book.add_format(
        {"bold": True, "bg_color": "#FCE8D5", "border": 1, "font_color": "#9C2A00"}
    )
    text_format = book.add_format({"num_format": "@"})
    data = book.add_worksheet(kind.label[:31])
    notes = book.add_worksheet("说明")
    lists = book.add_worksheet("选项")
    lists.hide()

    columns = kind.input_columns()
    list_column = 0
    for index, column in enumerate(columns):
        write_cell(data, 0, index, column.header, required if column.required else header)
        data.set_column(index, index, max(column.width, len(column.header) * 2 + 2))
        if column.type in ("text", "ref"):
            data.set_column(index, index, None, text_format)
        tip = _help(column)
        data.write_comment(0, index, tip, {"x_scale": 2, "y_scale": 1.2})
        options = _options(column, org_names, indicators)
        if options:
            write_cell(lists, 0, list_column, column.header)
            for row, option in enumerate(options, start=1):
                write_cell(lists, row, list_column, option)
            letter = column_letter(list_column)
            source = f"=选项!${letter}$2:${letter}${len(options) + 1}"
            strict = column.type in ("choice", "bool")
            data.data_validation(
                1,
                index,
                50_000,
                index,
                {
                    "validate": "list",
                    "source": source,
                    "error_type": "stop" if strict else "information",
                    "error_title": column.header,
                    "error_message": "请从下拉列表中选择"
                    if strict
                    else "不在列表中，将按名称或编码查找",
                },
            )
            list_column += 1
    data.freeze_panes(1, 0)
    _instructions(book, notes, kind, columns)
    book.close()
    return buffer.getvalue()


def _help(column: Column) -> str:
    parts = ["必填" if column.required else "选填", TYPE_HELP.get(column.type, "")]
    if column.help:
        parts.append(column.help)
    if not column.editable and column.key:
        parts.append("导入后不能通过导入修改")
    return "；".join(p for p in parts if p)


def _options(column: Column, org_names, indicators) -> list[str]:
    if column.type == "choice":
        return [str(label) for _, label in column.choices.choices]
    if column.type == "bool":
        return ["是", "否"]
    if column.type == "org" and org_names:
        return list(org_names)
    if column.key == "indicator" and indicators:
        return [code for code, _name in indicators]
    return []


def _instructions(book, sheet, kind: Kind, columns: list[Column]) -> None:
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
