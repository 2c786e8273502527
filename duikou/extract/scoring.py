"""Score the extractor on an annotated set: ``reports/*.txt`` beside ``gold/*.jsonl``.

The matching follows the corpus conventions: a predicted figure matches a gold
figure of the same report when their spans overlap and value and unit agree,
each gold figure matching at most one prediction. Text attributes agree when,
quotes and white space dropped, both are empty, equal, or one contains the
other; qualifier and change must be equal.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .core import extract

ATTRIBUTES = ("qualifier", "change", "indicator", "subject", "place", "period")
_NOISE = re.compile(r"[\s\"'“”‘’「」《》]")


def _clean(text: object) -> str:
    return _NOISE.sub("", str(text or ""))


def attribute_agrees(name: str, predicted: dict, gold: dict) -> bool:
    """Whether ``predicted`` and ``gold`` agree on attribute ``name``."""
    mine, theirs = _clean(predicted.get(name)), _clean(gold.get(name))
    if name in ("qualifier", "change") or not mine or not theirs:
        return mine == theirs
    return mine in theirs or theirs in mine


def _matches(predicted: dict, gold: dict) -> bool:
    overlap = predicted["start"] < gold["end"] and gold["start"] < predicted["end"]
    same = math.isclose(float(predicted["value"]), float(gold["value"]), rel_tol=1e-6)
    return overlap and same and predicted["unit"] == gold["unit"]


@dataclass
class Score:
    """Figure precision, recall and F1, attribute agreement and the misses."""

    reports: int = 0
    gold: int = 0
    predicted: int = 0
    pairs: list[tuple[dict, dict, str]] = field(default_factory=list)  # (mine, gold, sentence)
    missed: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return len(self.pairs) / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return len(self.pairs) / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def agreement(self, name: str) -> float:
        if not self.pairs:
            return 0.0
        return sum(attribute_agrees(name, mine, gold) for mine, gold, _ in self.pairs) / len(
            self.pairs
        )

    def summary(self) -> dict[str, object]:
        return {
            "reports": self.reports,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": len(self.pairs),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "attribute_agreement": {name: round(self.agreement(name), 4) for name in ATTRIBUTES},
        }


def _context(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in "。\n！？")
    right = min((i for i in (text.find(mark, end) for mark in "。\n！？") if i >= 0), default=-1)
    return text[left + 1 : right if right >= 0 else len(text)].strip()


def score_folder(folder: Path) -> Score:
    """Run the extractor on ``folder/reports`` and score it against ``folder/gold``."""
    result = Score()
    for gold_path in sorted((folder / "gold").glob("*.jsonl")):
        report = folder / "reports" / f"{gold_path.stem}.txt"
        text = report.read_text(encoding="utf-8")
        gold = [
            json.loads(line)
            for line in gold_path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        mine = [figure.to_dict() for figure in extract(text, doc=gold_path.stem)]
        result.reports += 1
        result.gold += len(gold)
        result.predicted += len(mine)
        free = list(gold)
        for figure in mine:
            partner = next((item for item in free if _matches(figure, item)), None)
            if partner is None:
                result.spurious.append(figure)
                continue
            free.remove(partner)
            result.pairs.append((figure, partner, _context(text, figure["start"], figure["end"])))
        result.missed += [{**item, "doc": gold_path.stem} for item in free]
    return result


def report_lines(result: Score, errors: tuple[str, ...] = ()) -> list[str]:
    """Lines to print: the scores, then each disagreement on the attributes asked for."""
    lines = [
        f"报道 {result.reports}  标注 {result.gold}  提取 {result.predicted}  "
        f"匹配 {len(result.pairs)}",
        f"precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}",
    ]
    lines += [f"  {name:<10} {result.agreement(name):.3f}" for name in ATTRIBUTES]
    for name in errors:
        for mine, gold, sentence in result.pairs:
            if not attribute_agrees(name, mine, gold):
                lines.append(
                    f"[{name}] {mine['doc']}@{mine['start']} {mine['text']}: "
                    f"得到「{mine[name]}」 应为「{gold[name]}」  … {sentence}"
                )
    if errors:
        lines += [f"[漏] {item['doc']}@{item['start']} {item['text']}" for item in result.missed]
        lines += [f"[多] {item['doc']}@{item['start']} {item['text']}" for item in result.spurious]
    return lines
