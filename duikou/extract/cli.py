"""Command line: ``python -m duikou.extract.cli FILE... [--format jsonl|table]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .core import extract
from .reader import read_document

_TABLE_FIELDS = (
    "start",
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


def main(argv: list[str]) -> int:
    """Print the figures of each file; return a process exit status."""
    parser = argparse.ArgumentParser(prog="duikou extract", description="提取报告中的数据")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    options = parser.parse_args(argv)
    status = 0
    for name in options.files:
        path = Path(name)
        try:
            text = read_document(path)
        except (OSError, ValueError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            status = 1
            continue
        for figure in extract(text, doc=path.stem):
            row = figure.to_dict()
            if options.format == "jsonl":
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(
                    "\t".join(str(row[key]).replace("\n", "⏎") for key in ("doc", *_TABLE_FIELDS))
                )
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
