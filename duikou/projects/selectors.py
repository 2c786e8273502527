"""Reads for projects, scoped by the policy module. Money comes back as exact Decimal yuan."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet, Sum
from django.http import Http404

from duikou import policy

from .models import BudgetLine, FundTransaction, Project, TransactionKind

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
