"""Reads for projects, scoped by the policy module. Money comes back as exact Decimal yuan."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, QuerySet, Sum
from django.http import Http404

from duikou import policy

from .models import BudgetLine, FundSource, FundTransaction, Project, Status, TransactionKind

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
    projects = project_list_for_user(user=user, year=year)
    return _fund_totals(projects, "donor_province__name")


def fund_totals_by_prefecture(*, user, year: int | None = None) -> dict[str, dict[str, Decimal]]:
    """Fund totals per recipient prefecture (keyed by its name)."""
    projects = project_list_for_user(user=user, year=year)
    return _fund_totals(projects, "prefecture__name")


def fund_totals_by_year(*, user) -> dict[int, dict[str, Decimal]]:
    """Planned money by plan year and moved money by the year it moved, for a trend chart."""
    projects = project_list_for_user(user=user)
    totals: dict[int, dict[str, Decimal]] = defaultdict(_empty)
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
    projects = project_list_for_user(user=user, year=year)
    if org is not None:
        projects = projects.filter(donor_org__ancestor_links__ancestor=org)
    if region is not None:
        projects = projects.filter(region__ancestor_links__ancestor=region)
    totals = _empty()
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
    projects = project_list_for_user(user=user, year=year).values("pk")
    totals: dict[int, dict[str, Decimal]] = defaultdict(_empty)
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
    projects = project_list_for_user(user=user)
    if years:
        projects = projects.filter(plan_year__in=years)
    rows = (
        BudgetLine.objects.filter(project__in=projects.values("pk"), fund_source=FundSource.AID)
        .values(
            "project__donor_province_id",
            "project__donor_province__name",
            "project__plan_year",
            "project__is_county_or_below",
            "project__is_livelihood",
        )
        .annotate(total=Sum("amount"))
    )
    groups: dict[tuple, dict] = {}
    for row in rows:
        key = (row["project__donor_province_id"], row["project__plan_year"])
        group = groups.setdefault(
            key,
            {"name": row["project__donor_province__name"], "total": ZERO, "c": ZERO, "l": ZERO},
        )
        group["total"] += row["total"]
        if row["project__is_county_or_below"]:
            group["c"] += row["total"]
        if row["project__is_livelihood"]:
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
