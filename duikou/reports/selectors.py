"""Reads for reports: compliance checks, the monthly dispatch, and the reports kept.

Each selector returns rows (dataclasses); pages, CSV and the document renderers
format them. Everything is scoped by ``duikou.policy`` through the domain selectors.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from duikou import policy
from duikou.core.money import format_money
from duikou.geo.models import Region
from duikou.investment.models import Stage
from duikou.investment.selectors import deal_list_for_user, deal_totals_for_user
from duikou.orgs.models import Organisation
from duikou.projects.models import (
    FundSource,
    FundTransaction,
    ProgressReport,
    Project,
    Status,
    TransactionKind,
)
from duikou.projects.selectors import (
    aid_shares_by_donor_province_by_year,
    fund_totals_by_region_id,
    fund_totals_for_user,
    project_list_for_user,
    projects_due_progress,
)
from duikou.results.models import Indicator
from duikou.results.selectors import (
    APPROVED_ONLY,
    donor_provinces,
    indicator_table,
    recipient_prefectures,
)

from .models import GeneratedReport, Publication

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
DONE = {Status.COMPLETED, Status.ACCEPTED, Status.OPERATING}


class Operator:
    """The reader behind scheduled jobs and the command line: the server's operator, who
    sees the whole ledger (they hold the database anyway). Web requests never use it."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    pk = None
    id = None

    def get_username(self) -> str:
        return "定时任务"


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def cn_day(day: date) -> str:
    """2026年6月30日, as documents write dates (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def linear_plan(project: Project, on: date) -> Decimal:
    """Percent of the work that a straight line from planned start to end puts at ``on``."""
    span = (project.planned_end - project.planned_start).days
    if span <= 0:
        return HUNDRED if on >= project.planned_end else ZERO
    done = (on - project.planned_start).days
    share = Decimal(max(0, min(span, done))) / Decimal(span) * HUNDRED
    return share.quantize(CENT, ROUND_HALF_UP)


# --- compliance ---------------------------------------------------------------------


@dataclass(frozen=True)
class Offender:
    code: str
    name: str
    detail: str


@dataclass(frozen=True)
class ComplianceRow:
    province_id: int
    province: str
    year: int
    check: str
    check_label: str
    value: Decimal | None
    value_text: str
    standard: str
    ok: bool | None
    records: list[Offender] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {True: "达标", False: "未达标", None: "进行中"}[self.ok]


CHECKS = {
    "county_share": "县及县以下投入占比",
    "livelihood_share": "民生领域投入占比",
    "funds_released": "援疆资金下达",
    "behind_schedule": "项目进度滞后",
    "deals_stuck": "招商项目停滞",
}


def _threshold(name: str) -> Decimal:
    return Decimal(str(getattr(settings, name)))


def compliance_rows(
    *, user, years: list[int], today: date | None = None, stuck_months: int | None = None
) -> list[ComplianceRow]:
    """Per donor province and year: the "两个80%" against their thresholds, aid funds
    released against planned, projects behind schedule and deals stuck in a stage, each
    with the records at fault."""
    today = today or date.today()
    stuck_months = stuck_months or int(getattr(settings, "DUIKOU_DEAL_STUCK_MONTHS", 6))
    county_min = _threshold("DUIKOU_COUNTY_SHARE_THRESHOLD")
    livelihood_min = _threshold("DUIKOU_LIVELIHOOD_SHARE_THRESHOLD")
    projects = project_list_for_user(user=user).filter(plan_year__in=years)
    budgets = {
        p.pk: p
        for p in projects.annotate(
            aid=Sum("budget_lines__amount", filter=Q(budget_lines__fund_source=FundSource.AID))
        ).order_by("code")
    }
    released: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        FundTransaction.objects.filter(
            project__in=projects.values("pk"),
            fund_source=FundSource.AID,
            kind=TransactionKind.RELEASE,
            on__lte=today,
        )
        .values("project_id")
        .annotate(total=Sum("amount"))
    ):
        released[row["project_id"]] = row["total"]
    by_group: dict[tuple[int, int], list[Project]] = defaultdict(list)
    for project in budgets.values():
        by_group[(project.donor_province_id, project.plan_year)].append(project)

    rows: list[ComplianceRow] = []
    names: dict[int, str] = {}
    for shares in aid_shares_by_donor_province_by_year(user=user, years=years):
        names[shares.province_id] = shares.province
        group = by_group[(shares.province_id, shares.year)]
        key = (shares.province_id, shares.province, shares.year)
        rows.append(
            _share_row(
                key,
                "county_share",
                shares.county_share,
                county_min,
                [p for p in group if not p.is_county_or_below and p.aid],
                "项目地点在县级以上",
            )
        )
        rows.append(
            _share_row(
                key,
                "livelihood_share",
                shares.livelihood_share,
                livelihood_min,
                [p for p in group if not p.is_livelihood and p.aid],
                "非民生项目",
            )
        )
        moved = sum((released[p.pk] for p in group), ZERO)
        short = [p for p in group if (p.aid or ZERO) > released[p.pk]]
        rows.append(
            ComplianceRow(
                *key,
                "funds_released",
                CHECKS["funds_released"],
                percent(moved, shares.total),
                f"已下达{format_money(moved)}，计划{format_money(shares.total)}",
                "计划资金全部下达",
                (moved >= shares.total) if shares.year < today.year or not short else None,
                [
                    Offender(
                        p.code,
                        p.name,
                        f"计划{format_money(p.aid)}，已下达{format_money(released[p.pk])}",
                    )
                    for p in short
                ],
            )
        )
        late = _behind_schedule(group, today)
        rows.append(
            ComplianceRow(
                *key,
                "behind_schedule",
                CHECKS["behind_schedule"],
                Decimal(len(late)),
                f"{len(late)}个项目",
                "无滞后项目",
                not late,
                late,
            )
        )
    rows.extend(_stuck_deals(user, years, today, stuck_months, names))
    order = list(CHECKS)
    rows.sort(key=lambda r: (r.province, r.year, order.index(r.check)))
    return rows


def _share_row(key, check, share, minimum, offenders, why) -> ComplianceRow:
    value = None if share is None else (share * HUNDRED).quantize(CENT, ROUND_HALF_UP)
    ok = None if share is None else share >= minimum
    return ComplianceRow(
        *key,
        check,
        CHECKS[check],
        value,
        "—" if value is None else f"{value}%",
        f"不低于{(minimum * HUNDRED).normalize():f}%",
        ok,
        []
        if ok or ok is None
        else [Offender(p.code, p.name, f"{why}，援疆资金{format_money(p.aid)}") for p in offenders],
    )


def _behind_schedule(projects: list[Project], today: date) -> list[Offender]:
    candidates = [p for p in projects if p.status not in DONE and p.status != Status.TERMINATED]
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(project__in=[p.pk for p in candidates]).order_by(
        "project_id", "-year", "-month"
    ):
        latest.setdefault(report.project_id, report)
    found = []
    for project in candidates:
        if project.planned_end < today:
            found.append(
                Offender(
                    project.code,
                    project.name,
                    f"计划{cn_day(project.planned_end)}完工，目前为{project.get_status_display()}",
                )
            )
            continue
        report = latest.get(project.pk)
        if report is None:
            continue
        month_end = date(report.year, report.month, 1).replace(
            day=calendar.monthrange(report.year, report.month)[1]
        )
        planned = linear_plan(project, month_end)
        if report.percent_complete < planned:
            found.append(
                Offender(
                    project.code,
                    project.name,
                    f"{report.year}年{report.month}月形象进度{report.percent_complete}%，"
                    f"按计划应达{planned}%",
                )
            )
    return found


def _stuck_deals(user, years, today, months, names) -> list[ComplianceRow]:
    """Deals that have not moved for ``months`` months, by the year they last moved."""
    cutoff = months_before(today, months)
    deals = (
        deal_list_for_user(user=user)
        .exclude(stage__in=[Stage.PRODUCING, Stage.TERMINATED])
        .filter(stage_date__lte=cutoff, stage_date__year__in=years)
        .order_by("code")
    )
    groups: dict[tuple, list[Offender]] = defaultdict(list)
    for deal in deals:
        key = (deal.donor_province_id, deal.donor_province.name, deal.stage_date.year)
        groups[key].append(
            Offender(
                deal.code,
                deal.name,
                f"自{cn_day(deal.stage_date)}起停留在“{deal.get_stage_display()}”阶段",
            )
        )
    keys = set(groups) | {(pid, name, y) for pid, name in names.items() for y in years}
    return [
        ComplianceRow(
            *key,
            "deals_stuck",
            CHECKS["deals_stuck"],
            Decimal(len(groups.get(key, []))),
            f"{len(groups.get(key, []))}个招商项目",
            f"{months}个月内有阶段变动",
            not groups.get(key),
            groups.get(key, []),
        )
        for key in sorted(keys, key=lambda k: (k[1], k[2]))
    ]


# --- monthly dispatch (月调度) ---------------------------------------------------------


@dataclass
class DispatchLine:
    code: str
    name: str
    org: str
    status: str
    planned_start: date
    planned_end: date
    percent_complete: Decimal | None
    reported_in: str  # the month of the figure, when not this month's
    time_elapsed: Decimal
    released: Decimal
    spent: Decimal
    reported: bool
    problems: str

    @property
    def gap(self) -> Decimal | None:
        if self.percent_complete is None:
            return None
        return self.percent_complete - self.time_elapsed


@dataclass
class DispatchSheet:
    command_id: int
    command_code: str
    command: str
    year: int
    month: int
    lines: list[DispatchLine]

    @property
    def missing(self) -> list[DispatchLine]:
        return [line for line in self.lines if not line.reported]

    @property
    def problems(self) -> list[DispatchLine]:
        return [line for line in self.lines if line.problems]

    @property
    def released(self) -> Decimal:
        return sum((line.released for line in self.lines), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((line.spent for line in self.lines), ZERO)


def dispatch_commands(*, org: Organisation | None = None) -> list[Organisation]:
    """The commands a dispatch is made for: ``org`` alone, or every front command."""
    if org is not None:
        return [org]
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.FRONT_COMMAND, is_active=True).order_by(
            "code"
        )
    )


def dispatch_sheets(
    *, user, year: int, month: int, org: Organisation | None = None
) -> list[DispatchSheet]:
    """For each command: every project under way in the month, its progress against a
    straight-line plan, aid money released and spent by the month's end, problems raised,
    and whether it reported for the month."""
    first = date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    commands = dispatch_commands(org=org)
    projects = projects_due_progress(user=user, year=year, month=month)
    sheets = []
    for command in commands:
        mine = list(projects.filter(donor_org__ancestor_links__ancestor=command).order_by("code"))
        sheets.append(_sheet(command, year, month, last, mine))
    return sheets


def _sheet(command, year, month, last, projects: list[Project]) -> DispatchSheet:
    ids = [p.pk for p in projects]
    money: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for row in (
        FundTransaction.objects.filter(
            project_id__in=ids,
            fund_source=FundSource.AID,
            kind__in=[TransactionKind.RELEASE, TransactionKind.SPEND],
            on__lte=last,
        )
        .values("project_id", "kind")
        .annotate(total=Sum("amount"))
    ):
        money[(row["project_id"], row["kind"])] = row["total"]
    reports: dict[int, ProgressReport] = {}
    for report in (
        ProgressReport.objects.filter(project_id__in=ids)
        .filter(Q(year__lt=year) | Q(year=year, month__lte=month))
        .order_by("project_id", "-year", "-month")
    ):
        reports.setdefault(report.project_id, report)
    lines = []
    for project in projects:
        report = reports.get(project.pk)
        this_month = report is not None and (report.year, report.month) == (year, month)
        lines.append(
            DispatchLine(
                code=project.code,
                name=project.name,
                org=project.donor_org.short_name or project.donor_org.name,
                status=project.get_status_display(),
                planned_start=project.planned_start,
                planned_end=project.planned_end,
                percent_complete=report.percent_complete if report else None,
                reported_in=""
                if this_month or report is None
                else f"{report.year}年{report.month}月",
                time_elapsed=linear_plan(project, last),
                released=money[(project.pk, TransactionKind.RELEASE)],
                spent=money[(project.pk, TransactionKind.SPEND)],
                reported=this_month,
                problems=report.problems if this_month else "",
            )
        )
    return DispatchSheet(command.pk, command.code, command.name, year, month, lines)


# --- reports kept -------------------------------------------------------------------


def report_list_for_user(*, user) -> QuerySet[GeneratedReport]:
    """Reports the user asked for, and those about organisations or places in their scope."""
    qs = GeneratedReport.objects.select_related("org", "region", "requested_by", "job")
    scope = policy.scope_for(user)
    if scope.sees_all:
        return qs
    return qs.filter(
        Q(requested_by_id=user.pk) | Q(org_id__in=scope.org_ids) | Q(region_id__in=scope.region_ids)
    )


def get_report_for_user(*, user, pk: int) -> GeneratedReport:
    report = report_list_for_user(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("报告不存在或无权查看")
    return report


def summary_subjects_for_user(*, user) -> QuerySet[Organisation]:
    """Donor organisations the user may ask a work summary for."""
    qs = Organisation.objects.filter(side=Organisation.Side.DONOR, is_active=True).exclude(
        kind=Organisation.Kind.DONOR_PROVINCE
    )
    scope = policy.scope_for(user)
    if not scope.sees_all:
        qs = qs.filter(pk__in=scope.org_ids)
    return qs.order_by("code")


# --- published figures ----------------------------------------------------------------

FUND_KEYS = ("budget", "release", "spend")
# Published as the fund figures themselves: not repeated among the indicators.
FUND_INDICATORS = {"FUND_PLANNED", "FUND_RELEASED", "FUND_SPENT"}


def _text(number) -> str | None:
    return None if number is None else str(number)


def _funds(totals: dict) -> dict[str, str]:
    return {k: _text(Decimal(totals.get(k) or 0).quantize(CENT)) for k in FUND_KEYS}


def publication_reader(*, org: Organisation | None):
    """Who the figures of a publication are read as: the whole ledger for everything, the
    chain's scope for a front command (``policy.ChainReader``)."""
    return Operator() if org is None else policy.ChainReader(org)


def publication_figures(*, org: Organisation | None, year: int) -> dict:
    """The figures a publication of ``year`` holds, read through the ledger's roll-up
    selectors as the publication's reader: aid funds (planned, released, spent) in total,
    by recipient prefecture and by donor province; deals signed, their amount and funds in
    place; and each indicator with figures, by prefecture, on approved values only. Only
    totals: no names of people and no single records. Amounts and values are strings."""
    reader = publication_reader(org=org)
    scope = policy.scope_for(reader)
    prefectures = [p for p in recipient_prefectures() if scope.sees_all or p.pk in scope.region_ids]
    by_place = fund_totals_by_region_id(user=reader, year=year)
    # A project's place lies in one prefecture (stored on the place; a prefecture is its own).
    prefecture_of = dict(
        Region.objects.filter(pk__in=list(by_place)).values_list("pk", "prefecture_id")
    )
    funds_at: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FUND_KEYS, ZERO))
    for region_id, totals in by_place.items():
        target = prefecture_of.get(region_id) or region_id
        for key in FUND_KEYS:
            funds_at[target][key] += totals[key]
    known = {p.pk for p in prefectures}
    prefectures += list(
        Region.objects.filter(pk__in=[r for r in funds_at if r not in known]).order_by("code")
    )
    values_at: dict[int, dict[str, str]] = defaultdict(dict)
    indicators = []
    # Everything is published by prefecture. A chain's indicators are its organisations'
    # totals: a prefecture's figures hold other provinces' and the recipients' values too.
    axis, node_ids = ("r", [p.pk for p in prefectures]) if org is None else ("o", [org.pk])
    catalogue = Indicator.objects.filter(is_active=True).exclude(code__in=FUND_INDICATORS)
    for indicator in catalogue.order_by("code"):
        table = indicator_table(
            user=reader,
            indicator=indicator,
            axis=axis,
            node_ids=node_ids,
            grain="y",
            years=[year],
            basis=APPROVED_ONLY,
        )
        found = {n: v for (n, _y, _p), v in table.items() if v is not None}
        if not found:
            continue
        summed = indicator.aggregation == Indicator.Aggregation.SUM
        if org is None:
            for node, value in found.items():
                values_at[node][indicator.code] = _text(value)
            total = _text(sum(found.values(), Decimal(0))) if summed else None
        else:
            total = _text(found[org.pk])
        indicators.append(
            {
                "code": indicator.code,
                "name": indicator.name_zh,
                "unit": indicator.unit,
                "total": total,
            }
        )
    provinces = list(donor_provinces())
    if org is not None:
        provinces = [p for p in provinces if p.pk == org.parent_id]
    deals = deal_totals_for_user(user=reader, year=year)
    snapshot = {
        "year": year,
        "funds": _funds(fund_totals_for_user(user=reader, year=year)),
        "deals": {
            "signed": deals["signed"],
            "signed_amount": _text(deals["signed_amount"]),
            "in_place": _text(deals["in_place"]),
        },
        "indicators": indicators,
        "prefectures": [
            {
                "id": p.pk,
                "code": p.code,
                "name": p.name,
                "funds": _funds(funds_at.get(p.pk, {})),
                "values": values_at.get(p.pk, {}),
            }
            for p in prefectures
            if p.pk in funds_at or p.pk in values_at
        ],
        "provinces": [
            {
                "id": p.pk,
                "name": p.name,
                "funds": _funds(fund_totals_for_user(user=reader, year=year, org=p)),
            }
            for p in provinces
        ],
    }
    snapshot["provinces"] = [
        p for p in snapshot["provinces"] if any(Decimal(v) for v in p["funds"].values())
    ]
    return snapshot


def publication_list_for_user(*, user) -> QuerySet[Publication]:
    """Publications the user may withdraw or publish again: every one for the national
    office, those of the front commands they work for for a front command."""
    qs = Publication.objects.select_related("org", "published_by", "withdrawn_by")
    scope = policy.scope_for(user)
    if scope.writes_all:
        return qs
    if not policy.can_publish(user):
        return qs.none()
    return qs.filter(org_id__in=scope.write_org_ids)


def publication_orgs_for_user(*, user) -> list[Organisation]:
    """The front commands whose chain the user may publish (the national office: all)."""
    qs = Organisation.objects.filter(kind=Organisation.Kind.FRONT_COMMAND, is_active=True)
    return [o for o in qs.order_by("code") if policy.publication_refusal(user, o) is None]


def get_publication_for_user_rw(*, user, pk: int) -> Publication:
    """A publication the user may withdraw: 404 when it is not theirs to manage."""
    publication = publication_list_for_user(user=user).filter(pk=pk).first()
    if publication is None:
        raise Http404("发布记录不存在或无权管理")
    return publication


def published_years() -> list[int]:
    """Years with figures published now, newest first: what the public may choose."""
    years = (
        Publication.objects.filter(status=Publication.Status.PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)


def publications_of_year(*, year: int) -> list[Publication]:
    """The publications in force for ``year``: the national office's first."""
    found = Publication.objects.filter(
        status=Publication.Status.PUBLISHED, year=year
    ).select_related("org")
    return sorted(found, key=lambda p: (p.org_id is not None, p.org.code if p.org_id else ""))


PUBLIC_FUND_MEASURES = {
    "budget": "计划援疆资金",
    "release": "下达援疆资金",
    "spend": "援疆资金支出",
}
PUBLIC_KEY_INDICATORS = ("JOBS_CREATED", "PATIENTS_TREATED", "TRAINEES")


def _decimal(text) -> Decimal | None:
    return None if text is None else Decimal(text)


def public_figures(*, publication: Publication, measure: str) -> dict:
    """What the public page shows of one publication: its key figures, the prefectures'
    and donor provinces' figures, and a map of the prefectures coloured by ``measure``
    ("funds:budget" and the like, or an indicator the publication holds). Every figure
    comes from the publication's snapshot, never from the ledger as it is now."""
    from duikou.geo.selectors import map_areas, map_file

    snapshot = publication.snapshot
    indicators = {i["code"]: i for i in snapshot.get("indicators", [])}
    measures = [(f"funds:{k}", label) for k, label in PUBLIC_FUND_MEASURES.items()]
    # Indicators colour the map only where the publication holds them by prefecture (a
    # front command's chain publishes its indicators' totals alone).
    by_place = {code for row in snapshot.get("prefectures", []) for code in row["values"]}
    measures += [(code, i["name"]) for code, i in indicators.items() if code in by_place]
    if measure not in dict(measures):
        measure = "funds:budget"
    is_money = measure.startswith("funds:")
    kind = measure.split(":", 1)[1] if is_money else ""
    label = PUBLIC_FUND_MEASURES[kind] if is_money else indicators[measure]["name"]
    unit = "元" if is_money else indicators[measure]["unit"]
    is_money = is_money or unit == "元"

    def measured(row: dict) -> Decimal | None:
        if kind:
            return _decimal(row["funds"][kind])
        return _decimal(row["values"].get(measure))

    prefectures = [
        {
            "name": row["name"],
            "code": row["code"],
            "funds": {k: _decimal(v) for k, v in row["funds"].items()},
            "value": measured(row),
        }
        for row in snapshot.get("prefectures", [])
    ]
    context = {
        "measure": measure,
        "measures": measures,
        "fund_measure": bool(kind),
        "label": label,
        "unit": unit,
        "is_money": is_money,
        "funds": {k: _decimal(v) for k, v in snapshot.get("funds", {}).items()},
        "deals": {
            "signed": snapshot.get("deals", {}).get("signed", 0),
            "signed_amount": _decimal(snapshot.get("deals", {}).get("signed_amount")),
            "in_place": _decimal(snapshot.get("deals", {}).get("in_place")),
        },
        "key_indicators": [
            {**indicators[c], "total": _decimal(indicators[c]["total"])}
            for c in PUBLIC_KEY_INDICATORS
            if c in indicators
        ],
        "indicators": [{**i, "total": _decimal(i["total"])} for i in indicators.values()],
        "prefectures": prefectures,
        "provinces": [
            {"name": p["name"], "funds": {k: _decimal(v) for k, v in p["funds"].items()}}
            for p in snapshot.get("provinces", [])
        ],
    }
    try:
        static_path, _file = map_file(layer="prefecture")
        areas = map_areas(layer="prefecture")
    except FileNotFoundError as error:
        context["map_error"] = str(error)
        return context
    by_id = {row["id"]: measured(row) for row in snapshot.get("prefectures", [])}
    data = [{"name": a.name, "value": by_id.get(a.region.pk) if a.region else None} for a in areas]
    present = [d["value"] for d in data if d["value"] is not None]
    context["map_path"] = static_path
    context["option"] = {
        "title": {
            "text": f"{label}（{publication.year}）",
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": max(present, default=Decimal(1)) or 1,
            "left": 10,
            "bottom": 10,
            "calculable": True,
            "text": ["高", "低"],
            "inRange": {"color": ["#fdf1e6", "#f2b27a", "#c4401b"]},
        },
        "series": [
            {
                "name": label,
                "type": "map",
                "map": "duikou-area",
                "roam": True,
                "label": {"show": True, "fontSize": 10},
                "data": data,
            }
        ],
    }
    return context
