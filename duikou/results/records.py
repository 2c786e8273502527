"""Record-backed indicators: values computed from the ledger's own records.

Each domain app may define ``indicators.py`` with ``RECORD_INDICATORS``, a mapping
from a ``record_source`` key (``projects.fund_released``) to a function
``fn(*, start, end) -> list[dict]`` of rows ``{org_id, region_id, year, month, value}``
summed per organisation, place and month. Nothing is stored twice: the figures are
computed when asked for.

A function may also carry ``fn.table(*, axis, node_ids, grain, years)``: the same figures
already summed per node and period from a summary its app keeps, or None when the summary
cannot answer that question; roll-ups then use it instead of summing the records.
"""

import importlib
from collections.abc import Callable
from datetime import date
from functools import cache

from django.apps import apps


@cache
def record_functions() -> dict[str, Callable]:
    """Every record indicator function the installed apps provide."""
    found: dict[str, Callable] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.indicators")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.indicators":
                raise
            continue
        found.update(getattr(module, "RECORD_INDICATORS", {}))
    return found


def record_rows(key: str, *, start: date, end: date) -> list[dict] | None:
    """Rows for one record source, or None when no app provides it."""
    function = record_functions().get(key)
    return None if function is None else list(function(start=start, end=end))


def record_table(
    key: str, *, axis: str, node_ids: list[int], grain: str, years: list[int]
) -> dict | None:
    """The figures of one record source per (node, year, period) from its app's summary,
    or None when it has none for this question (sum ``record_rows`` instead)."""
    summary = getattr(record_functions().get(key), "table", None)
    if summary is None or not years:
        return None
    return summary(axis=axis, node_ids=node_ids, grain=grain, years=years)
