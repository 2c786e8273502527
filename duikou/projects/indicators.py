"""Record-backed indicators computed from projects and their money (see results.records)."""

from datetime import date

from django.db.models import Count, F, Sum

from duikou.orgs.models import Organisation

from .models import BudgetLine, FundSource, FundSummary, FundTransaction, Project, Status


def _transactions(kind: str, fund_source: str = FundSource.AID):
    """Money moved counts in the month it moved."""

    def rows(*, start: date, end: date) -> list[dict]:
        return list(
            FundTransaction.objects.filter(
                kind=kind, fund_source=fund_source, on__range=(start, end)
            )
            .values(
                "year",
                "month",
                org_id=F("project__donor_org_id"),
                region_id=F("project__region_id"),
            )
            .annotate(value=Sum("amount"))
        )

    def table(*, axis: str, node_ids: list[int], grain: str, years: list[int]) -> dict | None:
        """Yearly sums per donor province or per place from the fund summary, which keeps
        them by donor province, place and year moved; None for other questions."""
        if grain != "y":
            return None
        cells = FundSummary.objects.filter(kind=kind, fund_source=fund_source, year__in=years)
        if axis == "o":
            roots = Organisation.objects.filter(pk__in=node_ids, parent=None).count()
            if roots != len(set(node_ids)):
                return None
            cells = cells.filter(donor_province_id__in=node_ids).values(
                node=F("donor_province_id"), moved=F("year")
            )
        else:
            node = "region__ancestor_links__ancestor_id"
            cells = cells.filter(**{f"{node}__in": node_ids}).values(node=F(node), moved=F("year"))
        return {
            (row["node"], row["moved"], 0): row["total"]
            for row in cells.order_by().annotate(total=Sum("amount"))
        }

    rows.table = table
    return rows


def _budget(fund_source: str):
    """Planned money counts in the month the project is planned to start."""

    def rows(*, start: date, end: date) -> list[dict]:
        found = (
            BudgetLine.objects.filter(
                fund_source=fund_source, project__planned_start__range=(start, end)
            )
            .values(
                org_id=F("project__donor_org_id"),
                region_id=F("project__region_id"),
                start=F("project__planned_start"),
            )
            .annotate(value=Sum("amount"))
        )
        return [_monthly(row) for row in found]

    return rows


def _projects(**conditions):
    def rows(*, start: date, end: date) -> list[dict]:
        found = (
            Project.objects.filter(planned_start__range=(start, end), **conditions)
            .exclude(status=Status.TERMINATED)
            .values("donor_org_id", "region_id", "planned_start")
            .annotate(value=Count("id"))
        )
        return [
            _monthly(
                {
                    "org_id": r["donor_org_id"],
                    "region_id": r["region_id"],
                    "start": r["planned_start"],
                    "value": r["value"],
                }
            )
            for r in found
        ]

    return rows


def _monthly(row: dict) -> dict:
    day = row.pop("start")
    return {**row, "year": day.year, "month": day.month}


RECORD_INDICATORS = {
    "projects.fund_planned": _budget(FundSource.AID),
    "projects.fund_local": _budget(FundSource.LOCAL),
    "projects.fund_social": _budget(FundSource.SOCIAL),
    "projects.fund_released": _transactions("release"),
    "projects.fund_disbursed": _transactions("disburse"),
    "projects.fund_spent": _transactions("spend"),
    "projects.count": _projects(),
    "projects.livelihood_count": _projects(is_livelihood=True),
    "projects.completed_count": _projects(
        status__in=[Status.COMPLETED, Status.ACCEPTED, Status.OPERATING]
    ),
}
