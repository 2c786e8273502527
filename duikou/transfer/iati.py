"""IATI activity standard 2.03: projects (and deals with funds in place) as activities.

Publishes what the user may see, valid against the official schemas in the shared
folder (see tests). Codes follow IATI's codelists: activity status, organisation roles
and types, transaction types, sector vocabularies (99 = the publisher's own sectors,
1 = OECD DAC 5-digit purpose codes where a sensible match exists).
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from lxml import etree

from duikou.investment.models import Deal, FundsInPlace, Stage
from duikou.orgs.models import Organisation
from duikou.projects.models import (
    BudgetLine,
    FundSource,
    FundTransaction,
    Project,
    Sector,
    Status,
    StatusChange,
    TransactionKind,
)
from duikou.results.models import Target, Value

from .conf import setting

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VERSION = "2.03"
# IATI ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled.
PROJECT_STATUS = {
    Status.RESERVE: "1",
    Status.APPROVED: "1",
    Status.BUILDING: "2",
    Status.COMPLETED: "3",
    Status.ACCEPTED: "4",
    Status.OPERATING: "4",
    Status.TERMINATED: "5",
}
DEAL_STATUS = {
    Stage.LEAD: "1",
    Stage.RESERVE: "1",
    Stage.NEGOTIATING: "1",
    Stage.SIGNED: "2",
    Stage.STARTED: "2",
    Stage.PRODUCING: "3",
    Stage.TERMINATED: "5",
}
# IATI TransactionType: 2 commitment, 3 disbursement, 4 expenditure; 1 incoming funds.
TRANSACTION_TYPE = {
    TransactionKind.RELEASE: "2",
    TransactionKind.DISBURSE: "3",
    TransactionKind.SPEND: "4",
}
# OECD DAC purpose codes (vocabulary 1) for the sectors that have a clear counterpart.
DAC_SECTOR = {
    Sector.INDUSTRY: "32110",  # industrial policy and administrative management
    Sector.EMPLOYMENT: "16020",  # employment creation
    Sector.HOUSING: "16040",  # low-cost housing
    Sector.EDUCATION: "11110",  # education policy and administrative management
    Sector.HEALTH: "12220",  # basic health care
    Sector.CULTURE: "16061",  # culture and recreation
    Sector.INFRASTRUCTURE: "43030",  # urban development and management
    Sector.RURAL: "43040",  # rural development
    Sector.TALENT: "11430",  # advanced technical and managerial training
    Sector.GOVERNANCE: "15112",  # decentralisation and support to subnational government
}
SECTOR_EN = {
    Sector.INDUSTRY: "Industrial development",
    Sector.EMPLOYMENT: "Employment",
    Sector.HOUSING: "Housing",
    Sector.EDUCATION: "Education",
    Sector.HEALTH: "Health",
    Sector.CULTURE: "Culture",
    Sector.INFRASTRUCTURE: "Infrastructure",
    Sector.RURAL: "Rural revitalisation",
    Sector.TALENT: "Talent and expertise",
    Sector.GOVERNANCE: "Local governance",
    Sector.EXCHANGE: "Exchanges between communities",
    Sector.OTHER: "Other",
}
GOVERNMENT, PRIVATE_SECTOR, OTHER_PUBLIC = "10", "70", "15"
LEVEL = {"province": "1", "prefecture": "2", "county": "3", "township": "4"}


def _narratives(parent, zh: str, en: str = "", tag: str = "narrative"):
    node = etree.SubElement(parent, tag)
    node.text = zh
    if en:
        english = etree.SubElement(parent, tag)
        english.text = en
        english.set(XML_LANG, "en")
    return parent


def _text(parent, name: str, zh: str, en: str = "", **attrs):
    node = etree.SubElement(parent, name, {k.replace("_", "-"): v for k, v in attrs.items()})
    _narratives(node, zh, en)
    return node


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _org_ref(org: Organisation) -> str:
    return f"{setting('DUIKOU_IATI_PUBLISHER_REF')}-ORG-{org.code}"


def _participant(activity, org: Organisation | None, role: str, org_type: str, name=""):
    if org is None and not name:
        return
    attrs = {"role": role, "type": org_type}
    if org is not None:
        attrs["ref"] = _org_ref(org)
    node = etree.SubElement(activity, "participating-org", attrs)
    _narratives(node, org.name if org is not None else name, org.name_en if org else "")


def _front_command(org: Organisation, parents: dict[int, Organisation]) -> Organisation | None:
    current = org
    while current is not None:
        if current.kind == Organisation.Kind.FRONT_COMMAND:
            return current
        current = parents.get(current.parent_id)
    return None


def _location(activity, region) -> None:
    if region is None:
        return
    location = etree.SubElement(activity, "location", {"ref": f"GB2260-{region.code}"})
    etree.SubElement(location, "location-reach", {"code": "1"})
    _text(location, "name", region.name)
    # GB/T 2260 division codes are in no GeographicVocabulary list: the place is described by
    # its name (and its GB/T 2260 code in the location's own ref), without an administrative code.
    etree.SubElement(location, "exactness", {"code": "2"})
    etree.SubElement(location, "location-class", {"code": "1"})


def _activity_root(root, identifier: str, updated) -> etree._Element:
    activity = etree.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": timezone.localtime(updated).isoformat(timespec="seconds"),
            XML_LANG: "zh",
            "default-currency": "CNY",
            "hierarchy": "1",
        },
    )
    etree.SubElement(activity, "iati-identifier").text = identifier
    reporting = etree.SubElement(
        activity,
        "reporting-org",
        {"ref": setting("DUIKOU_IATI_PUBLISHER_REF"), "type": GOVERNMENT},
    )
    _narratives(reporting, "对口援疆工作平台", "Counterpart aid to Xinjiang platform")
    return activity


def iati_document(*, projects, deals) -> bytes:
    """The IATI XML of ``projects`` and ``deals`` (querysets already scoped to the user)."""
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": timezone.now().isoformat(timespec="seconds")},
        nsmap=None,
    )
    projects = list(
        projects.select_related(
            "donor_org", "donor_province", "region", "prefecture", "programme"
        ).order_by("code")
    )
    parents = {o.pk: o for o in Organisation.objects.filter(side=Organisation.Side.DONOR)}
    ids = [p.pk for p in projects]
    budgets = defaultdict(list)
    for line in BudgetLine.objects.filter(project_id__in=ids):
        budgets[line.project_id].append(line)
    moves = defaultdict(list)
    for move in FundTransaction.objects.filter(project_id__in=ids).order_by("on", "pk"):
        moves[move.project_id].append(move)
    changes = defaultdict(dict)
    for change in StatusChange.objects.filter(project_id__in=ids).order_by("on", "pk"):
        changes[change.project_id].setdefault(change.to_status, change.on)
    governments = {
        o.region_id: o
        for o in Organisation.objects.filter(
            side=Organisation.Side.RECIPIENT, kind=Organisation.Kind.GOVERNMENT
        )
    }
    results = _results_by_org({p.donor_org_id for p in projects})
    for project in projects:
        _project(root, project, parents, budgets, moves, changes, governments, results)
    for deal in deals.select_related("donor_org", "region").order_by("code"):
        _deal(root, deal)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _project(root, project: Project, parents, budgets, moves, changes, governments, results):
    publisher = setting("DUIKOU_IATI_PUBLISHER_REF")
    updated = max([project.updated_at] + [m.updated_at for m in moves.get(project.pk, [])])
    activity = _activity_root(root, f"{publisher}-{project.code}", updated)
    _text(activity, "title", project.name, project.name_en)
    _text(
        activity,
        "description",
        project.description or project.name,
        type="1",
    )
    command = _front_command(project.donor_org, parents)
    government = governments.get(project.prefecture_id) or governments.get(project.region_id)
    _participant(activity, project.donor_province, "1", GOVERNMENT)
    _participant(activity, government or command, "2", GOVERNMENT)
    _participant(activity, command or project.donor_province, "3", GOVERNMENT)
    _participant(activity, project.donor_org, "4", GOVERNMENT)
    etree.SubElement(activity, "activity-status", {"code": PROJECT_STATUS[project.status]})
    dates = [("1", project.planned_start), ("3", project.planned_end)]
    reached = changes.get(project.pk, {})
    if Status.BUILDING in reached:
        dates.append(("2", reached[Status.BUILDING]))
    last_move = max((m.on for m in moves.get(project.pk, [])), default=None)
    finished = reached.get(Status.COMPLETED)
    # Actual end only once work is finished and no money moved after it (a later transaction
    # means the ledger's completion date is not the end of the activity).
    if finished is not None and (last_move is None or last_move <= finished):
        dates.append(("4", finished))
    for code, day in dates:
        etree.SubElement(activity, "activity-date", {"type": code, "iso-date": day.isoformat()})
    etree.SubElement(activity, "activity-scope", {"code": _scope(project.region)})
    etree.SubElement(activity, "recipient-country", {"code": "CN", "percentage": "100"})
    _location(activity, project.region)
    sector = Sector(project.sector)
    own = etree.SubElement(
        activity, "sector", {"vocabulary": "99", "code": sector.value, "percentage": "100"}
    )
    _narratives(own, str(sector.label), SECTOR_EN.get(sector, ""))
    if sector in DAC_SECTOR:
        etree.SubElement(
            activity, "sector", {"vocabulary": "1", "code": DAC_SECTOR[sector], "percentage": "100"}
        )
    etree.SubElement(activity, "collaboration-type", {"code": "1"})
    total = sum((b.amount for b in budgets.get(project.pk, [])), Decimal("0"))
    if total:
        for start, end, amount in _yearly(total, project.planned_start, project.planned_end):
            budget = etree.SubElement(activity, "budget", {"type": "1", "status": "2"})
            etree.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
            etree.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
            value = etree.SubElement(budget, "value", {"value-date": start.isoformat()})
            value.text = _amount(amount)
    for move in moves.get(project.pk, []):
        transaction = etree.SubElement(activity, "transaction", {"ref": f"FT-{move.pk}"})
        etree.SubElement(transaction, "transaction-type", {"code": TRANSACTION_TYPE[move.kind]})
        etree.SubElement(transaction, "transaction-date", {"iso-date": move.on.isoformat()})
        value = etree.SubElement(transaction, "value", {"value-date": move.on.isoformat()})
        value.text = _amount(move.amount)
        label = f"{FundSource(move.fund_source).label}{TransactionKind(move.kind).label}"
        _text(transaction, "description", f"{label} {move.reference}".strip())
        provider = project.donor_province
        node = etree.SubElement(
            transaction, "provider-org", {"ref": _org_ref(provider), "type": GOVERNMENT}
        )
        _narratives(node, provider.name)
    for block in results.get((project.donor_org_id, project.region_id), []) + results.get(
        (project.donor_org_id, None), []
    ):
        _result(activity, block)


def _scope(region) -> str:
    # IATI ActivityScope: 6 sub-national multi-first-level, 7 sub-national single first-level,
    # 8 single second-level administrative area.
    return "8" if region is not None and region.level in ("county", "township") else "7"


def _yearly(total: Decimal, start: date, end: date) -> list[tuple[date, date, Decimal]]:
    """The budget split over the planned period, one calendar-year slice (at most 12 months)
    each, in proportion to its days; the last slice takes the rounding remainder."""
    end = max(end, start)
    slices, day = [], start
    while day <= end:
        stop = min(end, date(day.year, 12, 31))
        slices.append((day, stop))
        day = stop + timedelta(days=1)
    days = (end - start).days + 1
    out, spent = [], Decimal("0")
    for index, (a, b) in enumerate(slices):
        if index == len(slices) - 1:
            amount = total - spent
        else:
            amount = (total * ((b - a).days + 1) / days).quantize(Decimal("0.01"))
        spent += amount
        out.append((a, b, amount))
    return out


def _year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1) - timedelta(days=1)
    except ValueError:
        return day + timedelta(days=364)


def _results_by_org(org_ids: set[int]) -> dict:
    """Targets and baselines of the implementing organisations, with actuals from values."""
    targets = (
        Target.objects.filter(org_id__in=org_ids)
        .select_related("indicator", "region")
        .order_by("indicator__code", "kind", "period_start")
    )
    grouped: dict[tuple, dict] = {}
    for target in targets:
        key = (target.org_id, target.region_id, target.indicator_id)
        entry = grouped.setdefault(
            key, {"indicator": target.indicator, "baselines": [], "periods": []}
        )
        if target.kind == Target.Kind.BASELINE:
            entry["baselines"].append(target)
        else:
            actual = Value.objects.filter(
                indicator=target.indicator,
                org_id=target.org_id,
                period_start__gte=target.period_start,
                period_end__lte=target.period_end,
            ).exclude(status=Value.Status.DRAFT)
            if target.region_id:
                actual = actual.filter(region__ancestor_links__ancestor_id=target.region_id)
            total = actual.aggregate(total=Sum("value"))["total"]
            entry["periods"].append((target, total))
    blocks: dict[tuple, list] = defaultdict(list)
    for (org_id, region_id, _), entry in grouped.items():
        blocks[(org_id, region_id)].append(entry)
    return blocks


def _plain(number: Decimal) -> str:
    return format(Decimal(number).normalize(), "f")


def _result(activity, entry: dict) -> None:
    indicator = entry["indicator"]
    result = etree.SubElement(activity, "result", {"type": "1", "aggregation-status": "0"})
    _text(result, "title", indicator.name_zh, indicator.name_en)
    node = etree.SubElement(
        result,
        "indicator",
        {
            "measure": "2" if indicator.unit in ("%", "％") else "1",  # IndicatorMeasure
            "ascending": "1" if indicator.higher_is_better else "0",
        },
    )
    _text(node, "title", f"{indicator.name_zh}（{indicator.unit}）", indicator.name_en)
    etree.SubElement(node, "reference", {"vocabulary": "99", "code": indicator.code})
    for baseline in entry["baselines"]:
        etree.SubElement(
            node,
            "baseline",
            {
                "year": str(baseline.period_end.year),
                "iso-date": baseline.period_end.isoformat(),
                "value": _plain(baseline.value),
            },
        )
    for target, actual in entry["periods"]:
        period = etree.SubElement(node, "period")
        etree.SubElement(period, "period-start", {"iso-date": target.period_start.isoformat()})
        etree.SubElement(period, "period-end", {"iso-date": target.period_end.isoformat()})
        etree.SubElement(period, "target", {"value": _plain(target.value)})
        if actual is not None:
            etree.SubElement(period, "actual", {"value": _plain(actual)})


def _deal(root, deal: Deal) -> None:
    publisher = setting("DUIKOU_IATI_PUBLISHER_REF")
    activity = _activity_root(root, f"{publisher}-DEAL-{deal.code}", deal.updated_at)
    _text(activity, "title", deal.name)
    _text(
        activity,
        "description",
        deal.description or f"{deal.enterprise}投资{deal.name}",
        type="1",
    )
    _participant(activity, None, "1", PRIVATE_SECTOR, name=deal.enterprise)
    _participant(activity, deal.donor_org, "3", GOVERNMENT)
    _participant(activity, None, "4", PRIVATE_SECTOR, name=deal.enterprise)
    etree.SubElement(activity, "activity-status", {"code": DEAL_STATUS[deal.stage]})
    first = deal.signed_on or deal.lead_on or deal.stage_date
    etree.SubElement(activity, "activity-date", {"type": "1", "iso-date": first.isoformat()})
    if deal.started_on:
        etree.SubElement(
            activity, "activity-date", {"type": "2", "iso-date": deal.started_on.isoformat()}
        )
    etree.SubElement(activity, "activity-scope", {"code": _scope(deal.region)})
    etree.SubElement(activity, "recipient-country", {"code": "CN", "percentage": "100"})
    _location(activity, deal.region)
    industry = deal.industry or "招商引资"
    own = etree.SubElement(
        activity,
        "sector",
        {"vocabulary": "99", "code": f"investment:{industry}", "percentage": "100"},
    )
    _narratives(own, industry)
    etree.SubElement(activity, "collaboration-type", {"code": "1"})
    for funds in FundsInPlace.objects.filter(deal=deal).order_by("on", "pk"):
        transaction = etree.SubElement(activity, "transaction", {"ref": f"FIP-{funds.pk}"})
        etree.SubElement(transaction, "transaction-type", {"code": "1"})
        etree.SubElement(transaction, "transaction-date", {"iso-date": funds.on.isoformat()})
        value = etree.SubElement(transaction, "value", {"value-date": funds.on.isoformat()})
        value.text = _amount(funds.amount)
        _text(transaction, "description", f"到位资金 {funds.reference}".strip())
        provider = etree.SubElement(transaction, "provider-org", {"type": PRIVATE_SECTOR})
        _narratives(provider, deal.enterprise)


def iati_for_user(*, user) -> bytes:
    """Every project and every deal with funds in place that the user may see."""
    from duikou.investment.selectors import deal_list_for_user
    from duikou.projects.selectors import project_list_for_user

    projects = project_list_for_user(user=user)
    funded = FundsInPlace.objects.values("deal_id")
    deals = deal_list_for_user(user=user).filter(pk__in=funded)
    if not setting("DUIKOU_IATI_DEALS"):
        deals = deals.none()
    return iati_document(projects=projects, deals=deals)
