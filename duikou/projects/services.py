"""Writes for projects: creation, edits, the status lifecycle, budgets, money and progress.

Every service validates before writing, runs in one transaction, and appends
to the change history; a refusal raises ValidationError with a Chinese message
keyed by the offending field, and nothing is written.
"""

import hashlib
import unicodedata
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, F, Sum, Value
from django.utils import timezone

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import ConflictError, refuse
from duikou.core.filetypes import FileTypeRefused, sniff
from duikou.core.money import to_money
from duikou.core.services import (
    acting_user,
    bump_version,
    lock_for_update,
    reason_required,
    refuse_unknown,
    validate,
)
from duikou.geo.models import Region
from duikou.geo.selectors import region_get_by_code
from duikou.orgs.models import Organisation, Programme
from duikou.orgs.selectors import pairing_covers

from .models import (
    BudgetLine,
    DocumentKind,
    FundSource,
    FundSummary,
    FundTransaction,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectDocumentContent,
    Sector,
    Status,
    StatusChange,
    TransactionKind,
)

# The lifecycle moves one step forward at a time; 终止 is possible until operation.
NEXT_STATUS = {
    Status.RESERVE: Status.APPROVED,
    Status.APPROVED: Status.BUILDING,
    Status.BUILDING: Status.COMPLETED,
    Status.COMPLETED: Status.ACCEPTED,
    Status.ACCEPTED: Status.OPERATING,
}
TERMINABLE = {Status.RESERVE, Status.APPROVED, Status.BUILDING, Status.COMPLETED}
EDITABLE_FIELDS = (
    "name",
    "name_en",
    "description",
    "donor_org",
    "region",
    "location",
    "sector",
    "is_livelihood",
    "plan_year",
    "planned_start",
    "planned_end",
)


def _resolve_region(region: Region | str) -> Region:
    return region if isinstance(region, Region) else region_get_by_code(code=region)


def _derive(project: Project) -> None:
    """Fill the columns that follow from others: province, prefecture, level, pairing flag."""
    if project.donor_org.side != Organisation.Side.DONOR:
        raise refuse("donor_org", f"“{project.donor_org.name}”不是支援方机构")
    project.donor_province_id = project.donor_org.root_id or project.donor_org.pk
    project.prefecture_id = project.region.prefecture_id
    project.is_county_or_below = project.region.is_county_or_below
    project.out_of_pairing = not pairing_covers(
        donor=project.donor_org, region=project.region, day=project.planned_start
    )


# Fund summary ---------------------------------------------------------------------------
# Services add each change to the summary cells it touches, in the same transaction, so
# the dashboards read exact totals without summing the ledger. ``UPDATE … amount + x`` is
# atomic, so concurrent writers on different projects of one cell do not lose updates.

SUMMARY_FIELDS = ("donor_org_id", "donor_province_id", "region_id", "is_livelihood", "plan_year")


def _summary_key(project: Project) -> dict:
    return {f: getattr(project, f) for f in SUMMARY_FIELDS}


def _summary_add(key: dict, cells: dict[tuple[str, str, int], Decimal], sign: int = 1) -> None:
    """Add ``cells`` ((fund source, kind, year) → yuan) times ``sign`` to the summary."""
    region = None
    for (fund_source, kind, year), amount in cells.items():
        if not amount:
            continue
        fen = int(amount * 100) * sign
        cell = {**key, "year": year, "fund_source": fund_source, "kind": kind}
        add = F("amount") + Value(fen, output_field=BigIntegerField())
        if FundSummary.objects.filter(**cell).update(amount=add):
            continue
        if region is None:
            region = Region.objects.only("prefecture_id", "level").get(pk=key["region_id"])
        try:
            with transaction.atomic():
                FundSummary.objects.create(
                    **cell,
                    prefecture_id=region.prefecture_id,
                    is_county_or_below=region.is_county_or_below,
                    amount=amount * sign,
                )
        except IntegrityError:  # created meanwhile by a concurrent writer
            FundSummary.objects.filter(**cell).update(amount=add)


def _project_cells(project: Project) -> dict[tuple[str, str, int], Decimal]:
    """Everything one project contributes to the summary."""
    cells: dict[tuple[str, str, int], Decimal] = {}
    for line in BudgetLine.objects.filter(project=project):
        cells[(line.fund_source, FundSummary.BUDGET, project.plan_year)] = line.amount
    moved = (
        FundTransaction.objects.filter(project=project)
        .values("fund_source", "kind", "year")
        .annotate(total=Sum("amount"))
    )
    for row in moved:
        cells[(row["fund_source"], row["kind"], row["year"])] = row["total"]
    return cells


def fund_summary_rebuild() -> int:
    """Recompute the whole fund summary from budgets and transactions; returns the cells.

    For bulk loads that bypass the services; one INSERT … SELECT per source table.
    """
    q = connection.ops.quote_name
    summary, project = FundSummary._meta.db_table, Project._meta.db_table
    columns = (
        "donor_org_id, donor_province_id, region_id, prefecture_id, is_county_or_below,"
        f" is_livelihood, plan_year, {q('year')}, fund_source, kind, amount"
    )
    group = (
        "p.donor_org_id, p.donor_province_id, p.region_id, p.prefecture_id,"
        " p.is_county_or_below, p.is_livelihood, p.plan_year"
    )
    # Table and column names come from the models, never from input.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {summary}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {summary} ({columns}) SELECT {group}, p.plan_year,"  # noqa: S608
            " b.fund_source,"
            f" %s, SUM(b.amount) FROM {BudgetLine._meta.db_table} b"
            f" JOIN {project} p ON p.id = b.project_id"
            f" GROUP BY {group}, b.fund_source",
            [FundSummary.BUDGET],
        )
        cursor.execute(
            f"INSERT INTO {summary} ({columns}) SELECT {group}, t.{q('year')},"  # noqa: S608
            " t.fund_source,"
            f" t.kind, SUM(t.amount) FROM {FundTransaction._meta.db_table} t"
            f" JOIN {project} p ON p.id = t.project_id"
            f" GROUP BY {group}, t.{q('year')}, t.fund_source, t.kind"
        )
    return FundSummary.objects.count()


def _check_dates(planned_start: date, planned_end: date) -> None:
    if planned_end < planned_start:
        raise refuse("planned_end", "计划完工日期不能早于计划开工日期")


def project_fields_check(
    *,
    code: str,
    sector: str,
    status: str,
    planned_start: date,
    planned_end: date,
    budgets: dict[str, object] | None,
) -> tuple[dict[str, list[str]], dict]:
    """Every refusal of a new project's own fields at once, keyed by field (so a form shows
    them all beside their fields after one submit), and the budget amounts read."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not code:
        add("code", "项目编号不能为空")
    elif Project.objects.filter(code=code).exists():
        add("code", f"项目编号“{code}”已存在")
    if sector not in Sector.values:
        add("sector", f"行业领域“{sector}”无效")
    if status not in Status.values:
        add("status", f"项目状态“{status}”无效")
    if planned_end < planned_start:
        add("planned_end", "计划完工日期不能早于计划开工日期")
    amounts = {}
    for fund_source, raw in (budgets or {}).items():
        if fund_source not in FundSource.values:
            add("budgets", f"资金来源“{fund_source}”无效")
            continue
        label = FundSource(fund_source).label
        try:
            amounts[fund_source] = to_money(raw, field=f"{label}计划金额")
        except ValidationError as error:
            add("budgets", error.messages[0])
            continue
        if amounts[fund_source] < 0:
            add("budgets", f"{label}计划金额不能为负数")
    return errors, amounts


@transaction.atomic
def project_create(
    *,
    code: str,
    name: str,
    programme: Programme,
    donor_org: Organisation,
    region: Region | str,
    sector: str,
    planned_start: date,
    planned_end: date,
    plan_year: int | None = None,
    is_livelihood: bool = False,
    status: str = Status.RESERVE,
    budgets: dict[str, object] | None = None,
    name_en: str = "",
    description: str = "",
    location: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> Project:
    """Create a project with its budget lines. A place outside the donor's pairing is flagged.

    ``region`` may be a Region or its official code. ``status`` other than 储备 is
    recorded as the first dated transition (for projects entered mid-life).
    """
    policy.require_write(actor, donor_org, what="项目")
    code = code.strip()
    errors, amounts = project_fields_check(
        code=code,
        sector=sector,
        status=status,
        planned_start=planned_start,
        planned_end=planned_end,
        budgets=budgets,
    )
    try:
        region = _resolve_region(region)
    except ValidationError as error:
        errors.setdefault("region", error.messages)
    if errors:
        raise ValidationError(errors)
    project = Project(
        code=code,
        name=name.strip(),
        name_en=name_en,
        description=description,
        programme=programme,
        donor_org=donor_org,
        region=region,
        location=location.strip(),
        sector=sector,
        is_livelihood=is_livelihood,
        status=status,
        status_date=planned_start,
        plan_year=plan_year or planned_start.year,
        planned_start=planned_start,
        planned_end=planned_end,
        is_demo=is_demo,
    )
    _derive(project)
    validate(project)
    project.save()
    BudgetLine.objects.bulk_create(
        BudgetLine(project=project, fund_source=s, amount=a) for s, a in amounts.items()
    )
    _summary_add(
        _summary_key(project),
        {(s, FundSummary.BUDGET, project.plan_year): a for s, a in amounts.items()},
    )
    StatusChange.objects.create(
        project=project,
        from_status="",
        to_status=status,
        on=planned_start,
        actor=acting_user(actor),
    )
    after = snapshot(project)
    after["budgets"] = {s: str(a) for s, a in amounts.items()}
    change_record(instance=project, action="create", actor=actor, after=after, source=source)
    return project


def _locked(project: Project, version: int | None, actor) -> Project:
    """Re-read the project under a row lock, check the actor may change it (its
    organisation as stored now, not as the caller read it) and that the editor saw the
    latest version."""
    current = (
        Project.objects.select_for_update().select_related("donor_org", "region").get(pk=project.pk)
    )
    policy.require_write(actor, current.donor_org, what="项目")
    if version is not None and current.version != version:
        raise ConflictError(entity="项目", expected=version, current=current.version)
    return current


@transaction.atomic
def project_update(
    *, project: Project, version: int, actor, reason: str = "", source: str = "", **changes
) -> Project:
    """Edit a project's fields. Refused when another user saved it after ``version``."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise refuse(sorted(unknown)[0], "该字段不能在此修改")
    current = _locked(project, version, actor)
    before = snapshot(current)
    old_key = _summary_key(current)
    if "region" in changes:
        changes["region"] = _resolve_region(changes["region"])
    for field, value in changes.items():
        setattr(current, field, value)
    policy.require_write(actor, current.donor_org, what="项目")  # not moved out of reach
    _check_dates(current.planned_start, current.planned_end)
    _derive(current)
    validate(current)
    derived = ["donor_province", "prefecture", "is_county_or_below", "out_of_pairing"]
    bump_version(current, [*changes, *derived])
    new_key = _summary_key(current)
    if new_key != old_key:  # move the project's money to its new summary cells
        cells = _project_cells(current)
        old_plan, new_plan = old_key["plan_year"], new_key["plan_year"]
        budget = FundSummary.BUDGET
        _summary_add(
            old_key,
            {(s, k, old_plan if k == budget else y): a for (s, k, y), a in cells.items()},
            -1,
        )
        _summary_add(
            new_key, {(s, k, new_plan if k == budget else y): a for (s, k, y), a in cells.items()}
        )
    change_record(
        instance=current,
        action="update",
        actor=actor,
        before=before,
        reason=reason,
        source=source,
    )
    return current


@transaction.atomic
def project_transition(
    *,
    project: Project,
    to_status: str,
    on: date,
    actor,
    reason: str = "",
    version: int | None = None,
) -> Project:
    """Move a project to its next status on a date. Skips, reversals and late dates are refused."""
    current = _locked(project, version, actor)
    if to_status not in Status.values:
        raise refuse("status", f"项目状态“{to_status}”无效")
    here, there = Status(current.status), Status(to_status)
    if there == Status.TERMINATED:
        if here not in TERMINABLE:
            raise refuse("status", f"“{here.label}”状态的项目不能终止")
        if not reason.strip():
            raise refuse("reason", "终止项目必须说明原因")
    elif NEXT_STATUS.get(here) != there:
        expected = NEXT_STATUS.get(here)
        hint = f"，下一步只能是“{expected.label}”" if expected else "，该状态已是最后一步"
        raise refuse("status", f"项目不能从“{here.label}”变为“{there.label}”{hint}")
    if on < current.status_date:
        raise refuse("on", f"状态变更日期不能早于上一次状态日期（{current.status_date}）")
    before = snapshot(current, ["status", "status_date"])
    current.status, current.status_date = there, on
    bump_version(current, ["status", "status_date"])
    StatusChange.objects.create(
        project=current,
        from_status=here,
        to_status=there,
        on=on,
        actor=acting_user(actor),
        reason=reason,
    )
    change_record(
        instance=current,
        action="transition",
        actor=actor,
        before=before,
        after=snapshot(current, ["status", "status_date"]),
        reason=reason,
    )
    return current


def _spent_by_kind(project: Project, fund_source: str) -> dict[str, Decimal]:
    rows = (
        FundTransaction.objects.filter(project=project, fund_source=fund_source)
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    return {row["kind"]: row["total"] for row in rows}


@transaction.atomic
def budget_set(
    *, project: Project, fund_source: str, amount: object, actor, reason: str = ""
) -> BudgetLine:
    """Set the planned amount of one fund source; it may not fall below money already moved."""
    if fund_source not in FundSource.values:
        raise refuse("fund_source", f"资金来源“{fund_source}”无效")
    label = FundSource(fund_source).label
    amount = to_money(amount, field=f"{label}计划金额")
    if amount < 0:
        raise refuse("amount", f"{label}计划金额不能为负数")
    current = _locked(project, None, actor)
    moved = _spent_by_kind(current, fund_source)
    largest = max(moved.values(), default=Decimal("0"))
    if amount < largest:
        raise refuse("amount", f"{label}计划金额不能低于已发生的资金（{largest}元）")
    line = BudgetLine.objects.filter(project=current, fund_source=fund_source).first()
    before = snapshot(line) if line else None
    delta = amount - (line.amount if line else Decimal("0"))
    _summary_add(
        _summary_key(current), {(fund_source, FundSummary.BUDGET, current.plan_year): delta}
    )
    if line is None:
        line = BudgetLine.objects.create(project=current, fund_source=fund_source, amount=amount)
    else:
        line.amount = amount
        line.version += 1
        line.updated_at = timezone.now()
        line.save(update_fields=["amount", "version", "updated_at"])
    change_record(
        instance=line,
        action="update" if before else "create",
        actor=actor,
        before=before,
        reason=reason,
    )
    return line


def _check_budget(
    project: Project,
    fund_source: str,
    kind: str,
    amount: Decimal,
    exclude: FundTransaction | None = None,
) -> None:
    """Refuse ``amount`` more of ``kind`` when the running total would pass the budget line;
    ``exclude`` is a row being corrected, which the total must not count twice."""
    line = BudgetLine.objects.filter(project=project, fund_source=fund_source).first()
    label, kind_label = FundSource(fund_source).label, TransactionKind(kind).label
    if line is None:
        raise refuse("fund_source", f"项目“{project.code}”没有{label}计划，不能记录{kind_label}")
    moved = FundTransaction.objects.filter(project=project, fund_source=fund_source, kind=kind)
    if exclude is not None:
        moved = moved.exclude(pk=exclude.pk)
    already = moved.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if already + amount > line.amount:
        raise refuse(
            "amount",
            f"{label}累计{kind_label}将达到{already + amount}元，超过计划金额{line.amount}元",
        )


@transaction.atomic
def fund_transaction_create(
    *,
    project: Project,
    fund_source: str,
    kind: str,
    amount: object,
    on: date,
    reference: str = "",
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> FundTransaction:
    """Record money released, disbursed or spent. The running total may not pass the budget."""
    if fund_source not in FundSource.values:
        raise refuse("fund_source", f"资金来源“{fund_source}”无效")
    if kind not in TransactionKind.values:
        raise refuse("kind", f"资金类型“{kind}”无效，应为下达、拨付或支出")
    amount = to_money(amount, field="金额")
    if amount <= 0:
        raise refuse("amount", "金额必须大于零")
    current = _locked(project, None, actor)  # serialises concurrent transactions on one project
    _check_budget(current, fund_source, kind, amount)
    record = FundTransaction(
        project=current,
        fund_source=fund_source,
        kind=kind,
        amount=amount,
        on=on,
        year=on.year,
        month=on.month,
        reference=reference,
        note=note,
        is_demo=is_demo,
    )
    validate(record)
    record.save()
    _summary_add(_summary_key(current), {(fund_source, kind, on.year): amount})
    change_record(instance=record, action="create", actor=actor, source=source)
    return record


TRANSACTION_CORRECTABLE = ("amount", "on", "reference", "note")


def _locked_transaction(record: FundTransaction, version: int | None) -> FundTransaction:
    """Re-read a transaction under a row lock (its project already locked) and check the
    editor saw its latest version; a row voided meanwhile is refused, not a server error."""
    try:
        return lock_for_update(FundTransaction, record, version, "资金流水")
    except FundTransaction.DoesNotExist:
        raise refuse("record", "该资金流水已被作废，请刷新页面后查看") from None


@transaction.atomic
def fund_transaction_correct(
    *,
    record: FundTransaction,
    version: int | None,
    reason: str,
    actor,
    source: str = "",
    **changes,
) -> FundTransaction:
    """Correct the amount, date, reference or note of a recorded transaction, with a reason.

    Source and kind cannot change: a row on the wrong line is voided and entered again.
    A larger amount is checked against the budget like a new transaction (the row itself
    not counted twice); the fund summary moves the old amount out of its cell and the new
    one in (the year follows the date). The history keeps the old values and the reason.
    """
    refuse_unknown(changes, TRANSACTION_CORRECTABLE)
    reason = reason_required(reason, "更正资金流水必须说明原因")
    if "amount" in changes:
        try:
            changes["amount"] = to_money(changes["amount"], field="金额")
        except ValidationError as error:  # beside the amount, not above the form
            raise refuse("amount", error.messages[0]) from None
        if changes["amount"] <= 0:
            raise refuse("amount", "金额必须大于零")
    if "on" in changes and not isinstance(changes["on"], date):
        raise refuse("on", "日期无效")
    # The project first, as fund_transaction_create does: one money writer per project.
    project = _locked(record.project, None, actor)
    current = _locked_transaction(record, version)
    changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changes:
        raise ValidationError("没有需要更正的内容：金额、日期、文号和备注都与原记录相同")
    before = snapshot(current)
    old_amount, old_year = current.amount, current.year
    new_amount = changes.get("amount", old_amount)
    if new_amount > old_amount:
        _check_budget(project, current.fund_source, current.kind, new_amount, exclude=current)
    for field, value in changes.items():
        setattr(current, field, value)
    current.year, current.month = current.on.year, current.on.month
    validate(current, exclude=["project"], validate_constraints=False)
    bump_version(current, [*changes, "year", "month"])
    cells: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    cells[(current.fund_source, current.kind, old_year)] -= old_amount
    cells[(current.fund_source, current.kind, current.year)] += current.amount
    _summary_add(_summary_key(project), cells)
    change_record(
        instance=current,
        action="update",
        actor=actor,
        before=before,
        reason=reason,
        source=source,
    )
    return current


@transaction.atomic
def fund_transaction_void(
    *,
    record: FundTransaction,
    version: int | None,
    reason: str,
    actor,
    source: str = "",
) -> None:
    """Void (作废) a mistaken transaction: the row goes, its amount leaves the fund summary,
    and the history keeps every old value with who voided it and why."""
    reason = reason_required(reason, "作废资金流水必须说明原因")
    project = _locked(record.project, None, actor)
    current = _locked_transaction(record, version)
    _summary_add(
        _summary_key(project),
        {(current.fund_source, current.kind, current.year): current.amount},
        -1,
    )
    change_record(
        instance=current,
        action="delete",
        actor=actor,
        before=snapshot(current),
        reason=reason,
        source=source,
    )
    current.delete()


@transaction.atomic
def progress_report_submit(
    *,
    project: Project,
    year: int,
    month: int,
    percent_complete: object,
    amount_spent: object,
    problems: str = "",
    is_demo: bool = False,
    actor,
) -> ProgressReport:
    """Record or correct the monthly progress report (月调度) of a project."""
    project = _locked(project, None, actor)
    if not 1 <= int(month) <= 12:
        raise refuse("month", "月份必须在1到12之间")
    try:
        percent = Decimal(str(percent_complete))
    except ArithmeticError:
        raise refuse("percent_complete", f"形象进度“{percent_complete}”不是数字") from None
    if not Decimal("0") <= percent <= Decimal("100"):
        raise refuse("percent_complete", "形象进度必须在0到100之间")
    spent = to_money(amount_spent, field="累计支出")
    if spent < 0:
        raise refuse("amount_spent", "累计支出不能为负数")
    report = ProgressReport.objects.filter(project=project, year=year, month=month).first()
    before = snapshot(report) if report else None
    if report is None:
        report = ProgressReport(project=project, year=year, month=month)
    report.percent_complete = percent
    report.amount_spent = spent
    report.problems = problems
    report.reported_by = acting_user(actor)
    report.is_demo = is_demo
    if before:
        report.version += 1
        report.updated_at = timezone.now()
    validate(report)
    report.save()
    change_record(
        instance=report, action="update" if before else "create", actor=actor, before=before
    )
    return report


# Documents -------------------------------------------------------------------------------


def _document_limit_bytes() -> int:
    return int(settings.DUIKOU_DOCUMENT_MAX_MB * 1024 * 1024)


def _limit_text() -> str:
    return f"{settings.DUIKOU_DOCUMENT_MAX_MB:g}MB"


def _clean_file_name(name: str) -> str:
    """The file's own name: browsers on Windows may send the whole path, and a name may
    carry control characters or quotes that do not belong in a download header."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>|')
    name = name.strip(" .") or "未命名"
    if len(name) > 255:  # keep the extension, which decides how the reader's computer opens it
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 254 - len(ext)]}.{ext}" if dot and len(ext) < 20 else name[:255]
    return name


def _check_can_write(actor, project: Project) -> None:
    policy.require_write(actor, project.donor_org, what="项目文档")


@transaction.atomic
def project_document_add(
    *,
    project: Project,
    upload,
    kind: str = DocumentKind.OTHER,
    title: str = "",
    note: str = "",
    actor,
    is_demo: bool = False,
    source: str = "",
) -> ProjectDocument:
    """Keep a file with a project; its bytes are stored in the database with the record.

    ``upload`` is a Django ``File`` (an uploaded file, or ``ContentFile(data, name=...)``).
    Refused: a user who may not edit the project, an empty file, a file over
    ``DUIKOU_DOCUMENT_MAX_MB``, a type not allowed or whose content does not match its
    extension (programs, web pages and SVG never), and a file already on the project.
    Without ``title`` the file name (without extension) is used.
    """
    _check_can_write(actor, project)
    if kind not in DocumentKind.values:
        raise refuse("kind", f"文档类别“{kind}”无效")
    file_name = _clean_file_name(getattr(upload, "name", "") or "")
    size = upload.size or 0
    if size == 0:
        raise refuse("file", f"文件“{file_name}”是空的，请选择有内容的文件")
    if size > _document_limit_bytes():
        raise refuse("file", f"文件超过{_limit_text()}，请压缩或拆分后上传")
    data = b"".join(upload.chunks())
    if not data:  # the size was claimed, the bytes never came
        raise refuse("file", f"文件“{file_name}”是空的，请选择有内容的文件")
    if len(data) > _document_limit_bytes():
        raise refuse("file", f"文件超过{_limit_text()}，请压缩或拆分后上传")
    try:
        found = sniff(data, file_name)
    except FileTypeRefused as error:
        raise refuse("file", str(error)) from None
    digest = hashlib.sha256(data).hexdigest()
    current = _locked(
        project, None, actor
    )  # serialises uploads to one project: no duplicate slips in
    existing = (
        ProjectDocument.objects.filter(project=current, sha256=digest, removed=False)
        .only("title", "uploaded_at")
        .first()
    )
    if existing is not None:
        day = timezone.localdate(existing.uploaded_at)
        raise refuse(
            "file",
            f"该文件已上传过：“{existing.title}”（{day.year}年{day.month}月{day.day}日），"
            "无需重复上传",
        )
    document = ProjectDocument(
        project=current,
        title=title.strip() or file_name.rsplit(".", 1)[0][:200],
        kind=kind,
        file_name=file_name,
        content_type=found.content_type,
        size=len(data),
        sha256=digest,
        note=note.strip(),
        uploaded_by=acting_user(actor),
        is_demo=is_demo,
    )
    validate(document, exclude=["project", "uploaded_by", "removed_by"], validate_constraints=False)
    document.save()
    ProjectDocumentContent.objects.create(document=document, data=data)
    change_record(instance=document, action="create", actor=actor, source=source)
    return document


@transaction.atomic
def project_document_remove(
    *, document: ProjectDocument, reason: str, version: int | None = None, actor
) -> ProjectDocument:
    """Take a document off the project's list. Nothing is deleted: the record and its bytes
    stay, marked removed with who, when and why, and the history shows the change."""
    current = (
        ProjectDocument.objects.select_for_update().select_related("project").get(pk=document.pk)
    )
    _check_can_write(actor, current.project)
    if version is not None and current.version != version:
        raise ConflictError(entity="文档", expected=version, current=current.version)
    if current.removed:
        raise refuse("document", f"文档“{current.title}”已删除")
    reason = reason.strip()
    if not reason:
        raise refuse("reason", "删除文档必须说明原因")
    before = snapshot(current)
    current.removed = True
    current.removed_at = timezone.now()
    current.removed_by = acting_user(actor)
    current.removed_reason = reason
    current.version += 1
    current.save(update_fields=["removed", "removed_at", "removed_by", "removed_reason", "version"])
    change_record(
        instance=current,
        action="delete",
        actor=actor,
        before=before,
        after=snapshot(current),
        reason=reason,
    )
    return current
