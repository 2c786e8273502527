"""Reads for reports: scoped lists, highlighted text, and reconciliation with the ledger."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from duikou import policy
from duikou.orgs.models import Organisation
from duikou.results.models import Indicator
from duikou.results.periods import Period
from duikou.results.selectors import indicator_table

from .models import Figure, Report

TOLERANCE = Decimal("0.01")  # reported and ledger figures within 1% agree


def report_list_for_user(*, user) -> QuerySet[Report]:
    scope = policy.scope_for(user)
    qs = Report.objects.select_related("org", "uploaded_by")
    if not scope.sees_all:
        qs = qs.filter(Q(uploaded_by=user) | Q(org_id__in=scope.org_ids))
    return qs


def get_report_for_user(*, user, pk: int) -> Report:
    report = report_list_for_user(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("报道不存在或无权查看")
    return report


def get_figure_for_user_rw(*, user, pk: int) -> Figure:
    """A figure the user may correct or accept: the uploader or a writer for the report's
    organisation. 404 when invisible, 403 when only readable."""
    from django.core.exceptions import PermissionDenied

    figure = get_figure_for_user(user=user, pk=pk)
    report = figure.report
    may_write = report.uploaded_by_id == user.pk or (
        report.org_id is not None and policy.can_write_for_org(user, report.org_id)
    )
    if not may_write and not policy.scope_for(user).writes_all:
        raise PermissionDenied("无权处理该报道的数字")
    return figure


def get_figure_for_user(*, user, pk: int) -> Figure:
    figure = (
        Figure.objects.select_related("report", "indicator", "org", "region")
        .filter(pk=pk, report__in=report_list_for_user(user=user))
        .first()
    )
    if figure is None:
        raise Http404("数字不存在或无权查看")
    return figure


@dataclass(frozen=True)
class Segment:
    text: str
    figure: Figure | None = None


def report_segments(*, report: Report) -> list[Segment]:
    """The report's text cut at its figures, so a page can mark each one."""
    segments, cursor = [], 0
    for figure in report.figures.all().order_by("start"):
        if figure.start < cursor:
            continue
        segments.append(Segment(report.text[cursor : figure.start]))
        segments.append(Segment(report.text[figure.start : figure.end], figure))
        cursor = figure.end
    segments.append(Segment(report.text[cursor:]))
    return segments


@dataclass(frozen=True)
class Reconciliation:
    figure: Figure
    ledger: Decimal | None
    difference: Decimal | None
    agrees: bool


def reconcile(*, user, org: Organisation, year: int) -> list[Reconciliation]:
    """Figures reported for ``org`` (and below) in ``year`` against the ledger's roll-ups."""
    figures = (
        Figure.objects.filter(
            org__ancestor_links__ancestor=org,
            indicator__isnull=False,
            period_end__year=year,
        )
        .exclude(status=Figure.Status.REJECTED)
        .select_related("indicator", "org", "report")
    )
    rows = []
    for figure in figures.order_by("indicator__code", "start"):
        ledger = _ledger_value(user, figure)
        difference = None if ledger is None else ledger - figure.value
        agrees = difference is not None and abs(difference) <= TOLERANCE * max(
            abs(figure.value), Decimal(1)
        )
        rows.append(Reconciliation(figure, ledger, difference, agrees))
    return rows


def _ledger_value(user, figure: Figure) -> Decimal | None:
    period = Period(figure.period_start, figure.period_end)
    years = list(range(figure.period_start.year, figure.period_end.year + 1))
    if period.kind == "quarter":
        grain, key = "q", (figure.period_start.month - 1) // 3 + 1
    elif period.kind == "month":
        grain, key = "m", figure.period_start.month
    else:
        grain, key = "y", 0
    table = indicator_table(
        user=user,
        indicator=figure.indicator,
        axis="o",
        node_ids=[figure.org_id],
        grain=grain,
        years=years,
    )
    found = [table.get((figure.org_id, y, key)) for y in years]
    found = [v for v in found if v is not None]
    if not found:
        return None
    if figure.indicator.aggregation == Indicator.Aggregation.SUM:
        return sum(found, Decimal(0))
    return found[-1]
