"""Values of an import row as the preview and the command line show them.

``api_form`` is what the API and templates use (codes, yuan as decimal strings, ISO
dates, periods as 2025 / 2025Q1 / 2025-03); ``shown_form`` is what an official reads
(labels and names, yuan with 万元 beside).
"""

from datetime import date
from decimal import Decimal

from .cells import Number


def period_code(period) -> str:
    return period.code()


def _plain(number: Decimal) -> str:
    """A number without trailing zeros or exponent: 420.5000 → 420.5, 1E+3 → 1000."""
    return format(number.normalize(), "f")


def api_form(kind, key: str, value):
    column = kind.column(key)
    if value is None:
        return None
    if hasattr(value, "start") and hasattr(value, "end") and hasattr(value, "kind"):
        return period_code(value)
    if isinstance(value, Number):
        return _plain(value.value)
    if hasattr(value, "pk"):
        return getattr(value, "code", None) or getattr(value, "name", None) or str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if column is not None and column.type == "amount":
            return format(value.quantize(Decimal("0.01")), "f")
        return _plain(value)
    return value


def wan(value: Decimal) -> str:
    """Yuan as 万元 or 亿元 for reading beside the exact figure."""
    if abs(value) >= Decimal(10**8):
        return f"{_plain((value / Decimal(10**8)).quantize(Decimal('0.0001')))}亿元"
    return f"{_plain((value / Decimal(10_000)).quantize(Decimal('0.0001')))}万元"


def shown_form(kind, key: str, value) -> str:
    column = kind.column(key)
    if value is None or value == "":
        return ""
    if hasattr(value, "start") and hasattr(value, "end") and hasattr(value, "kind"):
        return value.label()
    if isinstance(value, Number):
        return _plain(value.value) + (value.unit or "")
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "pk"):
        model = value._meta.model_name
        if model == "region":
            return f"{value.name}（{value.code}）"
        name = getattr(value, "name", None) or getattr(value, "name_zh", None) or str(value)
        code = getattr(value, "code", "")
        return f"{name}（{code}）" if code and code != name else name
    if isinstance(value, date):
        return value.isoformat()
    if column is not None and column.type == "amount" and isinstance(value, Decimal):
        return f"{value:,.2f}元（{wan(value)}）"
    if column is not None and column.type == "choice" and column.choices is not None:
        try:
            return str(column.choices(value).label)
        except ValueError:
            return str(value)
    return str(value)
