import pytest

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.results.models import Indicator
from duikou.results.periods import quarter_period
from duikou.results.services import value_save
from duikou.transfer.exporters import neutralise as csv_safe

pytestmark = pytest.mark.django_db


@pytest.fixture
def patients(portfolio):
    indicator = Indicator.objects.get(code="PATIENTS_TREATED")
    value = value_save(
        indicator=indicator,
        org=portfolio["team"],
        period=quarter_period(2025, 2),
        value="1200",
        comment="=HYPERLINK(1)",
        actor=SYSTEM,
    )
    testing.counted(value)
    return indicator


def test_the_explorer_pivots_and_links_each_cell_to_its_sources(client, portfolio, patients):
    client.force_login(portfolio["national"])
    page = client.get(
        "/explore/",
        {
            "indicator": "PATIENTS_TREATED",
            "node": portfolio["team"].pk,
            "year_from": 2025,
            "year_to": 2025,
        },
    ).content.decode()
    assert 'id="pivot"' in page
    assert "/values/sources/?indicator=PATIENTS_TREATED" in page
    assert 'id="explore-chart"' in page


def test_the_sources_page_lists_the_values_behind_a_figure(client, portfolio, patients):
    client.force_login(portfolio["national"])
    page = client.get(
        "/values/sources/",
        {
            "indicator": "PATIENTS_TREATED",
            "axis": "o",
            "node": portfolio["command"].pk,
            "grain": "y",
            "year": 2025,
        },
    ).content.decode()
    assert portfolio["team"].name in page
    assert "1,200" in page


def test_the_csv_export_opens_in_excel_and_cannot_run_formulas(client, portfolio, patients):
    portfolio["team"].name = "=cmd|' /C calc'!A0"
    portfolio["team"].save(update_fields=["name"])
    client.force_login(portfolio["national"])
    response = client.get(
        "/explore/",
        {
            "indicator": "PATIENTS_TREATED",
            "node": portfolio["team"].pk,
            "format": "csv",
            "year_from": 2025,
            "year_to": 2025,
        },
    )
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    assert "'=cmd" in body
    assert "\n=cmd" not in body and ",=cmd" not in body


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_csv_cells_that_look_like_formulas_are_neutralised(text):
    assert csv_safe(text) == "'" + text
    assert csv_safe("援疆") == "援疆"


def test_money_is_shown_in_wan_with_the_indicators_name_and_unit(client, portfolio):
    client.force_login(portfolio["national"])
    params = {"indicator": "FUND_PLANNED", "node": portfolio["team"].pk}
    page = client.get("/explore/", params | {"year_from": 2025, "year_to": 2025})
    note = page.content.decode().split('id="unit-note">', 1)[1].split("</p>", 1)[0]
    assert note == "单位：计划援疆资金 万元"  # the name, never the code
    assert page.context["pivot"].chart["yAxis"]["name"] == "单位：万元"
    assert page.context["pivot"].chart["grid"]["containLabel"] is True
    yi = client.get("/explore/", params | {"year_from": 2025, "year_to": 2025, "unit": "yi"})
    assert "计划援疆资金 亿元" in yi.content.decode()


def test_the_export_names_the_money_unit_and_keeps_numbers(client, portfolio):
    import io

    from openpyxl import load_workbook

    client.force_login(portfolio["national"])
    response = client.get(
        "/explore/",
        {
            "indicator": "FUND_PLANNED",
            "node": portfolio["team"].pk,
            "year_from": 2025,
            "year_to": 2025,
            "rows": "indicator",
            "cols": "period",
            "format": "xlsx",
        },
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0].startswith("指标数据（") and "金额单位：万元" in rows[0][0]
    rows = rows[1:]
    assert rows[0][0] == "金额单位：万元"
    assert rows[1][0].startswith("计划援疆资金（万元）")
    assert isinstance(rows[1][1], (int, float))


def test_the_default_years_are_those_holding_data(client, portfolio):
    client.force_login(portfolio["national"])
    page = client.get("/explore/")
    assert page.context["year_to"] == 2025  # the portfolio's projects are of 2025


def test_a_recipient_government_sees_its_own_places_by_default(client, portfolio):
    from duikou.orgs.models import Membership

    recipient = testing.user(role=Membership.Role.RECIPIENT, region_code="652300")
    client.force_login(recipient)
    page = client.get("/explore/")
    assert page.context["axis"] == "r"
    assert page.context["selected_nodes"] == [testing.region("652300").pk]
