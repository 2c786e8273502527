"""The row cap holds before a sheet is read into memory, and files with macros are refused."""

import io
import zipfile
from pathlib import Path

import pytest

from duikou.core import testing as factories
from duikou.transfer.models import ImportRecord
from duikou.transfer.readers import FileRefused, workbook_measure, workbook_read
from duikou.transfer.services import import_upload
from duikou.transfer.testing import xlsx_bytes

FILES = Path(__file__).parents[2] / "core" / "tests" / "files"  # their README says how made


@pytest.fixture
def cap(settings):
    """A cap of 100 rows (with 200 more for titles, headers and notes): 300 rows pass."""
    settings.DUIKOU_IMPORT_MAX_ROWS = 100
    return 100


@pytest.fixture
def unread(monkeypatch):
    """Calamine, which reads whole sheets, must not be reached."""
    import python_calamine

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


def tall_xlsx(rows: int, *, sheets: int = 1, blank_rows: int = 0) -> bytes:
    """``rows`` rows of figures on the last of ``sheets`` sheets (the others short), and
    ``blank_rows`` rows of formatted empty cells below them."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    border = book.add_format({"border": 1})
    for number in range(1, sheets + 1):
        sheet = book.add_worksheet(f"资金拨付{number}")
        sheet.write_row(0, 0, ["项目名称", "金额（万元）"])
        count = rows if number == sheets else 3
        for r in range(1, count):
            sheet.write_row(r, 0, [f"项目{r}", r])
        for r in range(count, count + blank_rows):
            sheet.write_blank(r, 0, None, border)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "sheet", "rows"),
    [
        (tall_xlsx(401), "台账.xlsx", "资金拨付1", 401),
        (tall_xlsx(350, sheets=3), "台账.xlsx", "资金拨付3", 350),
        ((FILES / "tall.xls").read_bytes(), "台账.xls", "tall", 401),
        ((FILES / "tall.xls").read_bytes(), "台账.et", "tall", 401),
        ((FILES / "tall.ods").read_bytes(), "台账.ods", "tall", 401),
    ],
)
def test_an_over_tall_sheet_is_refused_before_it_is_read(cap, unread, data, name, sheet, rows):
    with pytest.raises(FileRefused) as refused:
        workbook_read(data, name)
    assert str(refused.value) == f"工作表“{sheet}”有{rows}行，超过单次导入上限100行，请拆分后导入"


def test_a_csv_over_the_cap_is_refused_with_its_row_count(cap):
    data = ("项目名称,金额\n" + "项目,1\n" * 500).encode("gb18030")
    with pytest.raises(FileRefused, match=r"^CSV文件有501行，超过单次导入上限100行"):
        workbook_read(data, "台账.csv")


def test_a_sheet_within_the_cap_is_measured_and_read(cap):
    data = tall_xlsx(300)
    assert [(s.name, s.rows) for s in workbook_measure(data, "台账.xlsx")] == [("资金拨付1", 300)]
    assert len(workbook_read(data, "台账.xlsx").sheets[0].cells) == 300


def test_rows_of_formatted_empty_cells_do_not_count(cap):
    """Excel's <dimension> counts them; calamine skips them, so the cap does too."""
    data = tall_xlsx(10, blank_rows=5000)
    assert (
        '<dimension ref="A1:B5010"/>'
        in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    )
    assert workbook_measure(data, "台账.xlsx")[0].rows == 10
    assert len(workbook_read(data, "台账.xlsx").sheets[0].cells) == 10


def test_legacy_and_ods_sheets_are_measured_like_calamine_reads_them(cap):
    for name in ("tall.xls", "tall.ods"):
        data = (FILES / name).read_bytes()
        with pytest.raises(FileRefused):
            workbook_read(data, name)
    for name in ("plain.xls",):
        sizes = workbook_measure((FILES / name).read_bytes(), name)
        assert [(s.name, s.rows) for s in sizes] == [("plain", 2)]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["旧台账.xls", "旧台账.et"])
def test_an_import_of_a_legacy_workbook_with_macros_is_refused(name):
    with pytest.raises(FileRefused) as refused:
        import_upload(
            user=factories.user(),
            kind="projects",
            file_name=name,
            data=(FILES / "macros.xls").read_bytes(),
        )
    assert str(refused.value) == (
        f"文件“{name}”含有宏（VBA宏），为安全起见不能导入；"
        "请在 Excel 或 WPS 中另存为不含宏的 .xlsx 后再导入"
    )
    assert not ImportRecord.objects.exists()


@pytest.mark.django_db
def test_an_import_of_an_xlsm_holding_a_vba_project_is_refused():
    data = xlsx_bytes(["项目名称"], [["甲"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for part in source.namelist():
            package.writestr(part, source.read(part))
        package.writestr("xl/vbaProject.bin", (FILES / "macros.xls").read_bytes())
    with pytest.raises(FileRefused, match=r"^文件“台账\.xlsm”含有宏（VBA宏）"):
        import_upload(
            user=factories.user(), kind="projects", file_name="台账.xlsm", data=buffer.getvalue()
        )


@pytest.mark.django_db
def test_an_xlsm_without_macros_and_a_plain_xls_are_imported():
    user = factories.user()
    record = import_upload(
        user=user,
        kind="projects",
        file_name="台账.xlsm",
        data=xlsx_bytes(["项目名称", "项目地点"], [["甲", "伊宁市"]]),
    )
    assert record.status == "uploaded"
    record = import_upload(
        user=user, kind="projects", file_name="旧台账.xls", data=(FILES / "plain.xls").read_bytes()
    )
    assert record.sheets == ["plain"] and record.rows == 1
