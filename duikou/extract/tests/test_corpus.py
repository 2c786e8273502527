"""On the annotated corpus the extractor meets the agreed score thresholds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from duikou.extract import extract

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
# The scores reached before who, where and when were read from sentence
# structure (indicator 0.983, subject 0.843, place 0.917, period 0.959), subject
# raised to what it reached since (0.893): no change to the rules may fall below.
THRESHOLDS = {
    "qualifier": 1.0,
    "change": 1.0,
    "indicator": 0.983,
    "place": 0.917,
    "period": 0.959,
    "subject": 0.89,
}


@pytest.fixture(scope="module")
def result() -> dict[str, object]:
    if not (CORPUS / "score.py").exists():
        pytest.skip("annotated corpus not available")
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    predicted = []
    for report in sorted((CORPUS / "reports").glob("*.txt")):
        text = report.read_text(encoding="utf-8")
        predicted += [figure.to_dict() for figure in extract(text, doc=report.stem)]
    return scorer.score(predicted, CORPUS / "gold")


def test_it_finds_the_gold_figures(result: dict[str, object]) -> None:
    assert result["f1"] >= 0.995


@pytest.mark.parametrize("name", list(THRESHOLDS))
def test_its_attributes_agree_with_the_gold(result: dict[str, object], name: str) -> None:
    assert result["attribute_agreement"][name] >= THRESHOLDS[name] - 0.0005


def test_every_figure_text_is_its_span(result: dict[str, object]) -> None:
    for report in sorted((CORPUS / "reports").glob("*.txt")):
        text = report.read_text(encoding="utf-8")
        for figure in extract(text, doc=report.stem):
            assert text[figure.start : figure.end] == figure.text
