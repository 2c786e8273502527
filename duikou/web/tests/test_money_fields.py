"""Money fields of the forms read amounts as the importer does, and refuse estimates."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core.money import MoneyFormField
from duikou.projects.models import BudgetLine, Project

from .test_forms import _project_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("500万", "5000000.00"),
        ("1.2亿元", "120000000.00"),
        ("1,234.50元", "1234.50"),
        ("4200万元", "42000000.00"),
        ("１２３４", "1234.00"),  # full-width digits
        ("88", "88.00"),  # a plain number is yuan
    ],
)
def test_a_money_field_reads_what_the_importer_reads(typed, yuan):
    assert MoneyFormField().clean(typed) == Decimal(yuan)


@pytest.mark.parametrize("typed", ["4200余万元", "约300万", "近1亿元", "100多万"])
def test_a_money_field_refuses_an_approximate_amount(typed):
    with pytest.raises(ValidationError) as error:
        MoneyFormField().clean(typed)
    assert "是约数，请填写准确金额" in error.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("很多", "不是有效的金额"), ("12美元", "金额单位“美元”无法识别"), ("1.234元", "精确到分")],
)
def test_a_money_field_says_in_chinese_why_it_refuses(typed, reason):
    with pytest.raises(ValidationError) as error:
        MoneyFormField().clean(typed)
    assert reason in error.value.messages[0]


def test_a_blank_optional_money_field_is_none_or_its_empty_value():
    assert MoneyFormField(required=False).clean("") is None
    assert MoneyFormField(required=False, empty_value=Decimal("0.00")).clean(" ") == Decimal("0")


def test_a_project_budget_typed_in_wan_is_stored_in_yuan(client, portfolio):
    client.force_login(portfolio["writer"])
    response = client.post("/projects/new/", _project_form(portfolio, budget_aid="500万"))
    assert response.status_code == 302
    line = BudgetLine.objects.get(project__code="WEB-001", fund_source="aid")
    assert line.amount == Decimal("5000000.00")


def test_an_approximate_budget_is_refused_beside_its_field_and_nothing_is_stored(client, portfolio):
    client.force_login(portfolio["writer"])
    response = client.post("/projects/new/", _project_form(portfolio, budget_aid="4200余万元"))
    page = response.content.decode()
    assert response.status_code == 400
    field = page[page.index('id="field-budget_aid"') :]
    assert "“4200余万元”是约数" in field[: field.index("</div>")]
    assert not Project.objects.filter(code="WEB-001").exists()


def _field_errors(page: str, name: str) -> str:
    field = page[page.index(f'id="field-{name}"') :]
    return field[: field.index("</div>")]


def test_every_bad_field_of_a_form_is_shown_after_one_submit(client, portfolio):
    client.force_login(portfolio["writer"])
    bad = _project_form(
        portfolio, budget_aid="约500万", budget_local="很多", planned_start="2025-13-01"
    )
    page = client.post("/projects/new/", bad).content.decode()
    assert "是约数" in _field_errors(page, "budget_aid")
    assert "不是有效的金额" in _field_errors(page, "budget_local")
    assert "errorlist" in _field_errors(page, "planned_start")


def test_every_refusal_of_the_service_is_shown_after_one_submit(client, portfolio):
    client.force_login(portfolio["writer"])
    bad = _project_form(
        portfolio,
        code=portfolio["county"].code,  # taken
        planned_end="2025-01-01",  # before the start
        budget_aid="-5万",
        region="不存在的县",
    )
    page = client.post("/projects/new/", bad).content.decode()
    assert "已存在" in _field_errors(page, "code")
    assert "计划完工日期不能早于计划开工日期" in _field_errors(page, "planned_end")
    assert "不能为负数" in _field_errors(page, "budget_aid")
    assert "errorlist" in _field_errors(page, "region")


def test_the_service_names_every_bad_field_of_a_known_place_at_once(client, portfolio):
    client.force_login(portfolio["writer"])
    bad = _project_form(portfolio, code=portfolio["county"].code, planned_end="2025-01-01")
    page = client.post("/projects/new/", bad).content.decode()
    assert "已存在" in _field_errors(page, "code")
    assert "计划完工日期不能早于计划开工日期" in _field_errors(page, "planned_end")


def test_the_project_fund_table_shows_every_amount_in_wan_under_its_header(client, portfolio):
    from duikou.core import testing

    project = testing.project(donor_org=portfolio["team"], budgets={"aid": "4000000.00"})
    client.force_login(portfolio["national"])
    page = client.get(f"/projects/{project.pk}/").content.decode()
    table = page[page.index('id="funds"') :]
    table = table[: table.index("</table>")]
    assert "计划（万元）" in table
    assert ">400.00<" in table and ">0.00<" in table  # not 400.00万元 beside 0.00元
    assert "万元</td>" not in table and "元<" not in table.split("</thead>")[1]
