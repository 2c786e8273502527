"""Chinese and Arabic numerals, multipliers and the canonical unit table."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
MAGNITUDE_CHARS = "十百千万亿"

# Written unit -> canonical unit (see the annotation guide).
UNIT_CANONICAL: dict[str, str] = {
    "个百分点": "百分点",
    "百分点": "百分点",
    "千瓦时": "千瓦时",
    "平方米": "平方米",
    "平米": "平方米",
    "㎡": "平方米",
    "立方米": "立方米",
    "人民币": "元",
    "人次": "人次",
    "场次": "场",
    "批次": "批次",
    "公里": "公里",
    "千米": "公里",
    "公斤": "公斤",
    "千克": "公斤",
    "元": "元",
    "人": "人",
    "名": "人",
    "位": "人",
    "项": "项",
    "个": "个",
    "家": "家",
    "台": "台",
    "例": "例",
    "场": "场",
    "次": "次",
    "批": "批次",
    "件": "件",
    "所": "所",
    "张": "张",
    "种": "种",
    "头": "头",
    "只": "只",
    "吨": "吨",
    "亩": "亩",
    "天": "天",
    "条": "条",
    "节": "节",
    "期": "期",
    "%": "%",
    "％": "%",
}

# Units that measure an amount rather than count things; their indicator is
# usually written before the number ("签约金额238亿元"), while counted things
# usually follow it ("促成13项新签约项目").
MEASURE_UNITS = frozenset(
    {"元", "%", "百分点", "吨", "亩", "平方米", "立方米", "千瓦时", "公里", "公斤", "天"}
)


def parse_chinese_number(text: str) -> float | None:
    """Value of a Chinese numeral such as ``一百二十三``, ``两万``, ``百`` or ``十五``.

    Returns ``None`` when the string is not a well-formed numeral.
    """
    if not text:
        return None
    total = 0.0
    section = 0.0
    digit: float | None = None
    for char in text:
        if char in _DIGITS:
            if digit is not None:
                # Digit strings such as 二〇二五 read positionally.
                digit = digit * 10 + _DIGITS[char]
            else:
                digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        elif char in _BIG_UNITS:
            section += digit or 0
            if section == 0:
                section = 1
            multiplier = _BIG_UNITS[char]
            if total and total < multiplier:
                # 百万, 千亿: the multiplier scales everything read so far.
                total = (total + section) * multiplier
            else:
                total += section * multiplier
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(text: str) -> float | None:
    """Value of an Arabic (``1,234.5``, full-width digits) or Chinese numeral."""
    cleaned = text.translate(_FULLWIDTH).replace(",", "").replace("，", "")
    try:
        return float(cleaned)
    except ValueError:
        return parse_chinese_number(text)


def multiplier_value(text: str) -> float:
    """Combined factor of a multiplier run such as ``万``, ``亿``, ``百万``."""
    factor = 1.0
    for char in text:
        factor *= {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}[char]
    return factor


_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
