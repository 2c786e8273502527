"""Demo partnerships, events and sales channels built from the corpus reports.

Reported and used as they stand: the medical agreements named in report 004
(医联体, 专科联盟, 远程医疗协作); 昌吉州第二中学 paired with 忻州市第一中学;
新疆奇台好物福州行 on 2025-09-06 in Fuzhou; 国潮泉州优品新疆首站 (20 exhibitors,
成交超百万元, 意向订单近亿元, 20 enterprises in agreements); 泉州分指挥部 held 15
investment-promotion trips and 9 promotion meetings in 2025; 山西“文艺轻骑兵”
performed on 2025-07-08; 76 students on study tours to Shanxi and 21 Shanxi
students in Changji; 福茶天山行 on 2025-06-13 (百余位 guests, 5 agreements);
10 export operators running 27 stores, 近200万元 of subsidies and 3214万元 of
sales over the 14th Five-Year Plan. Dates, places and splits the reports do not
give are examples and say so. Loading is idempotent: records are matched on codes.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM

from .models import Event, Partnership, SalesChannel
from .services import event_create, partnership_create, sales_channel_create, sales_record_create

DEMO_MARK = "【演示数据】"
SOURCE = "演示数据"
R004 = "报道：004号报道所列合作；建立日期为示例。"

PARTNERSHIPS = [
    # code, kind, donor party, local party, donor org, region, signed on, note
    (
        "DEMO-PS-01",
        "medical_alliance",
        "福建医科大学附属协和医院",
        "昌吉州人民医院",
        "FC-350000",
        "652300",
        date(2023, 9, 1),
        R004,
    ),
    (
        "DEMO-PS-02",
        "specialty_alliance",
        "福州大学附属省立医院（麻醉学科）",
        "昌吉州人民医院",
        "FC-350000",
        "652300",
        date(2023, 11, 1),
        R004,
    ),
    (
        "DEMO-PS-03",
        "hospital_pairing",
        "福建医科大学孟超肝胆医院",
        "昌吉州第二人民医院",
        "FC-350000",
        "652300",
        date(2024, 1, 15),
        R004,
    ),
    (
        "DEMO-PS-04",
        "telemedicine",
        "泉州市第一医院",
        "昌吉市人民医院",
        "SC-350500",
        "652301",
        date(2023, 10, 20),
        R004,
    ),
    (
        "DEMO-PS-05",
        "specialty_alliance",
        "漳州市康复医学联盟",
        "木垒县中医医院",
        "SC-350600",
        "652328",
        date(2024, 4, 1),
        R004,
    ),
    (
        "DEMO-PS-06",
        "medical_alliance",
        "三明市第一医院",
        "玛纳斯县人民医院",
        "SC-350400",
        "652324",
        date(2023, 6, 1),
        "示例：三明分指挥部对口支援玛纳斯县医改，合作医院和日期为示例。",
    ),
    (
        "DEMO-PS-07",
        "school_pairing",
        "忻州市第一中学",
        "昌吉州第二中学",
        "WT-140000-5",
        "652300",
        date(2023, 9, 1),
        "报道：两校签订结对帮扶合作协议（002号报道）；日期为示例。",
    ),
    (
        "DEMO-PS-08",
        "friendly_school",
        "山西省示例小学",
        "阜康市晋阜小学",
        "WT-140000-5",
        "652302",
        date(2024, 3, 1),
        "示例：报道称与山西省优质学校建立“友好学校”，结对学校名称和日期为示例。",
    ),
]

QUANZHOU_CITIES = ["北京", "上海", "深圳", "厦门", "西安"]


def _events() -> list[dict]:
    events = [
        dict(
            code="DEMO-EV-FZ-2025-01",
            kind="fair",
            title="新疆奇台好物福州行产业援疆系列活动",
            on=date(2025, 9, 6),
            place="福州",
            region="652325",
            organiser="SC-350100",
            note="报道：2025年9月6日在福州举办，近百种奇台农特产品亮相（000号报道）。",
        ),
        dict(
            code="DEMO-EV-QZ-2025-01",
            kind="fair",
            title="“海丝链天山·泉昌共发展”国潮泉州优品新疆首站",
            on=date(2025, 10, 18),
            place="昌吉市",
            region="652301",
            organiser="SC-350500",
            exhibitors=20,
            deals_signed=20,
            amount_traded="1000000.00",
            intended_orders="100000000.00",
            note="报道：20家泉州品牌企业设展位，成交金额超百万元，20家企业达成战略合作，"
            "意向订单近亿元（000号报道）；日期为示例。",
        ),
        dict(
            code="DEMO-EV-QZ-2025-P01",
            kind="promotion",
            title="昌吉市产业招商推介会暨农优特产展销会",
            on=date(2025, 11, 20),
            place="泉州",
            region="652301",
            organiser="SC-350500",
            deals_signed=20,
            note="报道：昌吉市20家企业与泉州乡村振兴集团、闽疆文化馆达成合作（000号报道）；"
            "日期为示例。",
        ),
        dict(
            code="DEMO-EV-SX-2025-01",
            kind="performance",
            title="山西省“文艺轻骑兵”文化援疆演出",
            on=date(2025, 7, 8),
            place="昌吉市亚心广场",
            region="652301",
            organiser="FC-140000",
            note="报道：2025年7月8日在昌吉市亚心广场拉开帷幕（002号报道）。",
        ),
        dict(
            code="DEMO-EV-FJ-2025-01",
            kind="exchange",
            title="“丝路同源 山海交响”2025年“福茶天山行”系列活动",
            on=date(2025, 6, 13),
            place="昌吉州",
            region="652300",
            organiser="FC-350000",
            participants=100,
            deals_signed=5,
            note="报道：百余位茶企代表、行业专家、学者参加，签订5个合作项目（000号报道）。",
        ),
        dict(
            code="DEMO-EV-QZ-2025-02",
            kind="cultural",
            title="2025新疆舌尖上的丝绸之路美食节昌吉市会场",
            on=date(2025, 8, 16),
            place="昌吉市人民公园",
            region="652301",
            organiser="SC-350500",
            note="报道：2025年8月16日启动，泉州非遗美食同台亮相（000号报道）。",
        ),
        dict(
            code="DEMO-EV-SX-2025-02",
            kind="study_tour",
            title="“汾水连天山——祖国情·中华行”青少年学生研学",
            on=date(2025, 5, 20),
            end_on=date(2025, 6, 30),
            place="山西省",
            region="652300",
            organiser="WT-140000-5",
            participants=76,
            note="报道：2025年5月至6月，两批共76名师生赴山西研学（002号报道）；起止日为示例。",
        ),
        dict(
            code="DEMO-EV-SX-2025-03",
            kind="study_tour",
            title="山西书法特长生新疆研学",
            on=date(2025, 7, 15),
            place="昌吉州",
            region="652300",
            organiser="WT-140000-5",
            participants=21,
            note="报道：2025年7月，21名山西书法特长生走进新疆研学（002号报道）；日期为示例。",
        ),
        dict(
            code="DEMO-EV-SX-2025-04",
            kind="free_clinic",
            title="沙尼汗小院健康守护行动义诊",
            on=date(2025, 4, 12),
            place="阜康市",
            region="652302",
            organiser="WT-140000-5",
            people_served=60,
            medicine_value="3000.00",
            note="示例：报道称山西援疆医生定期在小院义诊，本次日期、人次和药品价值为示例。",
        ),
        dict(
            code="DEMO-EV-FJ-2024-01",
            kind="forum",
            title="闽昌“天山论健”学术周",
            on=date(2024, 9, 10),
            place="昌吉市",
            region="652300",
            organiser="FC-350000",
            note="报道：先后举办两届闽昌“天山论健”学术周（004号报道）；日期为示例。",
        ),
    ]
    for n in range(15):
        city = QUANZHOU_CITIES[n % len(QUANZHOU_CITIES)]
        events.append(
            dict(
                code=f"DEMO-EV-QZ-2025-I{n + 1:02d}",
                kind="investment",
                title=f"泉州分指挥部赴{city}靶向招商（第{n + 1}场）",
                on=date(2025, 2, 10) + timedelta(days=20 * n),
                place=city,
                region="652301",
                organiser="SC-350500",
                note="报道：2025年累计开展招商活动15场次（000号报道）；日期和地点为示例。",
            )
        )
    for n in range(2, 10):
        events.append(
            dict(
                code=f"DEMO-EV-QZ-2025-P{n:02d}",
                kind="promotion",
                title=f"昌吉市招商推介会（第{n}场）",
                on=date(2025, n, 25),
                place="泉州",
                region="652301",
                organiser="SC-350500",
                note="报道：2025年召开推介会9场（000号报道）；日期为示例。",
            )
        )
    return events


@transaction.atomic
def load() -> int:
    """Create the demo partnerships, events and sales channels that are missing."""
    orgs = {o.code: o for o in Organisation.objects.all()}
    created = 0
    have = set(Partnership.objects.values_list("code", flat=True))
    for code, kind, donor_party, local_party, donor, region, signed_on, note in PARTNERSHIPS:
        if code in have:
            continue
        partnership_create(
            code=code,
            kind=kind,
            donor_party_name=donor_party,
            local_party_name=local_party,
            local_party_org=orgs.get("RH-652324") if local_party == "玛纳斯县人民医院" else None,
            donor_org=orgs[donor],
            region=region,
            signed_on=signed_on,
            note=f"{DEMO_MARK}{note}",
            is_demo=True,
            source=SOURCE,
            actor=SYSTEM,
        )
        created += 1
    have = set(Event.objects.values_list("code", flat=True))
    for spec in _events():
        if spec["code"] in have:
            continue
        event_create(
            **{
                "actor": SYSTEM,
                **{
                    **spec,
                    "organiser": orgs[spec["organiser"]],
                    "note": f"{DEMO_MARK}{spec['note']}",
                },
            },
            is_demo=True,
            source=SOURCE,
        )
        created += 1
    return created + _sales_load(orgs)


def _sales_load(orgs: dict[str, Organisation]) -> int:
    """27 stores of 10 operators; one record each over 2021–2025 adding up to the reported
    3214万元 of sales and 199万元 of subsidies (the split per store is an example)."""
    have = set(SalesChannel.objects.values_list("code", flat=True))
    created = 0
    for n in range(27):
        code = f"DEMO-SC-QZ-{n + 1:02d}"
        if code in have:
            continue
        last = n == 26
        channel = sales_channel_create(
            code=code,
            name=f"昌吉农特产品外销门店{n + 1}号",
            kind="store",
            operator=f"泉州外销主体{'ABCDEFGHIJ'[n % 10]}",
            donor_org=orgs["SC-350500"],
            region="652301",
            location="福建省泉州市",
            note=(
                f"{DEMO_MARK}报道：孵化培育10家优质外销主体，向27家门店发放补贴近200万元，"
                "“十四五”期间线下外销平台累计销售额达3214万元（000号报道）；各门店数额为示例。"
            ),
            is_demo=True,
            source=SOURCE,
            actor=SYSTEM,
        )
        sales_record_create(
            channel=channel,
            period_start=date(2021, 1, 1),
            period_end=date(2025, 12, 31),
            sales_amount=Decimal("1200000.00" if last else "1190000.00"),
            subsidy_paid=Decimal("73800.00" if last else "73700.00"),
            is_demo=True,
            source=SOURCE,
            actor=SYSTEM,
        )
        created += 2
    return created
