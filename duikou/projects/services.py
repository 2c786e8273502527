"""Writes for projects: creation, edits, the status lifecycle, budgets, money and progress.

Every service validates before writing, runs in one transaction, and appends
to the change history; a refusal raises ValidationError with a Chinese message
keyed by the offending field, and nothing is written.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, F, Sum, Value
from django.utils import timezone

from duikou.audit.services import change_record, snapshot
from duikou.core.errors import ConflictError, refuse
from duikou.core.money import to_money
from duikou.core.services import acting_user, bump_version, validate
from duikou.geo.models import Region
from duikou.geo.selectors import region_get_by_code
from duikou.orgs.models import Organisation, Programme
from duikou.orgs.selectors import pairing_covers

from .models import (
    BudgetLine,
    FundSource,
    FundSummary,
    FundTransaction,
    ProgressReport,
    Project,
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

SUMMARY_FIELDS = ("donor_province_id", "region_id", "is_livelihood", "plan_year")


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
        "donor_province_id, region_id, prefecture_id, is_county_or_below, is_livelihood,"
        f" plan_year, {q('year')}, fund_source, kind, amount"
    )
    group = (
        "p.donor_province_id, p.region_id, p.prefecture_id, p.is_county_or_below,"
        " p.is_livelihood, p.plan_year"
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
    is_demo: bool = False,
    actor=None,
    source: str = "",
) -> Project:
    """Create a project with its budget lines. A place outside the donor's pairing is flagged.

    ``region`` may be a Region or its official code. ``status`` other than 储备 is
    recorded as the first dated transition (for projects entered mid-life).
    """
    code = code.strip()
    if not code:
        raise refuse("code", "项目编号不能为空")
    if Project.objects.filter(code=code).exists():
        raise refuse("code", f"项目编号“{code}”已存在")
    if sector not in Sector.values:
        raise refuse("sector", f"行业领域“{sector}”无效")
    if status not in Status.values:
        raise refuse("status", f"项目状态“{status}”无效")
    _check_dates(planned_start, planned_end)
    amounts = {}
    for fund_source, raw in (budgets or {}).items():
        if fund_source not in FundSource.values:
            raise refuse("budgets", f"资金来源“{fund_source}”无效")
        label = FundSource(fund_source).label
        amounts[fund_source] = to_money(raw, field=f"{label}计划金额")
        if amounts[fund_source] < 0:
            raise refuse("budgets", f"{label}计划金额不能为负数")
    project = Project(
        code=code,
        name=name.strip(),
        name_en=name_en,
        description=description,
        programme=programme,
        donor_org=donor_org,
        region=_resolve_region(region),
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


def _locked(project: Project, version: int | None) -> Project:
    """Re-read the project under a row lock and check the editor saw the latest version."""
    current = (
        Project.objects.select_for_update().select_related("donor_org", "region").get(pk=project.pk)
    )
    if version is not None and current.version != version:
        raise ConflictError(entity="项目", expected=version, current=current.version)
    return current


@transaction.atomic
def project_update(
    *, project: Project, version: int, actor=None, reason: str = "", source: str = "", **changes
) -> Project:
    """Edit a project's fields. Refused when another user saved it after ``version``."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise refuse(sorted(unknown)[0], "该字段不能在此修改")
    current = _locked(project, version)
    before = snapshot(current)
    old_key = _summary_key(current)
    if "region" in changes:
        changes["region"] = _resolve_region(changes["region"])
    for field, value in changes.items():
        setattr(current, field, value)
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
    actor=None,
    reason: str = "",
    version: int | None = None,
) -> Project:
    """Move a project to its next status on a date. Skips, reversals and late dates are refused."""
    current = _locked(project, version)
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
    *, project: Project, fund_source: str, amount: object, actor=None, reason: str = ""
) -> BudgetLine:
    """Set the planned amount of one fund source; it may not fall below money already moved."""
    if fund_source not in FundSource.values:
        raise refuse("fund_source", f"资金来源“{fund_source}”无效")
    label = FundSource(fund_source).label
    amount = to_money(amount, field=f"{label}计划金额")
    if amount < 0:
        raise refuse("amount", f"{label}计划金额不能为负数")
    current = _locked(project, None)
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
        line.save(update_fields=["amount", "version"])
    change_record(
        instance=line,
        action="update" if before else "create",
        actor=actor,
        before=before,
        reason=reason,
    )
    return line


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
    actor=None,
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
    current = _locked(project, None)  # serialises concurrent transactions on one project
    line = BudgetLine.objects.filter(project=current, fund_source=fund_source).first()
    label, kind_label = FundSource(fund_source).label, TransactionKind(kind).label
    if line is None:
        raise refuse("fund_source", f"项目“{current.code}”没有{label}计划，不能记录{kind_label}")
    already = _spent_by_kind(current, fund_source).get(kind, Decimal("0"))
    if already + amount > line.amount:
        raise refuse(
            "amount",
            f"{label}累计{kind_label}将达到{already + amount}元，超过计划金额{line.amount}元",
        )
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
    actor=None,
) -> ProgressReport:
    """Record or correct the monthly progress report (月调度) of a project."""
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
