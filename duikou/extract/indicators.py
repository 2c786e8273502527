"""Match an indicator phrase from a report to a catalogue of indicators."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_NOISE = re.compile(r"[\s\"'“”‘’「」《》()（）、，,]")
# Words that qualify a count without changing what is counted.
_FILLERS = re.compile(r"^(?:累计|共计|共|总计|合计|全年|年度|新增|先后|已|累计完成|完成)")
_THRESHOLD = 0.5


def _normalise(text: str) -> str:
    return _FILLERS.sub("", _NOISE.sub("", text or ""))


def _bigrams(text: str) -> set[str]:
    return {text[index : index + 2] for index in range(len(text) - 1)} or {text}


def _similarity(phrase: str, name: str) -> float:
    if not phrase or not name:
        return 0.0
    if phrase == name:
        return 1.0
    if name in phrase or phrase in name:
        # 接诊患者 in 累计接诊患者人次: strong, scaled by how much is shared.
        return 0.6 + 0.4 * min(len(phrase), len(name)) / max(len(phrase), len(name))
    left, right = _bigrams(phrase), _bigrams(name)
    return 2 * len(left & right) / (len(left) + len(right))


def match_indicator(phrase: str, catalogue: Iterable[tuple[str, Sequence[str]]]) -> str | None:
    """Code of the catalogue indicator whose name or synonym best fits ``phrase``.

    ``catalogue`` yields ``(code, names)``. Returns ``None`` when nothing is
    similar enough (Dice similarity of character pairs below 0.5).
    """
    wanted = _normalise(phrase)
    best_code, best_score = None, 0.0
    for code, names in catalogue:
        for name in names:
            score = _similarity(wanted, _normalise(name))
            if score > best_score:
                best_code, best_score = code, score
    return best_code if best_score >= _THRESHOLD else None
