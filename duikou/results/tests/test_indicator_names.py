"""Pages name indicators by their Chinese name and unit; the catalogue codes
(AREA_PLANTED, FUND_SPENT) stay out of the text people read."""

import re

import pytest

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation
from duikou.results.formulas import formula_words
from duikou.results.models import Indicator

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, attributes or scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_grid_shows_indicator_names_not_codes(client):
    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=team))
    page = client.get("/results/grid/", {"org": team.code, "period": "2025"}).content.decode()
    assert Indicator.objects.get(code="AREA_PLANTED").name_zh in page
    assert CODE.findall(_visible_text(page)) == []


def test_a_formula_reads_with_indicator_names():
    names = {"FUND_SPENT": "支出援疆资金", "FUND_RELEASED": "下达援疆资金"}
    assert formula_words("FUND_SPENT / FUND_RELEASED * 100", names) == (
        "【支出援疆资金】 ÷ 【下达援疆资金】 × 100"
    )


def test_the_sources_page_of_a_derived_figure_names_what_it_is_computed_from(client):
    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    client.force_login(testing.user())
    page = client.get(
        "/values/sources/",
        {
            "indicator": "FUND_SPENDING_RATE",
            "axis": "o",
            "node": command.pk,
            "grain": "q",
            "year": 2025,
            "period": 3,
        },
    ).content.decode()
    spent = Indicator.objects.get(code="FUND_SPENT").name_zh
    assert f"【{spent}】" in page
    assert "2025年第3季度" in page
    assert CODE.findall(_visible_text(page)) == []
