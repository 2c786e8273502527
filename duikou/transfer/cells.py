"""Reading what people type into spreadsheet cells: amounts, counts, dates, periods, yes/no.

Every parser takes the raw cell (a str, int, float, date or None, as the readers give it)
and returns a Python value, or raises ``CellError`` with a Chinese reason. Amounts and
counts may carry 万/亿 multipliers and approximations (4200余万元): the parsers return
the number and whether it was approximate, so the import can say so. Amounts and counts
are read by ``core.numbers``, the parser the forms' money fields use too.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

# The number parser is shared with the forms' money fields; it lives in core and is
# re-exported here for the importer's modules.
from duikou.core.numbers import (  # noqa: F401
    APPROX_AFTER,
    APPROX_BEFORE,
    MAX_YUAN,
    MULTIPLIERS,
    Number,
    amount,
    number,
)
from duikou.core.numbers import NumberError as CellError
from duikou.core.numbers import normal as _normal
from duikou.results.periods import Period, period_check, period_parse

# Excel stores dates as days since 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*[日号]?|月)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TRUE = {"是", "true", "yes", "y", "1", "√", "✓", "对"}
FALSE = {"否", "false", "no", "n", "0", "×", "✗", "不是", ""}


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


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
