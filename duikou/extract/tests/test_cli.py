"""The command line prints figures in the gold JSON format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duikou.extract.cli import main


def test_it_prints_one_gold_json_object_per_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "000_report.txt"
    path.write_text("福建援疆工作队签约金额238.05亿元，吸纳就业1.2万余人。", encoding="gbk")
    assert main([str(path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["text"] for row in rows] == ["238.05亿元", "1.2万余人"]
    assert rows[0]["doc"] == "000_report"
    assert rows[1]["value"] == 12000
    assert list(rows[0]) == [
        "doc", "start", "end", "text", "value", "unit", "qualifier",
        "change", "indicator", "subject", "place", "period",
    ]  # fmt: skip


def test_it_prints_a_table_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.txt"
    path.write_text("完成手术7360台。", encoding="utf-8")
    assert main([str(path), "--format", "table"]) == 0
    assert capsys.readouterr().out.split("\t")[:3] == ["r", "4", "7360台"]


def test_it_reports_an_unreadable_file_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err
