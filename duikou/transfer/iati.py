"""IATI 2.03: a publishing office's projects (and, when set, deals) as activities, and the
office itself in an organisation file.

A publisher is an organisation marked `iati_publisher` (a province's aid office or a front
command) with an IATI identifier (registered, or CN-USCI and its 统一社会信用代码); each project
is reported by the nearest publisher above its organisation, so it is in one file only.
Files are valid against the official schemas shipped in iati_data/ and pass IATI's standard
ruleset (iati_rules.py; see tests). Codes follow IATI's codelists: activity status,
organisation roles and types, transaction types, sector vocabularies (99 = the publisher's
own sectors, 1 = OECD DAC 5-digit purpose codes where a sensible match exists).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from lxml import etree

from duikou import policy
from duikou.core.errors import refuse
from duikou.geo.selectors import region_points
from duikou.investment.models import Deal, FundsInPlace, Stage
from duikou.orgs.models import OrgAncestor, Organisation
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
# IATI OrganisationType: provinces, prefectures, their offices and front commands are local
# government; public hospitals and schools other public sector; enterprises private sector.
LOCAL_GOVERNMENT, PRIVATE_SECTOR, OTHER_PUBLIC = "11", "70", "15"
# IATI FlowType 37: other private flows at market terms (what an attracted investment is).
PRIVATE_FLOW = "37"
SRS_WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
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


def _now() -> str:
    return timezone.localtime().isoformat(timespec="seconds")


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _participant(activity, org: Organisation | None, role: str, name=""):
    """A participating organisation, with ``ref`` only when it has a real IATI identifier
    (the registered one or CN-USCI from its 统一社会信用代码); otherwise named only."""
    if org is None and not name:
        return
    attrs = {"role": role, "type": _org_type(org) if org is not None else PRIVATE_SECTOR}
    if org is not None and org.iati_identifier:
        attrs["ref"] = org.iati_identifier
    node = etree.SubElement(activity, "participating-org", attrs)
    _narratives(node, org.name if org is not None else name, org.name_en if org else "")


def _org_type(org: Organisation) -> str:
    if org.kind == Organisation.Kind.ENTERPRISE:
        return PRIVATE_SECTOR
    if org.kind in (Organisation.Kind.HOSPITAL, Organisation.Kind.SCHOOL):
        return OTHER_PUBLIC
    return LOCAL_GOVERNMENT


def _front_command(org: Organisation, parents: dict[int, Organisation]) -> Organisation | None:
    current = org
    while current is not None:
        if current.kind == Organisation.Kind.FRONT_COMMAND:
            return current
        current = parents.get(current.parent_id)
    return None


def _location(activity, region, points: dict) -> None:
    if region is None:
        return
    location = etree.SubElement(activity, "location", {"ref": f"GB2260-{region.code}"})
    etree.SubElement(location, "location-reach", {"code": "1"})
    _text(location, "name", region.name)
    # GB/T 2260 division codes are in no GeographicVocabulary list: the place is described by
    # its name (and its GB/T 2260 code in the location's own ref), without an administrative
    # code; its point, where a map layer has one, is the seat or the centroid (approximate).
    point = points.get(region.pk)
    if point is not None:
        node = etree.SubElement(location, "point", {"srsName": SRS_WGS84})
        etree.SubElement(node, "pos").text = f"{point[0]} {point[1]}"
    etree.SubElement(location, "exactness", {"code": "2"})
    etree.SubElement(location, "location-class", {"code": "1"})


def _reporting_org(parent, publisher: Organisation) -> None:
    reporting = etree.SubElement(
        parent,
        "reporting-org",
        {"ref": publisher.iati_identifier, "type": _org_type(publisher)},
    )
    _narratives(reporting, publisher.name, publisher.name_en)


def _activity_root(root, publisher: Organisation, code: str, updated) -> etree._Element:
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
    etree.SubElement(activity, "iati-identifier").text = f"{publisher.iati_identifier}-{code}"
    _reporting_org(activity, publisher)
    return activity


def iati_document(*, publisher: Organisation, projects, deals) -> bytes:
    """The IATI XML of ``projects`` and ``deals`` (querysets already scoped to the user),
    reported by ``publisher``."""
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": _now()},
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
    ledger = _Ledger(
        publisher=publisher,
        parents=parents,
        budgets=budgets,
        moves=moves,
        changes=changes,
        governments=governments,
        results=_results_by_org({p.donor_org_id for p in projects}),
        points=region_points(),
    )
    for project in projects:
        _project(root, project, ledger)
    for deal in deals.select_related("donor_org", "region").order_by("code"):
        _deal(root, deal, ledger)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass(frozen=True)
class _Ledger:
    """What the activities of one file are built from, read once for all of them."""

    publisher: Organisation
    parents: dict
    budgets: dict
    moves: dict
    changes: dict
    governments: dict
    results: dict
    points: dict


def _project(root, project: Project, ledger: _Ledger) -> None:
    moves, budgets = ledger.moves.get(project.pk, []), ledger.budgets.get(project.pk, [])
    # Changed whenever the project, its budget or its money changed.
    updated = max(
        [project.updated_at] + [m.updated_at for m in moves] + [b.updated_at for b in budgets]
    )
    activity = _activity_root(root, ledger.publisher, project.code, updated)
    _text(activity, "title", project.name, project.name_en)
    _text(
        activity,
        "description",
        project.description or project.name,
        type="1",
    )
    command = _front_command(project.donor_org, ledger.parents)
    government = ledger.governments.get(project.prefecture_id) or ledger.governments.get(
        project.region_id
    )
    _participant(activity, project.donor_province, "1")
    _participant(activity, government or command, "2")
    _participant(activity, command or project.donor_province, "3")
    _participant(activity, project.donor_org, "4")
    etree.SubElement(activity, "activity-status", {"code": PROJECT_STATUS[project.status]})
    dates = [("1", project.planned_start), ("3", project.planned_end)]
    reached = ledger.changes.get(project.pk, {})
    if Status.BUILDING in reached:
        dates.append(("2", reached[Status.BUILDING]))
    last_move = max((m.on for m in moves), default=None)
    finished = reached.get(Status.COMPLETED)
    # Actual end only once work is finished and no money moved after it (a later transaction
    # means the ledger's completion date is not the end of the activity).
    if finished is not None and (last_move is None or last_move <= finished):
        dates.append(("4", finished))
    for code, day in dates:
        etree.SubElement(activity, "activity-date", {"type": code, "iso-date": day.isoformat()})
    etree.SubElement(activity, "activity-scope", {"code": _scope(project.region)})
    etree.SubElement(activity, "recipient-country", {"code": "CN", "percentage": "100"})
    _location(activity, project.region, ledger.points)
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
    total = sum((b.amount for b in budgets), Decimal("0"))
    if total:
        for start, end, amount in _yearly(total, project.planned_start, project.planned_end):
            budget = etree.SubElement(activity, "budget", {"type": "1", "status": "2"})
            etree.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
            etree.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
            value = etree.SubElement(budget, "value", {"value-date": start.isoformat()})
            value.text = _amount(amount)
    for move in moves:
        transaction = etree.SubElement(activity, "transaction", {"ref": f"FT-{move.pk}"})
        etree.SubElement(transaction, "transaction-type", {"code": TRANSACTION_TYPE[move.kind]})
        etree.SubElement(transaction, "transaction-date", {"iso-date": move.on.isoformat()})
        value = etree.SubElement(transaction, "value", {"value-date": move.on.isoformat()})
        value.text = _amount(move.amount)
        label = f"{FundSource(move.fund_source).label}{TransactionKind(move.kind).label}"
        _text(transaction, "description", f"{label} {move.reference}".strip())
        provider = project.donor_province
        attrs = {"type": _org_type(provider)}
        if provider.iati_identifier:
            attrs["ref"] = provider.iati_identifier
        node = etree.SubElement(transaction, "provider-org", attrs)
        _narratives(node, provider.name, provider.name_en)
    own = ledger.results.get((project.donor_org_id, project.region_id), [])
    for block in own + ledger.results.get((project.donor_org_id, None), []):
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


def _deal(root, deal: Deal, ledger: _Ledger) -> None:
    """A deal is an enterprise's investment attracted to the region, not aid: published (only
    when DUIKOU_IATI_DEALS says so) as other private flows at market terms, funded and carried
    out by the enterprise, with the donor office that attracted it as the extending party."""
    activity = _activity_root(root, ledger.publisher, f"DEAL-{deal.code}", deal.updated_at)
    _text(activity, "title", f"招商引资：{deal.name}")
    _text(
        activity,
        "description",
        f"{deal.description or deal.enterprise + '投资' + deal.name}"
        "（企业投资项目，资金为企业自有或融资，不是援疆资金）",
        type="1",
    )
    _participant(activity, None, "1", name=deal.enterprise)
    _participant(activity, deal.donor_org, "3")
    _participant(activity, None, "4", name=deal.enterprise)
    etree.SubElement(activity, "activity-status", {"code": DEAL_STATUS[deal.stage]})
    first = deal.signed_on or deal.lead_on or deal.stage_date
    etree.SubElement(activity, "activity-date", {"type": "1", "iso-date": first.isoformat()})
    if deal.started_on:
        etree.SubElement(
            activity, "activity-date", {"type": "2", "iso-date": deal.started_on.isoformat()}
        )
    etree.SubElement(activity, "activity-scope", {"code": _scope(deal.region)})
    etree.SubElement(activity, "recipient-country", {"code": "CN", "percentage": "100"})
    _location(activity, deal.region, ledger.points)
    industry = deal.industry or "招商引资"
    own = etree.SubElement(
        activity,
        "sector",
        {"vocabulary": "99", "code": f"investment:{industry}", "percentage": "100"},
    )
    _narratives(own, industry)
    etree.SubElement(activity, "default-flow-type", {"code": PRIVATE_FLOW})
    for funds in FundsInPlace.objects.filter(deal=deal).order_by("on", "pk"):
        transaction = etree.SubElement(activity, "transaction", {"ref": f"FIP-{funds.pk}"})
        etree.SubElement(transaction, "transaction-type", {"code": "1"})
        etree.SubElement(transaction, "transaction-date", {"iso-date": funds.on.isoformat()})
        value = etree.SubElement(transaction, "value", {"value-date": funds.on.isoformat()})
        value.text = _amount(funds.amount)
        _text(transaction, "description", f"到位资金 {funds.reference}".strip())
        provider = etree.SubElement(transaction, "provider-org", {"type": PRIVATE_SECTOR})
        _narratives(provider, deal.enterprise)


def publishers_for_user(*, user) -> list[Organisation]:
    """The publishing offices whose IATI files ``user`` may download: every publisher for
    those who see everything, otherwise the publishers inside the user's own organisations (a
    file is a publisher's whole portfolio, so only someone who sees all of it gets it)."""
    scope = policy.scope_for(user)
    if policy.sees_nothing_internal(user):
        return []
    publishers = Organisation.objects.filter(iati_publisher=True, is_active=True)
    if not scope.sees_all:
        publishers = publishers.filter(pk__in=scope.org_ids)
    return list(publishers.select_related("region").order_by("code"))


def publisher_for_user(*, user, code: str | None) -> Organisation:
    """The publisher ``code`` (or the user's only one when ``code`` is empty), refused in
    Chinese when the user may not publish as it or it has no IATI identifier."""
    publishers = publishers_for_user(user=user)
    if not code:
        if len(publishers) != 1:
            names = "、".join(f"{p.name}（{p.code}）" for p in publishers) or "无"
            raise refuse("publisher", f"请选择以哪个发布机构的名义导出 IATI 数据；可选：{names}")
        publisher = publishers[0]
    else:
        publisher = next((p for p in publishers if p.code == code), None)
        if publisher is None:
            raise refuse("publisher", f"“{code}”不是您可以导出的 IATI 发布机构", code="forbidden")
    if not publisher.iati_identifier:
        raise refuse(
            "publisher",
            f"发布机构“{publisher.name}”没有 IATI 组织标识，也没有统一社会信用代码；"
            "请先在机构资料中填写其中之一",
        )
    return publisher


def _published_projects(*, user, publisher: Organisation):
    """The user's projects that ``publisher`` reports: those whose donor organisation has it as
    its nearest publishing office (so a project is in exactly one publisher's file)."""
    from duikou.projects.selectors import project_list_for_user

    projects = project_list_for_user(user=user).filter(
        donor_org__ancestor_links__ancestor=publisher
    )
    donors = set(projects.values_list("donor_org_id", flat=True))
    nearest: dict[int, int] = {}
    links = OrgAncestor.objects.filter(org_id__in=donors, ancestor__iati_publisher=True)
    for org_id, ancestor_id in links.order_by("org_id", "depth").values_list(
        "org_id", "ancestor_id"
    ):
        nearest.setdefault(org_id, ancestor_id)
    mine = [org for org, ancestor in nearest.items() if ancestor == publisher.pk]
    return projects.filter(donor_org_id__in=mine)


def iati_for_user(*, user, publisher: Organisation) -> bytes:
    """The IATI activity file of ``publisher``: its projects (and deals with funds in place,
    when DUIKOU_IATI_DEALS is set) as the user may see them."""
    from duikou.investment.selectors import deal_list_for_user

    projects = _published_projects(user=user, publisher=publisher)
    deals = Deal.objects.none()
    if setting("DUIKOU_IATI_DEALS"):
        funded = FundsInPlace.objects.values("deal_id")
        deals = deal_list_for_user(user=user).filter(
            pk__in=funded, donor_org__ancestor_links__ancestor=publisher
        )
    return iati_document(publisher=publisher, projects=projects, deals=deals)


def iati_organisation_for_user(*, user, publisher: Organisation) -> bytes:
    """The publisher's IATI organisation file: who it is, and per calendar year the budget of
    the projects it reports (split over their planned years as in the activity file) and
    what was spent on them (支出)."""
    root = etree.Element(
        "iati-organisations",
        {"version": VERSION, "generated-datetime": _now()},
    )
    projects = list(_published_projects(user=user, publisher=publisher))
    ids = [p.pk for p in projects]
    lines = list(BudgetLine.objects.filter(project_id__in=ids))
    spent = list(
        FundTransaction.objects.filter(project_id__in=ids, kind=TransactionKind.SPEND)
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by("year")
    )
    stamps = [publisher.updated_at] + [p.updated_at for p in projects]
    stamps += [b.updated_at for b in lines]
    stamps += list(
        FundTransaction.objects.filter(project_id__in=ids).values_list("updated_at", flat=True)
    )
    organisation = etree.SubElement(
        root,
        "iati-organisation",
        {
            "last-updated-datetime": timezone.localtime(max(stamps)).isoformat(timespec="seconds"),
            XML_LANG: "zh",
            "default-currency": "CNY",
        },
    )
    etree.SubElement(organisation, "organisation-identifier").text = publisher.iati_identifier
    _text(organisation, "name", publisher.name, publisher.name_en)
    _reporting_org(organisation, publisher)
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    planned = {p.pk: p for p in projects}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.project_id] += line.amount
    for project_id, total in totals.items():
        project = planned[project_id]
        for start, _end, amount in _yearly(total, project.planned_start, project.planned_end):
            by_year[start.year] += amount
    for year in sorted(by_year):
        if by_year[year]:
            _year_amount(organisation, "total-budget", year, by_year[year], status="2")
    for row in spent:
        if row["total"]:
            _year_amount(organisation, "total-expenditure", row["year"], row["total"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _year_amount(parent, tag: str, year: int, amount: Decimal, **attrs) -> None:
    node = etree.SubElement(parent, tag, attrs)
    first, last = date(year, 1, 1), date(year, 12, 31)
    etree.SubElement(node, "period-start", {"iso-date": first.isoformat()})
    etree.SubElement(node, "period-end", {"iso-date": last.isoformat()})
    value = etree.SubElement(node, "value", {"value-date": first.isoformat()})
    value.text = _amount(amount)
