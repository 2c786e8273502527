"""Every gold line of the development set is well formed under the corpus conventions.

The set lives in ``devset/dev`` (for developing the rules) and ``devset/heldout``
(kept aside for measuring only); each part holds ``reports/<stem>.txt`` and
``gold/<stem>.jsonl``. Nothing here reads what the gold says beyond its form.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

DEVSET = Path(__file__).parent / "devset"
PARTS = ("dev", "heldout")
FIELDS = (
    "doc",
    "start",
    "end",
    "text",
    "value",
    "unit",
    "qualifier",
    "change",
    "indicator",
    "subject",
    "place",
    "period",
)
UNITS = {
    "元", "人", "人次", "项", "个", "家", "台", "例", "场", "次", "批次", "件", "所",
    "张", "种", "头", "只", "吨", "亩", "平方米", "立方米", "千瓦时", "公里", "天",
    "条", "节", "期", "公斤", "%", "百分点",
}  # fmt: skip
QUALIFIERS = {"", "约", "余", "多", "超", "以上", "近", "以下"}
CHANGES = {"", "up", "down"}


def gold_files() -> list[Path]:
    return sorted(path for part in PARTS for path in (DEVSET / part / "gold").glob("*.jsonl"))


def gold_lines() -> list[object]:
    lines = []
    for path in gold_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.parent.parent.name}/{path.name}:{number}"
            lines.append(pytest.param(where, line, id=where))
    return lines


def test_the_development_part_is_there() -> None:
    files = list((DEVSET / "dev" / "gold").glob("*.jsonl"))
    assert len(files) >= 8
    assert sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files) >= 170


@pytest.mark.parametrize("path", gold_files(), ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_each_gold_file_has_its_report(path: Path) -> None:
    report = path.parent.parent / "reports" / f"{path.stem}.txt"
    assert report.exists(), f"{path.name} 缺少对应的报道 {report.name}"
    assert path.read_text(encoding="utf-8").strip(), f"{path.name} 没有任何数字"


@pytest.mark.parametrize(("where", "line"), gold_lines())
def test_each_gold_line_is_well_formed(where: str, line: str) -> None:
    figure = json.loads(line)
    assert set(figure) == set(FIELDS), f"{where}: 字段应为 {FIELDS}，实为 {sorted(figure)}"
    path = Path(where.split(":")[0])
    part, name = path.parts
    stem = name.removesuffix(".jsonl")
    assert figure["doc"] == stem, f"{where}: doc 应为 {stem}"
    report = (DEVSET / part / "reports" / f"{stem}.txt").read_text(encoding="utf-8")
    start, end = figure["start"], figure["end"]
    assert isinstance(start, int) and isinstance(end, int), f"{where}: 起止位置应为整数"
    assert 0 <= start < end <= len(report), f"{where}: 起止位置越界"
    assert report[start:end] == figure["text"], (
        f"{where}: 报道第 {start}—{end} 字为 {report[start:end]!r}，不是 {figure['text']!r}"
    )
    value = figure["value"]
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{where}: value 应为数"
    assert value >= 0, f"{where}: value 不应为负"
    assert figure["unit"] in UNITS, f"{where}: 单位 {figure['unit']!r} 不在规范单位表中"
    assert figure["qualifier"] in QUALIFIERS, f"{where}: 限定词 {figure['qualifier']!r} 不合规"
    assert figure["change"] in CHANGES, f"{where}: 变化 {figure['change']!r} 应为空、up 或 down"
    for field in ("indicator", "subject", "place", "period"):
        assert isinstance(figure[field], str), f"{where}: {field} 应为字符串"
    assert figure["indicator"], f"{where}: indicator 不应为空"


@pytest.mark.parametrize("path", gold_files(), ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_gold_lines_are_in_text_order_without_overlap(path: Path) -> None:
    figures = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for before, after in itertools.pairwise(figures):
        assert before["end"] <= after["start"], (
            f"{path.name}: {before['text']!r} 与 {after['text']!r} 位置重叠或顺序颠倒"
        )
