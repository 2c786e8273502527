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
