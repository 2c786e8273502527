"""Writes of the transfer app: uploads, the import check and commit, export files.

An import is a pipeline of small steps, shared by the web page, ``duikou import`` and the
API: read the workbook (``readers``) → find the table (``tables``) → map its columns
(``mapping``: proposed at upload, confirmed or changed by the user) → read every cell
(``cells``, with the header's unit and the office's words for choices) → derive what the
file lacks → match records (code, natural key, name in scope) → run every row through the
kind's domain services inside one transaction. The check runs the same path and rolls it
back, so the preview shows every row as the commit will store it; the commit keeps the
transaction only when no row was refused.

Small files are read and written in the web request; large ones (``import_in_worker``) only
measured there (``readers.workbook_measure``, which reads no cell) and read, checked and
committed by the worker. A run claims its record (status, runner, heartbeat); a run whose
process died is found by ``import_records_reconcile`` and its record put back, with a note,
where it can be run again: the run's writes and its final status share one transaction, so
a run that died wrote nothing.
"""

import hashlib
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from duikou import policy
from duikou.jobs.services import job_enqueue, job_progress

from . import cells
from .cells import CellError
from .conf import setting
from .kinds import ABOUT, KINDS, Column, Kind, LinkError, Resolver
from .mapping import Mapping, header_score, mapping_apply_user, mapping_propose, scale_for
from .models import ImportRecord, SavedMapping
from .preview import api_form, shown_form
from .readers import FileRefused, Workbook, workbook_measure, workbook_read
from .tables import Table, normal, table_find

SOURCE = "导入"
MAX_STORED_ERRORS = 1000
MAX_STORED_PREVIEW = 2000  # rows kept on the record for the page; the command prints all
# A run in the web request that shows no sign of life for this long has died with its
# process: such runs are small (``import_in_worker``) and beat at every step outside their
# write transaction, and while that transaction is open the database's lock on the record
# vouches for them. The worker's runs follow their job instead (``jobs.services``).
IMPORT_STALE_AFTER = timedelta(minutes=10)
HEARTBEAT_EVERY = 5.0  # seconds between two heartbeats of one run


class ImportBusy(ValidationError):
    """The record is not in a state this step may start from (another run has it)."""


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
    skipped: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)  # every row as it will be stored
    totals: dict[str, str] = field(default_factory=dict)
    mapping: Mapping | None = None
    preview_limit: int | None = MAX_STORED_PREVIEW  # None: every row (the command line)


# Reading one row -----------------------------------------------------------------------


@dataclass
class Cell:
    """How to read one cell beyond its column's type: the header's unit, office words."""

    scale: object = None  # Decimal multiplier for plain numbers (万元 → 10000)
    words: dict | None = None  # normalised office word → choice code
    # What each distinct cell read as, for this run: large sheets repeat the same names,
    # places and periods on every row.
    memo: dict = field(default_factory=dict)


def cell_read(column: Column, raw, resolver: Resolver, how: Cell | None = None):
    """The typed value of one cell, whether it was approximate, and a warning ("" if none)."""
    how = how or Cell()
    if cells.is_blank(raw):
        if column.required:
            raise CellError("不能为空")
        return column.blank_value, False, ""
    kind = column.type
    if kind in ("text", "ref"):
        return cells.text(raw, max_length=column.max_length), False, ""
    if kind == "idno":
        value = cells.text(raw, max_length=column.max_length).upper().replace(" ", "")
        return value, False, ""
    if kind == "amount":
        from decimal import Decimal

        parsed = cells.amount(raw, how.scale or Decimal(1))
        return parsed.value, parsed.approximate, ""
    if kind == "int":
        parsed = cells.integer(raw) if not how.scale or how.scale == 1 else None
        if parsed is None:
            number = cells.number(raw)
            parsed = cells.integer(number.value * (1 if number.multiplied else how.scale))
        return int(parsed.value), parsed.approximate, ""
    if kind == "decimal":
        parsed = cells.number(raw)
        if parsed.unit not in ("", "%"):
            raise CellError(f"“{raw}”不是数字")
        return parsed.value, parsed.approximate, ""
    if kind == "number":
        return cells.number(raw), False, ""
    if kind == "date":
        value, warning = cells.day_read(raw)
        return value, False, warning
    if kind == "bool":
        return cells.boolean(raw), False, ""
    if kind == "choice":
        word = normal(raw)
        if how.words and word in how.words:
            code = how.words[word]
            if not code:
                labels = "、".join(str(label) for _, label in column.choices.choices)
                raise CellError(f"“{raw}”不是可选的值，请在“选项对应”中为它选择（可选：{labels}）")
            return code, False, ""
        return cells.choice(raw, column.choices), False, ""
    if kind == "region":
        region, warning = resolver.region_read(raw)
        return region, False, warning
    if kind == "org":
        return resolver.org(raw), False, ""
    if kind == "period":
        return resolver.ref(("period", raw), lambda: cells.period(raw)), False, ""
    raise CellError("无法识别的列类型")


def row_read(
    kind: Kind,
    raw: dict,
    resolver: Resolver,
    line: int | None = None,
    *,
    how: dict[str, Cell] | None = None,
    keep_blanks: bool = True,
    mapping: Mapping | None = None,
    context: list | None = None,
) -> tuple[dict, list[Problem], list[Problem]]:
    """Typed values of one row (by column key), its problems, and its warnings.

    ``how`` gives each column's unit and office words. With ``keep_blanks`` false a blank
    cell is left out (so it never clears a stored value); required ones are still refused.
    ``mapping`` brings the rules that fill columns the file lacks. ``context`` is the row's
    text, which settles a date typed 2025.10 that Excel kept as 2025.1 when the row says
    "10月" elsewhere (a 备注 like 计划10月开工).
    """
    values, problems, notes = {}, [], []
    approximate = []
    how = how or {}
    raw = dict(raw)
    words = how.get("_words")
    if words is None:
        words = {k: c.words or {} for k, c in how.items() if isinstance(c, Cell)}
    for note in kind.prepare(raw, words):
        notes.append(Problem(line, "", note))
    for column in kind.input_columns():
        if column.key not in raw:
            continue
        cell = raw[column.key]
        spec = how.get(column.key)
        try:
            if spec is not None and isinstance(cell, (str, int, float)) and column.type != "text":
                found = spec.memo.get(cell)
                if found is None:
                    try:
                        found = cell_read(column, cell, resolver, spec)
                    except CellError as error:
                        found = error
                    spec.memo[cell] = found
                if isinstance(found, CellError):
                    raise found
                value, rough, warning = found
            else:
                value, rough, warning = cell_read(column, cell, resolver, spec)
        except CellError as error:
            problems.append(
                Problem(
                    line,
                    column.header,
                    f"{error}（原值“{_as_read(cell)}”）"
                    if not cells.is_blank(cell) and "“" not in str(error)
                    else str(error),
                )
            )
            continue
        if cells.is_blank(cell) and not keep_blanks:
            continue
        if warning and column.type == "date" and isinstance(cell, float) and context:
            text = "".join(normal(c) for c in context if isinstance(c, str))
            if repr(cell).endswith(".1") and value.month == 1 and "10月" in text:
                value = value.replace(month=10)
                warning = (
                    f"“{cell}”读作{value.year}年10月1日"
                    "（Excel 把2025.10存成了2025.1，本行写有“10月”），请核对"
                )
        values[column.key] = value
        if warning:
            notes.append(Problem(line, column.header, warning))
            if (
                column.type == "region"
                and kind.location_column
                and not raw.get(kind.location_column)
            ):
                values[kind.location_column] = cells.text(cell)
                values.setdefault("_derived", set()).add(kind.location_column)
        if rough:
            approximate.append(cells.approximate_note(column.header, cell))
            notes.append(Problem(line, column.header, f"“{cell}”为约数，按{value}导入"))
    if problems:
        return values, problems, notes
    try:
        if mapping is not None:
            for warning in kind.derive(values, mapping, resolver):
                notes.append(Problem(line, "", warning))
            missing = [
                c for c in kind.input_columns() if c.required and values.get(c.key) in (None, "")
            ]
            for column in missing:
                problems.append(
                    Problem(line, column.header, "不能为空（文件中没有这一列，也无法推断）")
                )
            if problems:
                return values, problems, notes
        kind.link(values, resolver)
    except LinkError as error:
        problems.append(Problem(line, kind.header_for(error.key), str(error)))
        return values, problems, notes
    if approximate and kind.note_column:
        note = values.get(kind.note_column) or ""
        values[kind.note_column] = "；".join([note, *approximate] if note else approximate)
    return values, problems, notes


def _as_read(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


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


# Uploads and the mapping step ----------------------------------------------------------


def _table(kind: Kind, workbook: Workbook, sheet: str | None) -> Table:
    """The table of the chosen sheet; a sheet that is no table of this kind says what it
    looks like instead."""
    grid = workbook.sheet(sheet)
    try:
        return table_find(grid, header_score(kind), label=kind.label)
    except FileRefused as refused:
        best = _looks_like(grid, kind)
        hint = f"；它看起来是“{best.label}”表格，请选择相应的数据类型" if best else ""
        others = [g.name for g in workbook.sheets if g.name != grid.name and not g.blank]
        sheets = f"；文件中还有工作表：{'、'.join(others)}" if others else ""
        raise FileRefused(f"{refused}{hint}{sheets}") from None


def _looks_like(grid, kind: Kind) -> Kind | None:
    best, best_score = None, 1
    for other in KINDS.values():
        if other.key == kind.key:
            continue
        scorer = header_score(other)  # reads the kind's vocabulary once
        try:
            table = table_find(grid, scorer)
        except FileRefused:
            continue
        score = sum(1 for c in table.columns if scorer([normal(c.header)]))
        if score > best_score:
            best, best_score = other, score
    return best


def import_upload(
    *,
    user,
    kind: str,
    file_name: str,
    data: bytes,
    sheet: str | None = None,
    inline: bool = False,
) -> ImportRecord:
    """Keep an uploaded file, find its table and propose the mapping. Raises FileRefused
    (nothing is kept) for unreadable, oversized or unsafe files; a sheet with no table of
    this kind is kept as an invalid record that says why. A large file is only measured
    and kept, for the worker's check to read, unless ``inline`` (the command line, which
    is no web process, reads every file itself)."""
    if kind not in KINDS:
        raise FileRefused("没有这种数据类型")
    spec = KINDS[kind]
    sizes = workbook_measure(data, file_name)  # reads no cell; refuses what may not come in
    record = ImportRecord(
        kind=kind,
        file_name=file_name[:255],
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        uploaded_by=user if user is not None and user.is_authenticated else None,
        sheets=[s.name for s in sizes],
        rows=max((s.rows for s in sizes), default=0),
    )
    if import_in_worker(record) and not inline:
        # Never parsed here: the worker's check finds the table and proposes the mapping.
        record.sheet = (sheet or "")[:128]
        record.file.save(f"{record.checksum[:16]}-{kind}.bin", ContentFile(data), save=False)
        record.save()
        return record
    workbook = workbook_read(data, file_name)
    record.sheets = workbook.sheet_names()
    try:
        table = _table(spec, workbook, sheet)
    except FileRefused as refused:
        record.status = ImportRecord.Status.INVALID
        record.errors = [Problem(None, "", str(refused)).as_dict()]
        record.finished_at = timezone.now()
    else:
        record.sheet = table.sheet
        record.rows = len(table.rows)
        saved = _saved_mapping(spec, table, user)
        record.mapping = mapping_propose(kind=spec, table=table, user=user, saved=saved).as_dict()
        record.skipped = [s.as_dict() for s in table.skipped]
    record.file.save(f"{record.checksum[:16]}-{kind}.bin", ContentFile(data), save=False)
    record.save()
    return record


def import_in_worker(record: ImportRecord) -> bool:
    """Whether the file is read and written by the worker rather than in the web request:
    more bytes than ``DUIKOU_IMPORT_SYNC_BYTES`` or more rows than
    ``DUIKOU_IMPORT_SYNC_ROWS`` (measured before the check, counted by it after)."""
    return record.size > setting("DUIKOU_IMPORT_SYNC_BYTES") or record.rows > setting(
        "DUIKOU_IMPORT_SYNC_ROWS"
    )


def _saved_mapping(kind: Kind, table: Table, user) -> dict | None:
    if user is None or not getattr(user, "pk", None):
        return None
    saved = SavedMapping.objects.filter(
        kind=kind.key, signature=table.signature(), saved_by=user
    ).first()
    return saved.mapping if saved else None


def import_remap(
    *,
    record: ImportRecord,
    user,
    sheet: str | None = None,
    columns: dict[int, str | None] | None = None,
    constants: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    clear_blanks: bool | None = None,
    submit: bool | None = None,
    inline: bool = False,
) -> ImportRecord:
    """The user's changes to the proposed mapping (or another sheet); the check runs again.
    A large file's changes are applied and checked by the worker (status 检查中), unless
    ``inline`` (the command line)."""
    if record.uploaded_by_id != getattr(user, "pk", None):
        raise ValidationError("只能修改自己上传的文件的对应关系")
    import_records_reconcile(records=[record])
    busy = (ImportRecord.Status.CHECKING, ImportRecord.Status.COMMITTING)
    if record.status in (*busy, ImportRecord.Status.COMMITTED):
        raise ValidationError(f"导入记录当前为“{record.get_status_display()}”，不能修改对应关系")
    if not record.file:
        raise ValidationError("上传的文件已不在服务器上，请重新上传")
    changes = {
        "sheet": sheet,
        "columns": columns,
        "constants": constants,
        "values": values,
        "clear_blanks": clear_blanks,
        "submit": submit,
    }
    if import_in_worker(record) and not inline:
        params = {
            "record_id": record.pk,
            "commit": False,
            # JSON keys are text: ``tasks.import_job`` turns the column indexes back.
            "remap": {**changes, "columns": {str(k): v for k, v in (columns or {}).items()}},
        }
        _enqueue(record, ImportRecord.Status.CHECKING, excluded=(*busy,), params=params, actor=user)
        record.refresh_from_db()
        return record
    return import_remap_apply(record=record, user=user, **changes)


def import_remap_apply(
    *,
    record: ImportRecord,
    user,
    sheet: str | None = None,
    columns: dict[int, str | None] | None = None,
    constants: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    clear_blanks: bool | None = None,
    submit: bool | None = None,
    status: str = ImportRecord.Status.UPLOADED,
) -> ImportRecord:
    """Read the file again and apply the mapping changes (``import_remap`` has checked who
    and when); the record is left ``status``, ready for the check."""
    kind = KINDS[record.kind]
    with record.file.open("rb") as handle:
        workbook = workbook_read(handle.read(), record.file_name)
    try:
        table = _table(kind, workbook, sheet or record.sheet or None)
    except FileRefused as refused:
        ImportRecord.objects.filter(pk=record.pk).update(
            status=ImportRecord.Status.INVALID,
            sheet=sheet or record.sheet,
            errors=[Problem(None, "", str(refused)).as_dict()],
        )
        record.refresh_from_db()
        return record
    if (sheet and sheet != record.sheet) or not record.mapping:
        mapping = mapping_propose(kind=kind, table=table, user=user)
    else:
        mapping = Mapping.from_dict(record.mapping)
    mapping_apply_user(
        kind=kind,
        mapping=mapping,
        columns=columns,
        constants=constants,
        values=values,
        clear_blanks=clear_blanks,
        submit=submit,
    )
    from .mapping import mapping_complete

    mapping_complete(kind=kind, table=table, mapping=mapping, user=user)
    ImportRecord.objects.filter(pk=record.pk).update(
        sheet=table.sheet,
        rows=len(table.rows),
        mapping=mapping.as_dict(),
        mapping_confirmed=False,
        skipped=[s.as_dict() for s in table.skipped],
        sheets=workbook.sheet_names(),
        status=status,
        errors=[],
        notes=[],
        preview=[],
    )
    record.refresh_from_db()
    return record


def import_start(*, record: ImportRecord, commit: bool, actor) -> ImportRecord:
    """Check (or commit) an upload: here and now for small files, in the worker for large ones
    (``import_in_worker``). An earlier run whose process died no longer stands in the way."""
    import_records_reconcile(records=[record])
    allowed = (
        {ImportRecord.Status.UPLOADED, ImportRecord.Status.CHECKED}
        if not commit
        else {ImportRecord.Status.CHECKED}
    )
    if record.status not in allowed:
        raise ImportBusy(f"导入记录当前为“{record.get_status_display()}”，不能执行此操作")
    if import_in_worker(record):
        status = ImportRecord.Status.COMMITTING if commit else ImportRecord.Status.CHECKING
        params = {"record_id": record.pk, "commit": commit}
        _enqueue(record, status, allowed=allowed, params=params, actor=actor)
    else:
        import_run(record_id=record.pk, commit=commit, ready=allowed)
    record.refresh_from_db()
    return record


def _enqueue(record, status, *, params, actor, allowed=None, excluded=()) -> None:
    """Hand the record to the worker: its status moves to ``status`` only from ``allowed``
    (or any but ``excluded``), so two clicks never queue two runs."""
    with transaction.atomic():
        claim = ImportRecord.objects.filter(pk=record.pk)
        if allowed is not None:
            claim = claim.filter(status__in=allowed)
        claim = claim.exclude(status__in=[*excluded, ImportRecord.Status.COMMITTED])
        if not claim.update(status=status, runner="", started_at=None, heartbeat_at=None):
            record.refresh_from_db()
            raise ImportBusy(f"导入记录当前为“{record.get_status_display()}”，不能执行此操作")
        job = job_enqueue(kind="transfer.import", params=params, actor=actor)
        ImportRecord.objects.filter(pk=record.pk).update(job=job)


# Running -------------------------------------------------------------------------------

_READY_TO_CHECK = (
    ImportRecord.Status.UPLOADED,
    ImportRecord.Status.CHECKED,
    ImportRecord.Status.INVALID,
    ImportRecord.Status.FAILED,
)


def import_run(
    *,
    record_id: int,
    commit: bool,
    job_id: int | None = None,
    preview_all: bool = False,
    ready=None,
) -> Outcome:
    """Check or commit one upload. All or nothing: with any refused row nothing is kept.

    Runs in a request for small files and in the worker (``tasks.import_job``, with the
    job's id) for large ones; the command line calls it directly. The run first claims the
    record: from ``ready`` (by default any state a check may start from, or 待确认 for a
    commit), or, in the worker, from the state ``import_start`` queued it in; ImportBusy if
    it cannot. A commit's final status is written in the transaction of its writes, so a
    process that dies leaves the record running, with nothing written, for
    ``import_records_reconcile`` to put back. A commit saves the mapping it used, to be
    offered for the next file with these headers.
    """
    busy = ImportRecord.Status.COMMITTING if commit else ImportRecord.Status.CHECKING
    if ready is None:
        ready = (ImportRecord.Status.CHECKED,) if commit else _READY_TO_CHECK
    runner = _claim(record_id, busy, ready=ready, job_id=job_id)
    try:
        return _run_claimed(record_id, commit, runner, job_id, preview_all)
    except Exception as error:
        import_fail(record_id=record_id, message=f"导入失败：{error}", runner=runner)
        raise


def _claim(record_id: int, busy: str, *, ready, job_id: int | None) -> str:
    now = timezone.now()
    runner = f"{socket.gethostname()} {os.getpid()} {uuid.uuid4().hex[:12]}"[:128]
    claim = ImportRecord.objects.filter(pk=record_id)
    if job_id is not None:  # queued by ``import_start`` or ``import_remap`` for this job
        claim = claim.filter(job_id=job_id, status=busy)
        fields = {}
    else:
        claim = claim.filter(status__in=ready)
        fields = {"status": busy, "job": None}
    if not claim.update(runner=runner, started_at=now, heartbeat_at=now, **fields):
        record = ImportRecord.objects.get(pk=record_id)
        raise ImportBusy(f"导入记录当前为“{record.get_status_display()}”，不能执行此操作")
    return runner


def _run_claimed(record_id, commit, runner, job_id, preview_all) -> Outcome:
    record = ImportRecord.objects.select_related("uploaded_by").get(pk=record_id)
    kind = KINDS[record.kind]
    user = record.uploaded_by
    report = _Progress(job_id, record_id, runner)
    outcome = Outcome(preview_limit=None if preview_all else MAX_STORED_PREVIEW)
    first = {}  # what the first read of a large file found, kept on the record
    try:
        data = _file_bytes(record)
        workbook = workbook_read(data, record.file_name)
        table = _table(kind, workbook, record.sheet or None)
        report(5, "已读取文件")
        if record.mapping:
            mapping = Mapping.from_dict(record.mapping)
        else:
            saved = _saved_mapping(kind, table, user)
            mapping = mapping_propose(kind=kind, table=table, user=user, saved=saved)
            first = {
                "mapping": mapping.as_dict(),
                "sheet": table.sheet,
                "sheets": workbook.sheet_names(),
            }
        outcome.mapping = mapping
        outcome.skipped = [s.as_dict() for s in table.skipped]
        outcome.rows = len(table.rows)
        if kind.personal and not policy.can_see_personal_data(user):
            outcome.problems = [Problem(None, "", "无权导入人员个人信息")]
        elif mapping.missing:
            outcome.problems = [
                Problem(
                    None,
                    kind.header_for(key),
                    "文件中没有这一必填列：请指定对应的列，或填写所有行共用的值",
                )
                for key in mapping.missing
            ]
        else:
            finish = _Finish(record, runner, commit, outcome, first)
            _run(kind, table, mapping, user, commit, outcome, report, finish)
            if finish.done:
                _mapping_save(kind, user, outcome)
                return outcome
    except FileRefused as error:
        outcome.problems = [Problem(None, "", str(error))]
    _Finish(record, runner, commit, outcome, first).write()
    return outcome


def _file_bytes(record: ImportRecord) -> bytes:
    try:
        with record.file.open("rb") as handle:
            return handle.read()
    except (ValueError, FileNotFoundError):  # never stored, or removed from the disk
        raise FileRefused("上传的文件已不在服务器上，请重新上传") from None


class _Finish:
    """The record's final state after a run. A commit that wrote writes it from inside its
    transaction (``hold`` at the start, ``write`` at the end), so the data and 已导入 are
    kept together or not at all."""

    def __init__(self, record, runner: str, commit: bool, outcome: Outcome, first: dict):
        self.record, self.runner, self.commit = record, runner, commit
        self.outcome, self.first = outcome, first
        self.done = False

    def hold(self) -> None:
        """Lock the record for the write transaction; on PostgreSQL the lock is what tells
        ``import_records_reconcile`` this run is alive. Refuses if the run lost its claim."""
        held = ImportRecord.objects.select_for_update().filter(
            pk=self.record.pk, runner=self.runner
        )
        if not list(held.values_list("pk", flat=True)):
            raise ImportBusy("这次导入已被中断，请刷新页面后重新确认导入")

    def write(self) -> None:
        outcome = self.outcome
        if outcome.problems:
            status = ImportRecord.Status.INVALID
        elif self.commit:
            status = ImportRecord.Status.COMMITTED
        else:
            status = ImportRecord.Status.CHECKED
        ImportRecord.objects.filter(pk=self.record.pk, runner=self.runner).update(
            status=status,
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            rows=outcome.rows or self.record.rows,
            errors=[p.as_dict() for p in outcome.problems[:MAX_STORED_ERRORS]],
            notes=[p.as_dict() for p in outcome.notes[:MAX_STORED_ERRORS]],
            skipped=outcome.skipped,
            preview=outcome.preview[:MAX_STORED_PREVIEW],
            totals=outcome.totals,
            mapping_confirmed=self.commit and status == ImportRecord.Status.COMMITTED,
            finished_at=timezone.now(),
            interrupted="",  # an earlier attempt's note no longer applies
            **self.first,
        )
        self.done = status == ImportRecord.Status.COMMITTED

    def __call__(self) -> None:
        """The commit's writes are done and no row was refused: the final state, in their
        transaction."""
        self.write()


def _mapping_save(kind: Kind, user, outcome: Outcome) -> None:
    if user is not None and outcome.mapping:
        SavedMapping.objects.update_or_create(
            kind=kind.key,
            signature=outcome.mapping.signature,
            saved_by=user,
            defaults={"mapping": outcome.mapping.as_dict(), "saved_at": timezone.now()},
        )


class _Progress:
    """Moves the job's progress bar and beats the record's heartbeat. Inside the import's
    transaction the update must come from another connection to be seen: on PostgreSQL a
    short-lived thread does that for the job; SQLite allows one writer at a time, so there
    the bar stands still until the write is done. The record beats only outside that
    transaction: inside it, its lock speaks for the run."""

    def __init__(self, job_id: int | None, record_id: int | None = None, runner: str = ""):
        self.job_id, self.record_id, self.runner = job_id, record_id, runner
        self.beaten = time.monotonic()

    def __call__(self, percent: int, message: str) -> None:
        if self.record_id is not None and not connection.in_atomic_block:
            if time.monotonic() - self.beaten >= HEARTBEAT_EVERY:
                ImportRecord.objects.filter(pk=self.record_id, runner=self.runner).update(
                    heartbeat_at=timezone.now()
                )
                self.beaten = time.monotonic()
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


@dataclass
class _Row:
    line: int
    values: dict
    period_header: str = ""  # wide tables: the column this value came from


def _how(kind: Kind, table: Table, mapping: Mapping) -> dict[str, Cell]:
    how = {}
    for entry in mapping.columns:
        column = kind.column(entry.key) if entry.key else None
        if column is None:
            continue
        unit = entry.unit or (table.unit if column.type == "amount" else "")
        if column.type == "int" and not entry.unit:
            unit = ""
        how[column.key] = Cell(scale=scale_for(unit, column), words=mapping.values.get(column.key))
    for key, words in mapping.values.items():
        how.setdefault(key, Cell(words=words))
    how["_words"] = {k: c.words or {} for k, c in how.items()}  # for ``Kind.prepare``, once
    return how


def _read_rows(kind: Kind, table: Table, mapping: Mapping, resolver: Resolver, outcome, report):
    """Every data row read into typed values; wide tables give one value per period cell."""
    how = _how(kind, table, mapping)
    sources = [c for c in mapping.columns if c.key and c.period is None]
    periods = [c for c in mapping.columns if c.period is not None]
    totals = [c for c in mapping.columns if c.total]
    headers = {c.index: c.header for c in mapping.columns}
    # Values the file does not hold but were derived (the title's year, the 填报单位): they
    # fill new records and never change stored ones.
    derived = {k for k in mapping.constants if k in mapping.derived}
    parsed: list[_Row] = []
    step = max(1, len(table.rows) // 20)
    for count, (line, row) in enumerate(table.rows, start=1):
        if count % step == 0:
            report(5 + 35 * count // max(1, len(table.rows)), f"已检查{count}/{len(table.rows)}行")
        raw = dict(mapping.constants)
        blocked = False
        for entry in sources:
            cell = row[entry.index] if entry.index < len(row) else None
            if (line, entry.index) in table.formulas and cells.is_blank(cell):
                outcome.problems.append(
                    Problem(
                        line,
                        entry.header,
                        "含公式但没有保存计算结果：请在 Excel 或 WPS 中打开并保存，或粘贴为数值",
                    )
                )
                blocked = True
            if (line, entry.index) in table.percent and isinstance(cell, (int, float)):
                from decimal import Decimal

                cell = f"{(Decimal(repr(float(cell))) * 100).normalize():f}%"  # as shown
            raw[entry.key] = cell
        if blocked:
            continue
        for key, flags in kind.section_flags.items():
            heading = table.sections.get(line, "")
            if key in mapping.derived and key not in raw and heading:
                flag = next((value for word, value in flags if word in heading), None)
                if flag is not None:
                    raw[key] = "是" if flag else "否"
        context = row
        milestones = {
            c.milestone: row[c.index] for c in mapping.columns if c.milestone and c.index < len(row)
        }
        if milestones:
            raw["_milestones"] = milestones
        if not mapping.wide:
            values, problems, notes = row_read(
                kind,
                raw,
                resolver,
                line,
                how=how,
                keep_blanks=mapping.clear_blanks,
                mapping=mapping,
                context=context,
            )
            outcome.notes.extend(notes)
            if problems:
                outcome.problems.extend(problems)
                continue
            values.setdefault("_derived", set()).update(derived)
            parsed.append(_Row(line, values))
            continue
        found = []
        for entry in periods:
            cell = row[entry.index] if entry.index < len(row) else None
            if cells.is_blank(cell):
                continue
            if not entry.period:
                outcome.problems.append(
                    Problem(
                        line, entry.header, "期间列没有年份：请在标题或表头中写明年份（如“2025年”）"
                    )
                )
                continue
            sub = {**raw, "period": entry.period, "value": cell}
            values, problems, notes = row_read(
                kind, sub, resolver, line, how=how, keep_blanks=False, mapping=mapping
            )
            outcome.notes.extend(notes)
            if problems:
                outcome.problems.extend(problems)
                continue
            found.append((entry, values))
            parsed.append(_Row(line, values, entry.header))
        for entry in totals:
            _check_row_total(line, row, entry, found, headers, outcome)
    return parsed


def _check_row_total(line, row, entry, found, headers, outcome) -> None:
    cell = row[entry.index] if entry.index < len(row) else None
    if cells.is_blank(cell) or not found:
        return
    try:
        stated = cells.number(cell).value
    except CellError:
        return
    added = sum(values["value"].value for _, values in found)
    if added != stated:
        outcome.notes.append(
            Problem(line, entry.header, f"表中合计为{stated}，各期相加为{added}（合计列不导入）")
        )


def _check_sheet_totals(kind: Kind, table: Table, mapping: Mapping, parsed, outcome) -> None:
    """Money totals of what will be stored, and the sheet's own 合计 row checked against them."""
    from decimal import Decimal

    how = _how(kind, table, mapping)
    for entry in mapping.columns:
        column = kind.column(entry.key) if entry.key else None
        if column is None or column.type != "amount" or entry.period is not None:
            continue
        total = sum((r.values.get(column.key) or Decimal(0) for r in parsed), Decimal("0.00"))
        outcome.totals[column.key] = format(total, "f")
        for line, row in table.totals:
            cell = row[entry.index] if entry.index < len(row) else None
            if cells.is_blank(cell):
                continue
            try:
                stated = cells.amount(cell, how[column.key].scale or Decimal(1)).value
            except CellError:
                continue
            if stated != total:
                outcome.notes.append(
                    Problem(
                        line,
                        entry.header,
                        f"表中合计为{stated}元，明细相加为{total}元，相差{stated - total}元；"
                        "合计行不导入，请核对明细",
                    )
                )


def _check_units(kind: Kind, table: Table, mapping: Mapping, parsed, outcome) -> None:
    """Amounts that look like 万元 typed under a 元 header (all under 10,000 yuan)."""
    from decimal import Decimal

    how = _how(kind, table, mapping)
    for key in kind.large_amounts:
        entry = mapping.source_of(key)
        if entry is None or (how.get(key) and how[key].scale != 1):
            continue
        amounts = [r.values[key] for r in parsed if r.values.get(key)]
        if amounts and all(abs(a) < Decimal(10_000) for a in amounts):
            for r in parsed:
                if r.values.get(key):
                    outcome.notes.append(
                        Problem(
                            r.line,
                            entry.header,
                            f"按元读作{r.values[key]}元；这一列各行都不到1万元，"
                            "若表中是万元，请在表头写明“（万元）”后重新导入",
                        )
                    )


def _run(kind, table, mapping, user, commit: bool, outcome: Outcome, report, finish) -> None:
    """Read every row (no writes), then write them in one transaction, which ``finish``
    locks the record for and, when the commit stands, closes with the record's final state;
    a check, or a commit with any refused row, rolls it back."""
    resolver = Resolver(user)
    parsed = _read_rows(kind, table, mapping, resolver, outcome, report)
    outcome.rows = len(table.rows)
    if kind.key != "values":  # values_import checks the reporting organisation itself
        allowed = []
        for row in parsed:
            owner = kind.values_owner(row.values)
            if owner is not None and not policy.can_write_for_org(user, owner.pk):
                header = kind.header_for(kind.owner_column)
                outcome.problems.append(
                    Problem(row.line, header, f"您无权为“{owner.name}”填报数据")
                )
            else:
                allowed.append(row)
        parsed = allowed
    if kind.key == "values":
        _write_values(
            kind,
            parsed,
            user,
            commit and not outcome.problems,
            outcome,
            report,
            finish,
            submit=mapping.submit,
        )
        return
    _check_sheet_totals(kind, table, mapping, parsed, outcome)
    _check_units(kind, table, mapping, parsed, outcome)
    with transaction.atomic():
        if commit:
            finish.hold()
        _write_records(kind, parsed, user, outcome, report)
        if outcome.problems or not commit:
            transaction.set_rollback(True)
        else:
            finish()


def _preview(kind: Kind, row: _Row, action: str, outcome: Outcome, before=None) -> None:
    if outcome.preview_limit is not None and len(outcome.preview) >= outcome.preview_limit:
        return
    values = {k: api_form(kind, k, v) for k, v in row.values.items() if not k.startswith("_")}
    entry = {
        "row": row.line,
        "action": action,
        "values": values,
        "shown": {
            k: shown_form(kind, k, v) for k, v in row.values.items() if not k.startswith("_")
        },
    }
    if row.values.get("_matched"):
        entry["matched"] = row.values["_matched"]
    if before:
        entry["before"] = before
    outcome.preview.append(entry)


def _write_records(kind: Kind, parsed: list[_Row], user, outcome: Outcome, report) -> None:
    seen: dict[tuple, int] = {}
    pools: dict[tuple, list] = {}
    later: list[_Row] = []
    step = max(1, len(parsed) // 20)
    for count, row in enumerate(parsed, start=1):
        if count % step == 0:
            report(40 + 58 * count // len(parsed), f"已写入{count}/{len(parsed)}行")
        line, values = row.line, row.values
        key = kind.key_of(values)
        try:
            with transaction.atomic():
                if kind.append_only:
                    # A row equal to a stored one (same key and amount) is that record; a row
                    # whose amount changed corrects a stored one left over after the exact
                    # matches (second pass), so a corrected re-import never counts twice.
                    pool = pools.get(key)
                    if pool is None:
                        pool = pools[key] = kind.find(values)
                    same = next((obj for obj in pool if kind.same(obj, values)), None)
                    if same is None:
                        later.append(row)
                        continue
                    pool.remove(same)
                    _apply(kind, same, row, user, outcome)
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
                    _preview(kind, row, "create", outcome)
                    continue
                if not policy.can_write_for_org(user, kind.owner_id(existing)):
                    outcome.problems.append(Problem(line, "", "无权修改这条已有记录"))
                    continue
                _apply(kind, existing, row, user, outcome)
        except ValidationError as error:
            outcome.problems.extend(problems_from(error, kind, line))
    for row in later:
        try:
            with transaction.atomic():
                pool = pools.get(kind.key_of(row.values)) or []
                if pool:
                    _apply(kind, pool.pop(0), row, user, outcome)
                else:
                    kind.create(row.values, actor=user, source=SOURCE)
                    outcome.created += 1
                    _preview(kind, row, "create", outcome)
        except ValidationError as error:
            outcome.problems.extend(problems_from(error, kind, row.line))
    outcome.preview.sort(key=lambda entry: entry["row"])


def _apply(kind: Kind, obj, row: _Row, user, outcome: Outcome) -> None:
    """A row matched to a stored record: unchanged, changed through the kind's update
    service (corrections of append-only rows included), or refused where it may not change."""
    kept = {k: v for k, v in row.values.items() if k not in row.values.get("_derived", ())}
    changes, frozen = kind.changes(obj, kept)
    if frozen and kind.append_only:
        _frozen(kind, frozen, row.line, outcome)
        return
    for key in frozen:  # 状态、阶段 and the like follow their own steps on the record's page
        column = kind.column(key)
        outcome.notes.append(
            Problem(
                row.line,
                column.header if column else "",
                f"表中为“{shown_form(kind, key, row.values[key])}”，系统中为"
                f"“{shown_form(kind, key, kind.current(obj, column))}”：这一项不能通过导入修改，"
                "本次未改，请在页面按流程操作",
            )
        )
    if not changes:
        outcome.unchanged += 1
        _preview(kind, row, "unchanged", outcome)
        return
    columns = {c.key: c for c in kind.columns}
    before = {k: api_form(kind, k, kind.current(obj, columns[k])) for k in changes if k in columns}
    kind.update(obj, dict(changes), actor=user, source=SOURCE)
    outcome.updated += 1
    _preview(kind, row, "update", outcome, before=before)
    for key in changes:
        if key in before and kind.append_only:
            outcome.notes.append(
                Problem(
                    row.line,
                    kind.header_for(key),
                    f"已登记的记录由{before[key]}更正为{api_form(kind, key, row.values[key])}"
                    "（导入更正，不新增记录）",
                )
            )


def _frozen(kind: Kind, keys: list[str], line: int, outcome: Outcome) -> None:
    for key in keys:
        column = kind.column(key)
        reason = (
            "已登记的记录不能通过导入修改，请在页面更正"
            if kind.append_only
            else "不能通过导入修改，请在页面操作"
        )
        outcome.problems.append(Problem(line, column.header if column else "", reason))


def _write_values(
    kind: Kind,
    parsed: list[_Row],
    user,
    commit: bool,
    outcome,
    report,
    finish,
    *,
    submit: bool = False,
) -> None:
    """Indicator values through ``values_import``: drafts, or submitted values when the
    importer chose so (the importer reports for every row's organisation, which
    ``values_import`` checks, so they may submit them)."""
    from duikou.results.services import ValueRow, values_import

    from .grains import grains_combine

    rows = []
    for item in grains_combine(parsed, outcome):
        values = item.values
        number = values["value"]
        unit = values.get("unit") or number.unit or None
        rows.append(
            ValueRow(
                line=item.line,
                indicator=values["indicator"],
                org=values["org"],
                period=values["period"],
                value=number.value,
                region=values.get("region"),
                unit=unit,
                disaggregation=values.get("disaggregation", ""),
                comment=_value_comment(values, number),
                about=next((values[k] for k in ABOUT if values.get(k) is not None), None),
            )
        )
    actions: dict = {}
    try:
        with transaction.atomic():
            if commit:
                finish.hold()
            counts = values_import(
                rows=rows,
                actor=user,
                check_only=not commit,
                progress=lambda p, m: report(40 + 58 * p // 100, m),
                actions=actions,
                submit=submit,
            )
            if outcome.problems:
                return
            outcome.created = counts["created"]
            outcome.updated = counts["updated"]
            outcome.unchanged = counts["unchanged"]
            for row in rows:
                values = {
                    "indicator": row.indicator,
                    "org": row.org,
                    "region": row.region or row.org.region,
                    "period": row.period,
                    "value": cells.Number(row.value, False),
                    "disaggregation": row.disaggregation,
                    "comment": row.comment,
                }
                action = actions.get((row.line, row.period), "create")
                _preview(kind, _Row(row.line, values), action, outcome)
            if commit:
                finish()
    except ValidationError as error:
        for problem in error.error_list:
            field_name = (problem.params or {}).get("field", "")
            line = (problem.params or {}).get("line")
            outcome.problems.append(Problem(line, kind.header_for(field_name), problem.messages[0]))


def _value_comment(values: dict, number) -> str:
    comment = values.get("comment") or ""
    if number.approximate:
        mark = "约数"
        return f"{comment}；{mark}" if comment and mark not in comment else (comment or mark)
    return comment


def import_fail(*, record_id: int, message: str, runner: str | None = None) -> None:
    """A run that raised: the record says why (its transaction rolled back: nothing written).
    With ``runner``, only while that run still holds the record."""
    rows = ImportRecord.objects.filter(pk=record_id)
    if runner is not None:
        rows = rows.filter(runner=runner)
    rows.update(
        status=ImportRecord.Status.FAILED,
        errors=[Problem(None, "", message).as_dict()],
        finished_at=timezone.now(),
    )


def import_records_reconcile(*, records, now: datetime | None = None) -> None:
    """Put back the imports whose run died with its process, so they can be run again.

    A run in the worker died when its job ended, its job's heartbeat is stale, or its
    worker process (the run's ``runner`` says where) is gone, while the record runs. A
    run in a web request died when its process on this machine is gone, or it has not
    beaten for ``IMPORT_STALE_AFTER``. Safe because a run's writes and its final status
    commit together (``_Finish``): a record still running has nothing of that run written.
    The database guards the race with a run still inside that transaction: on PostgreSQL
    it holds the record's row lock, which the reaper skips; on SQLite it holds the write
    lock, which the reaper waits for and then gives up on.
    """
    from duikou.jobs.models import Job
    from duikou.jobs.services import job_reap_if_dead

    busy = {ImportRecord.Status.CHECKING, ImportRecord.Status.COMMITTING}
    now = now or timezone.now()
    for record in records:
        if record.status not in busy:
            continue
        if record.job_id:
            job = Job.objects.filter(pk=record.job_id).only("status").first()
            if job is not None and job.status == Job.Status.RUNNING:
                gone = bool(record.runner) and not _runner_alive(record.runner)
                try:
                    job_reap_if_dead(job_id=job.pk, now=now, worker_gone=gone)
                except OperationalError:  # SQLite: a run's write transaction is open
                    continue
                job.refresh_from_db(fields=["status"])
            dead = job is None or job.status in (Job.Status.FAILED, Job.Status.DONE)
        else:
            # Before runs had a heartbeat, a stuck record had none: its last sign of life
            # is its upload.
            alive_at = record.heartbeat_at or record.started_at or record.uploaded_at
            dead = not _runner_alive(record.runner) or alive_at < now - IMPORT_STALE_AFTER
        if dead and _interrupt(record):
            record.refresh_from_db()


def _runner_alive(runner: str) -> bool:
    """False only when the run's process was on this machine and is gone; a process id
    taken again by another process reads as alive until the heartbeat goes stale."""
    host, _, rest = runner.partition(" ")
    pid = rest.partition(" ")[0]
    if not runner or host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _interrupt(record: ImportRecord) -> bool:
    """Back to 待确认 (a commit) or 已上传 (a check), with a note saying what happened."""
    committing = record.status == ImportRecord.Status.COMMITTING
    started = timezone.localtime(record.started_at or record.uploaded_at)
    note = (
        f"{started:%Y-%m-%d %H:%M}开始的{'导入' if committing else '检查'}未完成就中断了"
        "（处理它的进程已停止），没有写入任何数据；"
        + ("可以重新确认导入。" if committing else "可以重新检查。")
    )
    try:
        with transaction.atomic():
            rows = ImportRecord.objects.filter(
                pk=record.pk, status=record.status, runner=record.runner, job_id=record.job_id
            )
            if connection.vendor == "postgresql":
                rows = rows.select_for_update(skip_locked=True)  # locked: the run is alive
            if not list(rows.values_list("pk", flat=True)):
                return False
            ImportRecord.objects.filter(pk=record.pk).update(
                status=ImportRecord.Status.CHECKED if committing else ImportRecord.Status.UPLOADED,
                runner="",
                interrupted=note,
            )
    except OperationalError:  # SQLite: a run's write transaction holds the database
        return False
    return True


# Exports -------------------------------------------------------------------------------


def export_start(*, user, kind: str, filters: dict, format: str):
    """Write a large export in the worker; the job's page offers the file when done."""
    return job_enqueue(
        kind="transfer.export",
        params={"kind": kind, "filters": filters, "format": format},
        actor=user,
    )
