"""Money: exact Decimal yuan in Python, whole fen in the database.

Storing fen as a 64-bit integer keeps sums exact on SQLite too, where a
DECIMAL column is held as a floating-point REAL and SUM() would drift.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .numbers import NumberError, amount

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


# One rule for money on screens and in files: a table column, a chart axis, a legend or an
# export column holds ONE unit, said in its header ("金额（万元）"); 万元 unless the reader
# picks another. Only a figure standing alone (a key-figure card) picks its own unit.
UNITS = {"wan": ("万元", WAN), "yi": ("亿元", YI), "yuan": ("元", Decimal(1))}
DEFAULT_UNIT = "wan"


def unit_from(value: object) -> str:
    """A unit code (``wan``, ``yi``, ``yuan``) from a query parameter; 万元 otherwise."""
    return value if isinstance(value, str) and value in UNITS else DEFAULT_UNIT


def unit_label(unit: str) -> str:
    return UNITS[unit_from(unit)][0]


def unit_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, (label, _factor) in UNITS.items()]


def in_unit(amount: Decimal | None, unit: str, *, places: int = 2) -> Decimal | None:
    """Yuan expressed in ``unit``, rounded to ``places`` decimals (None stays None).

    Files that may be imported again pass ``places=6`` for 万元, which keeps every fen."""
    if amount is None:
        return None
    factor = UNITS[unit_from(unit)][1]
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(amount) / factor).quantize(quantum, ROUND_HALF_UP)


def exact_in_unit(amount: Decimal | None, unit: str) -> Decimal | None:
    """Yuan in ``unit`` without losing a fen (万元 to six places, 亿元 to ten), trailing
    zeros kept to two places: what an export writes, so a re-import gives back the fen."""
    if amount is None:
        return None
    factor = UNITS[unit_from(unit)][1]
    value = Decimal(amount) / factor
    return value if value.as_tuple().exponent < -2 else value.quantize(FEN)


def format_in_unit(amount: Decimal | None, unit: str) -> str:
    """A figure of a column in ``unit``: 1,234.50 (the unit is in the column's header)."""
    value = in_unit(amount, unit)
    return "—" if value is None else f"{value:,}"


def format_money(amount: Decimal | None) -> str:
    """A figure standing alone, the way officials write it: 亿元 above 1亿, 万元 above 1万.
    Never in a column: there every figure takes the column's unit (``format_in_unit``)."""
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
        defaults = {"form_class": MoneyFormField}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class MoneyFormField(forms.Field):
    """An amount as officials type it, read by the importer's parser (``core.numbers``):
    500万, 1.2亿元, 1,234.50元, 4200万元; a plain number is yuan. An approximate amount
    (4200余万元, 约300万) is refused: a ledger holds what was paid, not an estimate.
    Cleans to ``Decimal`` yuan, or ``empty_value`` (None) when left blank."""

    widget = forms.TextInput
    default_error_messages = {"required": "请填写金额"}
    max_length = 40

    def __init__(self, *, empty_value=None, **kwargs):
        kwargs.setdefault("help_text", "可写 500万、1.2亿元 或 1,234.50元；只写数字按元计")
        self.empty_value = empty_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "maxlength": str(self.max_length)})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value, "f")
        return value

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return self.empty_value
        if len(text) > self.max_length:
            raise ValidationError(f"金额不能超过{self.max_length}个字")
        try:
            read = amount(text)
        except NumberError as error:
            reason = str(error)
            if reason.endswith("不是数字"):
                reason = f"“{text}”不是有效的金额"
            raise ValidationError(f"{reason}（例：500万、1.2亿元、1,234.50元）") from None
        if read.approximate:
            raise ValidationError(f"“{text}”是约数，请填写准确金额（如 4200万元 或 42,000,000元）")
        return read.value
