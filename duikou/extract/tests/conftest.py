"""Shared helpers for the extraction tests (no Django needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def load_case(name: str) -> tuple[str, list[dict[str, object]]]:
    """Input text and expected figures of the fixture pair ``name.txt``/``name.json``."""
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return text, expected


@pytest.fixture
def case():
    return load_case
