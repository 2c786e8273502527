"""Reads for investment deals, scoped by the policy module: lists, the funnel and its timings."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet, Sum
from django.http import Http404

from duikou import policy
from duikou.audit.selectors import deletions_of
from duikou.core.search import text_match
from duikou.orgs.models import Organisation

from .models import PIPELINE, RANK, Deal, DealStageChange, FundsInPlace, Stage

ZERO = Decimal("0.00")
RATE = Decimal("0.0001")


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE, ROUND_HALF_UP)


def deal_list_for_user(
    *,
    user,
    org: Organisation | None = None,
    stage: str | None = None,
    signed_year: int | None = None,
    search: str = "",
) -> QuerySet[Deal]:
    """Deals the user may see; ``org`` narrows to an organisation and everything below it."""
    qs = policy.filter_by_org_and_region(
        user, Deal.objects.all(), org_field="donor_org_id", region_field="region_id"
    )
    if org is not None:
        qs = qs.filter(donor_org__ancestor_links__ancestor=org)
    if stage:
        qs = qs.filter(stage=stage)
    if signed_year:
        qs = qs.filter(signed_year=signed_year)
    if search:
        qs = qs.filter(text_match(Deal, ("name", "enterprise"), search))
    return qs.select_related("donor_org", "donor_province", "region", "prefecture")


def get_deal_for_user(*, user, pk: int) -> Deal:
    """A deal the user may see, or 404 (its existence is not revealed)."""
    deal = deal_list_for_user(user=user).filter(pk=pk).first()
    if deal is None:
        raise Http404("招商项目不存在或无权查看")
    return deal


def get_deal_for_user_rw(*, user, pk: int) -> Deal:
    """A deal the user may change: 404 if invisible, 403 if only readable."""
    deal = get_deal_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, deal.donor_org_id):
        raise PermissionDenied("无权修改该招商项目")
    return deal


def get_funds_in_place_for_user(*, user, pk: int) -> FundsInPlace:
    """Funds in place of a deal the user may see, or 404."""
    deals = deal_list_for_user(user=user).values("pk")
    record = FundsInPlace.objects.filter(deal__in=deals, pk=pk).select_related("deal").first()
    if record is None:
        raise Http404("到位资金不存在或无权查看")
    return record


def get_funds_in_place_for_user_rw(*, user, pk: int) -> FundsInPlace:
    """Funds in place the user may correct or void: 404 if invisible, 403 if only readable."""
    record = get_funds_in_place_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, record.deal.donor_org_id):
        raise PermissionDenied("无权修改该招商项目的到位资金")
    return record


@dataclass(frozen=True)
class VoidedFunds:
    """Voided (作废) funds in place as the delete entry in the history keeps them."""

    on: date
    amount: Decimal
    reference: str
    note: str
    voided_at: datetime
    voided_by: object
    reason: str


def funds_in_place_voided_list(*, deal: Deal, limit: int = 100) -> list[VoidedFunds]:
    """The voided funds in place of a deal the caller may see, newest first."""
    return [
        VoidedFunds(
            on=date.fromisoformat(entry.before["on"]),
            amount=Decimal(str(entry.before["amount"])),
            reference=entry.before.get("reference", ""),
            note=entry.before.get("note", ""),
            voided_at=entry.at,
            voided_by=entry.actor,
            reason=entry.reason,
        )
        for entry in deletions_of(FundsInPlace, deal_id=deal.pk)[:limit]
    ]


def deal_stage_history(*, deal: Deal) -> QuerySet[DealStageChange]:
    """The dated steps of one deal, oldest first."""
    return DealStageChange.objects.filter(deal=deal).order_by("on", "id")


def deal_funds_in_place_total(*, deal: Deal) -> Decimal:
    """Funds in place so far, exact to the fen."""
    total = FundsInPlace.objects.filter(deal=deal).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def deal_funnel(*, user, year: int, org: Organisation | None = None) -> dict:
    """How many deals reached each stage during ``year``.

    A deal counts at every stage up to the furthest one it reached by a move dated
    in the year, so the counts never grow down the funnel (a deal signed this year
    after being a lead last year counts as a lead, a reserve and a negotiation this
    year too). Deals terminated in the year are counted apart.
    """
    deals = deal_list_for_user(user=user, org=org).values("pk")
    moves = DealStageChange.objects.filter(deal__in=deals, year=year)
    furthest = moves.filter(to_rank__gt=0).values("deal_id").annotate(top=Max("to_rank"))
    reached = dict.fromkeys(range(1, len(PIPELINE) + 1), 0)
    for row in furthest:
        reached[row["top"]] += 1
    stages, running = [], 0
    for stage in reversed(PIPELINE):
        running += reached[RANK[stage]]
        stages.append({"stage": stage.value, "label": stage.label, "count": running})
    stages.reverse()
    terminated = moves.filter(to_stage=Stage.TERMINATED).values("deal_id").distinct().count()
    return {"year": year, "stages": stages, "terminated": terminated}


def deal_conversion_rates(*, user, year: int, org: Organisation | None = None) -> list[dict]:
    """The share of deals reaching each stage that went on to the next one in ``year``.

    ``rate`` is a fraction to four places, or None when no deal reached the earlier stage.
    """
    stages = deal_funnel(user=user, year=year, org=org)["stages"]
    return [
        {
            "from": a["stage"],
            "to": b["stage"],
            "label": f"{a['label']}→{b['label']}",
            "rate": _ratio(b["count"], a["count"]),
        }
        for a, b in pairwise(stages)
    ]


def deal_signing_to_production(*, user, year: int, org: Organisation | None = None) -> dict:
    """For the deals signed in ``year``: days from signing to production, their median,
    and the share signed, started and producing within that calendar year
    (当年招商、当年建设、当年投产) among all deals signed that year."""
    rows = list(
        deal_list_for_user(user=user, org=org, signed_year=year)
        .order_by("signed_on", "code")
        .values("code", "name", "signed_on", "started_on", "producing_on")
    )
    produced = [
        {"code": r["code"], "name": r["name"], "days": (r["producing_on"] - r["signed_on"]).days}
        for r in rows
        if r["producing_on"]
    ]
    days = [r["days"] for r in produced]
    same_year = sum(
        1
        for r in rows
        if r["started_on"]
        and r["producing_on"]
        and r["started_on"].year == r["producing_on"].year == year
    )
    return {
        "year": year,
        "signed": len(rows),
        "produced": produced,
        "median_days": Decimal(str(statistics.median(days))) if days else None,
        "same_year": same_year,
        "same_year_share": _ratio(same_year, len(rows)),
    }


def deal_totals_for_user(*, user, year: int | None = None, org=None, region=None) -> dict:
    """Deals signed (in ``year`` when given), their signed amount, funds in place and jobs.

    ``org`` and ``region`` narrow to an organisation or a place and everything below it.
    """
    deals = deal_list_for_user(user=user)
    if org is not None:
        deals = deals.filter(donor_org__ancestor_links__ancestor=org)
    if region is not None:
        deals = deals.filter(region__ancestor_links__ancestor=region)
    signed = deals.filter(signed_on__isnull=False)
    if year:
        signed = signed.filter(signed_year=year)
    found = signed.order_by().aggregate(n=Count("id"), amount=Sum("signed_amount"))
    in_place = FundsInPlace.objects.filter(deal__in=deals.values("pk"))
    if year:
        in_place = in_place.filter(year=year)
    jobs = deals.order_by().aggregate(jobs=Sum("jobs_created"))["jobs"] or 0
    return {
        "signed": found["n"],
        "signed_amount": found["amount"] or ZERO,
        "in_place": in_place.aggregate(total=Sum("amount"))["total"] or ZERO,
        "jobs_created": jobs,
        "total": deals.count(),
    }
