"""Money: exact Decimal yuan in Python, whole fen in the database.

Storing fen as a 64-bit integer keeps sums exact on SQLite too, where a
DECIMAL column is held as a floating-point REAL and SUM() would drift.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

FEN = Decimal("0.01")
WAN = Decimal("10000")
YI = Decimal("100000000")


def to_money(value: object, *, field: str = "金额") -> Decimal:
    """Parse ``value`` as yuan exact to the fen, or raise a Chinese ValidationError."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        raise ValidationError(f"{field}：金额不能使用浮点数，请使用精确的十进制数")
    else:
        try:
            amount = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            raise ValidationError(f"{field}：“{value}”不是有效的金额") from None
    if not amount.is_finite():
        raise ValidationError(f"{field}：“{value}”不是有效的金额")
    if amount != amount.quantize(FEN):
        raise ValidationError(f"{field}：金额最多精确到分（两位小数）")
    return amount.quantize(FEN)


def format_money(amount: Decimal | None) -> str:
    """Show yuan the way officials write it: 亿元 above 1亿, 万元 above 1万."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= YI:
        return f"{sign}{(amount / YI).quantize(Decimal('0.01'), ROUND_HALF_UP):,}亿元"
    if amount >= WAN:
        return f"{sign}{(amount / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,}万元"
    return f"{sign}{amount.quantize(FEN):,}元"


class MoneyField(models.BigIntegerField):
    """Yuan as ``Decimal`` with two places, stored as whole fen."""

    description = "金额（元，精确到分）"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(FEN)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        return to_money(value, field=str(self.verbose_name))

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, models.expressions.Combinable):
            return value
        amount = to_money(value, field=str(self.verbose_name))
        return int(amount * 100)

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.DecimalField, "decimal_places": 2, "max_digits": 18}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
