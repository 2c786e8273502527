"""The extractor's scores on the development set and on its kept-aside part.

The floors are the scores reached when they were last measured, so a change
that loses ground on text the rules were not written for fails here. The
kept-aside part is scored only, never read while writing rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from duikou.extract.scoring import ATTRIBUTES, score_folder

DEVSET = Path(__file__).parent / "devset"
FLOORS = {
    # dev grew from 27 reports (643 figures) to 38 (846) with styles the rules
    # had not met; its first 27 reports now score place 0.942, period 0.886.
    "dev": {"f1": 0.995, "indicator": 0.94, "subject": 0.875, "place": 0.925, "period": 0.89},
    "heldout": {"f1": 0.995, "indicator": 0.90, "subject": 0.825, "place": 0.725, "period": 0.945},
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request):
    return request.param, score_folder(DEVSET / request.param)


def test_scores_stay_above_their_floors(scored) -> None:
    name, result = scored
    floors = FLOORS[name]
    assert result.f1 >= floors["f1"]
    for attribute in ATTRIBUTES:
        if attribute in floors:
            assert result.agreement(attribute) >= floors[attribute], (name, attribute)


def test_qualifier_and_change_hold(scored) -> None:
    _, result = scored
    assert result.agreement("qualifier") >= 0.99
    assert result.agreement("change") >= 0.97
