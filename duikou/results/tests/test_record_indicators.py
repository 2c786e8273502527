"""Record-backed indicators read from a summary give the figures summing the records gives."""

from datetime import date

import pytest

from duikou.core import testing
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM
from duikou.projects.services import fund_transaction_create
from duikou.results.models import Indicator
from duikou.results.selectors import indicator_table

pytestmark = pytest.mark.django_db

YEARS = [2024, 2025]


@pytest.fixture
def ledger():
    fujian, shanghai = testing.donor_province("350000"), testing.donor_province("310000")
    command = testing.donor_org(parent=fujian, kind=Organisation.Kind.FRONT_COMMAND)
    teams = [testing.donor_org(parent=command), testing.donor_org(parent=shanghai)]
    moves = [
        (teams[0], "652301", "release", "120.50", date(2024, 12, 31)),
        (teams[0], "652301", "release", "80.00", date(2025, 1, 1)),
        (teams[0], "652324", "spend", "33.33", date(2025, 6, 30)),
        (teams[1], "653130", "release", "1000.00", date(2025, 3, 1)),
        (teams[1], "653130", "release", "7.00", date(2023, 3, 1)),  # outside the years
    ]
    for team, place, kind, amount, on in moves:
        project = testing.project(donor_org=team, region=place, budgets={"aid": "5000.00"})
        fund_transaction_create(
            project=project, fund_source="aid", kind=kind, amount=amount, on=on, actor=SYSTEM
        )
    return {"fujian": fujian, "shanghai": shanghai, "command": command}


def _both_ways(monkeypatch, **question):
    """The table as the summary gives it, and as summing the records gives it."""
    fast = indicator_table(user=testing.user(), **question)
    monkeypatch.setattr("duikou.results.selectors.record_table", lambda *a, **k: None)
    slow = indicator_table(user=testing.user(), **question)
    monkeypatch.undo()
    return fast, slow


def test_yearly_money_by_donor_province_comes_from_the_summary_unchanged(ledger, monkeypatch):
    released = Indicator.objects.get(record_source="projects.fund_released")
    nodes = [ledger["fujian"].pk, ledger["shanghai"].pk]
    fast, slow = _both_ways(
        monkeypatch, indicator=released, axis="o", node_ids=nodes, grain="y", years=YEARS
    )
    assert fast == slow
    assert str(fast[(ledger["fujian"].pk, 2024, 0)]) == "120.50"
    assert str(fast[(ledger["fujian"].pk, 2025, 0)]) == "80.00"
    assert str(fast[(ledger["shanghai"].pk, 2025, 0)]) == "1000.00"


def test_yearly_money_by_place_rolls_counties_into_prefectures(ledger, monkeypatch):
    spent = Indicator.objects.get(record_source="projects.fund_spent")
    released = Indicator.objects.get(record_source="projects.fund_released")
    places = list(Region.objects.filter(code__in=["652300", "652301", "653100"]))
    nodes = [p.pk for p in places]
    for indicator in (spent, released):
        fast, slow = _both_ways(
            monkeypatch, indicator=indicator, axis="r", node_ids=nodes, grain="y", years=YEARS
        )
        assert fast == slow
    changji = Region.objects.get(code="652300").pk
    assert str(fast[(changji, 2025, 0)]) == "80.00"


def test_questions_the_summary_cannot_answer_sum_the_records(ledger, monkeypatch):
    """A front command is not a donor province, and quarters are finer than the summary."""
    released = Indicator.objects.get(record_source="projects.fund_released")
    calls = []
    monkeypatch.setattr(
        "duikou.results.selectors.record_rows",
        lambda *a, **k: calls.append(k) or [],
    )
    indicator_table(
        user=testing.user(),
        indicator=released,
        axis="o",
        node_ids=[ledger["command"].pk],
        grain="y",
        years=YEARS,
    )
    indicator_table(
        user=testing.user(),
        indicator=released,
        axis="o",
        node_ids=[ledger["fujian"].pk],
        grain="q",
        years=YEARS,
    )
    assert len(calls) == 2
