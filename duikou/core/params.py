"""Typed values from query parameters and posted fields that no Django form reads.

Each reader returns the default for a value it cannot read, so a view never fails on a
hand-edited address: ``int`` alone would take ``²`` as a digit and fail, take 5,000 digits
and fail, or hand the database a number no column holds.
"""

import re

from .errors import has_control_characters

# A database id: PostgreSQL's and SQLite's 64-bit integers.
ID_MAX = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # ASCII digits only: str.isdigit() also takes "²"


def int_param(text, default=None, *, low: int | None = None, high: int | None = None):
    """``text`` as a whole number from ``low`` to ``high``, else ``default``."""
    text = str(text if text is not None else "").strip()
    if not _INTEGER.fullmatch(text):
        return default
    value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        return default
    return value


def id_param(text) -> int | None:
    """A database id (1 and up), else None."""
    return int_param(text, None, low=1, high=ID_MAX)


def ids_param(values, *, limit: int) -> list[int]:
    """The database ids among ``values``, at most ``limit`` of them."""
    found = (id_param(value) for value in values[: limit * 2])
    return [value for value in found if value is not None][:limit]


def text_param(text, default: str = "", *, max_length: int = 200) -> str:
    """``text`` stripped, or ``default`` when it is too long or holds control characters
    (which PostgreSQL refuses in a query)."""
    text = str(text if text is not None else "").strip()
    if len(text) > max_length or has_control_characters(text):
        return default
    return text
