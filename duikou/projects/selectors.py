"""Reads for projects, scoped by the policy module. Money comes back as exact Decimal yuan."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, QuerySet, Sum
from django.http import Http404

from duikou import policy

from .models import (
    BudgetLine,
    FundSource,
    FundSummary,
    FundTransaction,
    Project,
    Status,
    TransactionKind,
)

ZERO = Decimal("0.00")
MEASURES = ("budget", *TransactionKind.values)


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
        qs = qs.filter(name__icontains=search) | qs.filter(code__icontains=search)
    return qs.select_related("donor_org", "donor_province", "region", "prefecture")


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


def _summary_for_user(user) -> QuerySet[FundSummary] | None:
    """The fund summary when the user sees every project, else None (sum the ledger).

    The summary is kept by donor province and place, so narrower scopes read the ledger,
    which for them is small.
    """
    if not policy.scope_for(user).sees_all:
        return None
    return FundSummary.objects.order_by()


def _empty() -> dict[str, Decimal]:
    return dict.fromkeys(MEASURES, ZERO)


def _fund_totals(projects: QuerySet[Project], key: str) -> dict[object, dict[str, Decimal]]:
    """Budget and moved money per ``key`` (a Project field path), two grouped queries."""
    totals: dict[object, dict[str, Decimal]] = defaultdict(_empty)
    budgets = (
        BudgetLine.objects.filter(project__in=projects)
        .values(group=F("project__" + key))
        .annotate(total=Sum("amount"))
    )
    for row in budgets:
        totals[row["group"]]["budget"] += row["total"]
    moved = (
        FundTransaction.objects.filter(project__in=projects)
        .values("kind", group=F("project__" + key))
        .annotate(total=Sum("amount"))
    )
    for row in moved:
        totals[row["group"]][row["kind"]] += row["total"]
    return dict(totals)


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
    summary = _summary_for_user(user)
    if summary is not None:
        return _summary_totals(summary, year, "donor_province__name")
    projects = project_list_for_user(user=user, year=year)
    return _fund_totals(projects, "donor_province__name")


def fund_totals_by_prefecture(*, user, year: int | None = None) -> dict[str, dict[str, Decimal]]:
    """Fund totals per recipient prefecture (keyed by its name)."""
    summary = _summary_for_user(user)
    if summary is not None:
        return _summary_totals(summary, year, "prefecture__name")
    projects = project_list_for_user(user=user, year=year)
    return _fund_totals(projects, "prefecture__name")


def fund_totals_by_year(*, user) -> dict[int, dict[str, Decimal]]:
    """Planned money by plan year and moved money by the year it moved, for a trend chart."""
    totals: dict[int, dict[str, Decimal]] = defaultdict(_empty)
    summary = _summary_for_user(user)
    if summary is not None:  # budget cells carry the plan year in ``year``
        rows = summary.filter(fund_source=FundSource.AID).values("kind", "year")
        for row in rows.annotate(total=Sum("amount")):
            totals[row["year"]][row["kind"]] += row["total"]
        return dict(sorted(totals.items()))
    projects = project_list_for_user(user=user)
    budgets = (
        BudgetLine.objects.filter(project__in=projects.values("pk"), fund_source=FundSource.AID)
        .values(group=F("project__plan_year"))
        .annotate(total=Sum("amount"))
    )
    for row in budgets:
        totals[row["group"]]["budget"] += row["total"]
    moved = (
        FundTransaction.objects.filter(
            project__in=projects.values("pk"), fund_source=FundSource.AID
        )
        .values("kind", "year")
        .annotate(total=Sum("amount"))
    )
    for row in moved:
        totals[row["year"]][row["kind"]] += row["total"]
    return dict(sorted(totals.items()))


def fund_totals_for_user(*, user, year: int | None = None, org=None, region=None):
    """Aid money planned and moved, summed over the projects the user may see.

    ``org`` and ``region`` narrow to an organisation or a place and everything below it.
    """
    totals = _empty()
    summary = _summary_for_user(user)
    if summary is not None and (org is None or org.parent_id is None):
        summary = summary.filter(fund_source=FundSource.AID)
        if year:
            summary = summary.filter(plan_year=year)
        if org is not None:  # a root of the donor tree: a donor province
            summary = summary.filter(donor_province=org)
        if region is not None:
            summary = summary.filter(region__ancestor_links__ancestor=region)
        for row in summary.values("kind").annotate(total=Sum("amount")):
            totals[row["kind"]] = row["total"]
        return totals
    projects = project_list_for_user(user=user, year=year)
    if org is not None:
        projects = projects.filter(donor_org__ancestor_links__ancestor=org)
    if region is not None:
        projects = projects.filter(region__ancestor_links__ancestor=region)
    aid = {"fund_source": FundSource.AID}
    found = BudgetLine.objects.filter(project__in=projects.values("pk"), **aid).aggregate(
        total=Sum("amount")
    )
    totals["budget"] = found["total"] or ZERO
    moved = (
        FundTransaction.objects.filter(project__in=projects.values("pk"), **aid)
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    for row in moved:
        totals[row["kind"]] = row["total"]
    return totals


def fund_totals_by_region_id(*, user, year: int | None = None) -> dict[int, dict[str, Decimal]]:
    """Aid money planned and moved per project place (region id), for maps."""
    totals: dict[int, dict[str, Decimal]] = defaultdict(_empty)
    summary = _summary_for_user(user)
    if summary is not None:
        summary = summary.filter(fund_source=FundSource.AID)
        if year:
            summary = summary.filter(plan_year=year)
        for row in summary.values("kind", "region_id").annotate(total=Sum("amount")):
            totals[row["region_id"]][row["kind"]] += row["total"]
        return dict(totals)
    projects = project_list_for_user(user=user, year=year).values("pk")
    aid = {"project__in": projects, "fund_source": FundSource.AID}
    for row in (
        BudgetLine.objects.filter(**aid).values("project__region_id").annotate(t=Sum("amount"))
    ):
        totals[row["project__region_id"]]["budget"] += row["t"]
    moved = FundTransaction.objects.filter(**aid).values("kind", "project__region_id")
    for row in moved.annotate(t=Sum("amount")):
        totals[row["project__region_id"]][row["kind"]] += row["t"]
    return dict(totals)


def project_status_counts(*, user, year: int | None = None) -> dict[str, int]:
    """How many visible projects stand at each status."""
    counts = dict.fromkeys(Status.values, 0)
    rows = project_list_for_user(user=user, year=year).order_by().values("status")
    for row in rows.annotate(n=Count("id")):
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
    summary = _summary_for_user(user)
    if summary is not None:
        summary = summary.filter(fund_source=FundSource.AID, kind=FundSummary.BUDGET)
        if years:
            summary = summary.filter(plan_year__in=years)
        rows = summary.values(
            province_key=F("donor_province_id"),
            province=F("donor_province__name"),
            plan=F("plan_year"),
            county=F("is_county_or_below"),
            livelihood=F("is_livelihood"),
        ).annotate(total=Sum("amount"))
    else:
        projects = project_list_for_user(user=user)
        if years:
            projects = projects.filter(plan_year__in=years)
        rows = (
            BudgetLine.objects.filter(project__in=projects.values("pk"), fund_source=FundSource.AID)
            .values(
                province_key=F("project__donor_province_id"),
                province=F("project__donor_province__name"),
                plan=F("project__plan_year"),
                county=F("project__is_county_or_below"),
                livelihood=F("project__is_livelihood"),
            )
            .annotate(total=Sum("amount"))
        )
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
