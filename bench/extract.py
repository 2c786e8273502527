"""Throughput and peak memory of the figure extractor on one core.

Run as ``python -m bench.extract [--mb 10]``. Builds at least ``--mb``
megabytes of report text by repeating the corpus reports with perturbed
numbers (synthetic text when the corpus is absent), extracts figures
report by report, and prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from duikou.extract import extract

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "reports"
_SYNTHETIC = (
    "2025年，援疆工作队促成{a}项招商引资新签约项目落地昌吉州，签约金额{b}.5亿元；"
    "全年吸纳就业{c}余人，累计接诊患者{d}人次，完成手术{a}台。\n\n"
)
_DIGITS = re.compile(r"\d+")


def _seed_reports() -> list[str]:
    reports = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    if reports:
        return reports
    rng = random.Random(0)
    return [
        "".join(
            _SYNTHETIC.format(a=rng.randint(2, 99), b=rng.randint(1, 999), c=rng.randint(10, 9999),
                              d=rng.randint(100, 999999))
            for _ in range(200)
        )
    ]  # fmt: skip


def _documents(megabytes: float) -> Iterator[str]:
    """Perturbed copies of the seed reports until ``megabytes`` of UTF-8 are made."""
    rng = random.Random(42)
    seeds = _seed_reports()
    produced = 0
    target = megabytes * 1_000_000
    while produced < target:
        seed = seeds[rng.randrange(len(seeds))]
        # New numbers keep the regexes honest; the wording stays realistic.
        text = _DIGITS.sub(lambda match: str(rng.randint(1, 10 ** len(match.group()))), seed)
        produced += len(text.encode("utf-8"))
        yield text


def run(megabytes: float) -> dict[str, object]:
    """Extract from ``megabytes`` of text and return the measurements."""
    documents = list(_documents(megabytes))
    size = sum(len(text.encode("utf-8")) for text in documents)
    started = time.perf_counter()
    figures = 0
    for index, text in enumerate(documents):
        figures += len(extract(text, doc=str(index)))
    elapsed = time.perf_counter() - started
    # tracemalloc slows allocation-heavy code several times over, so the
    # allocation peak is taken in a second pass, not in the timed one.
    tracemalloc.start()
    for index, text in enumerate(documents[:20]):
        extract(text, doc=str(index))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "megabytes": round(size / 1_000_000, 2),
        "documents": len(documents),
        "figures": figures,
        "seconds": round(elapsed, 2),
        "mb_per_second": round(size / 1_000_000 / elapsed, 2),
        "extract_peak_mb": round(peak / 1_000_000, 1),
        "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options for ``duikou bench extract``."""
    parser.add_argument("--mb", type=float, default=10.0, help="megabytes of text to process")


def run_command(options: dict, out) -> None:
    """Entry point for ``duikou bench extract``."""
    out.write(json.dumps(run(options["mb"])))


def main(argv: list[str]) -> int:
    """Parse ``--mb`` and print the measurements as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.extract")
    parser.add_argument("--mb", type=float, default=10.0, help="megabytes of text to process")
    options = parser.parse_args(argv)
    print(json.dumps(run(options.mb)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
