"""Demo investment deals built from the corpus reports (Fujian in Changji).

Reported: 2025年福建援疆工作队促成13项新签约项目，签约金额238.05亿元; 泉州分指挥部
年度签约落地项目12个，投资总额29.8亿元, and the aim 当年招商、当年建设、当年投产;
the basalt-fibre line in 木垒县 brought by 漳州分指挥部 went into production on
2025-03-12. The reports name no single deal's amount or date beyond these, so the
split of the totals, the enterprises and the other dates are examples (示例) and
say so. Loading is idempotent: deals are matched on their codes.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM

from .models import Deal
from .services import (
    deal_advance_stage,
    deal_create,
    deal_record_funds_in_place,
    deal_record_jobs,
)

DEMO_MARK = "【演示数据】"
SOURCE = "演示数据"


@dataclass(frozen=True)
class DemoDeal:
    code: str
    name: str
    enterprise: str
    donor: str
    region: str
    industry: str
    chain: str
    steps: tuple  # (stage, date), the first is where the deal is entered
    signed: str | None = None
    planned: str | None = None
    park: str = ""
    funds: tuple = ()  # (amount, date)
    jobs: tuple = ()  # (cumulative jobs, date)
    note: str = ""
    expected_jobs: int = 0


QUANZHOU_INDUSTRIES = [
    ("农产品加工", "番茄制品"),
    ("装备制造", "光伏支架"),
    ("数字经济", "直播电商"),
    ("农产品加工", "牛羊肉加工"),
    ("装备制造", "农机装备"),
    ("纺织服装", "服装加工"),
]


def _quanzhou_signed() -> list[DemoDeal]:
    """Twelve deals signed in 2025 adding up to the reported 29.8亿元; three of them
    signed, started and producing within the year."""
    deals = []
    for n in range(1, 13):
        industry, chain = QUANZHOU_INDUSTRIES[(n - 1) % len(QUANZHOU_INDUSTRIES)]
        signed_on = date(2025, min(n, 11), 10)
        steps = [
            ("negotiating", date(2025, 1, 6)),
            ("signed", signed_on),
        ]
        if n <= 6:
            steps.append(("started", date(2025, min(n + 2, 12), 15)))
        if n <= 3:
            steps.append(("producing", date(2025, n + 8, 28)))
        amount = "340000000.00" if n == 12 else "240000000.00"
        deals.append(
            DemoDeal(
                code=f"DEMO-DL-QZ-2025-{n:02d}",
                name=f"昌吉市{chain}项目（示例{n}）",
                enterprise=f"泉州示例企业{chain}{n}",
                donor="SC-350500",
                region="652301",
                industry=industry,
                chain=chain,
                steps=tuple(steps),
                signed=amount,
                planned=amount,
                park="昌吉国家高新技术产业开发区福建工业园" if n % 2 else "",
                funds=((str(Decimal(amount) / 4), date(2025, 12, 20)),) if n <= 6 else (),
                jobs=((30 + 10 * n, date(2025, 12, 31)),) if n <= 3 else (),
                expected_jobs=50 + 10 * n,
                note=(
                    "报道：泉州分指挥部2025年签约落地项目12个，投资总额29.8亿元（000号报道）；"
                    "单个项目的企业、金额和日期为示例。"
                ),
            )
        )
    return deals


DEMO_DEALS = [
    DemoDeal(
        code="DEMO-DL-ZZ-2024-01",
        name="连续玄武岩纤维高端装备制造生产线",
        enterprise="木垒玄武岩纤维示例企业",
        donor="SC-350600",
        region="652328",
        industry="新材料",
        chain="玄武岩纤维",
        park="木垒县新能源高端装备制造产业园",
        steps=(
            ("lead", date(2024, 2, 20)),
            ("reserve", date(2024, 3, 15)),
            ("negotiating", date(2024, 4, 10)),
            ("signed", date(2024, 6, 18)),
            ("started", date(2024, 8, 1)),
            ("producing", date(2025, 3, 12)),
        ),
        signed="300000000.00",
        planned="300000000.00",
        funds=(("120000000.00", date(2024, 9, 30)), ("90000000.00", date(2025, 3, 1))),
        jobs=((60, date(2025, 3, 31)), (85, date(2025, 9, 30))),
        expected_jobs=120,
        note=(
            "报道：全疆首条连续玄武岩纤维高端装备制造生产线2025年3月12日在木垒县投产，"
            "系漳州分指挥部精准招商成果（000号报道）；签约金额、到位资金和此前各阶段日期为示例。"
        ),
    ),
    DemoDeal(
        code="DEMO-DL-FJ-2025-01",
        name="准东煤化工产业链延链项目（示例）",
        enterprise="福建示例能源化工企业",
        donor="FC-350000",
        region="652300",
        industry="能源化工",
        chain="煤化工",
        steps=(("negotiating", date(2025, 3, 1)), ("signed", date(2025, 5, 18))),
        signed="20825000000.00",
        planned="20825000000.00",
        note=(
            "报道：2025年福建援疆工作队促成13项新签约项目落地昌吉州，签约金额238.05亿元"
            "（000号报道）；其中12项为泉州分指挥部签约的29.8亿元，本项为其余金额的示例汇总。"
        ),
    ),
    *_quanzhou_signed(),
    *[
        DemoDeal(
            code=f"DEMO-DL-QZ-P-{n:02d}",
            name=f"昌吉市重点对接洽谈项目（示例{n}）",
            enterprise=f"国内示例龙头企业{n}",
            donor="SC-350500",
            region="652301",
            industry=industry,
            chain=chain,
            steps=(("reserve", date(2025, 4, n)), ("negotiating", date(2025, 9, n))),
            planned=amount,
            note=(
                "报道：泉州分指挥部重点对接洽谈项目72个，项目投资总额约1024.59亿元"
                "（000号报道）；此处仅列三个示例。"
            ),
        )
        for n, industry, chain, amount in (
            (1, "装备制造", "新能源装备", "5000000000.00"),
            (2, "农产品加工", "番茄制品", "800000000.00"),
            (3, "数字经济", "算力中心", "12000000000.00"),
        )
    ],
]


@transaction.atomic
def load() -> int:
    """Create the demo deals that are missing; returns how many were created."""
    existing = set(Deal.objects.filter(is_demo=True).values_list("code", flat=True))
    orgs = {o.code: o for o in Organisation.objects.filter(code__in={d.donor for d in DEMO_DEALS})}
    created = 0
    for spec in DEMO_DEALS:
        if spec.code in existing:
            continue
        (first_stage, first_day), *rest = spec.steps
        deal = deal_create(
            code=spec.code,
            name=spec.name,
            enterprise=spec.enterprise,
            donor_org=orgs[spec.donor],
            region=spec.region,
            stage=first_stage,
            stage_date=first_day,
            industry=spec.industry,
            industry_chain=spec.chain,
            industrial_park=spec.park,
            planned_investment=spec.planned,
            signed_amount=spec.signed if first_stage == "signed" else None,
            jobs_expected=spec.expected_jobs,
            description=f"{DEMO_MARK}{spec.note}",
            is_demo=True,
            source=SOURCE,
            actor=SYSTEM,
        )
        for stage, day in rest:
            deal = deal_advance_stage(
                deal=deal,
                to_stage=stage,
                on=day,
                signed_amount=spec.signed if stage == "signed" else None,
                actor=SYSTEM,
            )
        for amount, day in spec.funds:
            deal_record_funds_in_place(
                deal=deal,
                amount=amount,
                on=day,
                is_demo=True,
                source=SOURCE,
                note="示例金额",
                actor=SYSTEM,
            )
        for total, day in spec.jobs:
            deal_record_jobs(
                deal=deal, jobs_total=total, on=day, is_demo=True, source=SOURCE, actor=SYSTEM
            )
        created += 1
    return created
