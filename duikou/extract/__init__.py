"""Figure extraction from Chinese counterpart-aid reports: pure Python, no Django.

Public API::

    extract(text, doc="") -> list[Figure]
    read_document(path) -> str
    Gazetteer(records).resolve(phrase) -> str | None
    resolve_period(phrase, doc_date) -> tuple[date, date] | None
    match_indicator(phrase, catalogue) -> str | None
"""

from .core import extract
from .figure import Figure
from .gazetteer import Gazetteer
from .indicators import match_indicator
from .periods import resolve_period
from .reader import read_document

__all__ = [
    "Figure",
    "Gazetteer",
    "extract",
    "match_indicator",
    "read_document",
    "resolve_period",
]
