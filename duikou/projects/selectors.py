"""Reads for projects, scoped by the policy module. Money comes back as exact Decimal yuan."""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from duikou import policy
from duikou.audit.selectors import deletions_of
from duikou.core.money import MoneyField
from duikou.core.search import text_match
from duikou.orgs.models import OrgAncestor

from .models import (
    BudgetLine,
    FundSource,
    FundSummary,
    FundTransaction,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectDocumentContent,
    Status,
    TransactionKind,
)

ZERO = Decimal("0.00")
MEASURES = ("budget", *TransactionKind.values)
# Projects that report a 月调度 each month: under way, or finished within the month.
UNDER_WAY = frozenset({Status.APPROVED, Status.BUILDING})
FINISHED = frozenset({Status.COMPLETED, Status.ACCEPTED, Status.OPERATING})


def project_list_for_user(
    *, user, year: int | None = None, status: str | None = None, search: str = ""
) -> QuerySet[Project]:
    """Projects the user may see, with what list pages show, in one query."""
    qs = policy.filter_by_org_and_region(
        user, Project.objects.all(), org_field="donor_org_id", region_field="region_id"
    )
    if year:
        qs = qs.filter(plan_year=year)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(text_match(Project, ("name", "code"), search))
    return qs.select_related("donor_org", "donor_province", "region", "prefecture")


def with_aid_budget(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with its planned 援疆资金 as ``aid_budget`` (None when it plans none),
    for the list's money column; one subquery, no query per row."""
    line = BudgetLine.objects.filter(project=OuterRef("pk"), fund_source=FundSource.AID)
    return projects.annotate(
        aid_budget=Subquery(line.values("amount")[:1], output_field=MoneyField())
    )


def with_aid_moved(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with the 援疆资金 released, disbursed and spent so far as
    ``aid_release``, ``aid_disburse`` and ``aid_spend`` (None when none moved), corrections
    included; one subquery each, no query per row."""
    moved = {}
    for kind in TransactionKind:
        rows = (
            FundTransaction.objects.filter(
                project=OuterRef("pk"), fund_source=FundSource.AID, kind=kind
            )
            .order_by()
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        moved[f"aid_{kind.value}"] = Subquery(rows[:1], output_field=MoneyField())
    return projects.annotate(**moved)


def projects_due_progress(*, user, year: int, month: int) -> QuerySet[Project]:
    """Projects the user may see that owe a 月调度 for the month: started by its end and
    still under way, or finished within it."""
    first = date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    return (
        project_list_for_user(user=user)
        .filter(planned_start__lte=last)
        .filter(Q(status__in=UNDER_WAY) | Q(status__in=FINISHED, status_date__gte=first))
    )


def projects_without_progress(*, user, year: int, month: int) -> QuerySet[Project]:
    """Of those, the ones the user reports for (writes) with no 月调度 for the month yet."""
    reported = ProgressReport.objects.filter(project=OuterRef("pk"), year=year, month=month)
    qs = projects_due_progress(user=user, year=year, month=month).filter(~Exists(reported))
    scope = policy.scope_for(user)
    if not scope.writes_all:
        qs = qs.filter(donor_org_id__in=scope.write_org_ids)
    return qs


def get_project_for_user(*, user, pk: int) -> Project:
    """A project the user may see, or 404 (its existence is not revealed)."""
    project = project_list_for_user(user=user).filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在或无权查看")
    return project


def get_project_for_user_rw(*, user, pk: int) -> Project:
    """A project the user may change: 404 if invisible, 403 if only readable."""
    project = get_project_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, project.donor_org_id):
        raise PermissionDenied("无权修改该项目")
    return project


def _transactions_for_user(user) -> QuerySet[FundTransaction]:
    """Money moves of the projects the user may see: the project's own scope rule."""
    return policy.filter_by_org_and_region(
        user,
        FundTransaction.objects.all(),
        org_field="project__donor_org_id",
        region_field="project__region_id",
    )


def get_fund_transaction_for_user(*, user, pk: int) -> FundTransaction:
    """A transaction of a project the user may see, or 404."""
    record = _transactions_for_user(user).select_related("project").filter(pk=pk).first()
    if record is None:
        raise Http404("资金流水不存在或无权查看")
    return record


def get_fund_transaction_for_user_rw(*, user, pk: int) -> FundTransaction:
    """A transaction the user may correct or void: 404 if invisible, 403 if only readable."""
    record = get_fund_transaction_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, record.project.donor_org_id):
        raise PermissionDenied("无权修改该项目的资金流水")
    return record


@dataclass(frozen=True)
class VoidedTransaction:
    """A voided (作废) transaction as its delete entry in the history keeps it."""

    on: date
    fund_source: str
    kind: str
    amount: Decimal
    reference: str
    note: str
    voided_at: datetime
    voided_by: object
    reason: str


def fund_transaction_voided_list(*, project: Project, limit: int = 100) -> list[VoidedTransaction]:
    """The voided transactions of a project the caller may see, newest first."""
    rows = []
    for entry in deletions_of(FundTransaction, project_id=project.pk)[:limit]:
        old = entry.before or {}
        rows.append(
            VoidedTransaction(
                on=date.fromisoformat(old["on"]),
                fund_source=_label(FundSource, old.get("fund_source")),
                kind=_label(TransactionKind, old.get("kind")),
                amount=Decimal(str(old["amount"])),
                reference=old.get("reference", ""),
                note=old.get("note", ""),
                voided_at=entry.at,
                voided_by=entry.actor,
                reason=entry.reason,
            )
        )
    return rows


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _documents_for_user(user) -> QuerySet[ProjectDocument]:
    """Documents of the projects the user may see: the project's own scope rule."""
    return policy.filter_by_org_and_region(
        user,
        ProjectDocument.objects.all(),
        org_field="project__donor_org_id",
        region_field="project__region_id",
    )


def project_document_list_for_user(
    *, user, project_pk: int, removed: bool = False
) -> QuerySet[ProjectDocument]:
    """The documents of a project the user may see (404 otherwise), newest first; their
    bytes are not read. ``removed=True`` lists the removed ones instead."""
    get_project_for_user(user=user, pk=project_pk)
    return ProjectDocument.objects.filter(project_id=project_pk, removed=removed).select_related(
        "uploaded_by", "removed_by"
    )


def get_project_document_for_user(
    *, user, pk: int, include_removed: bool = False
) -> ProjectDocument:
    """A document of a project the user may see, or 404. A removed document is found only
    with ``include_removed`` (what the history readers get)."""
    documents = _documents_for_user(user).select_related("project")
    if not include_removed:
        documents = documents.filter(removed=False)
    document = documents.filter(pk=pk).first()
    if document is None:
        raise Http404("文档不存在或无权查看")
    return document


def get_project_document_for_user_rw(*, user, pk: int) -> ProjectDocument:
    """A document the user may remove: 404 if invisible or removed, 403 if only readable."""
    document = get_project_document_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, document.project.donor_org_id):
        raise PermissionDenied("无权修改该项目的文档")
    return document


def project_document_content(*, document: ProjectDocument) -> bytes:
    """The stored bytes of a document the caller has already been allowed to read."""
    data = ProjectDocumentContent.objects.values_list("data", flat=True).get(document=document)
    return bytes(data)  # PostgreSQL hands back a memoryview


def _summary_for_user(user) -> QuerySet[FundSummary]:
    """The fund summary cells of the projects the user may see.

    Cells carry the project's organisation and place, the two columns the policy scopes
    projects by, so this is exactly the summary of ``project_list_for_user``.
    """
    return policy.filter_by_org_and_region(
        user, FundSummary.objects.order_by(), org_field="donor_org_id", region_field="region_id"
    )


def _empty() -> dict[str, Decimal]:
    return dict.fromkeys(MEASURES, ZERO)


def _summary_totals(
    summary: QuerySet[FundSummary], year: int | None, key: str
) -> dict[object, dict[str, Decimal]]:
    if year:
        summary = summary.filter(plan_year=year)
    totals: dict[object, dict[str, Decimal]] = defaultdict(_empty)
    for row in summary.values("kind", group=F(key)).annotate(total=Sum("amount")):
        totals[row["group"]][row["kind"]] += row["total"]
    return dict(totals)


def project_fund_totals(*, project: Project) -> dict[str, dict[str, Decimal]]:
    """Per fund source: planned, released, disbursed, spent, exact to the fen."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(_empty)
    for line in project.budget_lines.all():
        totals[line.fund_source]["budget"] += line.amount
    rows = (
        FundTransaction.objects.filter(project=project)
        .values("fund_source", "kind")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        totals[row["fund_source"]][row["kind"]] += row["total"]
    return dict(totals)


def fund_totals_by_donor_province(
    *, user, year: int | None = None
) -> dict[str, dict[str, Decimal]]:
    """Fund totals per donor province (keyed by its name) for the user's visible projects."""
    return _summary_totals(_summary_for_user(user), year, "donor_province__name")


def fund_totals_by_prefecture(*, user, year: int | None = None) -> dict[str, dict[str, Decimal]]:
    """Fund totals per recipient prefecture (keyed by its name)."""
    return _summary_totals(_summary_for_user(user), year, "prefecture__name")


def fund_totals_by_year(*, user) -> dict[int, dict[str, Decimal]]:
    """Planned money by plan year and moved money by the year it moved, for a trend chart."""
    totals: dict[int, dict[str, Decimal]] = defaultdict(_empty)
    # Budget cells carry the plan year in ``year``, moved money the year it moved.
    rows = _summary_for_user(user).filter(fund_source=FundSource.AID).values("kind", "year")
    for row in rows.annotate(total=Sum("amount")):
        totals[row["year"]][row["kind"]] += row["total"]
    return dict(sorted(totals.items()))


def fund_totals_for_user(*, user, year: int | None = None, org=None, region=None):
    """Aid money planned and moved, summed over the projects the user may see.

    ``org`` and ``region`` narrow to an organisation or a place and everything below it.
    """
    totals = _empty()
    summary = _summary_for_user(user).filter(fund_source=FundSource.AID)
    if year:
        summary = summary.filter(plan_year=year)
    if org is not None and org.parent_id is None:  # a root of the donor tree
        summary = summary.filter(donor_province=org)
    elif org is not None:
        below = OrgAncestor.objects.filter(ancestor=org).values("org_id")
        summary = summary.filter(donor_org_id__in=below)
    if region is not None:
        summary = summary.filter(region__ancestor_links__ancestor=region)
    for row in summary.values("kind").annotate(total=Sum("amount")):
        totals[row["kind"]] = row["total"]
    return totals


def fund_totals_by_region_id(*, user, year: int | None = None) -> dict[int, dict[str, Decimal]]:
    """Aid money planned and moved per project place (region id), for maps."""
    totals: dict[int, dict[str, Decimal]] = defaultdict(_empty)
    summary = _summary_for_user(user).filter(fund_source=FundSource.AID)
    if year:
        summary = summary.filter(plan_year=year)
    for row in summary.values("kind", "region_id").annotate(total=Sum("amount")):
        totals[row["region_id"]][row["kind"]] += row["total"]
    return dict(totals)


def project_status_counts(*, user, year: int | None = None) -> dict[str, int]:
    """How many visible projects stand at each status."""
    counts = dict.fromkeys(Status.values, 0)
    rows = project_list_for_user(user=user, year=year).order_by().values("status")
    for row in rows.annotate(n=Count("*")):  # COUNT(*): the (plan_year, status) index alone
        counts[row["status"]] = row["n"]
    return counts


@dataclass(frozen=True)
class AidShares:
    """The "两个80%" for one donor province and year, from the aid budgets of its projects."""

    province_id: int
    province: str
    year: int
    total: Decimal
    county: Decimal
    livelihood: Decimal
    county_share: Decimal | None  # a fraction, exact: county / total
    livelihood_share: Decimal | None
    county_met: bool | None
    livelihood_met: bool | None


def aid_shares_by_donor_province_by_year(
    *, user, years: list[int] | None = None
) -> list[AidShares]:
    """Share of aid funds at county level and below, and for livelihood, per donor and year.

    Computed with exact Decimal from the 援疆资金 budget lines of the projects the user may
    see, grouped by the stored donor province and plan year; thresholds are the settings
    ``DUIKOU_COUNTY_SHARE_THRESHOLD`` and ``DUIKOU_LIVELIHOOD_SHARE_THRESHOLD``.
    """
    county_min = Decimal(str(settings.DUIKOU_COUNTY_SHARE_THRESHOLD))
    livelihood_min = Decimal(str(settings.DUIKOU_LIVELIHOOD_SHARE_THRESHOLD))
    summary = _summary_for_user(user).filter(fund_source=FundSource.AID, kind=FundSummary.BUDGET)
    if years:
        summary = summary.filter(plan_year__in=years)
    rows = summary.values(
        province_key=F("donor_province_id"),
        province=F("donor_province__name"),
        plan=F("plan_year"),
        county=F("is_county_or_below"),
        livelihood=F("is_livelihood"),
    ).annotate(total=Sum("amount"))
    groups: dict[tuple, dict] = {}
    for row in rows:
        key = (row["province_key"], row["plan"])
        group = groups.setdefault(
            key, {"name": row["province"], "total": ZERO, "c": ZERO, "l": ZERO}
        )
        group["total"] += row["total"]
        if row["county"]:
            group["c"] += row["total"]
        if row["livelihood"]:
            group["l"] += row["total"]
    result = []
    for (province_id, year), g in sorted(
        groups.items(), key=lambda item: (item[1]["name"], item[0][1])
    ):
        county = g["c"] / g["total"] if g["total"] else None
        livelihood = g["l"] / g["total"] if g["total"] else None
        result.append(
            AidShares(
                province_id=province_id,
                province=g["name"],
                year=year,
                total=g["total"],
                county=g["c"],
                livelihood=g["l"],
                county_share=county,
                livelihood_share=livelihood,
                county_met=None if county is None else county >= county_min,
                livelihood_met=None if livelihood is None else livelihood >= livelihood_min,
            )
        )
    return result
