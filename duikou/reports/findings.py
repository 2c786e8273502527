"""What a work summary says beyond the template's sentences, read from the ledger:
the largest projects and deals and the counties they are in (results), what falls short
(存在问题: the two 80% rules, money not released or not spent, projects behind schedule,
deals stuck in a stage) and what is planned (下一步打算: reserve and approved projects,
projects due to finish, next year's targets, batches arriving).

Every figure printed here is kept as a ``FigureEntry`` with the records it counts, so the
appendix traces it like the template's figures. Reads go through the domain selectors,
scoped to the reader.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from duikou.core.money import format_money
from duikou.geo.models import RegionAncestor
from duikou.investment.selectors import deal_list_for_user
from duikou.orgs.models import OrgAncestor
from duikou.people.models import AidBatch
from duikou.projects.models import FundSource, FundTransaction, Project, Status, TransactionKind
from duikou.projects.selectors import project_list_for_user
from duikou.results.models import Target

from .evidence import EvidenceRow
from .selectors import DONE, compliance_rows

ZERO = Decimal("0.00")
NAMED = 3  # how many projects or deals a sentence names


@dataclass
class Finding:
    """One paragraph of 存在问题 or 下一步打算, with a short heading of its own."""

    heading: str
    text: str


def _under(qs, subject, org_field: str, region_field: str):
    if subject.axis == "o":
        under = OrgAncestor.objects.filter(ancestor_id=subject.node_id).values("org_id")
        return qs.filter(**{f"{org_field}__in": under})
    under = RegionAncestor.objects.filter(ancestor_id=subject.node_id).values("region_id")
    return qs.filter(**{f"{region_field}__in": under})


def subject_projects(*, user, subject):
    return _under(project_list_for_user(user=user), subject, "donor_org_id", "region_id")


def subject_deals(*, user, subject):
    return _under(deal_list_for_user(user=user), subject, "donor_org_id", "region_id")


def _names(items: list[str]) -> str:
    # GB/T 15834: no 顿号 between items each in quotation marks ("“甲”“乙”等项目")
    return "".join("“" + n.replace("“", "‘").replace("”", "’") + "”" for n in items)


def _county(project: Project) -> str:
    region = project.region
    return region.short_name or region.name if region else ""


# --- results: where the money went and the largest items ------------------------------


def projects_highlight(*, book, subject, period) -> str:
    """The counties the period's projects are in and the largest by aid money."""
    projects = list(
        subject_projects(user=book.user, subject=subject)
        .filter(planned_start__range=(period.start, period.end))
        .exclude(status=Status.TERMINATED)
        .select_related("region")
        .annotate(
            aid=Sum("budget_lines__amount", filter=Q(budget_lines__fund_source=FundSource.AID))
        )
        .order_by("code")
    )
    if not projects:
        return ""
    counties = sorted({_county(p) for p in projects if _county(p)})
    largest = sorted((p for p in projects if p.aid), key=lambda p: (-p.aid, p.code))[:NAMED]
    parts = []
    if len(counties) == 1:
        parts.append(f"项目均在{counties[0]}实施")
    elif counties:
        count = book.noted(
            text=f"{len(counties)}个",
            name="项目所在县市",
            counts="本期援疆项目所在的县（市、区）个数",
            sources=[
                EvidenceRow(p.code, f"{p.name}（{_county(p)}）", p.planned_start, None)
                for p in projects
            ],
            value=Decimal(len(counties)),
            subject=subject,
        )
        shown = "、".join(counties[:6]) + ("等" if len(counties) > 6 else "")
        parts.append(f"项目分布在{shown}{count.text}县（市、区）")
    if largest:
        named = []
        for project in largest:
            entry = book.noted(
                text=format_money(project.aid),
                name="单个项目援疆资金",
                counts=f"“{project.name}”安排的援疆资金",
                sources=[
                    EvidenceRow(project.code, project.name, project.planned_start, project.aid)
                ],
                value=project.aid,
                subject=subject,
            )
            named.append(f"{project.name}（{_county(project)}，援疆资金{entry.text}）")
        parts.append("援疆资金安排较多的有" + "、".join(named))
    return "其中，" + "；".join(parts) + "。"


def deals_highlight(*, book, subject, period) -> str:
    """The largest deals signed in the period."""
    deals = list(
        subject_deals(user=book.user, subject=subject)
        .filter(signed_on__range=(period.start, period.end), signed_amount__gt=0)
        .select_related("region")
        .order_by("-signed_amount", "code")[:NAMED]
    )
    if not deals:
        return ""
    named = []
    for deal in deals:
        entry = book.noted(
            text=format_money(deal.signed_amount),
            name="单个招商项目签约金额",
            counts=f"“{deal.name}”的签约金额",
            sources=[EvidenceRow(deal.code, deal.name, deal.signed_on, deal.signed_amount)],
            value=deal.signed_amount,
            subject=subject,
        )
        place = deal.region.short_name or deal.region.name if deal.region_id else ""
        named.append(f"{deal.name}（{place + '，' if place else ''}签约{entry.text}）")
    return "签约金额较大的有" + "、".join(named) + "。"


def events_named(entries) -> str:
    """The events behind a section's first count of events (展销会2场, 文化活动1场), by name
    and month, as reports write them: "文化活动为“丝路美食节昌吉市会场”（2025年8月）。"."""
    entry = next((e for e in entries if e.indicator and e.unit == "场" and e.sources), None)
    if entry is None:
        return ""
    seen: dict[str, str] = {}
    for row in sorted(entry.sources, key=lambda r: (r.day or date.max, r.code)):
        if row.code not in seen and row.label:
            when = f"（{row.day.year}年{row.day.month}月）" if row.day else ""
            # a title that has quotes of its own keeps them as the inner ‘’
            title = row.label.replace("“", "‘").replace("”", "’")
            seen[row.code] = f"“{title}”{when}"
    named = list(seen.values())
    if not named:
        return ""
    if len(named) == 1:
        return f"{entry.indicator_name}为{named[0]}。"
    if len(named) <= NAMED:
        return f"{entry.indicator_name}有{'、'.join(named)}。"
    return f"{entry.indicator_name}主要有{'、'.join(named[:NAMED])}等。"


# --- 存在问题 -------------------------------------------------------------------------


def problems(*, book, subject, period, today: date) -> list[Finding]:
    """Shortfalls the ledger shows for the period, each with the records at fault."""
    found: list[Finding] = []
    rows = compliance_rows(user=book.user, years=period.years, today=today)
    if subject.axis == "o" and subject.province_id:
        rows = [r for r in rows if r.province_id == subject.province_id]
    late_rows, stuck_rows = [], []
    for row in rows:
        if row.ok is not False:
            continue
        if row.check in ("county_share", "livelihood_share"):
            found.append(_share_problem(book, subject, row))
        elif row.check == "behind_schedule":
            late_rows.append(row)
        elif row.check == "deals_stuck":
            stuck_rows.append(row)
    released = _not_spent(book, subject, period, today)
    if released:
        found.append(released)
    if late_rows:
        found.append(_late_problem(book, subject, late_rows))
    if stuck_rows:
        found.append(_stuck_problem(book, subject, stuck_rows))
    return found


def _share_problem(book, subject, row) -> Finding:
    what = "县及县以下" if row.check == "county_share" else "民生领域"
    share = book.noted(
        text=f"{row.value}%",
        name=row.check_label,
        counts=f"{row.province}{row.year}年援疆资金投向{what}的比重",
        sources=[EvidenceRow(r.code, f"{r.name}（{r.detail}）", None, None) for r in row.records],
        value=row.value,
        subject=subject,
    )
    offenders = row.records
    whose = row.province if subject.axis == "r" else ""
    named = _names([r.name for r in offenders[:NAMED]])
    more = f"等{len(offenders)}个项目" if len(offenders) > NAMED else ""
    return Finding(
        f"{what}投入比重未达到要求",
        f"{whose}{row.year}年援疆资金用于{what}的比重为{share.text}，低于“两个80%”中"
        f"{row.standard}的要求，{named}{more}"
        + ("不在县及县以下实施。" if row.check == "county_share" else "不属于民生项目。"),
    )


def _not_spent(book, subject, period, today: date) -> Finding | None:
    """Aid money released to projects but not yet spent, by the end of the period."""
    cutoff = min(period.end, today)
    projects = subject_projects(user=book.user, subject=subject).filter(plan_year__in=period.years)
    moved: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in (
        FundTransaction.objects.filter(
            project__in=projects.values("pk"),
            fund_source=FundSource.AID,
            kind__in=[TransactionKind.RELEASE, TransactionKind.SPEND],
            on__lte=cutoff,
        )
        .values("project_id", "kind")
        .annotate(total=Sum("amount"))
    ):
        moved[row["project_id"]][row["kind"]] = row["total"]
    by_id = {p.pk: p for p in projects.filter(pk__in=list(moved))}
    gaps = []
    for pk, sums in moved.items():
        gap = sums[TransactionKind.RELEASE] - sums[TransactionKind.SPEND]
        if gap > 0 and pk in by_id:
            gaps.append((by_id[pk], gap, sums[TransactionKind.RELEASE]))
    if not gaps:
        return None
    gaps.sort(key=lambda g: (-g[1], g[0].code))
    total_gap = sum((g for _, g, _ in gaps), ZERO)
    total_released = sum((r for _, _, r in gaps), ZERO)
    amount = book.noted(
        text=format_money(total_gap),
        name="已下达未支出援疆资金",
        counts=f"截至{cutoff.year}年{cutoff.month}月{cutoff.day}日已下达、尚未支出的援疆资金",
        sources=[
            EvidenceRow(p.code, f"{p.name}（已下达{format_money(r)}）", None, gap)
            for p, gap, r in gaps
        ],
        value=total_gap,
        subject=subject,
    )
    count = book.noted(
        text=f"{len(gaps)}个",
        name="有未支出资金的项目",
        counts="已下达资金尚未全部支出的项目个数",
        sources=[EvidenceRow(p.code, p.name, None, None) for p, _, _ in gaps],
        value=Decimal(len(gaps)),
        subject=subject,
    )
    spent = total_released - total_gap
    rate = (spent / total_released * 100).quantize(Decimal("0.1"))
    share = book.noted(
        text=f"{rate}%",
        name="资金支出进度",
        counts="上述项目已支出资金占已下达资金的比重",
        sources=[],
        value=rate,
        subject=subject,
        note=f"已支出{format_money(spent)}÷已下达{format_money(total_released)}",
    )
    named = _names([p.name for p, _, _ in gaps[:NAMED]])
    return Finding(
        "资金支出进度偏慢",
        f"截至{cutoff.year}年{cutoff.month}月底，{count.text}项目已下达的援疆资金中尚有"
        f"{amount.text}未支出，支出进度为{share.text}，{named}等项目支出偏慢。",
    )


def _late_problem(book, subject, rows) -> Finding:
    offenders = [o for row in rows for o in row.records]
    count = book.noted(
        text=f"{len(offenders)}个",
        name="进度滞后项目",
        counts="已过计划完工日期仍未竣工，或形象进度低于按工期推算进度的项目",
        sources=[EvidenceRow(o.code, f"{o.name}（{o.detail}）", None, None) for o in offenders],
        value=Decimal(len(offenders)),
        subject=subject,
    )
    details = "；".join(f"{o.name}{o.detail}" for o in offenders[:NAMED])
    return Finding(
        "部分项目建设进度滞后",
        f"{count.text}项目进度滞后于计划，其中{details}。",
    )


def _stuck_problem(book, subject, rows) -> Finding:
    offenders = [o for row in rows for o in row.records]
    by_stage: dict[str, int] = defaultdict(int)
    for offender in offenders:
        stage = offender.detail.split("“")[-1].rstrip("”阶段") if "“" in offender.detail else ""
        by_stage[stage] += 1
    count = book.noted(
        text=f"{len(offenders)}个",
        name="停滞的招商项目",
        counts="长期停留在同一阶段、没有推进的招商引资项目",
        sources=[EvidenceRow(o.code, f"{o.name}（{o.detail}）", None, None) for o in offenders],
        value=Decimal(len(offenders)),
        subject=subject,
    )
    stages = "、".join(f"停留在“{s}”阶段的{n}个" for s, n in by_stage.items() if s)
    return Finding(
        "部分招商项目推进缓慢",
        f"{count.text}招商引资项目超过{rows[0].standard.split('个月')[0]}个月没有进展"
        + (f"，其中{stages}" if stages else "")
        + f"，{_names([o.name for o in offenders[:NAMED]])}等项目需加快落地。",
    )


# --- 下一步打算 ------------------------------------------------------------------------


def plans(*, book, subject, period) -> list[Finding]:
    """What the ledger already holds for the year after the period."""
    year = period.end.year + 1
    found: list[Finding] = []
    projects = subject_projects(user=book.user, subject=subject)
    ahead = list(
        projects.filter(Q(status__in=[Status.RESERVE, Status.APPROVED]) | Q(plan_year__gte=year))
        .exclude(status=Status.TERMINATED)
        .annotate(
            aid=Sum("budget_lines__amount", filter=Q(budget_lines__fund_source=FundSource.AID))
        )
        .order_by("planned_start", "code")
    )
    if ahead:
        money = sum((p.aid or ZERO for p in ahead), ZERO)
        count = book.noted(
            text=f"{len(ahead)}个",
            name="储备和已立项未开工项目",
            counts=f"状态为储备、立项或计划在{year}年及以后实施的项目",
            sources=[EvidenceRow(p.code, p.name, p.planned_start, p.aid or ZERO) for p in ahead],
            value=Decimal(len(ahead)),
            subject=subject,
        )
        amount = (
            book.noted(
                text=format_money(money),
                name="储备和已立项项目援疆资金",
                counts="上述项目安排的援疆资金",
                sources=[
                    EvidenceRow(p.code, p.name, p.planned_start, p.aid) for p in ahead if p.aid
                ],
                value=money,
                subject=subject,
            )
            if money
            else None
        )
        found.append(
            Finding(
                "抓好项目储备和开工",
                f"加快推进{count.text}储备和已立项项目前期工作"
                + (f"，涉及援疆资金{amount.text}" if amount else "")
                + f"，{_names([p.name for p in ahead[:NAMED]])}等项目力争早开工、早见效。",
            )
        )
    finishing = list(
        projects.filter(planned_end__year=year)
        .exclude(status__in=[*DONE, Status.TERMINATED])
        .order_by("planned_end", "code")
    )
    if finishing:
        count = book.noted(
            text=f"{len(finishing)}个",
            name="计划次年完工的在建项目",
            counts=f"计划在{year}年完工、尚未竣工的项目",
            sources=[EvidenceRow(p.code, p.name, p.planned_end, None) for p in finishing],
            value=Decimal(len(finishing)),
            subject=subject,
        )
        found.append(
            Finding(
                "推动在建项目按期完工",
                f"{year}年计划完工项目{count.text}，逐月调度形象进度和资金支出，"
                f"确保{_names([p.name for p in finishing[:NAMED]])}等项目按期竣工验收。",
            )
        )
    targets = _targets(book, subject, year)
    if targets:
        found.append(Finding(f"完成{year}年目标任务", targets))
    batches = _batches(book, subject, period)
    if batches:
        found.append(Finding("做好援疆干部人才选派和管理", batches))
    found.append(
        Finding(
            "加强资金和项目管理",
            "坚持援疆资金向基层倾斜、向民生倾斜，严格执行“两个80%”要求，"
            "加快资金下达和支出进度，按月报送项目调度情况，及时协调解决项目推进中的困难和问题。",
        )
    )
    return found


def _targets(book, subject, year: int) -> str:
    if subject.axis != "o":
        return ""
    targets = list(
        Target.objects.filter(
            org_id=subject.node_id,
            kind=Target.Kind.TARGET,
            period_start__year__lte=year,
            period_end__year__gte=year,
        )
        .select_related("indicator")
        .order_by("indicator__code", "period_start")
    )
    if not targets:
        return ""
    from .summary import figure_text

    parts = []
    for target in targets:
        entry = book.noted(
            text=figure_text(target.value, target.indicator.unit),
            name=f"{target.indicator.name_zh}目标",
            counts=f"{target.indicator.name_zh}的目标值（"
            f"{target.period_start:%Y年%m月}至{target.period_end:%Y年%m月}）",
            sources=[
                EvidenceRow(
                    f"目标#{target.pk}", target.indicator.name_zh, target.period_end, target.value
                )
            ],
            value=target.value,
            subject=subject,
        )
        parts.append(f"{target.indicator.name_zh}{entry.text}")
    return f"对照{year}年目标，力争" + "，".join(parts) + "。"


def _batches(book, subject, period) -> str:
    batches = list(
        _under(AidBatch.objects.all(), subject, "donor_org_id", "region_id")
        .filter(term_start__gt=period.end)
        .order_by("term_start", "number")
    )
    if not batches:
        return ""
    for batch in batches:
        book.noted(
            text=f"{batch.term_start.year}年{batch.term_start.month}月",
            name="援疆批次到岗时间",
            counts=f"“{batch.name}”的开始日期",
            sources=[EvidenceRow(f"批次#{batch.pk}", batch.name, batch.term_start, None)],
            value=None,
            subject=subject,
        )
    named = "、".join(
        f"{b.name}（{b.term_start.year}年{b.term_start.month}月到岗）" for b in batches[:NAMED]
    )
    return f"做好{named}的接收、培训和管理服务，保持援疆工作连续稳定。"
