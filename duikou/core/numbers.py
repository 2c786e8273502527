"""Reading numbers as officials write them: 1.2万, 4200余万元, 约3000, 12,000, 238.05亿元.

One parser for every path that reads a typed amount or count: the importer's cells
(``transfer.cells``) and the money fields of the forms (``core.money.MoneyFormField``).
Pure Python: it imports nothing from Django. Amounts and counts may carry 万/亿 multipliers
and approximations (4200余万元): the parsers return the number and whether it was
approximate, so each caller can say so or refuse it.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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


class NumberError(ValueError):
    """A number that cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True)
class Number:
    value: Decimal
    approximate: bool
    unit: str = ""
    multiplied: bool = False  # the text wrote its own 万/亿
    written: str = ""  # the text as typed, for messages that quote it


def normal(raw) -> str:
    """Full-width digits and punctuation folded to ASCII; spaces and thousands separators gone."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    return text.replace(",", "").replace(" ", "").replace("\u00a0", "")


def number(raw) -> Number:
    """A quantity as typed: 1.2万, 4200余, 约3000, 12,000, 85% — with its trailing unit."""
    if isinstance(raw, bool):
        raise NumberError("应为数字")
    if isinstance(raw, int):
        return Number(Decimal(raw), False)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise NumberError("应为数字")
        return Number(Decimal(repr(raw)), False)
    value = normal(raw)
    match = _NUMBER.match(value)
    if not match:
        raise NumberError(f"“{raw}”不是数字")
    try:
        amount = Decimal(match["num"])
    except InvalidOperation:
        raise NumberError(f"“{raw}”不是数字") from None
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
        str(raw).strip(),
    )


def amount(raw, scale: Decimal = Decimal(1)) -> Number:
    """Yuan exact to the fen: 238.05亿元, 1.2万, 4200余万元, 1,234.50元. A plain number is
    multiplied by ``scale`` (10000 under a 万元 header); a text that writes its own unit
    (300万元, 1200元) keeps it."""
    parsed = number(raw)
    unit = parsed.unit.removeprefix("人民币")
    if unit not in ("", "元", "元人民币"):
        raise NumberError(f"金额单位“{parsed.unit}”无法识别，请写元、万元或亿元")
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
            raise NumberError(f"“{raw}”换算为{value}元，金额最多精确到分（两位小数）")
    if abs(value) >= MAX_YUAN:
        raise NumberError("金额过大")
    return Number(value.quantize(Decimal("0.01")), parsed.approximate, "元", parsed.multiplied)
