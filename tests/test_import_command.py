"""``duikou import`` on the office spreadsheets: one JSON document per file, and ``--commit``
stores what the dry run showed."""

import io
import json

import pytest
from django.core.management import call_command

from duikou.core.demo import demo_load

from .messy_cases import HERE, case_import, cases, expectation

pytestmark = pytest.mark.django_db
KEYS = {"kind", "mapping", "skipped", "rows", "warnings", "problems", "counts", "totals"}


def run(case: str, *extra: str) -> tuple[dict, int]:
    spec = expectation(case)
    args = [str(HERE / spec["file"]), "--kind", spec["kind"], "--as", spec["as"]]
    if spec.get("sheet"):
        args += ["--sheet", spec["sheet"]]
    for name, value in (spec.get("set") or {}).items():
        args += ["--set", f"{name}={value}"]
    for name, words in (spec.get("values") or {}).items():
        for word, choice in words.items():
            args += ["--value", f"{name}:{word}={choice}"]
    out = io.StringIO()
    code = 0
    try:
        call_command("import", *args, *extra, "--format", "json", stdout=out)
    except SystemExit as stop:
        code = stop.code
    return json.loads(out.getvalue()), code


@pytest.mark.parametrize("case", cases())
def test_the_command_prints_the_import_and_commits_what_it_showed(case):
    demo_load()
    for before in expectation(case).get("after", []):
        case_import(before)
    dry, code = run(case)
    assert code == 0, dry["problems"]
    assert KEYS <= set(dry)
    assert dry["kind"] == expectation(case)["kind"]
    assert all(r["action"] in ("create", "update", "unchanged") for r in dry["rows"])
    for row in dry["rows"]:
        for key, value in row["values"].items():
            assert not isinstance(value, float), (key, value)  # money and numbers as strings
    done, code = run(case, "--commit")
    assert code == 0 and done["committed"]
    assert done["rows"] == dry["rows"]
    assert done["counts"] == dry["counts"]


def test_a_file_with_no_table_of_the_kind_says_what_it_looks_like():
    demo_load()
    spec = expectation(cases()[0])  # a project plan, imported as indicator values
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import", str(HERE / spec["file"]), "--kind", "values", "--as", spec["as"], stdout=out
        )
    problems = json.loads(out.getvalue())["problems"]
    assert "援疆项目" in problems[0]["message"]


@pytest.mark.parametrize("case", cases()[:2])
def test_the_command_reads_a_file_the_web_would_leave_to_the_worker(case, settings):
    """The command line is no web request: it reads, maps and commits every file itself."""
    demo_load()
    for before in expectation(case).get("after", []):
        case_import(before)
    settings.DUIKOU_IMPORT_SYNC_ROWS = 1
    settings.DUIKOU_IMPORT_SYNC_BYTES = 1
    done, code = run(case, "--commit")
    assert code == 0 and done["committed"], done["problems"]
    assert done["rows"]
