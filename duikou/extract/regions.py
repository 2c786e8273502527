"""Written forms of Xinjiang's regions and of China's provinces, for recognition.

The names come from the region table shipped with the platform
(``duikou/geo/fixtures/regions.csv``: code, name, short_name, level,
parent_code, kind, aliases). Only plain ``csv`` is used, so the extractor
stays free of Django; the table is read once, on first use.
"""

from __future__ import annotations

import csv
import re
import re._parser as _sre_parser
from functools import cache, lru_cache
from pathlib import Path

REGIONS_CSV = Path(__file__).resolve().parents[1] / "geo" / "fixtures" / "regions.csv"

# Short forms that are also everyday words or given names (温泉 "hot spring",
# 新星 "new star", 白杨 "poplar", 考察县级 holds 察县): recognised only with their
# full name.
_COMMON_WORDS = frozenset(
    "温泉 新星 白杨 双河 福海 青河 新和 和安 和康 裕民 新源 民丰 沙湾 托里 昆玉 高昌 天山 "
    "察县".split()
)
# 一师, 十师: bare division numbers read as counts (三师 "three teachers");
# 第一师 and 农一师 are found by their own pattern.
_BARE_DIVISION = re.compile(r"^[一二三四五六七八九十]+师$")
_NOISE = re.compile(r"[\s\"'“”‘’「」《》()（）]")


def _is_xinjiang(code: str) -> bool:
    return code.startswith(("65", "XPCC"))


def _forms(row: dict[str, str]) -> list[str]:
    written = [row.get("name", ""), row.get("short_name", "")]
    written += (row.get("aliases") or "").split("|")
    forms = []
    for form in written:
        form = _NOISE.sub("", form or "")
        if len(form) < 2 or form in _COMMON_WORDS or _BARE_DIVISION.match(form):
            continue
        forms.append(form)
    return forms


@cache
def region_names(path: Path = REGIONS_CSV) -> dict[str, bool]:
    """Written place names mapped to whether they lie in Xinjiang.

    Xinjiang's prefectures, counties, cities and XPCC divisions with their
    short forms and aliases, plus the province-level names of the whole
    country. Empty when the table is not available.
    """
    names: dict[str, bool] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row.get("code") or ""
                inside = _is_xinjiang(code)
                if not inside and row.get("level") != "province":
                    continue
                for form in _forms(row):
                    names[form] = names.get(form, False) or inside
    except OSError:
        return {}
    return names


@lru_cache(maxsize=4096)
def is_xinjiang_place(text: str) -> bool:
    """True when ``text`` names, or begins with, a place inside Xinjiang."""
    names = region_names()
    for length in range(min(len(text), 12), 1, -1):
        if names.get(text[:length]):
            return True
    return text.startswith(("新疆", "兵团", "南疆", "北疆", "东疆", "全疆"))


def trie_pattern(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A regular expression matching any of ``words``, longest first.

    Words are laid out as a trie, so the engine tries one branch per
    character instead of every word at every position.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, dict]) -> str:
    branches = []
    ends = "" in node
    for char in sorted(key for key in node if key):
        branches.append(re.escape(char) + _trie_regex(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A word that ends here may also go on into a longer one: prefer the longer.
    return f"(?:{body})?" if ends else body


def first_char_checked(pattern: re.Pattern[str], open_part: str = "") -> re.Pattern[str]:
    """``pattern`` behind a look-ahead for the characters a match can begin with.

    Python's engine tries a pattern without a literal start (an optional
    prefix, named alternatives) in full at every position of the text; a
    one-character look-ahead turns most positions away at once. Matches are
    the same: the set is read off the pattern itself, and a pattern whose
    first character cannot be pinned down (``.``, ``[^…]``, a possibly
    empty match) is returned as it is.

    ``open_part``, a self-contained piece of the pattern that may begin with
    almost any character (a look-behind and a run of any CJK), is left out of
    the set and checked as written instead. When the pattern no longer holds
    it, the pattern is returned as it is.
    """
    source = pattern.pattern
    if pattern.flags & ~re.UNICODE or (open_part and open_part not in source):
        return pattern
    try:
        # A look-ahead that never matches: the items after it still count.
        pinned = source.replace(open_part, "(?!)") if open_part else source
        items, nullable = _first_items(_sre_parser.parse(pinned))
        if nullable or not items:
            return pattern
        check = f"[{''.join(sorted(items))}]" + (f"|{open_part}" if open_part else "")
        return re.compile(f"(?={check})(?:{source})")
    except (_Unpinned, re.error):
        return pattern


class _Unpinned(Exception):
    """The first character of a match cannot be told from the pattern."""


_CATEGORY_CLASSES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


def _class_items(items) -> set[str]:
    found = set()
    for op, value in items:
        name = str(op)
        if name == "LITERAL":
            found.add(f"\\U{value:08x}")
        elif name == "RANGE":
            found.add(f"\\U{value[0]:08x}-\\U{value[1]:08x}")
        elif name == "CATEGORY" and str(value) in _CATEGORY_CLASSES:
            found.add(_CATEGORY_CLASSES[str(value)])
        else:
            raise _Unpinned  # NEGATE, other categories
    return found


def _first_items(sequence) -> tuple[set[str], bool]:
    """First-character class items of ``sequence`` and whether it can match empty."""
    found: set[str] = set()
    for op, value in sequence:
        name = str(op)
        if name == "LITERAL":
            return found | _class_items([(op, value)]), False
        if name == "IN":
            return found | _class_items(value), False
        if name in ("ASSERT", "ASSERT_NOT", "AT"):
            continue  # zero width: the next item gives the first character
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, body = value
            items, empty = _first_items(body)
            found |= items
            if low and not empty:
                return found, False
            continue
        if name == "SUBPATTERN":
            _, add_flags, del_flags, body = value
            if add_flags or del_flags:
                raise _Unpinned
            items, empty = _first_items(body)
        elif name == "ATOMIC_GROUP":
            items, empty = _first_items(value)
        elif name == "BRANCH":
            items, empty = set(), False
            for alternative in value[1]:
                more, alternative_empty = _first_items(alternative)
                items |= more
                empty = empty or alternative_empty
        else:
            raise _Unpinned  # ANY, NOT_LITERAL, group references
        found |= items
        if not empty:
            return found, False
    return found, True
