"""Writes of the transfer app: uploads, the import check and commit, export files.

An import reads the file (``readers``), reads every cell (``cells``) against the kind's
columns (``kinds``), then runs every row through the kind's domain services inside one
transaction. The check runs the same path and rolls it back, so the preview shows what
the commit will do; the commit keeps the transaction only when no row was refused.
"""

import hashlib
import threading
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from duikou import policy
from duikou.jobs.services import job_enqueue, job_progress

from . import cells
from .cells import CellError
from .conf import setting
from .kinds import KINDS, Column, Kind, LinkError, Resolver
from .models import ImportRecord
from .readers import FileRefused, Sheet, iter_rows, sheet_read

SOURCE = "导入"
MAX_STORED_ERRORS = 1000


@dataclass
class Problem:
    line: int | None
    header: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "header": self.header, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.line}行" if self.line else ""
        column = f"“{self.header}”" if self.header else ""
        return f"{where}{column}：{self.message}" if where or column else self.message


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


# Reading one row -----------------------------------------------------------------------


def cell_read(column: Column, raw, resolver: Resolver):
    """The typed value of one cell, and whether it was an approximate figure."""
    if cells.is_blank(raw):
        if column.required:
            raise CellError("不能为空")
        return column.blank_value, False
    kind = column.type
    if kind in ("text", "ref"):
        return cells.text(raw, max_length=column.max_length), False
    if kind == "amount":
        parsed = cells.amount(raw)
        return parsed.value, parsed.approximate
    if kind == "int":
        parsed = cells.integer(raw)
        return int(parsed.value), parsed.approximate
    if kind == "decimal":
        parsed = cells.number(raw)
        if parsed.unit not in ("", "%"):
            raise CellError(f"“{raw}”不是数字")
        return parsed.value, parsed.approximate
    if kind == "number":
        return cells.number(raw), False
    if kind == "date":
        return cells.day(raw), False
    if kind == "bool":
        return cells.boolean(raw), False
    if kind == "choice":
        return cells.choice(raw, column.choices), False
    if kind == "region":
        return resolver.region(raw), False
    if kind == "org":
        return resolver.org(raw), False
    if kind == "period":
        return resolver.ref(("period", raw), lambda: cells.period(raw)), False
    raise CellError("无法识别的列类型")


def row_read(
    kind: Kind, raw: dict, resolver: Resolver, line: int | None = None
) -> tuple[dict, list[Problem], list[Problem]]:
    """Typed values of one row (by column key), its problems, and notes on approximations."""
    values, problems, notes = {}, [], []
    approximate = []
    for column in kind.input_columns():
        if column.key not in raw:
            continue
        try:
            value, rough = cell_read(column, raw[column.key], resolver)
        except CellError as error:
            problems.append(Problem(line, column.header, str(error)))
            continue
        values[column.key] = value
        if rough:
            approximate.append(cells.approximate_note(column.header, raw[column.key]))
            notes.append(Problem(line, column.header, f"“{raw[column.key]}”为约数，按{value}导入"))
    if problems:
        return values, problems, notes
    try:
        kind.link(values, resolver)
    except LinkError as error:
        problems.append(Problem(line, kind.header_for(error.key), str(error)))
        return values, problems, notes
    if approximate and kind.note_column:
        note = values.get(kind.note_column) or ""
        values[kind.note_column] = "；".join([note, *approximate] if note else approximate)
    return values, problems, notes


def problems_from(error: ValidationError, kind: Kind, line: int | None) -> list[Problem]:
    """A service refusal as problems naming the column of each refused field."""
    if hasattr(error, "error_dict"):
        return [
            Problem(line, kind.header_for(name), message)
            for name, errors in error.error_dict.items()
            for e in errors
            for message in e.messages
        ]
    return [Problem(line, "", message) for message in error.messages]


# Uploads -------------------------------------------------------------------------------


def import_upload(*, user, kind: str, file_name: str, data: bytes) -> ImportRecord:
    """Keep an uploaded file and open it once, so a file that is no spreadsheet is refused
    at once. Raises FileRefused (nothing is kept) for unreadable, oversized or unsafe files."""
    if kind not in KINDS:
        raise FileRefused("没有这种数据类型")
    sheet = sheet_read(data, file_name)
    checked = _check_headers(KINDS[kind], sheet)
    record = ImportRecord(
        kind=kind,
        file_name=file_name[:255],
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        rows=sum(1 for _ in iter_rows(sheet)),
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    if checked:
        record.status = ImportRecord.Status.INVALID
        record.errors = [p.as_dict() for p in checked]
        record.finished_at = timezone.now()
    record.file.save(f"{record.checksum[:16]}-{kind}.bin", ContentFile(data), save=False)
    record.save()
    return record


def _check_headers(kind: Kind, sheet: Sheet) -> list[Problem]:
    """Every required column present; no column the kind does not know (a renamed one)."""
    known = {c.header: c for c in kind.columns}
    problems = []
    for header in sheet.headers:
        if header and header not in known:
            problems.append(Problem(1, header, "不是本模板的列（列名被修改？），请使用最新模板"))
    seen = [h for h in sheet.headers if h]
    for header in {h for h in seen if seen.count(h) > 1}:
        problems.append(Problem(1, header, "列名重复"))
    for column in kind.input_columns():
        if column.required and column.header not in sheet.headers:
            problems.append(Problem(None, column.header, "缺少必填列"))
    return problems


def import_start(*, record: ImportRecord, commit: bool, actor=None) -> ImportRecord:
    """Check (or commit) an upload: here and now for small files, in the worker for large ones."""
    allowed = (
        {ImportRecord.Status.UPLOADED, ImportRecord.Status.CHECKED}
        if not commit
        else {ImportRecord.Status.CHECKED}
    )
    if record.status not in allowed:
        raise ValidationError(f"导入记录当前为“{record.get_status_display()}”，不能执行此操作")
    if record.rows > setting("DUIKOU_IMPORT_SYNC_ROWS"):
        with transaction.atomic():
            job = job_enqueue(
                kind="transfer.import",
                params={"record_id": record.pk, "commit": commit},
                actor=actor,
            )
            status = ImportRecord.Status.COMMITTING if commit else ImportRecord.Status.CHECKING
            ImportRecord.objects.filter(pk=record.pk).update(job=job, status=status)
    else:
        import_run(record_id=record.pk, commit=commit)
    record.refresh_from_db()
    return record


# Running -------------------------------------------------------------------------------


def import_run(*, record_id: int, commit: bool, job_id: int | None = None) -> Outcome:
    """Check or commit one upload. All or nothing: with any refused row nothing is kept.

    Runs in a request for small files and in the worker (``tasks.import_job``) for large
    ones. The record's final status is written after the transaction, in its own statement.
    """
    record = ImportRecord.objects.select_related("uploaded_by").get(pk=record_id)
    kind = KINDS[record.kind]
    user = record.uploaded_by
    report = _Progress(job_id)
    ImportRecord.objects.filter(pk=record_id).update(
        status=ImportRecord.Status.COMMITTING if commit else ImportRecord.Status.CHECKING
    )
    outcome = Outcome()
    try:
        with record.file.open("rb") as handle:
            data = handle.read()
        sheet = sheet_read(data, record.file_name)
        report(5, "已读取文件")
        header_problems = _check_headers(kind, sheet)
        if header_problems:
            outcome.problems = header_problems
        elif kind.personal and not policy.can_see_personal_data(user):
            outcome.problems = [Problem(None, "", "无权导入人员个人信息")]
        else:
            _run(kind, sheet, user, commit, outcome, report)
    except FileRefused as error:
        outcome.problems = [Problem(None, "", str(error))]
    if outcome.problems:
        status = ImportRecord.Status.INVALID
    elif commit:
        status = ImportRecord.Status.COMMITTED
    else:
        status = ImportRecord.Status.CHECKED
    ImportRecord.objects.filter(pk=record_id).update(
        status=status,
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        rows=outcome.rows or record.rows,
        errors=[p.as_dict() for p in outcome.problems[:MAX_STORED_ERRORS]],
        notes=[p.as_dict() for p in outcome.notes[:MAX_STORED_ERRORS]],
        finished_at=timezone.now(),
    )
    return outcome


class _Progress:
    """Moves the job's progress bar. Inside the import's transaction the update must come
    from another connection to be seen: on PostgreSQL a short-lived thread does that; SQLite
    allows one writer at a time, so there the bar stands still until the write is done."""

    def __init__(self, job_id: int | None):
        self.job_id = job_id

    def __call__(self, percent: int, message: str) -> None:
        if self.job_id is None:
            return
        if not connection.in_atomic_block:
            job_progress(job_id=self.job_id, percent=percent, message=message)
        elif connection.vendor == "postgresql":
            thread = threading.Thread(target=self._beside, args=(percent, message))
            thread.start()
            thread.join()

    def _beside(self, percent: int, message: str) -> None:
        from django.db import connections

        try:
            job_progress(job_id=self.job_id, percent=percent, message=message)
        finally:
            connections.close_all()


def _run(kind: Kind, sheet: Sheet, user, commit: bool, outcome: Outcome, report) -> None:
    resolver = Resolver(user)
    positions = {
        c.key: sheet.headers.index(c.header)
        for c in kind.input_columns()
        if c.header in sheet.headers
    }
    formulas = sheet.formulas or {}
    headers = {i: h for i, h in enumerate(sheet.headers)}
    parsed: list[tuple[int, dict]] = []
    all_rows = list(iter_rows(sheet))
    outcome.rows = len(all_rows)
    step = max(1, len(all_rows) // 20)
    for count, (line, row) in enumerate(all_rows, start=1):
        refused = [(line, i) for i in positions.values() if (line, i) in formulas]
        if refused:
            for _, index in refused:
                outcome.problems.append(
                    Problem(line, headers[index], "含公式，请粘贴为数值后再导入")
                )
            continue
        raw = {key: (row[i] if i < len(row) else None) for key, i in positions.items()}
        values, problems, notes = row_read(kind, raw, resolver, line)
        outcome.notes.extend(notes)
        if problems:
            outcome.problems.extend(problems)
            continue
        parsed.append((line, values))
        if count % step == 0:
            report(5 + 35 * count // len(all_rows), f"已检查{count}/{len(all_rows)}行")
    if kind.key != "values":  # values_import checks the reporting organisation itself
        allowed = []
        for line, values in parsed:
            owner = kind.values_owner(values)
            if owner is not None and not policy.can_write_for_org(user, owner.pk):
                header = kind.header_for(kind.owner_column)
                outcome.problems.append(Problem(line, header, f"您无权为“{owner.name}”填报数据"))
            else:
                allowed.append((line, values))
        parsed = allowed
    if kind.key == "values":
        _write_values(kind, parsed, user, commit and not outcome.problems, outcome, report)
        return
    with transaction.atomic():
        _write_records(kind, parsed, user, outcome, report)
        if outcome.problems or not commit:
            transaction.set_rollback(True)


def _write_records(kind: Kind, parsed, user, outcome: Outcome, report) -> None:
    seen: dict[tuple, int] = {}
    consumed: dict[tuple, int] = {}
    step = max(1, len(parsed) // 20)
    for count, (line, values) in enumerate(parsed, start=1):
        if count % step == 0:
            report(40 + 58 * count // len(parsed), f"已写入{count}/{len(parsed)}行")
        key = kind.key_of(values)
        try:
            with transaction.atomic():
                if kind.append_only:
                    same = kind.find(values)
                    used = consumed.get(key, 0)
                    if used < len(same):
                        consumed[key] = used + 1
                        changes, frozen = kind.changes(same[used], values)
                        if frozen:
                            _frozen(kind, frozen, line, outcome)
                        elif changes:  # only what ``correctable`` lets a re-import correct
                            kind.update(same[used], changes, actor=user, source=SOURCE)
                            outcome.updated += 1
                        else:
                            outcome.unchanged += 1
                        continue
                    kind.create(values, actor=user, source=SOURCE)
                    outcome.created += 1
                    continue
                if key in seen:
                    outcome.problems.append(
                        Problem(line, "", f"与第{seen[key]}行是同一条记录，请合并后再导入")
                    )
                    continue
                seen[key] = line
                existing = kind.find(values)
                if existing is None:
                    kind.create(values, actor=user, source=SOURCE)
                    outcome.created += 1
                    continue
                if not policy.can_write_for_org(user, kind.owner_id(existing)):
                    outcome.problems.append(Problem(line, "", "无权修改这条已有记录"))
                    continue
                changes, frozen = kind.changes(existing, values)
                if frozen:
                    _frozen(kind, frozen, line, outcome)
                elif not changes:
                    outcome.unchanged += 1
                else:
                    kind.update(existing, changes, actor=user, source=SOURCE)
                    outcome.updated += 1
        except ValidationError as error:
            outcome.problems.extend(problems_from(error, kind, line))


def _frozen(kind: Kind, keys: list[str], line: int, outcome: Outcome) -> None:
    for key in keys:
        column = kind.column(key)
        reason = (
            "已登记的记录不能通过导入修改，请在页面更正"
            if kind.append_only
            else "不能通过导入修改，请在页面操作"
        )
        outcome.problems.append(Problem(line, column.header if column else "", reason))


def _write_values(kind: Kind, parsed, user, commit: bool, outcome: Outcome, report) -> None:
    from duikou.results.services import ValueRow, values_import

    rows = []
    for line, values in parsed:
        number = values["value"]
        unit = values.get("unit") or number.unit or None
        rows.append(
            ValueRow(
                line=line,
                indicator=values["indicator"],
                org=values["org"],
                period=values["period"],
                value=number.value,
                region=values.get("region"),
                unit=unit,
                disaggregation=values.get("disaggregation", ""),
                comment=_value_comment(values, number),
            )
        )
    try:
        with transaction.atomic():
            counts = values_import(
                rows=rows,
                actor=user,
                check_only=not commit,
                progress=lambda p, m: report(40 + 58 * p // 100, m),
            )
    except ValidationError as error:
        for problem in error.error_list:
            field_name = (problem.params or {}).get("field", "")
            line = (problem.params or {}).get("line")
            outcome.problems.append(Problem(line, kind.header_for(field_name), problem.message))
        return
    if not outcome.problems:
        outcome.created = counts["created"]
        outcome.updated = counts["updated"]
        outcome.unchanged = counts["unchanged"]


def _value_comment(values: dict, number) -> str:
    comment = values.get("comment") or ""
    if number.approximate:
        mark = "约数"
        return f"{comment}；{mark}" if comment and mark not in comment else (comment or mark)
    return comment


def import_fail(*, record_id: int, message: str) -> None:
    ImportRecord.objects.filter(pk=record_id).update(
        status=ImportRecord.Status.FAILED,
        errors=[Problem(None, "", message).as_dict()],
        finished_at=timezone.now(),
    )


def import_records_reconcile(*, records) -> None:
    """Mark failed the imports whose job failed without reaching them (a killed worker).

    The job's work ran in one transaction that never committed, so nothing was written.
    """
    from duikou.jobs.models import Job

    busy = {ImportRecord.Status.CHECKING, ImportRecord.Status.COMMITTING}
    for record in records:
        if record.status in busy and record.job_id:
            job = Job.objects.filter(pk=record.job_id).only("status", "message").first()
            if job is not None and job.status == Job.Status.FAILED:
                import_fail(record_id=record.pk, message=job.message or "后台任务失败")
                record.refresh_from_db()


# Exports -------------------------------------------------------------------------------


def export_start(*, user, kind: str, filters: dict, format: str):
    """Write a large export in the worker; the job's page offers the file when done."""
    return job_enqueue(
        kind="transfer.export",
        params={"kind": kind, "filters": filters, "format": format},
        actor=user,
    )
