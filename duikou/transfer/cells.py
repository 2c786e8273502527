"""Reading what people type into spreadsheet cells: amounts, counts, dates, periods, yes/no.

Every parser takes the raw cell (a str, int, float, date or None, as the readers give it)
and returns a Python value, or raises ``CellError`` with a Chinese reason. Amounts and
counts may carry 万/亿 multipliers and approximations (4200余万元): the parsers return
the number and whether it was approximate, so the import can say so.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from duikou.results.periods import Period, period_check, period_parse

# Excel stores dates as days since 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
MULTIPLIERS = {
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10_000,
    "十万": 100_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "亿": 100_000_000,
    "万亿": 1_000_000_000_000,
}
APPROX_BEFORE = ("约", "近", "逾", "超", "超过", "大约")
APPROX_AFTER = ("余", "多")
# The largest amount a ledger cell may hold: fen must fit a 64-bit integer with room to add.
MAX_YUAN = Decimal("1000000000000000")
_NUMBER = re.compile(
    r"^(?P<pre>约|近|逾|超过|超|大约)?(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    r"(?P<mid>余|多)?(?P<mult>万亿|十万|百万|千万|十|百|千|万|亿)?(?P<post>余|多)?"
    r"(?P<unit>[^\d]*)$"
)
_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*[日号]?|月)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TRUE = {"是", "true", "yes", "y", "1", "√", "✓", "对"}
FALSE = {"否", "false", "no", "n", "0", "×", "✗", "不是", ""}


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True)
class Number:
    value: Decimal
    approximate: bool
    unit: str = ""


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _normal(raw) -> str:
    """Full-width digits and punctuation folded to ASCII; spaces and thousands separators gone."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    return text.replace(",", "").replace(" ", "").replace("\u00a0", "")


def text(raw, *, max_length: int | None = None) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a code typed as a number comes back as 12.0
    value = str(raw).strip()
    if _CONTROL.search(value):
        raise CellError("含有不可见的控制字符")
    if max_length is not None and len(value) > max_length:
        raise CellError(f"不能超过{max_length}个字")
    return value


def number(raw) -> Number:
    """A quantity as typed: 1.2万, 4200余, 约3000, 12,000, 85% — with its trailing unit."""
    if isinstance(raw, bool):
        raise CellError("应为数字")
    if isinstance(raw, int):
        return Number(Decimal(raw), False)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError("应为数字")
        return Number(Decimal(repr(raw)), False)
    value = _normal(raw)
    match = _NUMBER.match(value)
    if not match:
        raise CellError(f"“{raw}”不是数字")
    try:
        amount = Decimal(match["num"])
    except InvalidOperation:
        raise CellError(f"“{raw}”不是数字") from None
    if match["mult"]:
        amount *= MULTIPLIERS[match["mult"]]
    approximate = bool(match["pre"] or match["mid"] or match["post"])
    unit = match["unit"].strip()
    if unit.startswith(APPROX_AFTER):
        approximate, unit = True, unit[1:]
    return Number(
        amount.normalize() if amount == amount.to_integral() else amount, approximate, unit
    )


def amount(raw) -> Number:
    """Yuan exact to the fen: 238.05亿元, 1.2万, 4200余万元, 1,234.50元."""
    parsed = number(raw)
    unit = parsed.unit.removeprefix("人民币")
    if unit not in ("", "元", "元人民币"):
        raise CellError(f"金额单位“{parsed.unit}”无法识别，请写元、万元或亿元")
    value = parsed.value
    if isinstance(raw, float):
        value = value.quantize(Decimal("0.01"))  # a float cell carries binary noise past the fen
    if value != value.quantize(Decimal("0.01")):
        raise CellError("金额最多精确到分（两位小数）")
    if abs(value) >= MAX_YUAN:
        raise CellError("金额过大")
    return Number(value.quantize(Decimal("0.01")), parsed.approximate, "元")


def integer(raw, *, minimum: int = 0, maximum: int = 2_000_000_000) -> Number:
    """A count (人、个、场…): 1.2万人, 300余人."""
    parsed = number(raw)
    if parsed.value != parsed.value.to_integral_value():
        raise CellError("应为整数")
    if not minimum <= parsed.value <= maximum:
        raise CellError(f"应在{minimum}到{maximum}之间")
    return Number(Decimal(int(parsed.value)), parsed.approximate, parsed.unit)


def day(raw) -> date:
    """2025-03-12, 2025年3月12日, 2025/3/12, 2025.3.12, 20250312; 2025.3 or 2025年3月 is the 1st."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 1 <= raw < 2_958_466:  # an Excel serial date left without a date format
            return EXCEL_EPOCH + timedelta(days=int(raw))
        raise CellError(f"“{raw}”不是日期")
    value = _normal(raw)
    match = _DATE.match(value) or _COMPACT.match(value)
    if not match:
        raise CellError(f"“{raw}”不是日期，请写成 2025-03-12 或 2025年3月12日")
    try:
        return date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        raise CellError(f"“{raw}”不是有效日期") from None


def period(raw) -> Period:
    """2025, 2025Q3, 2025年第3季度, 2025-03, 2025年3月, 2025.3, 2025-01-01..2025-06-30."""
    if isinstance(raw, (date, datetime)):
        raise CellError(
            "期间请写成 2025、2025Q3、2025-03 或 2025-01-01..2025-06-30，不要写单个日期"
        )
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = unicodedata.normalize("NFKC", str(raw)).strip()
    try:
        return period_parse(value)
    except ValidationError as error:
        parts = re.split(r"\s*(?:\.\.|至|~|—|到)\s*", value)
        if len(parts) == 2:
            try:
                return period_check(day(parts[0]), day(parts[1]))
            except (CellError, ValidationError):
                pass
        raise CellError(error.messages[0].removeprefix("period: ")) from None


def boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    value = _normal(raw if raw is not None else "").lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(f"“{raw}”应填“是”或“否”")


def choice(raw, choices) -> str:
    """A coded value given as its label (在建) or its code (building)."""
    value = str(raw).strip()
    for code, label in choices.choices:
        if value == str(label) or value.lower() == code:
            return code
    labels = "、".join(str(label) for _, label in choices.choices)
    raise CellError(f"“{raw}”无效，应为：{labels}")


def approximate_note(header: str, raw) -> str:
    return f"“{header}”原文“{raw}”为约数"
