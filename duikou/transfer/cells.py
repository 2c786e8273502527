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
    multiplied: bool = False  # the cell wrote its own 万/亿


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
        amount.normalize() if amount == amount.to_integral() else amount,
        approximate,
        unit,
        bool(match["mult"]),
    )


def amount(raw, scale: Decimal = Decimal(1)) -> Number:
    """Yuan exact to the fen: 238.05亿元, 1.2万, 4200余万元, 1,234.50元. A plain number is
    multiplied by ``scale`` (10000 under a 万元 header); a cell that writes its own unit
    (300万元, 1200元) keeps it."""
    parsed = number(raw)
    unit = parsed.unit.removeprefix("人民币")
    if unit not in ("", "元", "元人民币"):
        raise CellError(f"金额单位“{parsed.unit}”无法识别，请写元、万元或亿元")
    value = parsed.value
    if isinstance(raw, float):
        # A float cell carries binary noise: round to what the cell can mean in its unit.
        value = Decimal(repr(raw)).quantize(Decimal("0.000001")).normalize()
    if not parsed.multiplied and not unit:
        value = value * scale
    if value != value.quantize(Decimal("0.01")):
        if isinstance(raw, float) and abs(value - value.quantize(Decimal("0.01"))) < Decimal(
            "0.0001"
        ):
            value = value.quantize(Decimal("0.01"))
        else:
            raise CellError(f"“{raw}”换算为{value}元，金额最多精确到分（两位小数）")
    if abs(value) >= MAX_YUAN:
        raise CellError("金额过大")
    return Number(value.quantize(Decimal("0.01")), parsed.approximate, "元", parsed.multiplied)


def integer(raw, *, minimum: int = 0, maximum: int = 2_000_000_000) -> Number:
    """A count (人、个、场…): 1.2万人, 300余人."""
    parsed = number(raw)
    if parsed.value != parsed.value.to_integral_value():
        raise CellError("应为整数")
    if not minimum <= parsed.value <= maximum:
        raise CellError(f"应在{minimum}到{maximum}之间")
    return Number(Decimal(int(parsed.value)), parsed.approximate, parsed.unit)


def day(raw) -> date:
    """A date; a year-month or year alone is the first day. ``day_read`` also says so."""
    return day_read(raw)[0]


def day_read(raw) -> tuple[date, str]:
    """A date as typed, and a warning when the cell was not a whole date.

    2025-03-12, 2025年3月12日, 2025/3/12, 2025.3.12, 20250312, a date cell. A number like
    2025.7 in a General cell is Excel's keeping of "2025.7" (a year-month), never a serial
    date; 2025.1 may have been typed 2025.10, which Excel keeps as 2025.1: the warning says
    so. A number between 20000 and 80000 is an Excel serial date whose format was lost.
    """
    if isinstance(raw, datetime):
        return raw.date(), _early(raw.date())
    if isinstance(raw, date):
        return raw, _early(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _numeric_day(raw)
    value = _normal(raw)
    match = _DATE.match(value) or _COMPACT.match(value)
    if not match:
        raise CellError(f"“{raw}”不是日期，请写成 2025-03-12 或 2025年3月12日")
    try:
        found = date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        raise CellError(f"“{raw}”不是有效日期") from None
    if match[3] is None:
        return found, f"“{raw}”只有年月，按{found:%Y年%-m月}1日导入"
    return found, _early(found)


_RANGE_SPLIT = re.compile(r"\s*(?:—+|－|–|~|～|至|到|-(?=\d{1,4}[.\-/年月]))\s*")


def day_range(text: str) -> tuple[str, str] | None:
    """A cell holding two dates (2023.02—2026.02, 2025.6.9-6.13, 2025年4月1日至6月30日):
    the first and the second, the second completed with the first's year (and month)."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    parts = _RANGE_SPLIT.split(value)
    if len(parts) != 2 or not all(parts):
        return None
    first, second = parts
    head = re.match(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})", first)
    if head is None:
        return None
    if not re.match(r"^\d{4}", second):
        pieces = re.findall(r"\d+", second)
        if len(pieces) == 1:
            second = f"{head[1]}.{head[2]}.{pieces[0]}"
        elif len(pieces) == 2:
            second = f"{head[1]}.{pieces[0]}.{pieces[1]}"
        else:
            return None
    return first, second


def _numeric_day(raw) -> tuple[date, str]:
    if 1900 <= raw < 2100:
        text = repr(float(raw))
        year, _, fraction = text.partition(".")
        fraction = fraction.rstrip("0")
        if not fraction:
            return date(int(year), 1, 1), f"“{raw:g}”只有年份，按{year}年1月1日导入，请核对"
        if len(fraction) in (1, 2):
            month = int(fraction)
            if len(fraction) == 1 and fraction == "1":
                found = date(int(year), 1, 1)
                return found, (
                    f"“{raw}”按{year}年1月导入；若原写的是{year}.10（10月），"
                    "Excel 会存成同一个数，请核对"
                )
            if 1 <= month <= 12:
                return date(int(year), month, 1), f"“{raw}”只有年月，按{year}年{month}月1日导入"
        if len(fraction) in (3, 4):
            month, rest = int(fraction[:2]), fraction[2:].ljust(2, "0")
            try:
                return date(
                    int(year), month, int(rest)
                ), f"“{raw}”按{year}年{month}月{int(rest)}日导入"
            except ValueError:
                pass
        raise CellError(f"“{raw}”不是日期，请写成 2025-03-12 或 2025年3月12日")
    if 20_000 <= raw < 80_000:
        found = EXCEL_EPOCH + timedelta(days=int(raw))
        return found, f"“{raw:g}”按 Excel 日期序号读作{found:%Y-%m-%d}"
    raise CellError(f"“{raw}”不是日期，请写成 2025-03-12 或 2025年3月12日")


def _early(found: date) -> str:
    return f"日期{found:%Y-%m-%d}早于2000年，请核对" if found.year < 2000 else ""


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
