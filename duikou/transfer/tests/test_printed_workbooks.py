"""Every workbook the platform writes, read back as an office opens and prints it: a title
row, a frozen header repeated on every page, landscape one page wide with page numbers (A4,
or A3 for a sheet too wide to read on A4, its key columns repeated),
columns as wide as what they hold, typed dates and numbers, names beside codes, and (in
templates) a drop-down or a check on every cell that has rules. On the demo ledger."""

import csv
import io
from datetime import datetime

import openpyxl
import pytest

from duikou.core.demo import demo_load
from duikou.core.testing import user
from duikou.orgs.models import Organisation
from duikou.projects.models import Project
from duikou.transfer.kinds import KINDS
from duikou.transfer.sheets import READABLE, text_width
from duikou.transfer.testing import import_file

pytestmark = pytest.mark.django_db


def printable(ws, *, header_row: int) -> list:
    """Check the print set-up and frozen header of ``ws`` (header on 1-based ``header_row``);
    returns the header's values."""
    assert ws["A1"].value, f"{ws.title}: no title row"
    assert ws.freeze_panes.endswith(str(header_row + 1)), (ws.title, ws.freeze_panes)
    assert ws.page_setup.orientation == "landscape", ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    # As many pages down as needed; one page wide (1 is what an absent fitToWidth means)
    # unless even A3 would then print too small to read.
    across = int(ws.page_setup.fitToWidth or 1)
    assert int(ws.page_setup.fitToHeight) == 0
    paper, scale = print_scale(ws)
    # A4 unless one A4 page wide would print too small to read; then A3, still readable.
    assert paper == "A4" or print_scale(ws, paper="A4", across=1)[1] < READABLE, ws.title
    assert across == 1 or print_scale(ws, across=1)[1] < READABLE, (ws.title, across)
    assert scale >= READABLE, (ws.title, paper, scale)
    if across > 1:
        assert ws.print_title_cols, ws.title  # each page across says which record a row is
    assert ws.print_title_rows and ws.print_title_rows.endswith(f"{header_row}"), ws.title
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    return [c.value for c in ws[header_row]]


PAPERS = {"9": "A4", "8": "A3"}
PRINTABLE_MM = {"A4": 297 - 25.4, "A3": 420 - 25.4}  # landscape, less half-inch margins


def print_scale(ws, *, paper: str | None = None, across: int | None = None):
    """(paper, scale): the paper a sheet is set to print on and the scale fit-to-width uses
    there, the pages across over the printed width of its columns (a stored width of w
    characters is 7·w pixels at 96 an inch) and of the key columns repeated on each page
    after the first; never above 100%. ``paper`` and ``across`` ask what another set-up
    would give."""
    paper = paper or PAPERS[str(ws.page_setup.paperSize)]
    across = across or int(ws.page_setup.fitToWidth or 1)
    widths = column_widths(ws)
    last = max(ws.max_column, max(widths, default=0))
    inches = [(widths.get(i) or 8.43) * 7 / 96 for i in range(1, last + 1)]
    repeated = 0
    if ws.print_title_cols:
        repeated = openpyxl.utils.column_index_from_string(ws.print_title_cols.split(":")[1][1:])
    printed = sum(inches) + (across - 1) * sum(inches[:repeated])
    return paper, min(1.0, across * PRINTABLE_MM[paper] / 25.4 / printed)


def column_widths(ws) -> dict[int, float]:
    """Widths by 1-based column; a <col> element may cover several columns of one width."""
    widths = {}
    for dimension in ws.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            widths[index] = dimension.width
    return widths


def widths_fit(ws, *, header_row: int) -> None:
    """No column narrower than its widest short cell (codes, names, dates); headers wrap."""
    widths = column_widths(ws)
    for column in ws.iter_cols(min_row=header_row + 1):
        width = widths.get(column[0].column, 8.43)
        short = [text_width(c.value) for c in column if text_width(c.value) <= 40]
        assert width >= max(short, default=0) + 1, (ws.title, column[0].value, width)


@pytest.fixture
def demo(client):
    demo_load()
    national = user()
    client.force_login(national)
    return national


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_export_has_a_title_a_frozen_header_print_setup_and_widths_that_fit(client, demo):
    for key, kind in KINDS.items():
        book = openpyxl.load_workbook(io.BytesIO(_download(client, f"/transfer/export/{key}.xlsx")))
        ws = book.active
        assert ws["A1"].value.startswith(f"{kind.label}（") and "导出" in ws["A1"].value
        header = printable(ws, header_row=2)
        widths_fit(ws, header_row=2)
        for column in kind.columns:
            if column.type == "date":
                position = header.index(column.header) + 1
                cells = [r[position - 1] for r in ws.iter_rows(min_row=3, values_only=True)]
                assert all(c is None or isinstance(c, datetime) for c in cells), (
                    key,
                    column.header,
                )
            if column.type == "org":
                assert f"{column.header}名称" in header, (key, column.header)


def test_the_project_export_shows_names_beside_codes_and_money_released_disbursed_spent(
    client, demo
):
    ws = openpyxl.load_workbook(
        io.BytesIO(_download(client, "/transfer/export/projects.xlsx"))
    ).active
    header = [c.value for c in ws[2]]
    plan = header.index("援疆资金计划（万元）")
    assert header[plan + 1 : plan + 4] == [
        "援疆资金下达（万元）",
        "援疆资金拨付（万元）",
        "援疆资金支出（万元）",
    ]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    project = Project.objects.filter(transactions__kind="spend").first()
    row = rows[project.code]
    org = header.index("实施援疆机构")
    assert row[org] == project.donor_org.code and row[org + 1] == project.donor_org.name
    assert all(isinstance(row[plan + n], (int, float)) for n in (0, 3))
    spent = sum(t.amount for t in project.transactions.filter(kind="spend", fund_source="aid"))
    assert round(row[plan + 3] * 10_000, 2) == float(spent)
    code = header.index("项目编号")
    assert column_widths(ws)[code + 1] >= max(len(c) for c in rows) + 1


def test_the_wide_project_export_prints_readably_on_two_a3_pages_across_with_code_and_name_on_each(
    client, demo
):
    ws = openpyxl.load_workbook(
        io.BytesIO(_download(client, "/transfer/export/projects.xlsx"))
    ).active
    assert ws.max_column >= 25
    # one A4 page wide, even one A3 page wide, would print too small to read
    assert print_scale(ws, paper="A4", across=1)[1] < print_scale(ws, across=1)[1] < READABLE
    assert ws.page_setup.paperSize in (8, "8")  # A3
    assert int(ws.page_setup.fitToWidth) == 2 and print_scale(ws)[1] >= READABLE
    assert [c.value for c in ws[2]][:2] == ["项目编号", "项目名称"]
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$2:$2"
    assert ws.freeze_panes == "C3"  # code and name stay in view while scrolling right


def test_a_narrow_export_stays_on_a4_and_repeats_its_code_column(client, demo):
    ws = openpyxl.load_workbook(
        io.BytesIO(_download(client, "/transfer/export/fund_transactions.xlsx"))
    ).active
    assert ws.page_setup.paperSize in (9, "9")  # A4
    assert ws.print_title_cols == "$A:$A" and ws.freeze_panes == "B3"


def test_a_sheet_too_wide_for_a3_runs_across_pages_repeating_its_key_columns():
    from duikou.transfer.sheets import A3, A4, PRINTABLE, paper_for

    assert paper_for([60.0] * 10) == (A4, 1)
    assert paper_for([60.0] * 30) == (A3, 1)
    across = paper_for([100.0, 200.0] + [100.0] * 60, repeated=2)
    assert across[0] == A3 and across[1] >= 2
    # each page: the two key columns and its share of the rest, still at a readable scale
    share = (sum([100.0] * 60)) / across[1]
    assert (300 + share) * READABLE <= PRINTABLE[A3]


def test_a_csv_export_keeps_long_digit_strings_as_text(client, demo):
    content = _download(client, "/transfer/export/members.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    ids = [r[rows[0].index("身份证号")] for r in rows[1:]]
    assert ids and all(not i.isdigit() for i in ids)  # masked or ="…": never a bare number
    from duikou.transfer.safe import csv_text

    assert csv_text("110101199003071234") == '="110101199003071234"'
    assert csv_text("0991") == '="0991"' and csv_text("2025") == "2025"
    assert csv_text("11010119900307123X") == "11010119900307123X"


def test_every_template_has_a_title_checks_on_dates_and_money_and_a_drop_down_for_every_name(
    client, demo
):
    for key, kind in KINDS.items():
        book = openpyxl.load_workbook(
            io.BytesIO(_download(client, f"/transfer/templates/{key}.xlsx"))
        )
        ws = book.worksheets[0]
        assert "导入模板" in ws["A1"].value
        header = printable(ws, header_row=2)
        columns = kind.input_columns()
        assert header == [c.header for c in columns]
        rules = {}
        for validation in ws.data_validations.dataValidation:
            for cell_range in validation.sqref.ranges:
                rules[cell_range.min_col - 1] = validation
        for index, column in enumerate(columns):
            rule = rules.get(index)
            if column.type in ("choice", "bool", "org", "region", "ref"):
                assert rule is not None and rule.type == "list", (key, column.header)
            elif column.type == "date":
                assert rule is not None and rule.type == "date", (key, column.header)
            elif column.type == "amount":
                assert rule is not None and rule.type == "decimal", (key, column.header)
            if rule is not None:
                assert min(r.min_row for r in rule.sqref.ranges) == 3
            comment = ws.cell(2, index + 1).comment.text
            parts = comment.split("；")
            assert len(parts) == len(set(parts)), (key, comment)
            if column.key in ("plan_year", "year", "month"):
                assert "1.2万" not in comment, (key, comment)
        if key == "projects":
            widths = column_widths(ws)
            for header_text in ("项目名称", "项目简介"):
                assert widths[header.index(header_text) + 1] >= 30


def test_a_filled_in_template_imports(client, demo):
    org = Organisation.objects.get(code="FC-350000")
    content = _download(client, "/transfer/templates/projects.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book.worksheets[0]
    header = [c.value for c in ws[2]]
    filled = {
        "项目编号": "TPL-2026-001",
        "项目名称": "模板导入的项目",
        "实施援疆机构": org.name,
        "项目地点": "昌吉市",
        "行业领域": "教育",
        "计划开工": datetime(2026, 3, 1),
        "计划完工": datetime(2026, 11, 30),
        "援疆资金计划（元）": 1_200_000,
    }
    for name, value in filled.items():
        ws.cell(3, header.index(name) + 1, value)
    saved = io.BytesIO()
    book.save(saved)
    record = import_file(user=demo, kind="projects", data=saved.getvalue(), name="填好的模板.xlsx")
    assert record.status == "committed", record.errors
    assert Project.objects.get(code="TPL-2026-001").name == "模板导入的项目"


def test_the_compliance_workbook_prints_with_its_title_and_numbers(client, demo):
    content = _download(client, "/reports/compliance/?year=2025&format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert "合规检查" in ws["A1"].value
    header = printable(ws, header_row=2)
    assert header[:4] == ["援疆省市", "年度", "检查项", "数值"]
    values = [r[3] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert values and all(v is None or isinstance(v, (int, float)) for v in values)
    widths_fit(ws, header_row=2)
    for row in ws.iter_rows(min_row=3):
        # counts of projects and deals print whole ("3", not "3.00"); shares to two places
        expected = "0" if row[2].value in ("项目进度滞后", "招商项目停滞") else "0.00"
        assert row[3].number_format == expected, (row[2].value, row[3].number_format)
        # a row of several offenders is as tall as its lines: LibreOffice would cut them off
        offenders = (row[7].value or "").count("\n") + 1
        if offenders > 1:
            assert ws.row_dimensions[row[0].row].height >= 15 * offenders, row[0].row


def test_the_dispatch_header_wraps_before_its_units():
    from duikou.reports.exports import DISPATCH_HEADER_CELLS

    assert "累计下达\n（万元）" in DISPATCH_HEADER_CELLS
    assert "进度差\n（百分点）" in DISPATCH_HEADER_CELLS
    assert "项目名称" in DISPATCH_HEADER_CELLS


def test_reference_list_exports_print_too(client, demo):
    for url in ("/orgs/?format=xlsx", "/regions/?format=xlsx", "/orgs/pairings/?format=xlsx"):
        ws = openpyxl.load_workbook(io.BytesIO(_download(client, url))).active
        printable(ws, header_row=2)
        widths_fit(ws, header_row=2)
