"""Read the built files back with python-calamine, the importer's reader.

    /work/main/.venv/bin/python tests/messy/check.py [-v]

Checks that every file opens, that the rows the expectations call formula totals
carry cached numbers (LibreOffice computed them), that merged ranges survived,
that every expectation row number points at a non-empty row, and that the CSV is
GB18030 with CRLF line endings. With -v it prints each sheet.
"""

import json
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

HERE = Path(__file__).resolve().parent
VERBOSE = "-v" in sys.argv


def sheet_for(book, exp):
    if exp.get("sheet"):
        return book.get_sheet_by_name(exp["sheet"])
    # the first sheet whose table is widest: the data sheet when 说明/封面 comes first
    best = None
    for name in book.sheet_names:
        sh = book.get_sheet_by_name(name)
        rows = sh.to_python(skip_empty_area=False)
        width = max((sum(1 for c in r if c != "") for r in rows), default=0)
        if best is None or width > best[0]:
            best = (width, sh)
    return best[1]


def main():
    failures = []
    for path in sorted(HERE.glob("*.expect.json")):
        exp = json.loads(path.read_text(encoding="utf-8"))
        target = HERE / exp["file"]
        problems = []
        if target.suffix == ".csv":
            raw = target.read_bytes()
            text = raw.decode("gb18030")
            if b"\r\n" not in raw or raw.replace(b"\r\n", b"").count(b"\n"):
                problems.append("CSV line endings are not all CRLF")
            try:
                raw.decode("utf-8")
                problems.append("CSV decodes as UTF-8: not a GB18030 file")
            except UnicodeDecodeError:
                pass
            rows = [line.split(",") for line in text.split("\r\n")]
            merges = []
        else:
            book = CalamineWorkbook.from_path(str(target))
            sh = sheet_for(book, exp)
            rows = sh.to_python(skip_empty_area=False)
            merges = sh.merged_cell_ranges or []
            if not merges:
                problems.append("no merged ranges survived")
            if VERBOSE:
                print(f"== {exp['file']} [{sh.name}] sheets={book.sheet_names}")
                print("   merges:", merges)
        if VERBOSE and target.suffix == ".csv":
            print(f"== {exp['file']}")
        if VERBOSE:
            for i, r in enumerate(rows, 1):
                print(f"   {i:>3}", [c for c in r])
        for item in exp.get("skipped", []):
            n = item["row"]
            if n > len(rows) or not any(str(c).strip() for c in rows[n - 1]):
                problems.append(f"skipped row {n} is empty or missing")
                continue
            if "公式" in item["why"]:
                numbers = [c for c in rows[n - 1] if isinstance(c, (int, float)) and c]
                if not numbers:
                    problems.append(f"formula row {n} has no cached numbers: {rows[n - 1]}")
        for n in exp.get("warn_rows", []):
            if n > len(rows) or not any(str(c).strip() for c in rows[n - 1]):
                problems.append(f"warn row {n} is empty or missing")
        status = "ok" if not problems else "FAIL"
        print(f"{status:4} {exp['file']}  rows={len(rows)} merges={len(merges)}")
        for p in problems:
            print("     ", p)
        failures += problems
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
