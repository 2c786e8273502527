"""Export → import changes nothing; three edited cells make exactly three changes."""

from datetime import date
from decimal import Decimal

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.projects.models import BudgetLine, Project
from duikou.transfer.testing import export_table, import_file, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    return factories.user()


def _export(client, user, kind: str, fmt: str = "xlsx") -> bytes:
    client.force_login(user)
    response = client.get(f"/transfer/export/{kind}.{fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_reimporting_an_export_changes_nothing(client, national):
    org = factories.donor_org()
    for n in range(3):
        factories.project(donor_org=org, name=f"往返项目{n}")
    before = ChangeEntry.objects.count()
    record = import_file(user=national, kind="projects", data=_export(client, national, "projects"))
    assert record.status == "committed", record.errors
    assert (record.created, record.updated) == (0, 0)
    assert record.unchanged == Project.objects.count()
    assert ChangeEntry.objects.count() == before


def test_three_edited_cells_make_exactly_three_changes_with_history(client, national):
    org = factories.donor_org()
    projects = [factories.project(donor_org=org, name=f"修改项目{n}") for n in range(4)]
    table = export_table(_export(client, national, "projects"))
    headers = table[0]
    rows = [list(r) for r in table[1:]]
    by_code = {r[headers.index("项目编号")]: r for r in rows}
    by_code[projects[0].code][headers.index("项目名称")] = "改过名字的项目"
    by_code[projects[1].code][headers.index("计划完工")] = "2026年6月30日"
    by_code[projects[2].code][headers.index("援疆资金计划（万元）")] = "120万元"
    before = ChangeEntry.objects.count()
    record = import_file(user=national, kind="projects", data=xlsx_bytes(headers, rows))
    assert record.status == "committed", record.errors
    assert (record.created, record.updated) == (0, 3)
    assert record.unchanged == len(rows) - 3
    entries = list(ChangeEntry.objects.order_by("id")[before:])
    assert len(entries) == 3
    assert {e.entity for e in entries} == {"projects.project", "projects.budgetline"}
    assert [e.source for e in entries if e.entity == "projects.project"] == ["导入", "导入"]
    assert Project.objects.get(pk=projects[0].pk).name == "改过名字的项目"
    assert Project.objects.get(pk=projects[1].pk).planned_end == date(2026, 6, 30)
    line = BudgetLine.objects.get(project=projects[2], fund_source="aid")
    assert line.amount == Decimal("1200000.00")


def test_csv_export_round_trips_too(client, national):
    factories.deal()
    data = _export(client, national, "deals", "csv")
    assert data.startswith("\ufeff".encode())
    record = import_file(user=national, kind="deals", data=data, name="deals.csv")
    assert record.status == "committed", record.errors
    assert record.updated == 0 and record.unchanged >= 1


def test_money_columns_are_exported_in_wan_as_numbers_and_read_back_to_the_fen(client, national):
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    project = factories.project(budgets={"aid": "1234567.89"})
    sheet = load_workbook(io.BytesIO(_export(client, national, "projects"))).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0][0].startswith("援疆项目（") and "金额单位：万元" in table[0][0]
    headers = table[1]
    assert "援疆资金计划（万元）" in headers
    row = next(r for r in table[2:] if r[headers.index("项目编号")] == project.code)
    cell = row[headers.index("援疆资金计划（万元）")]
    assert isinstance(cell, float)  # a number Excel can add up, not text
    assert Decimal(repr(cell)) == Decimal("123.456789")
    record = import_file(user=national, kind="projects", data=_export(client, national, "projects"))
    assert record.status == "committed", record.errors
    assert record.updated == 0  # the fen survive the round trip
