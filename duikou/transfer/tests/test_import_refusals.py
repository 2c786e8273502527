"""Bad input is refused with a clear Chinese message, and nothing is written."""

import io
import zipfile
from datetime import date

import pytest

from duikou.core import testing as factories
from duikou.projects.models import Project
from duikou.results.models import Value
from duikou.transfer.models import ImportRecord
from duikou.transfer.readers import FileRefused
from duikou.transfer.services import import_upload
from duikou.transfer.testing import import_file, xlsx_bytes

pytestmark = pytest.mark.django_db

PROJECT_HEADERS = [
    "项目编号",
    "项目名称",
    "实施援疆机构",
    "项目地点",
    "行业领域",
    "计划开工",
    "计划完工",
]


@pytest.fixture
def national():
    return factories.user()


@pytest.fixture
def org():
    return factories.donor_org()


def project_row(org, code="IMP-1", **changes):
    row = {
        "项目编号": code,
        "项目名称": "导入测试项目",
        "实施援疆机构": org.code,
        "项目地点": "昌吉市",
        "行业领域": "医疗卫生",
        "计划开工": "2025年3月12日",
        "计划完工": "2025-12-31",
    }
    row.update(changes)
    return [row[h] for h in PROJECT_HEADERS]


def refused(user, data: bytes, name: str = "x.xlsx") -> str:
    with pytest.raises(FileRefused) as caught:
        import_upload(user=user, kind="projects", file_name=name, data=data)
    assert not ImportRecord.objects.exists()
    return str(caught.value)


def test_a_file_that_is_not_a_spreadsheet_is_refused(national):
    assert "不是电子表格" in refused(national, b"%PDF-1.7 not a sheet", "report.pdf")


def test_a_corrupt_xlsx_is_refused(national):
    data = xlsx_bytes(PROJECT_HEADERS, [])
    assert "损坏" in refused(national, data[: len(data) // 2])


def test_an_encrypted_xlsx_is_refused(national):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert "加密" in refused(national, ole)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(national):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert "压缩炸弹" in refused(national, buffer.getvalue())


def test_a_file_over_the_size_limit_is_refused(national, settings):
    settings.DUIKOU_IMPORT_MAX_BYTES = 1000
    assert "超过上限" in refused(national, xlsx_bytes(PROJECT_HEADERS, [["x"] * 7] * 50))


def test_unknown_columns_are_ignored_and_a_missing_required_one_is_named(national, org):
    headers = [h if h != "项目地点" else "备忘（改名）" for h in PROJECT_HEADERS]
    record = import_file(
        user=national, kind="projects", data=xlsx_bytes(headers, [project_row(org)])
    )
    assert record.status == "invalid"
    ignored = [c["header"] for c in record.mapping["columns"] if not c["key"]]
    assert ignored == ["备忘（改名）"]
    assert {(e["header"], e["message"]) for e in record.errors} == {
        ("项目地点", "文件中没有这一必填列：请指定对应的列，或填写所有行共用的值")
    }
    assert not Project.objects.filter(code="IMP-1").exists()


def test_a_formula_cell_imports_its_saved_result(national, org):
    data = xlsx_bytes(
        PROJECT_HEADERS, [project_row(org), project_row(org, "IMP-2")], formulas={(1, 1): "=A2&A3"}
    )
    record = import_file(user=national, kind="projects", data=data)
    assert record.status == "committed", record.errors
    assert Project.objects.get(code="IMP-2").name == "42"  # the value the file saved


def test_a_formula_saved_without_its_result_is_refused_with_row_and_column(national, org):
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, PROJECT_HEADERS)
    sheet.write_row(1, 0, project_row(org))
    sheet.write_row(2, 0, project_row(org, "IMP-2"))
    sheet.write_formula(2, 1, "=A2&A3", None, "")
    book.close()
    record = import_file(user=national, kind="projects", data=buffer.getvalue())
    assert record.status == "invalid"
    assert [(e["line"], e["header"]) for e in record.errors] == [(3, "项目名称")]
    assert "没有保存计算结果" in record.errors[0]["message"]
    assert not Project.objects.filter(code__startswith="IMP-").exists()


def test_cells_as_users_type_them_are_read(national, org):
    rows = [
        project_row(org, "IMP-1", 计划开工="2025.3"),
        project_row(org, "IMP-2", 项目地点="652301"),
    ]
    headers = [*PROJECT_HEADERS, "援疆资金计划（元）"]
    rows[0].append("238.05亿元")
    rows[1].append("4200余万元")
    record = import_file(user=national, kind="projects", data=xlsx_bytes(headers, rows))
    assert record.status == "committed", record.errors
    first, second = Project.objects.get(code="IMP-1"), Project.objects.get(code="IMP-2")
    assert first.planned_start == date(2025, 3, 1)
    assert str(first.budget_lines.get().amount) == "23805000000.00"
    assert str(second.budget_lines.get().amount) == "42000000.00"
    assert second.region.code == "652301"
    assert any("约数" in n["message"] for n in record.notes)


def test_every_problem_is_listed_and_nothing_is_written(national, org):
    rows = [
        project_row(org, "IMP-1"),
        project_row(org, "IMP-2", 行业领域="航天"),
        project_row(org, "IMP-3", 计划完工="2024-01-01"),
        project_row(org, "IMP-4", 项目地点="不存在的县"),
    ]
    record = import_file(user=national, kind="projects", data=xlsx_bytes(PROJECT_HEADERS, rows))
    assert record.status == "invalid"
    where = {(e["line"], e["header"]) for e in record.errors}
    assert where == {(3, "行业领域"), (4, "计划完工"), (5, "项目地点")}
    assert all(e["message"] for e in record.errors)
    assert not Project.objects.filter(code__startswith="IMP-").exists()


def test_a_read_only_role_cannot_import_for_an_organisation(org):
    auditor = factories.user(role="auditor")
    record = import_file(
        user=auditor, kind="projects", data=xlsx_bytes(PROJECT_HEADERS, [project_row(org)])
    )
    assert record.status == "invalid"
    assert "无权" in record.errors[0]["message"]


def test_a_gb18030_csv_is_read(national, org):
    lines = [",".join(PROJECT_HEADERS), ",".join(project_row(org, "IMP-GB"))]
    data = "\r\n".join(lines).encode("gb18030")
    record = import_file(user=national, kind="projects", data=data, name="项目.csv")
    assert record.status == "committed", record.errors
    assert Project.objects.get(code="IMP-GB").name == "导入测试项目"


def test_one_bad_row_near_the_end_of_100000_values_writes_nothing(national, settings):
    # Checked inline here; the worker path is tested apart.
    settings.DUIKOU_IMPORT_SYNC_ROWS = 200_000
    settings.DUIKOU_IMPORT_SYNC_BYTES = 50 * 1024 * 1024
    from duikou.results.models import Indicator

    indicator = Indicator.objects.filter(kind="stored", frequency__in=["month", "any"]).first()
    org = factories.donor_org()
    lines = ["指标,填报机构,地点,期间,数值,分组"]
    for n in range(100_000):
        year, month = 2000 + n // 12 % 25, n % 12 + 1
        value = "很多" if n == 99_990 else "5"
        lines.append(f"{indicator.code},{org.code},652301,{year}-{month:02d},{value},组{n // 300}")
    data = "\n".join(lines).encode()
    record = import_file(user=national, kind="values", data=data, name="values.csv")
    assert record.status == "invalid"
    assert record.errors == [{"line": 99_992, "header": "数值", "message": "“很多”不是数字"}]
    assert not Value.objects.filter(indicator=indicator, org=org).exists()


def test_a_figure_with_its_own_wan_is_refused_for_an_indicator_counted_in_wan(national):
    from duikou.results.models import Indicator

    in_wan = Indicator.objects.create(
        code="TEST_WAN_MU", name_zh="测试改造面积", unit="万亩", frequency="any"
    )
    in_people = Indicator.objects.create(
        code="TEST_PEOPLE", name_zh="测试培训人数", unit="人", frequency="any"
    )
    org = factories.donor_org()
    lines = [
        "指标,填报机构,地点,期间,数值",
        f"{in_wan.code},{org.code},652301,2025,1.2万",
    ]
    record = import_file(
        user=national, kind="values", data="\n".join(lines).encode(), name="values.csv"
    )
    assert record.status == "invalid"
    (error,) = record.errors
    assert (error["line"], error["header"]) == (2, "数值")
    assert "不能确定所指数量" in error["message"] and in_wan.unit in error["message"]
    assert not Value.objects.filter(indicator=in_wan).exists()

    lines[1] = f"{in_people.code},{org.code},652301,2025,1.2万"
    record = import_file(
        user=national, kind="values", data="\n".join(lines).encode(), name="values.csv"
    )
    assert record.status == "committed", record.errors
    assert Value.objects.get(indicator=in_people).value == 12000
