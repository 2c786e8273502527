"""Reference data and the demo portfolio, loaded by ``duikou loaddemo``.

The demo portfolio is built from the newspaper reports in the shared corpus
(Fujian in Changji, Shanxi in Fukang, Jilin in Altay). Amounts a report states
are used as reported; where a report gives no amount, the figure is marked
"示例金额" in the project's description. Every demo record carries ``is_demo``.
Loading is idempotent: records are matched on their codes and left alone when present.
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from duikou.geo.models import Region
from duikou.geo.selectors import region_find
from duikou.geo.services import regions_load_csv
from duikou.orgs.models import Membership, Organisation, Pairing, Programme
from duikou.orgs.services import (
    donor_province_get_or_create,
    membership_set,
    organisation_get_or_create,
    organisation_update,
    pairing_create,
    pairings_load_csv,
    programme_get_or_create,
)
from duikou.orgs.validators import credit_check_character
from duikou.policy import SYSTEM
from duikou.projects.models import DocumentKind, Project
from duikou.projects.services import (
    fund_transaction_create,
    progress_report_submit,
    project_create,
    project_document_add,
    project_transition,
)

ORG_FIXTURES = Path(__file__).resolve().parent.parent / "orgs" / "fixtures"
PROGRAMME = {
    "code": "XJ2010",
    "name": "对口援疆",
    "name_en": "Counterpart aid to Xinjiang",
    "start_date": date(2010, 3, 30),
}
DEMO_MARK = "【演示数据】"

# Front commands of the donors in the demo, by donor province: (code, name, short name, base).
FRONT_COMMANDS = [
    ("FC-350000", "福建省援疆前方指挥部", "福建援疆工作队", "652300", "350000"),
    ("FC-140000", "山西省援疆前方指挥部", "山西援疆", "652302", "140000"),
    ("FC-220000", "吉林省援疆前方指挥部", "吉林援疆", "654300", "220000"),
    ("FC-370000", "山东省援疆前方指挥部", "山东援疆", "653100", "370000"),
]
# Sub-commands and work teams: (code, name, short name, parent code, donor city, base county).
SUB_COMMANDS = [
    ("SC-350400", "福建援疆三明分指挥部", "三明分指挥部", "FC-350000", "三明市", "玛纳斯县"),
    ("SC-350500", "福建援疆泉州分指挥部", "泉州分指挥部", "FC-350000", "泉州市", "昌吉市"),
    ("SC-350200", "福建援疆厦门分指挥部", "厦门分指挥部", "FC-350000", "厦门市", "吉木萨尔县"),
    ("SC-350600", "福建援疆漳州分指挥部", "漳州分指挥部", "FC-350000", "漳州市", "木垒县"),
    ("SC-350900", "福建援疆宁德分指挥部", "宁德分指挥部", "FC-350000", "宁德市", "呼图壁县"),
    ("SC-350100", "福建援疆福州分指挥部", "福州分指挥部", "FC-350000", "福州市", "奇台县"),
    ("WT-140000-5", "山西省第五批援疆工作队", "第五批山西援疆工作队", "FC-140000", "", "阜康市"),
    ("WT-220100", "长春市援疆医疗队", "长春援疆医疗队", "FC-220000", "长春市", "阿勒泰市"),
]
# The demo's IATI publishers (each front command) and organisations with a 统一社会信用代码:
# (code, the code's first 17 characters, made up for the demo; the check character is computed).
DEMO_CREDIT_CODES = [
    ("FC-350000", "11350000MB0000001"),
    ("FC-140000", "11140000MB0000002"),
    ("FC-220000", "11220000MB0000003"),
    ("FC-370000", "11370000MB0000004"),
    ("RG-652300", "11652300MB0000005"),
]
RECIPIENT_ORGS = [
    ("RG-652300", "昌吉回族自治州人民政府", "government", "652300"),
    ("RG-652302", "阜康市人民政府", "government", "652302"),
    ("RH-652324", "玛纳斯县人民医院", "hospital", "652324"),
    ("RH-654301", "阿勒泰市人民医院", "hospital", "654301"),
]


@dataclass(frozen=True)
class DemoProject:
    code: str
    name: str
    donor: str
    region: str
    sector: str
    livelihood: bool
    start: date
    end: date
    budgets: dict
    status_path: tuple = ()
    moved: tuple = ()  # (fund source, kind, amount, date)
    progress: tuple = ()  # (year, month, percent, spent, problems)
    note: str = ""


def _moves(source: str, amount: str, on: date, spent: str | None = None) -> tuple:
    """Release and disburse ``amount``, then spend ``spent`` (all of it by default)."""
    return (
        (source, "release", amount, on),
        (source, "disburse", amount, on),
        (source, "spend", spent or amount, on),
    )


DEMO_PROJECTS = [
    DemoProject(
        "DEMO-FJ-2023-001",
        "玛纳斯县医共体信息化建设",
        "SC-350400",
        "652324",
        "health",
        True,
        date(2023, 3, 1),
        date(2025, 6, 30),
        {"aid": "15100000.00"},
        ("approved", "building", "completed", "accepted", "operating"),
        _moves("aid", "15100000.00", date(2024, 6, 30)),
        note="报道：超1510万元援疆资金投入医共体信息化建设（000号报道）。",
    ),
    DemoProject(
        "DEMO-FJ-2025-001",
        "六工镇艾草种植基地",
        "SC-350500",
        "652301",
        "rural",
        True,
        date(2025, 3, 1),
        date(2025, 12, 31),
        {"aid": "3000000.00"},
        ("approved", "building"),
        (
            ("aid", "release", "3000000.00", date(2025, 3, 20)),
            ("aid", "disburse", "2400000.00", date(2025, 5, 10)),
            ("aid", "spend", "1800000.00", date(2025, 9, 30)),
        ),
        ((2025, 9, "70", "1800000.00", ""), (2025, 10, "85", "1800000.00", "冬季施工受限")),
        note="示例金额：报道未给出该基地的援疆资金数额。",
    ),
    DemoProject(
        "DEMO-FJ-2025-002",
        "三工镇二工村“春光里”农文旅融合示范点",
        "SC-350500",
        "652301",
        "rural",
        True,
        date(2025, 2, 1),
        date(2025, 10, 31),
        {"aid": "5000000.00", "local": "1000000.00"},
        ("approved", "building", "completed"),
        _moves("aid", "5000000.00", date(2025, 6, 30)),
        note="示例金额：报道未给出该示范点的资金数额。",
    ),
    DemoProject(
        "DEMO-FJ-2025-003",
        "闽昌食品产业园基础设施提升改造",
        "SC-350500",
        "652301",
        "industry",
        False,
        date(2025, 4, 1),
        date(2026, 6, 30),
        {"aid": "8000000.00", "social": "2000000.00"},
        ("approved", "building"),
        (
            ("aid", "release", "8000000.00", date(2025, 4, 15)),
            ("aid", "disburse", "5000000.00", date(2025, 7, 1)),
        ),
        ((2025, 10, "40", "3200000.00", "部分企业厂房改造协调进度偏慢"),),
        note="示例金额：报道称“投入资金”，未给出数额。",
    ),
    DemoProject(
        "DEMO-FJ-2025-004",
        "昌吉市农特产品外销门店补贴",
        "SC-350500",
        "652301",
        "employment",
        True,
        date(2025, 1, 1),
        date(2025, 12, 31),
        {"aid": "2000000.00"},
        ("approved", "building"),
        _moves("aid", "1990000.00", date(2025, 8, 31)),
        note="报道：向27家门店发放补贴近200万元（000号报道）。",
    ),
    DemoProject(
        "DEMO-FJ-2021-001",
        "昌吉州乡镇卫生院和社区卫生服务站新改扩建",
        "FC-350000",
        "652300",
        "health",
        True,
        date(2021, 3, 1),
        date(2025, 10, 31),
        {"aid": "42000000.00"},
        ("approved", "building", "completed", "accepted"),
        _moves("aid", "42000000.00", date(2024, 12, 31)),
        note="报道：“十四五”以来累计投入4200余万元（004号报道）。",
    ),
    DemoProject(
        "DEMO-FJ-2021-002",
        "昌吉州巡回医疗车和医学检查检验设备购置",
        "FC-350000",
        "652300",
        "health",
        True,
        date(2021, 5, 1),
        date(2025, 6, 30),
        {"aid": "90000000.00"},
        ("approved", "building", "completed", "accepted", "operating"),
        _moves("aid", "90000000.00", date(2024, 12, 31)),
        note="报道：投入9000余万元购置巡回医疗车、医学检查检验设备（004号报道）。",
    ),
    DemoProject(
        "DEMO-FJ-2024-001",
        "呼图壁县乡镇卫生院医疗设备购置",
        "SC-350900",
        "652323",
        "health",
        True,
        date(2024, 3, 1),
        date(2025, 3, 31),
        {"aid": "7500000.00"},
        ("approved", "building", "completed", "accepted"),
        _moves("aid", "7500000.00", date(2024, 11, 30)),
        note="报道：投入750余万元为呼图壁县各乡镇卫生院购置医疗设备（004号报道）。",
    ),
    DemoProject(
        "DEMO-FJ-2023-002",
        "泉子街镇镇区道路及基础设施改造提升",
        "SC-350200",
        "652327",
        "infrastructure",
        True,
        date(2023, 4, 1),
        date(2025, 11, 30),
        {"aid": "3000000.00", "local": "7500000.00"},
        ("approved", "building"),
        (
            *_moves("aid", "3000000.00", date(2024, 8, 31)),
            ("local", "release", "7500000.00", date(2024, 5, 1)),
            ("local", "disburse", "6000000.00", date(2025, 5, 1)),
        ),
        ((2025, 10, "90", "8500000.00", "天气转冷，需加快路砖铺装"),),
        note="报道：厦门援疆资金300万元和相关项目配套资金750万元（004号报道）。",
    ),
    DemoProject(
        "DEMO-SX-2024-001",
        "晋阜民间文化交流展厅",
        "WT-140000-5",
        "652302",
        "culture",
        False,
        date(2024, 1, 15),
        date(2024, 6, 30),
        {"aid": "2600000.00"},
        ("approved", "building", "completed", "accepted", "operating"),
        _moves("aid", "2600000.00", date(2024, 6, 20)),
        note="报道：第五批山西援疆工作队投入260万元打造（002号报道）。",
    ),
    DemoProject(
        "DEMO-JL-2025-001",
        "阿勒泰市人民医院远程会诊中心",
        "WT-220100",
        "654301",
        "health",
        True,
        date(2025, 3, 1),
        date(2025, 12, 31),
        {"aid": "1200000.00"},
        ("approved", "building"),
        (("aid", "release", "1200000.00", date(2025, 3, 31)),),
        note="示例金额：吉林援疆医疗队帮扶阿勒泰市人民医院，报道未给出资金数额。",
    ),
    DemoProject(
        "DEMO-SD-2025-001",
        "巴楚县职业技能培训基地（跨结对示例）",
        "FC-370000",
        "653130",
        "employment",
        True,
        date(2025, 5, 1),
        date(2026, 4, 30),
        {"aid": "1500000.00"},
        ("approved",),
        note="示例：山东援疆在上海结对的巴楚县实施的项目，用于展示结对范围外标记；金额为示例金额。",
    ),
]

DEMO_USERS = [
    # (username, password, role, organisation code, region code, display name)
    (
        "demo-national",
        "Duikou-national-2025",
        Membership.Role.NATIONAL,
        None,
        "650000",
        "自治区援疆办",
    ),
    (
        "demo-fujian",
        "Duikou-fujian-2025",
        Membership.Role.FRONT_COMMAND,
        "FC-350000",
        None,
        "福建前方指挥部",
    ),
    (
        "demo-quanzhou",
        "Duikou-quanzhou-2025",
        Membership.Role.SUB_COMMAND,
        "SC-350500",
        None,
        "泉州分指挥部",
    ),
    (
        "demo-changji",
        "Duikou-changji-2025",
        Membership.Role.RECIPIENT,
        None,
        "652300",
        "昌吉州政府",
    ),
    ("demo-auditor", "Duikou-auditor-2025", Membership.Role.AUDITOR, None, None, "审计"),
    ("demo-public", "Duikou-public-2025", Membership.Role.PUBLIC, None, None, "公众"),
]


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Regions, the programme, donor organisations, the 2010 pairing list, the indicators."""
    from duikou.results.services import catalogue_load_csv

    regions = regions_load_csv(actor=SYSTEM)
    _twins_load()
    programme = programme_get_or_create(**{"actor": SYSTEM, **PROGRAMME})
    pairings = pairings_load_csv(programme=programme, actor=SYSTEM)
    indicators = catalogue_load_csv(actor=SYSTEM)
    return {
        "regions_created": regions["created"],
        "pairings_created": pairings,
        "indicators_created": indicators["created"],
    }


def _twins_load() -> None:
    """Mark XPCC divisions and their cities (师市合一) as one place."""
    path = Path(__file__).resolve().parent.parent / "geo" / "fixtures" / "xpcc_division_cities.csv"
    if not path.exists():
        return
    codes = {
        r.code: r
        for r in Region.objects.filter(Q(code__startswith="XPCC") | Q(code__startswith="659"))
    }
    changed = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            division, city = codes.get(row["division_code"]), codes.get(row["city_code"])
            if division and city and division.twin_id != city.pk:
                division.twin, city.twin = city, division
                changed += [division, city]
    Region.objects.bulk_update(changed, ["twin"])


def _organisations_load() -> None:
    for code, name, short, base, province_code in FRONT_COMMANDS:
        province = donor_province_get_or_create(
            region=Region.objects.get(code=province_code), actor=SYSTEM
        )
        organisation_get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "side": Organisation.Side.DONOR,
                "kind": Organisation.Kind.FRONT_COMMAND,
                "parent": province,
                "region": Region.objects.get(code=base),
            },
            actor=SYSTEM,
        )
    for code, name, short, parent, _city, base in SUB_COMMANDS:
        kind = Organisation.Kind.SUB_COMMAND if "分指挥部" in name else Organisation.Kind.WORK_TEAM
        organisation_get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "side": Organisation.Side.DONOR,
                "kind": kind,
                "parent": Organisation.objects.get(code=parent),
                "region": region_find(text=base),
                "is_demo": True,
            },
            actor=SYSTEM,
        )
    for code, name, kind, region_code in RECIPIENT_ORGS:
        organisation_get_or_create(
            code=code,
            defaults={
                "name": name,
                "side": Organisation.Side.RECIPIENT,
                "kind": kind,
                "region": Region.objects.get(code=region_code),
                "is_demo": True,
            },
            actor=SYSTEM,
        )


def _iati_publishers_load() -> None:
    """Front commands publish the demo's IATI files under a made-up 统一社会信用代码."""
    for code, first17 in DEMO_CREDIT_CODES:
        org = Organisation.objects.get(code=code)
        credit = first17 + credit_check_character(first17)
        publishes = org.kind == Organisation.Kind.FRONT_COMMAND
        if org.credit_code != credit or org.iati_publisher != publishes:
            organisation_update(
                org=org,
                version=org.version,
                credit_code=credit,
                iati_publisher=publishes,
                actor=SYSTEM,
            )


def _sub_pairings_load(programme: Programme) -> None:
    with open(ORG_FIXTURES / "sub_pairings.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            province = region_find(text=row["donor"])
            donor_root = donor_province_get_or_create(region=province, actor=SYSTEM)
            parent = Pairing.objects.filter(
                programme=programme, donor=donor_root, parent=None
            ).first()
            city_code = region_find(text=row["donor_city"]).code
            donor = Organisation.objects.get(code=f"SC-{city_code}")
            recipient = region_find(text=row["recipient"])
            if not Pairing.objects.filter(donor=donor, recipient=recipient).exists():
                pairing_create(
                    programme=programme,
                    donor=donor,
                    recipient=recipient,
                    parent=parent,
                    start_date=parent.start_date,
                    confidence=row["confidence"],
                    source=row["source"],
                    actor=SYSTEM,
                )


def _projects_load(programme: Programme) -> int:
    created = 0
    for spec in DEMO_PROJECTS:
        if Project.objects.filter(code=spec.code).exists():
            continue
        project = project_create(
            code=spec.code,
            name=spec.name,
            programme=programme,
            donor_org=Organisation.objects.get(code=spec.donor),
            region=spec.region,
            sector=spec.sector,
            is_livelihood=spec.livelihood,
            planned_start=spec.start,
            planned_end=spec.end,
            budgets=spec.budgets,
            description=f"{DEMO_MARK}{spec.note}",
            is_demo=True,
            source="演示数据",
            actor=SYSTEM,
        )
        day = spec.start
        for status in spec.status_path:
            project = project_transition(project=project, to_status=status, on=day, actor=SYSTEM)
        for fund_source, kind, amount, on in spec.moved:
            fund_transaction_create(
                project=project,
                fund_source=fund_source,
                kind=kind,
                amount=amount,
                on=on,
                is_demo=True,
                source="演示数据",
                actor=SYSTEM,
            )
        for year, month, percent, spent, problems in spec.progress:
            progress_report_submit(
                project=project,
                year=year,
                month=month,
                percent_complete=percent,
                amount_spent=spent,
                problems=problems,
                is_demo=True,
                actor=SYSTEM,
            )
        created += 1
    return created


# One document on one demo project, so the 文档 section shows what it is for.
DEMO_DOCUMENT = {
    "project": "DEMO-FJ-2023-001",
    "file_name": "关于玛纳斯县医共体信息化建设项目的立项批复（演示）.pdf",
    "title": "玛纳斯县医共体信息化建设项目立项批复",
    "lines": (
        "关于玛纳斯县医共体信息化建设项目的立项批复",
        "",
        "【演示数据】本文件由演示数据生成，不是正式公文。",
        "",
        "一、同意玛纳斯县医共体信息化建设项目立项。",
        "二、项目使用援疆资金1510万元，由福建援疆三明分指挥部组织实施。",
        "三、请按照援疆项目管理规定抓紧开展前期工作。",
    ),
}


def _demo_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF in Chinese, the same bytes on every run (reportlab's invariant mode)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built in: no font file needed
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont("STSong-Light", 14)
    y = 780
    for line in lines:
        page.drawString(72, y, line)
        y -= 26
    page.showPage()
    page.save()
    return buffer.getvalue()


def _documents_load() -> int:
    from django.core.files.base import ContentFile

    project = Project.objects.filter(code=DEMO_DOCUMENT["project"]).first()
    if project is None or project.documents.exists():
        return 0
    project_document_add(
        project=project,
        upload=ContentFile(_demo_pdf(DEMO_DOCUMENT["lines"]), name=DEMO_DOCUMENT["file_name"]),
        kind=DocumentKind.APPROVAL,
        title=DEMO_DOCUMENT["title"],
        note=f"{DEMO_MARK}示例文件",
        is_demo=True,
        source="演示数据",
        actor=SYSTEM,
    )
    return 1


def _users_load() -> list[tuple[str, str, str]]:
    User = get_user_model()
    accounts = []
    for username, password, role, org_code, region_code, label in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=password, first_name=label)
            if role == Membership.Role.NATIONAL:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            membership_set(
                user=user,
                role=role,
                organisation=Organisation.objects.get(code=org_code) if org_code else None,
                region=Region.objects.get(code=region_code) if region_code else None,
                actor=SYSTEM,
            )
        accounts.append((username, password, Membership.Role(role).label))
    return accounts


@transaction.atomic
def demo_load() -> dict:
    """Reference data plus the demo portfolio and one account per role; safe to run twice."""
    summary = reference_load()
    programme = Programme.objects.get(code=PROGRAMME["code"])
    _organisations_load()
    _iati_publishers_load()
    _sub_pairings_load(programme)
    summary["projects_created"] = _projects_load(programme)
    summary["documents_created"] = _documents_load()
    summary["accounts"] = _users_load()
    from duikou.exchanges import demo as exchanges_demo
    from duikou.investment import demo as investment_demo
    from duikou.people import demo as people_demo

    summary["deals_created"] = investment_demo.load()
    summary["people_records_created"] = people_demo.load()
    summary["exchange_records_created"] = exchanges_demo.load()
    summary["values_created"] = _values_load()
    from duikou.ingest import demo as ingest_demo
    from duikou.reports import demo as reports_demo

    summary["reports_read"] = ingest_demo.load()
    # Last: a publication copies the figures loaded above.
    summary["publications_created"] = reports_demo.load()
    return summary


# Indicator values of the demo (示例数值): one measures the food park project, the others are
# the sub-command's figures for its county, which belong to no single project.
DEMO_VALUES = (
    # indicator, org, region, period, value, project it measures (or None), status
    ("PEOPLE_EMPLOYED", "SC-350500", "652301", "2025Q4", "120", "DEMO-FJ-2025-003", "approved"),
    ("PATIENTS_TREATED", "SC-350500", "652301", "2024Q4", "3600", None, "approved"),
    ("VISITORS", "SC-350500", "652301", "2024-10", "8900", None, "submitted"),
    ("PATIENTS_TREATED", "SC-350500", "652301", "2025Q3", "4200", None, "approved"),
    # Waiting for the front command's approval (the sub-command submitted them).
    ("SURGERIES", "SC-350500", "652301", "2025Q3", "310", None, "submitted"),
    ("REMOTE_CONSULTATIONS", "SC-350500", "652301", "2025Q3", "86", None, "submitted"),
    # Sent back to the sub-command with a reason.
    ("BENEFICIARIES", "SC-350500", "652301", "2025", "5200", None, "returned"),
)
RETURN_REASON = "请在说明中写明受益群众的统计口径（是否含重复受益人次）后再提交"


def _values_load() -> int:
    """The demo's values, entered by the sub-command's account, approved (or returned) by
    the front command's, so each one shows the separation of duties; some wait for the
    front command's approval. Skipped when already there."""
    from duikou.results.models import Indicator, Value
    from duikou.results.periods import period_parse
    from duikou.results.services import value_approve, value_return, value_save, value_submit

    users = get_user_model().objects
    reporter, approver = users.get(username="demo-quanzhou"), users.get(username="demo-fujian")
    created = 0
    for code, org_code, region_code, period_text, number, project_code, status in DEMO_VALUES:
        indicator = Indicator.objects.get(code=code)
        org = Organisation.objects.get(code=org_code)
        period = period_parse(period_text)
        if Value.objects.filter(
            indicator=indicator, org=org, period_start=period.start, period_end=period.end
        ).exists():
            continue
        value = value_save(
            indicator=indicator,
            org=org,
            region=Region.objects.get(code=region_code),
            period=period,
            value=number,
            comment="示例数值",
            about=Project.objects.get(code=project_code) if project_code else None,
            actor=reporter,
        )
        Value.objects.filter(pk=value.pk).update(is_demo=True)
        value = value_submit(value=value, actor=reporter, version=value.version)
        if status == "approved":
            value_approve(value=value, actor=approver, version=value.version)
        elif status == "returned":
            value_return(value=value, reason=RETURN_REASON, actor=approver, version=value.version)
        created += 1
    return created
