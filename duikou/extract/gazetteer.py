"""Resolve place phrases written in reports to region codes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_ETHNIC = (
    "维吾尔|哈萨克|柯尔克孜|蒙古|回族|藏族|彝族|壮族|苗族|土家族|朝鲜族|锡伯|塔吉克|满族|侗族|"
    "布依族|瑶族|白族|傣族|黎族|羌族|土族|撒拉族|东乡族|裕固族|保安族|达斡尔族|鄂温克族"
)
_ADMIN_SUFFIX = re.compile(
    rf"(?:(?:{_ETHNIC})*自治(?:区|州|县|旗)|地区|特别行政区|省|市|州|县|区|盟|旗)$"
)
_NOISE = re.compile(r"[\s\"'“”‘’「」《》()（）]")
# Lower is bigger: used to prefer the prefecture when a bare name such as
# 和田 fits both 和田地区 and 和田市.
_LEVELS = (("自治区", 0), ("省", 0), ("自治州", 1), ("地区", 1), ("盟", 1), ("师", 1))


def _level(name: str) -> int:
    for suffix, level in _LEVELS:
        if name.endswith(suffix):
            return level
    if name.endswith("市"):
        return 2
    return 3


def _base(name: str) -> str:
    base = _ADMIN_SUFFIX.sub("", name)
    return base if len(base) >= 2 else name


def _short_forms(name: str) -> list[str]:
    """Everyday forms of a formal name: 昌吉回族自治州 -> 昌吉, 昌吉州, 昌州."""
    base = _base(name)
    forms = [base] if base != name else []
    if "自治州" in name or name.endswith("州"):
        forms += [base + "州", base[0] + "州"]
    if name.endswith("地区"):
        forms.append(base + "地区")
    return forms


class Gazetteer:
    """Maps written place names to codes.

    ``records`` yields ``(code, name, *aliases)``. Exact names and aliases win;
    then everyday short forms (昌吉州 ↔ 昌吉回族自治州, 伊犁州 ↔ 伊犁哈萨克自治州,
    博州 ↔ 博尔塔拉蒙古自治州, 吐鲁番 ↔ 吐鲁番市); then the most specific known
    name contained in a longer phrase (昌吉市六工镇 -> 昌吉市).
    """

    def __init__(self, records: Iterable[Sequence[str]]) -> None:
        self._exact: dict[str, str] = {}
        self._derived: dict[str, list[tuple[int, str]]] = {}
        self._names: dict[str, str] = {}
        for code, name, *aliases in records:
            for written in (name, *aliases):
                key = _NOISE.sub("", written)
                if key:
                    self._exact.setdefault(key, code)
                    self._names[key] = code
            for form in _short_forms(_NOISE.sub("", name)):
                self._derived.setdefault(form, []).append((_level(name), code))
        self._pattern = self._build_pattern()

    def _build_pattern(self) -> re.Pattern[str] | None:
        keys = sorted(set(self._exact) | set(self._derived), key=len, reverse=True)
        keys = [key for key in keys if len(key) >= 2]
        return re.compile("|".join(map(re.escape, keys))) if keys else None

    def _lookup(self, key: str) -> str | None:
        if key in self._exact:
            return self._exact[key]
        candidates = self._derived.get(key)
        if not candidates:
            return None
        level = min(level for level, _ in candidates)
        codes = {code for lvl, code in candidates if lvl == level}
        # Two regions of the same level share the short form: no guess.
        return codes.pop() if len(codes) == 1 else None

    def resolve(self, phrase: str) -> str | None:
        """Region code for ``phrase`` (as written in a report), or ``None``."""
        key = _NOISE.sub("", phrase or "")
        if not key:
            return None
        code = self._lookup(key) or self._lookup(_base(key))
        if code or self._pattern is None:
            return code
        # A chain such as 昌吉市六工镇十三户村: the last, most specific known name.
        found = [match.group() for match in self._pattern.finditer(key)]
        for name in reversed(found):
            code = self._lookup(name)
            if code:
                return code
        return None
