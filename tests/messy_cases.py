"""Running the office spreadsheets of ``tests/messy/`` through the import as their users
would, and comparing what was stored with what each sheet means (its ``.expect.json``)."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model

HERE = Path(__file__).with_name("messy")


def cases() -> list[str]:
    return sorted(p.name.removesuffix(".expect.json") for p in HERE.glob("*.expect.json"))


def expectation(case: str) -> dict:
    return json.loads((HERE / f"{case}.expect.json").read_text(encoding="utf-8"))


@dataclass
class Run:
    case: str
    record: object
    outcome: object
    failures: list[str] = field(default_factory=list)
    dashboard: tuple = ({}, {})


def case_import(case: str, *, commit: bool = True) -> Run:
    """Upload as the case's user, confirm the proposed mapping with only the values the
    file lacks (``set``), check, then commit."""
    from duikou.transfer.kinds import KINDS
    from duikou.transfer.mapping import header_key
    from duikou.transfer.services import import_remap, import_run, import_upload

    spec = expectation(case)
    kind = KINDS[spec["kind"]]
    user = get_user_model().objects.get(username=spec["as"])
    data = (HERE / spec["file"]).read_bytes()
    record = import_upload(
        user=user, kind=kind.key, file_name=spec["file"], data=data, sheet=spec.get("sheet")
    )
    constants = {header_key(kind, name): value for name, value in (spec.get("set") or {}).items()}
    words = {
        header_key(kind, name): choices for name, choices in (spec.get("values") or {}).items()
    }
    if None in constants or None in words:
        raise AssertionError(f"{case}: unknown column in set/values")
    record = import_remap(
        record=record, user=user, constants=constants, values=words, sheet=spec.get("sheet")
    )
    outcome = import_run(record_id=record.pk, commit=False)
    before = _dashboard(user)
    if commit and not outcome.problems:
        outcome = import_run(record_id=record.pk, commit=True)
    record.refresh_from_db()
    run = Run(case, record, outcome)
    run.dashboard = (before, _dashboard(user))
    return run


def _dashboard(user) -> dict:
    """The fund figures the dashboard shows the user (from the summary the services keep)."""
    from duikou.projects.selectors import fund_totals_by_donor_province

    totals = fund_totals_by_donor_province(user=user)
    merged: dict = {}
    for figures in totals.values():
        for kind, amount in figures.items():
            merged[kind] = merged.get(kind, 0) + amount
    return merged


def _moved(run: Run) -> dict:
    """What the committed rows move on the dashboard, from the import's own report."""
    from decimal import Decimal

    kind = run.record.kind
    moved: dict = {}
    for row in run.outcome.preview:
        values, before = row["values"], row.get("before") or {}
        if kind == "projects" and row["action"] == "create":
            for key in ("budget_aid", "budget_local", "budget_social"):
                if values.get(key):
                    moved["budget"] = moved.get("budget", 0) + Decimal(values[key])
        if kind == "fund_transactions" and row["action"] in ("create", "update"):
            old = Decimal(before["amount"]) if "amount" in before else Decimal(0)
            if row["action"] == "update" and "amount" not in before:
                continue
            moved[values["kind"]] = moved.get(values["kind"], 0) + Decimal(values["amount"]) - old
    return moved


def case_check(run: Run) -> list[str]:
    """Every difference between what was stored and what the sheet means."""
    spec = expectation(run.case)
    failures = []
    record, outcome = run.record, run.outcome
    if record.status != "committed":
        failures.append(f"status {record.status}: {[str(p) for p in outcome.problems][:8]}")
        return failures
    counts = {"create": record.created, "update": record.updated, "unchanged": record.unchanged}
    if spec.get("counts") and counts != spec["counts"]:
        failures.append(f"counts {counts} != {spec['counts']}")
    skipped = {s["row"] for s in record.skipped}
    for s in spec.get("skipped", []):
        if s["row"] not in skipped:
            failures.append(f"row {s['row']} not skipped ({s['why']})")
    warned = {n.line for n in outcome.notes}
    for line in spec.get("warn_rows", []):
        if line not in warned:
            failures.append(f"row {line} has no warning")
    for key, total in (spec.get("totals") or {}).items():
        if outcome.totals.get(key) != total:
            failures.append(f"total {key} {outcome.totals.get(key)} != {total}")
    for expected in spec.get("records", []):
        failures.extend(_record_check(spec, expected))
    before, after = run.dashboard
    shown = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}
    shown = {k: v for k, v in shown.items() if v}
    if shown != _moved(run):
        failures.append(f"dashboard moved {shown}, the import reported {_moved(run)}")
    return failures


def _record_check(spec: dict, expected: dict) -> list[str]:
    from duikou.transfer.kinds import KINDS

    kind = KINDS[spec["kind"]]
    user = get_user_model().objects.get(username=spec["as"])
    match = dict(expected.get("match") or {})
    if spec["kind"] == "values":
        match = {k: expected[k] for k in ("indicator", "org", "region", "period") if k in expected}
        match["disaggregation"] = expected.get("disaggregation", "")
    found = [obj for obj in kind.queryset(user) if _matches(kind, obj, match)]
    if len(found) != 1:
        return [f"{len(found)} records match {match}"]
    row = kind.api_row(found[0])
    problems = []
    for key, value in expected.items():
        if key == "match":
            continue
        actual = _field(kind, found[0], row, key)
        if _norm(actual) != _norm(value):
            problems.append(f"{match}: {key} = {actual!r}, expected {value!r}")
    return problems


def _field(kind, obj, row: dict, key: str):
    if key == "project_name":
        return obj.project.name
    if key == "deal_name":
        return obj.deal.name
    if kind.key == "values" and key == "period":
        from duikou.results.periods import Period
        from duikou.transfer.preview import period_code

        return period_code(Period(obj.period_start, obj.period_end))
    if kind.key == "values" and key == "region":
        return obj.region.code if obj.region else None
    column = kind.column(key)
    if column is None:
        return row.get(key)
    from duikou.transfer.preview import api_form

    return api_form(kind, key, kind.current(obj, column))


def _matches(kind, obj, match: dict) -> bool:
    row = kind.api_row(obj)
    return all(_norm(_field(kind, obj, row, k)) == _norm(v) for k, v in match.items())


def _norm(value):
    from decimal import Decimal, InvalidOperation

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).normalize()
    if isinstance(value, str):
        try:
            return Decimal(value).normalize()
        except InvalidOperation:
            return value
    return value
