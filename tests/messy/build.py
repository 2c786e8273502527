"""Build the messy office spreadsheets in tests/messy/ and their expectations.

Each case writes a raw workbook with openpyxl (formulas without cached values),
then LibreOffice headless opens and re-saves it, which computes and caches every
formula result, so the committed files are really LibreOffice-saved. The CSV case
is written directly (GB18030, CRLF), as WPS exports it.

openpyxl is not a dependency of the project. Run with any Python that has it:

    python3 -m venv /tmp/mk && /tmp/mk/bin/pip install openpyxl
    /tmp/mk/bin/python tests/messy/build.py            # build + LibreOffice round trip
    /work/main/.venv/bin/python tests/messy/check.py   # read back with python-calamine

The expectations (<case>.expect.json) are written from the same tables that fill
the sheets: every data row below carries, next to its cells, the record a careful
clerk reads from it. Row numbers are counted as the rows are written, so the
1-based row numbers in the expectations are the ones Excel shows.
"""

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
D = dt.date

# ---------------------------------------------------------------------------------------
# Small helpers


def wan(text) -> str:
    """万元 → yuan, two places, exact."""
    return f"{Decimal(str(text)) * 10000:.2f}"


def yi(text) -> str:
    """亿元 → yuan, two places, exact."""
    return f"{Decimal(str(text)) * 100000000:.2f}"


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SONG = "宋体"


class Sheet:
    """An openpyxl worksheet written row by row; remembers the row numbers."""

    def __init__(self, ws, width):
        self.ws = ws
        self.width = width
        self.row = 0

    def line(self, text, *, merge=True, bold=False, size=11, align="left", col=1, span=None):
        """A free line (title, 填报单位, 注) merged across the table width."""
        self.row += 1
        r = self.row
        cell = self.ws.cell(r, col, text)
        cell.font = Font(name=SONG, bold=bold, size=size)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=False)
        if merge:
            last = col + (span or self.width) - 1
            if last > col:
                self.ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=last)
        return r

    def put(self, values, *, bold=False, box=True):
        """A table row; None leaves the cell empty. Returns its row number."""
        self.row += 1
        r = self.row
        for c, v in enumerate(values, start=1):
            if v is None:
                cell = self.ws.cell(r, c)
            else:
                cell = self.ws.cell(r, c, v)
                if isinstance(v, (dt.date, dt.datetime)):
                    cell.number_format = "yyyy-mm-dd"
            cell.font = Font(name=SONG, bold=bold)
            if box:
                cell.border = BOX
        return r

    def extra(self, r, c, text):
        """Put text in a cell of an existing row (e.g. 单位：万元 on the 填报单位 line)."""
        self.ws.cell(r, c, text).font = Font(name=SONG)

    def merge(self, r1, c1, r2, c2):
        self.ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        self.ws.cell(r1, c1).alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )

    def fmt(self, r, c, number_format):
        self.ws.cell(r, c).number_format = number_format

    def widths(self, *ws):
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(ws, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w


def col(n):
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def expect(**fields):
    order = [
        "file",
        "kind",
        "as",
        "sheet",
        "after",
        "set",
        "values",
        "traits",
        "mapping",
        "ignored",
        "skipped",
        "warn_rows",
        "counts",
        "totals",
        "records",
        "reading",
    ]
    base = {"sheet": None, "after": [], "set": {}}
    base.update(fields)
    return {k: base[k] for k in order if k in base}


# ---------------------------------------------------------------------------------------
# 01 projects — 泉州分指挥部 annual plan (计划表)


def case_01():
    name = "01-泉州分指挥部2025年援疆项目计划表"
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年计划"
    s = Sheet(ws, 13)
    s.widths(6, 30, 16, 10, 10, 30, 10, 10, 10, 12, 12, 20, 26)
    s.line("2025年福建援疆泉州分指挥部援疆项目计划表", bold=True, size=16, align="center")
    r = s.line("填报单位：福建援疆泉州分指挥部", span=6)
    s.extra(r, 10, "填报日期：2025年7月31日")
    s.extra(r, 13, "单位：万元")
    h1 = s.put(
        [
            "序号",
            "项目名称",
            "建设地点",
            "项目类别",
            "建设性质",
            "建设内容及规模",
            "总投资（万元）",
            None,
            None,
            "计划开工时间",
            "计划完工时间",
            "责任单位",
            "备注",
        ],
        bold=True,
    )
    h2 = s.put(
        [
            None,
            None,
            None,
            None,
            None,
            None,
            "合计",
            "援疆资金",
            "地方配套",
            None,
            None,
            None,
            None,
        ],
        bold=True,
    )
    for c in (1, 2, 3, 4, 5, 6, 10, 11, 12, 13):
        s.merge(h1, c, h2, c)
    s.merge(h1, 7, h1, 9)
    total = s.put([None, "合计"] + [None] * 11, bold=True)
    skipped = [{"row": total, "why": "合计（公式）"}]
    records, warn = [], []
    common = {"donor_org": "SC-350500", "plan_year": 2025}

    def section(title):
        r = s.put([title] + [None] * 12, bold=True)
        s.merge(r, 1, r, 6)
        skipped.append({"row": r, "why": "分组标题（含小计公式）"})
        return r

    def project(
        no,
        pname,
        place,
        cat,
        nature,
        content,
        aid,
        local,
        start,
        end,
        unit,
        note,
        rec,
        warn_row=True,
    ):
        r = s.put(
            [no, pname, place, cat, nature, content, None, aid, local, start, end, unit, note]
        )
        ws.cell(r, 7, f"=H{r}+I{r}")
        records.append(
            {"match": {"name": pname}, "name": pname, "description": content, **common, **rec}
        )
        if warn_row:
            warn.append(r)
        return r

    sec1 = section("一、民生类项目")
    a = project(
        1,
        "三工镇二工村幼儿园改扩建",
        "昌吉市三工镇",
        "教育",
        "新建",
        "新建教学用房1200平方米及室外附属设施",
        320,
        80,
        2025.7,
        2026.6,
        "昌吉市教育局",
        None,
        {
            "region": "652301",
            "sector": "education",
            "is_livelihood": True,
            "status": "approved",
            "planned_start": "2025-07-01",
            "planned_end": "2026-06-01",
            "budget_aid": wan(320),
            "budget_local": wan(80),
        },
    )
    project(
        2,
        "三工镇卫生院医技综合楼设备购置",
        None,
        "卫生",
        "续建",
        "购置DR、彩超、全自动生化分析仪等设备",
        250,
        50,
        2024.9,
        2025.12,
        "昌吉市卫生健康委员会",
        None,
        {
            "region": "652301",
            "sector": "health",
            "is_livelihood": True,
            "status": "building",
            "planned_start": "2024-09-01",
            "planned_end": "2025-12-01",
            "budget_aid": wan(250),
            "budget_local": wan(50),
        },
    )
    c = project(
        3,
        "三工镇下三工村人居环境整治",
        None,
        "乡村振兴",
        "新建",
        "村内道路硬化3.2公里，排水渠改造1.5公里",
        185.5,
        None,
        2025.1,
        2026.5,
        "昌吉市农业农村局",
        "已完成初步设计，计划10月开工",
        {
            "region": "652301",
            "sector": "rural",
            "is_livelihood": True,
            "status": "approved",
            "planned_start": "2025-10-01",
            "planned_end": "2026-05-01",
            "budget_aid": wan(185.5),
        },
    )
    s.merge(a, 3, c, 3)  # 建设地点 昌吉市三工镇 merged down over three projects
    d = project(
        4,
        "六工镇社区嵌入式服务设施",
        "昌吉市六工镇",
        "基层治理",
        "续建",
        "新建社区综合服务用房860平方米",
        150,
        30,
        D(2024, 8, 15),
        D(2025, 11, 30),
        "昌吉市民政局",
        None,
        {
            "region": "652301",
            "sector": "governance",
            "is_livelihood": True,
            "status": "building",
            "planned_start": "2024-08-15",
            "planned_end": "2025-11-30",
            "budget_aid": wan(150),
            "budget_local": wan(30),
        },
    )
    sec2 = section("二、产业类项目")
    e = project(
        5,
        "昌吉市农副产品冷链物流中心",
        "昌吉市大西渠镇",
        "产业",
        "新建",
        "新建5000吨冷库及分拣加工车间",
        600,
        200,
        2025.8,
        2026.9,
        "昌吉市商务和工业信息化局",
        None,
        {
            "region": "652301",
            "sector": "industry",
            "is_livelihood": False,
            "status": "approved",
            "planned_start": "2025-08-01",
            "planned_end": "2026-09-01",
            "budget_aid": wan(600),
            "budget_local": wan(200),
        },
    )
    f = project(
        6,
        "闽昌食品产业园标准化厂房（二期）",
        "昌吉市榆树沟镇",
        "产业",
        "续建",
        "新建标准化厂房2.4万平方米",
        1200,
        None,
        2024.5,
        2025.1,
        None,
        "主体已封顶，计划10月底完工",
        {
            "region": "652301",
            "sector": "industry",
            "is_livelihood": False,
            "status": "building",
            "planned_start": "2024-05-01",
            "planned_end": "2025-10-01",
            "budget_aid": wan(1200),
        },
    )
    s.merge(e, 12, f, 12)  # 责任单位 merged down over the two industry projects
    for cc in (7, 8, 9):
        L = col(cc)
        ws.cell(sec1, cc, f"=SUM({L}{a}:{L}{d})")
        ws.cell(sec2, cc, f"=SUM({L}{e}:{L}{f})")
        ws.cell(total, cc, f"={L}{sec1}+{L}{sec2}")
    n = s.line(
        "注：1.总投资=援疆资金+地方配套；2.计划开工、完工时间填写到月；3.建设性质填写新建或续建。"
    )
    skipped.append({"row": n, "why": "注"})
    n = s.line("填表人：王某某        审核人：李某某        联系电话：0994-0000000")
    skipped.append({"row": n, "why": "填表人/审核人"})
    aid = sum(Decimal(r["budget_aid"]) for r in records)
    local = sum(Decimal(r.get("budget_local", "0")) for r in records)
    exp = expect(
        file=name + ".xlsx",
        kind="projects",
        **{"as": "demo-quanzhou"},
        traits=[
            "title row",
            "填报单位 line",
            "填报日期 line",
            "单位：万元 line",
            "two-row merged header",
            "序号 merged vertically",
            "万元 header",
            "numeric 2025.7 dates",
            "2025.10 stored as 2025.1",
            "real date cells",
            "section rows with subtotal formulas",
            "合计 row on top (formula)",
            "row formulas (合计 = 援疆资金 + 地方配套)",
            "town place",
            "merged fill-down",
            "office choice words 新建/续建",
            "sector words",
            "注 row",
            "填表人/审核人 row",
            "no project code",
        ],
        mapping={
            "项目名称": "name",
            "建设地点": "region",
            "项目类别": "sector",
            "建设性质": "status",
            "建设内容及规模": "description",
            "总投资（万元）/援疆资金": "budget_aid",
            "总投资（万元）/地方配套": "budget_local",
            "计划开工时间": "planned_start",
            "计划完工时间": "planned_end",
            "填报单位：（表头行）": "donor_org",
            "标题“2025年…计划表”": "plan_year",
            "分组标题（一、民生类项目 / 二、产业类项目）": "is_livelihood",
        },
        ignored=["序号", "总投资（万元）/合计", "责任单位", "备注"],
        skipped=sorted(skipped, key=lambda x: x["row"]),
        warn_rows=warn,
        counts={"create": 6, "update": 0, "unchanged": 0},
        totals={"budget_aid": f"{aid:.2f}", "budget_local": f"{local:.2f}"},
        records=records,
        reading=(
            "实施援疆机构 comes from the line “填报单位：福建援疆泉州分指挥部” (SC-350500). "
            "Amounts are 万元 per the header and the 单位 line. 建设性质: 续建 = continuing "
            "construction = 在建 (building); 新建 in an annual plan table means the project is "
            "newly listed in this year's plan, i.e. approved (立项) but not yet confirmed as "
            "started — read as approved, not 在建 and not 储备. 项目类别 words: 教育→education, "
            "卫生→health, 乡村振兴→rural, 基层治理→governance, 产业→industry. The section "
            "headings carry the 民生 flag: rows under 一、民生类项目 are is_livelihood=true, "
            "under 二、产业类项目 false. 计划年度 is 2025 for every row because the title says "
            "it is the 2025 plan (the continuing projects started in 2024 are still in the "
            "2025 plan). Dates typed as numbers in General cells are year-months and mean the "
            "1st of the month (2025.7 → 2025-07-01; also for 计划完工), each such row warns. "
            f"Row {c} 计划开工 shows 2025.1 (typed 2025.10): 备注 says 计划10月开工 and the row "
            "is 新建 in a table dated 2025-07-31, so it is 2025-10-01, not January. "
            f"Row {f} 计划完工 shows 2025.1: a 续建 project still being built on 2025-07-31 "
            "with 备注 计划10月底完工, so 2025-10-01. 建设地点 “昌吉市三工镇” is merged over "
            f"rows {a}-{c} and applies to each; 责任单位 is merged over rows {e}-{f} (ignored). "
            "Town names (三工镇, 六工镇, 大西渠镇, 榆树沟镇) resolve to 昌吉市 652301 with a "
            "warning, which is why every data row warns. 建设内容及规模 is the project's "
            "description. 总投资/合计 is a formula (=援疆资金+地方配套) and is not imported; "
            "the 合计 row and the two section rows hold SUM formulas and are not projects. "
            "No 地方配套 cell means no local budget line (rows 3 and 6)."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 02 projects — 前指 progress table, data on the second sheet


def case_02():
    name = "02-福建前指2025年援疆项目进展情况表"
    wb = Workbook()
    intro = wb.active
    intro.title = "填报说明"
    for i, t in enumerate(
        [
            "填报说明",
            "一、本表由各分指挥部填报，前方指挥部汇总，每季度末报送。",
            "二、金额单位为万元，保留两位小数。",
            "三、“项目状态”填写：前期、在建、已完工。",
            "四、“建设地点”填写到乡镇。",
            "五、请于每季度最后一个工作日前报送前指项目组。",
        ],
        start=1,
    ):
        intro.cell(i, 1, t).font = Font(name=SONG, bold=(i == 1), size=14 if i == 1 else 11)
    intro.column_dimensions["A"].width = 70
    ws = wb.create_sheet("项目进展")
    lists = wb.create_sheet("下拉选项")
    for i, t in enumerate(["项目状态", "前期", "在建", "已完工"], start=1):
        lists.cell(i, 1, t)
    for i, t in enumerate(["行业", "教育", "卫生", "产业", "基础设施", "人才", "文化"], start=1):
        lists.cell(i, 2, t)

    s = Sheet(ws, 12)
    s.widths(6, 32, 14, 20, 10, 10, 14, 14, 10, 10, 10, 30)
    s.line("福建省援疆前方指挥部2025年援疆项目进展情况表", bold=True, size=16, align="center")
    r = s.line("填报日期：2025年9月30日", span=8)
    s.extra(r, 11, "单位：万元")
    h1 = s.put(
        [
            "序号",
            "项目名称",
            "实施单位",
            "建设地点",
            "行业",
            "项目状态",
            "开工时间",
            "计划完工时间",
            "资金安排（万元）",
            None,
            "联系人",
            "进展情况",
        ],
        bold=True,
    )
    h2 = s.put([None] * 8 + ["援疆资金", "地方配套", None, None], bold=True)
    for cc in (1, 2, 3, 4, 5, 6, 7, 8, 11, 12):
        s.merge(h1, cc, h2, cc)
    s.merge(h1, 9, h1, 10)
    skipped, records, warn, unchanged = [], [], [], []

    def section(title):
        r = s.put([title] + [None] * 11, bold=True)
        s.merge(r, 1, r, 12)
        skipped.append({"row": r, "why": "分组标题"})

    def row(
        no,
        pname,
        unit,
        place,
        sector,
        status,
        start,
        end,
        aid,
        local,
        person,
        progress,
        rec,
        warned,
        existing=None,
    ):
        r = s.put(
            [no, pname, unit, place, sector, status, start, end, aid, local, person, progress]
        )
        match = {"code": existing} if existing else {"name": pname}
        records.append({"match": match, "name": pname, **rec})
        if warned:
            warn.append(r)
        if existing:
            unchanged.append(r)
        return r

    section("一、州直项目")
    row(
        1,
        "昌吉州中小学智慧教室建设",
        "福建援疆工作队",
        "昌吉州",
        "教育",
        "前期",
        "2025年10月",
        "2026年6月",
        480,
        120,
        "张某某",
        "已完成可研批复，正在开展招标",
        {
            "donor_org": "FC-350000",
            "region": "652300",
            "sector": "education",
            "status": "approved",
            "planned_start": "2025-10-01",
            "planned_end": "2026-06-01",
            "budget_aid": wan(480),
            "budget_local": wan(120),
        },
        True,
    )
    row(
        2,
        "昌吉州福建援疆人才公寓改造",
        "福建援疆工作队",
        "昌吉州",
        "人才",
        "在建",
        D(2025, 4, 1),
        D(2025, 11, 30),
        "300万元",
        None,
        "张某某",
        "室内装修已完成80%",
        {
            "donor_org": "FC-350000",
            "region": "652300",
            "sector": "talent",
            "status": "building",
            "planned_start": "2025-04-01",
            "planned_end": "2025-11-30",
            "budget_aid": wan(300),
        },
        False,
    )
    section("二、县市项目")
    section("（一）玛纳斯县")
    a = row(
        3,
        "玛纳斯县塔西河乡卫生院提升改造",
        "三明分指挥部",
        "玛纳斯县塔西河乡",
        "卫生",
        "在建",
        "2025/4/15",
        "2025/12/31",
        260,
        40,
        "刘某某",
        "主体完工，正在进行内部装修",
        {
            "donor_org": "SC-350400",
            "region": "652324",
            "sector": "health",
            "status": "building",
            "planned_start": "2025-04-15",
            "planned_end": "2025-12-31",
            "budget_aid": wan(260),
            "budget_local": wan(40),
        },
        True,
    )
    b = row(
        4,
        "玛纳斯县塔西河乡特色林果产业园",
        None,
        None,
        "产业",
        "已完工",
        "2024.05.20",
        "2025.06.30",
        350,
        0,
        "刘某某",
        "已完工，待验收",
        {
            "donor_org": "SC-350400",
            "region": "652324",
            "sector": "industry",
            "status": "completed",
            "planned_start": "2024-05-20",
            "planned_end": "2025-06-30",
            "budget_aid": wan(350),
        },
        True,
    )
    c = row(
        5,
        "玛纳斯县医共体信息化建设",
        None,
        "玛纳斯县",
        "卫生",
        "已完工",
        D(2023, 3, 1),
        D(2025, 6, 30),
        1510,
        None,
        "刘某某",
        "已投入运行",
        {
            "donor_org": "SC-350400",
            "region": "652324",
            "sector": "health",
            "planned_start": "2023-03-01",
            "planned_end": "2025-06-30",
            "budget_aid": wan(1510),
        },
        False,
        existing="DEMO-FJ-2023-001",
    )
    s.merge(a, 3, c, 3)  # 实施单位 三明分指挥部 over three rows
    s.merge(a, 4, b, 4)  # 建设地点 玛纳斯县塔西河乡 over two rows
    section("（二）吉木萨尔县")
    d = row(
        6,
        "吉木萨尔县泉子街镇农村供水管网改造",
        "厦门分指挥部",
        "吉木萨尔县泉子街镇",
        "基础设施",
        "在建",
        D(2025, 5, 6),
        "2025年11月",
        420.5,
        80,
        "陈某某",
        "已完成管网铺设12公里",
        {
            "donor_org": "SC-350200",
            "region": "652327",
            "sector": "infrastructure",
            "status": "building",
            "planned_start": "2025-05-06",
            "planned_end": "2025-11-01",
            "budget_aid": wan(420.5),
            "budget_local": wan(80),
        },
        True,
    )
    e = row(
        7,
        "泉子街镇镇区道路及基础设施改造提升",
        None,
        None,
        "基础设施",
        "在建",
        D(2023, 4, 1),
        D(2025, 11, 30),
        300,
        750,
        "陈某某",
        "路砖铺装完成90%",
        {
            "donor_org": "SC-350200",
            "region": "652327",
            "sector": "infrastructure",
            "planned_start": "2023-04-01",
            "planned_end": "2025-11-30",
            "budget_aid": wan(300),
            "budget_local": wan(750),
        },
        True,
        existing="DEMO-FJ-2023-002",
    )
    s.merge(d, 3, e, 3)
    s.merge(d, 4, e, 4)
    section("（三）木垒县")
    row(
        8,
        "木垒县英格堡乡旅游公厕建设",
        "漳州分指挥部",
        "木垒县英格堡乡",
        "基础设施",
        "前期",
        2025.8,
        2025.11,
        95,
        0,
        "林某某",
        "正在办理用地手续",
        {
            "donor_org": "SC-350600",
            "region": "652328",
            "sector": "infrastructure",
            "status": "approved",
            "planned_start": "2025-08-01",
            "planned_end": "2025-11-01",
            "budget_aid": wan(95),
        },
        True,
    )
    n = s.line("说明：项目状态按填报说明填写；已完工项目请同步报送验收资料。")
    skipped.append({"row": n, "why": "说明"})
    n = s.line("填表人：            审核人：            联系电话：")
    skipped.append({"row": n, "why": "填表人/审核人"})
    created = [x for x in records if "name" in x["match"]]
    exp = expect(
        file=name + ".xlsx",
        kind="projects",
        **{"as": "demo-fujian"},
        sheet=None,
        set={},
        traits=[
            "several sheets, data not on the first (填报说明 first, 下拉选项 third)",
            "title row",
            "填报日期 line",
            "单位：万元 line",
            "two-row merged header",
            "section rows (一、州直项目 / 二、县市项目 / （一）玛纳斯县)",
            "merged fill-down (实施单位, 建设地点)",
            "town place",
            "sub-command short names",
            "office status words 前期/在建/已完工",
            "sector words",
            "cell with its own unit (300万元)",
            "text dates 2025年10月 / 2025/4/15 / 2024.05.20",
            "real date cells",
            "numeric 2025.8 dates",
            "extra columns 联系人/进展情况",
            "existing projects matched by name (unchanged)",
        ],
        mapping={
            "项目名称": "name",
            "实施单位": "donor_org",
            "建设地点": "region",
            "行业": "sector",
            "项目状态": "status",
            "开工时间": "planned_start",
            "计划完工时间": "planned_end",
            "资金安排（万元）/援疆资金": "budget_aid",
            "资金安排（万元）/地方配套": "budget_local",
        },
        ignored=["序号", "联系人", "进展情况"],
        skipped=sorted(skipped, key=lambda x: x["row"]),
        warn_rows=warn,
        counts={"create": len(created), "update": 0, "unchanged": len(unchanged)},
        totals={"budget_aid": f"{sum(Decimal(x['budget_aid']) for x in records):.2f}"},
        records=records,
        reading=(
            "The data is on the second sheet 项目进展; 填报说明 is prose and 下拉选项 holds the "
            "drop-down lists (not records). sheet is null on purpose: a clerk finds the table "
            "without being told. 实施单位 uses short names: 福建援疆工作队 is the short name of "
            "福建省援疆前方指挥部 (FC-350000), 三明/厦门/漳州分指挥部 are SC-350400/350200/350600. "
            "项目状态: 前期 = preliminary work on a project already in the plan → approved (立项); "
            "在建 → building; 已完工 → completed. 行业: 人才 → talent, 基础设施 → "
            "infrastructure. 建设地点 “昌吉州” is the prefecture 652300; town names resolve "
            "to their county with a warning (塔西河乡→玛纳斯县 652324, 泉子街镇→吉木萨尔县 "
            "652327, 英格堡乡→木垒哈萨克自治县 652328). Year-month dates (2025年10月, 2025年11月, "
            "2025.8, 2025.11) mean the 1st of the month and warn. “300万元” carries its own "
            "unit and means 3000000.00. 地方配套 0 means no local money (no budget line, "
            "same as blank). Two rows are demo projects matched by name: 玛纳斯县医共体信息化"
            "建设 (DEMO-FJ-2023-001) and 泉子街镇镇区道路及基础设施改造提升 (DEMO-FJ-2023-002); "
            "every value in the sheet equals the ledger, so they are unchanged — their 项目状态 "
            "(已完工 / 在建) is not compared because status only takes effect on creation; the "
            "second one warns only for its town place. 实施单位 is merged over the three 玛纳斯县 "
            "rows and over the two 吉木萨尔县 rows, 建设地点 over the two 塔西河乡 rows and the "
            "two 泉子街镇 rows. is_livelihood is not in the sheet (default false for new rows). "
            "计划年度 is not asserted (this is a progress table, not a plan): default = start year."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 03/04 fund transactions — 泉州 disbursement ledger, v1 and v2


LEDGER_V1 = [
    # (key, project name, date cell, 万元, 文号, 收款单位, 备注, expected date, warn, exists)
    (
        "a",
        "六工镇艾草种植基地",
        D(2025, 5, 10),
        240,
        None,
        "昌吉市六工镇人民政府",
        None,
        "2025-05-10",
        False,
        "DEMO-FJ-2025-001",
    ),
    (
        "b",
        "六工镇艾草种植基地",
        "2025/8/20",
        60,
        "昌财援〔2025〕12号",
        "昌吉市六工镇人民政府",
        "二期拨付",
        "2025-08-20",
        False,
        "DEMO-FJ-2025-001",
    ),
    (
        "c",
        "闽昌食品产业园基础设施提升改造",
        "2025.09.15",
        150,
        "昌财援〔2025〕18号",
        "昌吉市商务和工业信息化局",
        None,
        "2025-09-15",
        False,
        "DEMO-FJ-2025-003",
    ),
    (
        "d",
        "三工镇二工村幼儿园改扩建",
        D(2025, 8, 5),
        85.5,
        "昌财援〔2025〕15号",
        "昌吉市教育局",
        "预拨工程款",
        "2025-08-05",
        False,
        None,
    ),
    (
        "e",
        "三工镇卫生院医技综合楼设备购置",
        "2025.07.15",
        120,
        "昌财援〔2025〕11号",
        "昌吉市卫生健康委员会",
        None,
        "2025-07-15",
        False,
        None,
    ),
    (
        "f",
        "六工镇社区嵌入式服务设施",
        D(2025, 9, 28),
        45.8,
        "昌财援〔2025〕20号",
        "昌吉市民政局",
        None,
        "2025-09-28",
        False,
        None,
    ),
    (
        "g",
        "闽昌食品产业园标准化厂房（二期）",
        "2025年9月",
        300,
        "昌财援〔2025〕19号",
        "昌吉市商务和工业信息化局",
        None,
        "2025-09-01",
        True,
        None,
    ),
]


def ledger(version):
    rows = [list(x) for x in LEDGER_V1]
    if version == 2:
        rows[3][3] = 95.5  # d: the office corrects a typing slip, 85.5 → 95.5
        rows[1][6] = "第二笔拨付（二期工程款）"  # b: note edited
        rows.append(
            [
                "h",
                "昌吉市农副产品冷链物流中心",
                D(2025, 10, 20),
                200,
                "昌财援〔2025〕23号",
                "昌吉市商务和工业信息化局",
                "首笔拨付",
                "2025-10-20",
                False,
                None,
            ]
        )
    name = f"0{2 + version}-泉州分指挥部援疆资金拨付台账-v{version}"
    wb = Workbook()
    ws = wb.active
    ws.title = "拨付台账"
    s = Sheet(ws, 7)
    s.widths(6, 34, 14, 16, 22, 26, 26)
    s.line("福建援疆泉州分指挥部2025年援疆资金拨付台账", bold=True, size=16, align="center")
    r = s.line("填报单位：福建援疆泉州分指挥部", span=5)
    s.extra(r, 7, "单位：万元")
    s.put(
        ["序号", "项目名称", "拨付时间", "拨付金额（万元）", "拨付文号", "收款单位", "备注"],
        bold=True,
    )
    total = s.put([None, "合计", None, None, None, None, None], bold=True)
    skipped = [{"row": total, "why": "合计（公式）"}]
    records, warn, rownum = [], [], {}
    first = None
    for i, (key, pname, on, amount, ref, payee, note, iso, w, code) in enumerate(rows, 1):
        r = s.put([i, pname, on, amount, ref, payee, note])
        first = first or r
        rownum[key] = r
        if w:
            warn.append(r)
        ident = {"project": code} if code else {"project_name": pname}
        rec = {
            "match": {**ident, "kind": "disburse", "on": iso, "fund_source": "aid"},
            "project_name": pname,
            "fund_source": "aid",
            "kind": "disburse",
            "amount": wan(amount),
            "on": iso,
            "reference": ref or "",
            "note": note or "",
        }
        records.append(rec)
    ws.cell(total, 4, f"=SUM(D{first}:D{s.row})")
    n = s.line("注：本台账仅登记援疆资金拨付情况，地方配套资金另行登记。")
    skipped.append({"row": n, "why": "注"})
    n = s.line("经办人：赵某某        审核人：李某某")
    skipped.append({"row": n, "why": "经办人/审核人"})
    if version == 1:
        counts = {"create": 6, "update": 0, "unchanged": 1}
        after = ["01-泉州分指挥部2025年援疆项目计划表"]
        extra = (
            f"Row {rownum['a']} (六工镇艾草种植基地, 240万元 on 2025-05-10, no 文号, no 备注) is "
            "the demo disbursement already in the ledger (DEMO-FJ-2025-001, 2400000.00, "
            "2025-05-10): unchanged, not a second transaction. Projects 三工镇二工村幼儿园改扩建, "
            "三工镇卫生院医技综合楼设备购置, 六工镇社区嵌入式服务设施 and 闽昌食品产业园标准化"
            "厂房（二期） are created by case 01 (their codes are whatever that import gave them, "
            "so match uses project_name); 六工镇艾草种植基地 (DEMO-FJ-2025-001) and 闽昌食品产业园"
            "基础设施提升改造 (DEMO-FJ-2025-003) are demo projects of 泉州分指挥部."
        )
    else:
        counts = {"create": 1, "update": 2, "unchanged": 5}
        after = ["01-泉州分指挥部2025年援疆项目计划表", "03-泉州分指挥部援疆资金拨付台账-v1"]
        extra = (
            "v2 is v1 after the office's corrections and is imported after v1. "
            f"Row {rownum['d']}: the amount was a typing slip in v1 (85.5) and is 95.5 in v2 — "
            "the same disbursement (same project, date 2025-08-05, 文号 昌财援〔2025〕15号); "
            "re-importing must correct the existing transaction's amount to 955000.00, leaving "
            "exactly one transaction for 三工镇二工村幼儿园改扩建 on 2025-08-05 (an update, "
            "recorded as an import correction), not add a second one. "
            f"Row {rownum['b']}: 备注 edited from 二期拨付 to 第二笔拨付（二期工程款） → note "
            f"correction of the existing transaction (update). Row {rownum['h']} is new "
            "(昌吉市农副产品冷链物流中心, created by case 01) → create. The other five rows are "
            f"as in v1 → unchanged (row {rownum['a']} is the demo transaction)."
        )
    exp = expect(
        file=name + ".xlsx",
        kind="fund_transactions",
        **{"as": "demo-quanzhou"},
        after=after,
        set={"资金来源": "援疆资金", "类型": "拨付"},
        traits=[
            "title row",
            "填报单位 line",
            "单位：万元 line",
            "万元 header",
            "projects named, not coded",
            "合计 row on top (formula)",
            "text dates 2025/8/20 / 2025.09.15 / 2025年9月",
            "real date cells",
            "extra column 收款单位",
            "注 row",
            "经办人/审核人 row",
            "correction pair" + (" (v2)" if version == 2 else " (v1)"),
        ],
        mapping={
            "项目名称": "project",
            "拨付时间": "on",
            "拨付金额（万元）": "amount",
            "拨付文号": "reference",
            "备注": "note",
        },
        ignored=["序号", "收款单位"],
        skipped=skipped,
        warn_rows=warn,
        counts=counts,
        totals={"amount": f"{sum(Decimal(x['amount']) for x in records):.2f}"},
        records=records,
        reading=(
            "A 拨付台账 lists disbursements (类型 拨付 → disburse); the 注 row says it holds "
            "援疆资金 only (资金来源 → aid); neither has a column, hence set. Projects are named "
            "(项目名称), resolved within 泉州分指挥部's projects. Amounts are 万元 "
            "(85.5 → 855000.00). “2025年9月” is a year-month → 2025-09-01 with a warning. "
            "The 合计 row (formula) is not a transaction. " + extra
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 05 fund transactions — WPS CSV export (GB18030, CRLF)


def case_05():
    name = "05-福建前指援疆资金拨付明细-WPS导出"
    header = [
        "序号",
        "实施单位",
        "项目名称",
        "资金性质",
        "拨付金额（万元）",
        "拨付日期",
        "拨付文号",
        "备注",
    ]
    data = [
        (
            "三明分指挥部",
            "玛纳斯县塔西河乡卫生院提升改造",
            "援疆资金",
            "130",
            "2025/6/18",
            "明援指〔2025〕3号",
            "",
            None,
            "aid",
            "2025-06-18",
        ),
        (
            "三明分指挥部",
            "玛纳斯县塔西河乡特色林果产业园",
            "援疆资金",
            "350",
            "2024/9/30",
            "明援指〔2024〕21号",
            "一次性拨付",
            None,
            "aid",
            "2024-09-30",
        ),
        (
            "厦门分指挥部",
            "泉子街镇镇区道路及基础设施改造提升",
            "地方配套",
            "150",
            "2025/8/12",
            "吉财〔2025〕56号",
            "配套资金第二笔",
            "DEMO-FJ-2023-002",
            "local",
            "2025-08-12",
        ),
        (
            "厦门分指挥部",
            "吉木萨尔县泉子街镇农村供水管网改造",
            "援疆资金",
            "210.25",
            "2025.7.22",
            "厦援指〔2025〕9号",
            "",
            None,
            "aid",
            "2025-07-22",
        ),
        (
            "泉州分指挥部",
            "昌吉市农特产品外销门店补贴",
            "援疆资金",
            "1",
            "2025/10/15",
            "昌财援〔2025〕22号",
            "尾款",
            "DEMO-FJ-2025-004",
            "aid",
            "2025-10-15",
        ),
        (
            "福建援疆工作队",
            "昌吉州中小学智慧教室建设",
            "援疆资金",
            "240",
            "2025/10/28",
            "闽援指〔2025〕31号",
            "预付款",
            None,
            "aid",
            "2025-10-28",
        ),
        (
            "福建援疆工作队",
            "昌吉州福建援疆人才公寓改造",
            "援疆资金",
            "150",
            "2025/6/30",
            "闽援指〔2025〕17号",
            "",
            None,
            "aid",
            "2025-06-30",
        ),
    ]
    lines = [
        ["福建省援疆前方指挥部2025年援疆资金拨付明细表"] + [""] * 7,
        ["单位：万元"] + [""] * 6 + ["导出时间：2025-10-31 17:42"],
        header,
    ]
    records = []
    for i, (unit, pname, src, amount, on, ref, note, code, fs, iso) in enumerate(data, 1):
        lines.append([str(i), unit, pname, src, amount, on, ref, note])
        ident = {"project": code} if code else {"project_name": pname}
        rec = {
            "match": {**ident, "kind": "disburse", "on": iso, "fund_source": fs},
            "project_name": pname,
            "fund_source": fs,
            "kind": "disburse",
            "amount": wan(amount),
            "on": iso,
            "reference": ref,
            "note": note,
        }
        records.append(rec)
    true_total = sum(Decimal(x[3]) for x in data)
    aid_total = sum(Decimal(x[3]) for x in data if x[2] == "援疆资金")
    local_total = f"{(true_total - aid_total).normalize():f}"
    assert true_total == Decimal("1231.25")
    first_data = 4
    total_row = first_data + len(data)
    lines.append(["合计", "", "", "", "1321.25", "", "", ""])  # typing slip: 1231.25
    lines.append(["其中：援疆资金", "", "", "", f"{aid_total}", "", "", ""])
    lines.append(["其中：地方配套", "", "", "", f"{local_total}", "", "", ""])
    lines.append(["填表人：", "", "", "审核人：", "", "", "", ""])
    text = "\r\n".join(",".join(cells) for cells in lines) + "\r\n"
    exp = expect(
        file=name + ".csv",
        kind="fund_transactions",
        **{"as": "demo-fujian"},
        after=["02-福建前指2025年援疆项目进展情况表"],
        set={"类型": "拨付"},
        traits=[
            "WPS CSV export",
            "GB18030",
            "CRLF",
            "title line before header",
            "单位：万元 line",
            "万元 header",
            "projects named, not coded",
            "资金性质 column (援疆资金/地方配套)",
            "合计 typed with a slip",
            "其中：… rows",
            "text dates 2025/6/18 / 2025.7.22",
            "extra column 实施单位",
            "填表人/审核人 row",
        ],
        mapping={
            "项目名称": "project",
            "资金性质": "fund_source",
            "拨付金额（万元）": "amount",
            "拨付日期": "on",
            "拨付文号": "reference",
            "备注": "note",
        },
        ignored=["序号", "实施单位", "导出时间"],
        skipped=[
            {"row": total_row, "why": "合计（与明细不符：写作1321.25，明细合计1231.25）"},
            {"row": total_row + 1, "why": "其中：援疆资金"},
            {"row": total_row + 2, "why": "其中：地方配套"},
            {"row": total_row + 3, "why": "填表人/审核人"},
        ],
        warn_rows=[total_row],
        counts={"create": 7, "update": 0, "unchanged": 0},
        totals={"amount": f"{true_total * 10000:.2f}"},
        records=records,
        reading=(
            "Encoded GB18030 with CRLF, as WPS exports; line 1 is the title, line 2 the unit, "
            "line 3 the header. A 拨付明细 lists disbursements (类型 → disburse, hence set); "
            "资金性质 gives the fund source (援疆资金 → aid, 地方配套 → local). Projects are "
            "named: 玛纳斯县塔西河乡卫生院提升改造, 玛纳斯县塔西河乡特色林果产业园, 吉木萨尔县"
            "泉子街镇农村供水管网改造, 昌吉州中小学智慧教室建设 and 昌吉州福建援疆人才公寓改造 "
            "are created by case 02; 泉子街镇镇区道路及基础设施改造提升 (DEMO-FJ-2023-002) and "
            "昌吉市农特产品外销门店补贴 (DEMO-FJ-2025-004) are demo projects; all lie in the "
            "front command's subtree. 实施单位 only repeats who runs the project and is ignored. "
            f"The sheet's own 合计 (line {total_row}) says 1321.25 but the rows add up to "
            "1231.25 (两位数字颠倒的笔误): the importer should warn on that line and never import "
            "a total; the 其中 lines (1081.25 援疆资金, 150 地方配套) agree with the rows. "
            "“2025.7.22” is a full date (2025-07-22), not a year-month. 210.25万元 = 2102500.00."
        ),
    )
    return name + ".csv", text, exp


# ---------------------------------------------------------------------------------------
# 06 deals — 泉州 investment ledger, two sheets with data


def case_06():
    name = "06-泉州分指挥部招商引资项目台账"
    wb = Workbook()
    old = wb.active
    old.title = "2024年"
    ws = wb.create_sheet("2025年")
    heads1 = [
        "序号",
        "项目名称",
        "招商企业",
        "行业",
        "落户地",
        "投资额（亿元）",
        None,
        "项目进展",
        "时间节点",
        None,
        None,
        None,
        "预计带动就业（人）",
        "对接人",
        "备注",
    ]
    heads2 = [None] * 5 + [
        "计划投资",
        "签约金额",
        None,
        "对接时间",
        "签约时间",
        "开工时间",
        "投产时间",
        None,
        None,
        None,
    ]

    def frame(s, title):
        s.widths(6, 30, 28, 12, 18, 10, 10, 10, 12, 12, 12, 12, 12, 10, 24)
        s.line(title, bold=True, size=16, align="center")
        r = s.line("填报单位：福建援疆泉州分指挥部", span=6)
        s.extra(r, 9, "截至2025年10月31日")
        s.extra(r, 14, "单位：亿元、人")
        h1 = s.put(heads1, bold=True)
        h2 = s.put(heads2, bold=True)
        for cc in (1, 2, 3, 4, 5, 8, 13, 14, 15):
            s.merge(h1, cc, h2, cc)
        s.merge(h1, 6, h1, 7)
        s.merge(h1, 9, h1, 12)

    s0 = Sheet(old, 15)
    frame(s0, "福建援疆泉州分指挥部2024年招商引资项目台账")
    for i, (n, e, ind, p, pl, sg, st, d1, d2, d3, d4, jobs) in enumerate(
        [
            (
                "昌吉市番茄制品项目（示例1）",
                "泉州示例企业番茄制品1",
                "农产品加工",
                "昌吉市",
                2.4,
                2.4,
                "已投产",
                2024.3,
                D(2024, 5, 20),
                D(2024, 7, 1),
                D(2024, 12, 10),
                200,
            ),
            (
                "昌吉市光伏支架项目（示例2）",
                "泉州示例企业光伏支架2",
                "新能源",
                "昌吉市",
                2.4,
                2.4,
                "已投产",
                2024.4,
                D(2024, 6, 18),
                D(2024, 8, 8),
                D(2025, 3, 1),
                150,
            ),
            (
                "昌吉市服装加工项目（示例6）",
                "泉州示例企业服装加工6",
                "纺织服装",
                "昌吉市",
                2.4,
                2.4,
                "已开工",
                2024.6,
                D(2024, 9, 9),
                D(2024, 11, 1),
                None,
                300,
            ),
        ],
        1,
    ):
        s0.put([i, n, e, ind, p, pl, sg, st, d1, d2, d3, d4, jobs, "王某某", None])

    s = Sheet(ws, 15)
    frame(s, "福建援疆泉州分指挥部2025年招商引资项目台账")
    records, warn = [], []
    first = None

    def deal(
        no,
        dname,
        ent,
        ind,
        place,
        planned,
        signed,
        stage,
        d_contact,
        d_sign,
        d_start,
        d_prod,
        jobs,
        person,
        note,
        rec,
        warned,
    ):
        nonlocal first
        r = s.put(
            [
                no,
                dname,
                ent,
                ind,
                place,
                planned,
                signed,
                stage,
                d_contact,
                d_sign,
                d_start,
                d_prod,
                jobs,
                person,
                note,
            ]
        )
        first = first or r
        out = {
            "match": {"name": dname},
            "name": dname,
            "enterprise": ent,
            "industry": ind,
            "donor_org": "SC-350500",
            "planned_investment": yi(planned),
            "jobs_expected": jobs,
            **rec,
        }
        if signed is not None:
            out["signed_amount"] = yi(signed)
        records.append(out)
        if warned:
            warn.append(r)

    deal(
        1,
        "昌吉市鲜食玉米精深加工项目",
        "福建示例闽昌食品有限公司",
        "农产品加工",
        "昌吉市",
        1.2,
        1.2,
        "已投产",
        2024.11,
        D(2025, 1, 15),
        D(2025, 3, 10),
        "2025年9月",
        300,
        "王某某",
        None,
        {"region": "652301", "stage": "producing", "stage_date": "2025-09-01"},
        True,
    )
    deal(
        2,
        "昌吉市新能源储能设备制造项目",
        "福建示例储能科技有限公司",
        "新能源",
        "昌吉市大西渠镇",
        5,
        3.5,
        "已开工",
        2025.2,
        D(2025, 4, 18),
        "2025/6/20",
        None,
        450,
        "王某某",
        "一期投资3.5亿元",
        {"region": "652301", "stage": "started", "stage_date": "2025-06-20"},
        True,
    )
    deal(
        3,
        "昌吉市预制菜中央厨房项目",
        "泉州示例餐饮管理有限公司",
        "食品加工",
        "昌吉市",
        0.8,
        0.8,
        "已签约",
        2025.5,
        D(2025, 7, 28),
        None,
        None,
        120,
        "陈某某",
        None,
        {"region": "652301", "stage": "signed", "stage_date": "2025-07-28"},
        False,
    )
    deal(
        4,
        "昌吉市纺织服装产业园项目",
        "福建示例纺织集团有限公司",
        "纺织服装",
        "昌吉市榆树沟镇",
        10,
        None,
        "在谈",
        2025.1,
        None,
        None,
        None,
        2000,
        "陈某某",
        "10月赴泉州对接洽谈，拟年底前签约",
        {"region": "652301", "stage": "negotiating", "stage_date": "2025-10-01"},
        True,
    )
    deal(
        5,
        "昌吉市跨境电商直播基地项目",
        "泉州示例电子商务有限公司",
        "电子商务",
        "昌吉市",
        0.3,
        0.3,
        "已签约",
        2025.3,
        "2025.06.08",
        None,
        None,
        80,
        "陈某某",
        None,
        {"region": "652301", "stage": "signed", "stage_date": "2025-06-08"},
        False,
    )
    deal(
        6,
        "昌吉市石材加工项目",
        "福建示例石业有限公司",
        "建材",
        "昌吉市硫磺沟镇",
        2,
        None,
        "在谈",
        D(2025, 8, 12),
        None,
        None,
        None,
        150,
        "王某某",
        None,
        {"region": "652301", "stage": "negotiating", "stage_date": "2025-08-12"},
        True,
    )
    last = s.row
    total = s.put(
        [
            None,
            "合计",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        bold=True,
    )
    for cc in (6, 7, 13):
        L = col(cc)
        ws.cell(total, cc, f"=SUM({L}{first}:{L}{last})")
    n = s.line(
        "注：1.投资额单位为亿元；2.项目进展填写：在谈、已签约、已开工、已投产；"
        "3.时间节点填写到日，暂不确定的填写到月。"
    )
    exp = expect(
        file=name + ".xlsx",
        kind="deals",
        **{"as": "demo-quanzhou"},
        sheet="2025年",
        traits=[
            "two sheets with data (import 2025年, the second sheet)",
            "title row",
            "填报单位 line",
            "单位：亿元 line",
            "亿元 header",
            "two-row merged header",
            "序号 merged vertically",
            "office stage words 已投产/已开工/已签约/在谈",
            "milestone date columns (时间节点)",
            "numeric 2025.2 dates",
            "2025.10 stored as 2025.1",
            "text dates 2025年9月 / 2025/6/20 / 2025.06.08",
            "real date cells",
            "town place",
            "合计 row (formula)",
            "注 row",
            "extra columns 对接人/备注",
            "no deal code",
        ],
        mapping={
            "项目名称": "name",
            "招商企业": "enterprise",
            "行业": "industry",
            "落户地": "region",
            "投资额（亿元）/计划投资": "planned_investment",
            "投资额（亿元）/签约金额": "signed_amount",
            "项目进展": "stage",
            "时间节点/对接时间|签约时间|开工时间|投产时间": "stage_date",
            "预计带动就业（人）": "jobs_expected",
            "填报单位：（表头行）": "donor_org",
        },
        ignored=["序号", "对接人", "备注"],
        skipped=[{"row": total, "why": "合计（公式）"}, {"row": n, "why": "注"}],
        warn_rows=warn,
        counts={"create": 6, "update": 0, "unchanged": 0},
        totals={
            "planned_investment": f"{sum(Decimal(x['planned_investment']) for x in records):.2f}",
            "signed_amount": f"{sum(Decimal(x.get('signed_amount', '0')) for x in records):.2f}",
        },
        records=records,
        reading=(
            "Import the sheet 2025年 (the second sheet); the first sheet 2024年 has the same "
            "layout and three older deals that are not part of this import. 引进援疆机构 is the "
            "填报单位 泉州分指挥部 (SC-350500). Amounts are 亿元 (3.5 → 350000000.00). 项目进展: "
            "已投产 → producing, 已开工 → started, 已签约 → signed, 在谈 → negotiating. 阶段日期 is "
            "the date of the milestone column matching the stage (投产时间 for 已投产, 开工时间 "
            "for 已开工, 签约时间 for 已签约, 对接时间 for 在谈); the other milestone dates are "
            "history and not imported (签约日期 is export-only). Row 1 投产时间 “2025年9月” is a "
            "year-month → 2025-09-01 (warn). Row 4 对接时间 shows 2025.1 (typed 2025.10): 备注 "
            "says 10月赴泉州对接洽谈 and the deal is still 在谈 at 2025-10-31 → 2025-10-01 (warn). "
            "落户地 towns (大西渠镇, 榆树沟镇, 硫磺沟镇) are in 昌吉市 → 652301 with a warning. "
            "在谈 deals have no 签约金额 (blank, not zero). Earlier milestone cells typed as "
            "year-month numbers (2024.11, 2025.2, 2025.5 …) are history, not the stage date; they "
            "do not by themselves make a row warn. The rows that warn do so for a town place "
            "(序号 2, 4, 6) or a year-month stage date (序号 1, 4)."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 07 funds in place — 封面 first, data on the second sheet, 亿元


def case_07():
    name = "07-福建前指招商引资到位资金统计表"
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    cover.merge_cells("A3:H3")
    cover["A3"] = "福建省援疆前方指挥部"
    cover["A3"].font = Font(name=SONG, size=22, bold=True)
    cover.merge_cells("A5:H5")
    cover["A5"] = "2025年招商引资到位资金统计表"
    cover["A5"].font = Font(name=SONG, size=18, bold=True)
    cover["C9"] = "报送单位：福建省援疆前方指挥部招商组"
    cover["C10"] = "报送日期：2025年11月5日"
    ws = wb.create_sheet("到位资金")
    s = Sheet(ws, 10)
    s.widths(6, 32, 26, 14, 12, 12, 12, 14, 20, 20)
    s.line("福建省援疆前方指挥部2025年招商引资到位资金统计表", bold=True, size=16, align="center")
    r = s.line("统计截止：2025年10月31日", span=7)
    s.extra(r, 10, "单位：亿元")
    s.put(
        [
            "序号",
            "项目名称",
            "投资企业",
            "引进单位",
            "落户地",
            "签约金额（亿元）",
            "到位资金（亿元）",
            "到位时间",
            "凭证号",
            "备注",
        ],
        bold=True,
    )
    skipped, records, warn = [], [], []
    first = None

    def section(t):
        r = s.put([t] + [None] * 9, bold=True)
        s.merge(r, 1, r, 10)
        skipped.append({"row": r, "why": "分组标题"})

    def row(no, dname, ent, unit, place, signed, amount, on, ref, note, code, iso, warned):
        nonlocal first
        r = s.put([no, dname, ent, unit, place, signed, amount, on, ref, note])
        first = first or r
        records.append(
            {
                "match": {"deal": code, "on": iso, "amount": yi(amount)},
                "deal": code,
                "deal_name": dname,
                "amount": yi(amount),
                "on": iso,
                "reference": ref or "",
                "note": note or "",
            }
        )
        if warned:
            warn.append(r)

    section("一、泉州分指挥部")
    row(
        1,
        "昌吉市番茄制品项目（示例1）",
        "泉州示例企业番茄制品1",
        "泉州分指挥部",
        "昌吉市",
        2.4,
        0.3,
        D(2025, 10, 15),
        "DZ-QZ-2025-0187",
        None,
        "DEMO-DL-QZ-2025-01",
        "2025-10-15",
        False,
    )
    row(
        2,
        "昌吉市光伏支架项目（示例2）",
        "泉州示例企业光伏支架2",
        "泉州分指挥部",
        "昌吉市",
        2.4,
        0.45,
        "2025年8月",
        "DZ-QZ-2025-0142",
        "二期设备款",
        "DEMO-DL-QZ-2025-02",
        "2025-08-01",
        True,
    )
    row(
        3,
        "昌吉市牛羊肉加工项目（示例4）",
        "泉州示例企业牛羊肉加工4",
        "泉州分指挥部",
        "昌吉市",
        2.4,
        0.125,
        "2025/9/30",
        None,
        None,
        "DEMO-DL-QZ-2025-04",
        "2025-09-30",
        False,
    )
    section("二、漳州分指挥部")
    a = row(
        4,
        "连续玄武岩纤维高端装备制造生产线",
        "木垒玄武岩纤维示例企业",
        "漳州分指挥部",
        "木垒县",
        3,
        0.35,
        2025.6,
        "DZ-ZZ-2025-031",
        None,
        "DEMO-DL-ZZ-2024-01",
        "2025-06-01",
        True,
    )
    row(
        5,
        "连续玄武岩纤维高端装备制造生产线",
        "木垒玄武岩纤维示例企业",
        "漳州分指挥部",
        "木垒县",
        3,
        0.2,
        D(2025, 9, 20),
        "DZ-ZZ-2025-047",
        "第二笔",
        "DEMO-DL-ZZ-2024-01",
        "2025-09-20",
        False,
    )
    section("三、前方指挥部")
    row(
        6,
        "准东煤化工产业链延链项目（示例）",
        "福建示例能源化工企业",
        "福建援疆工作队",
        "昌吉州",
        208.25,
        12.5,
        D(2025, 7, 31),
        "DZ-FJ-2025-002",
        None,
        "DEMO-DL-FJ-2025-01",
        "2025-07-31",
        False,
    )
    last = s.row
    total = s.put([None, "合计", None, None, None, None, None, None, None, None], bold=True)
    ws.cell(total, 7, f"=SUM(G{first}:G{last})")
    ws.cell(total, 6, f"=SUM(F{first}:F{last})")
    skipped.append({"row": total, "why": "合计（公式）"})
    n = s.line("说明：到位资金以企业银行账户实际到账为准；同一项目多笔到位分行填写。")
    skipped.append({"row": n, "why": "说明"})
    exp = expect(
        file=name + ".xlsx",
        kind="funds_in_place",
        **{"as": "demo-fujian"},
        sheet=None,
        traits=[
            "several sheets, data not on the first (封面 first)",
            "title row",
            "date line",
            "单位：亿元 line",
            "亿元 header",
            "deals named, not coded",
            "section rows",
            "numeric 2025.6 dates",
            "text dates 2025年8月 / 2025/9/30",
            "real date cells",
            "two rows for one deal",
            "合计 row (formula)",
            "说明 row",
            "extra columns 投资企业/引进单位/落户地/签约金额",
        ],
        mapping={
            "项目名称": "deal",
            "到位资金（亿元）": "amount",
            "到位时间": "on",
            "凭证号": "reference",
            "备注": "note",
        },
        ignored=["序号", "投资企业", "引进单位", "落户地", "签约金额（亿元）"],
        skipped=skipped,
        warn_rows=warn,
        counts={"create": 6, "update": 0, "unchanged": 0},
        totals={"amount": f"{sum(Decimal(x['amount']) for x in records):.2f}"},
        records=records,
        reading=(
            "The data is on the second sheet 到位资金; 封面 is a cover page. sheet is null on "
            "purpose. Deals are named (项目名称) and all exist in the demo data within the front "
            "command's subtree; 投资企业 confirms the match. Amounts are 亿元: 0.125亿元 = "
            "12500000.00, 12.5亿元 = 1250000000.00. Two rows are two tranches for the same "
            "deal (DEMO-DL-ZZ-2024-01) on different dates: two records. Cumulative funds stay "
            "within the signed amount for every deal (e.g. 玄武岩: 2.1 already + 0.35 + 0.2 = "
            "2.65 ≤ 3), so 确认超过签约金额 is not needed. Year-months (2025年8月, 2025.6) → 1st "
            "of the month, with a warning. The 合计 row's 签约金额 sum double-counts the "
            "玄武岩 deal (a habit of the sheet, not imported)."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 08 batches — the batch that case 09 names in its title


def case_08():
    name = "08-福建省援疆干部人才选派批次情况表"
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    s = Sheet(ws, 7)
    s.widths(6, 24, 8, 28, 10, 8, 24)
    s.line("福建省援疆干部人才选派批次情况表", bold=True, size=16, align="center")
    s.put(["序号", "批次", "类别", "援疆时间", "受援地", "人数", "备注"], bold=True)
    r1 = s.put([1, "第十批", "长期", "2020.02—2023.02", "昌吉州", 179, "已期满轮换"])
    r2 = s.put([2, "第十一批", "长期", "2023.02—2026.02", "昌吉州", 186, None])
    r3 = s.put(
        [
            3,
            "2025年第一批柔性援疆",
            "柔性",
            "2025.4.1—2025.6.30",
            "昌吉州",
            32,
            "医疗、教育柔性人才",
        ]
    )
    tot = s.put([None, "合计", None, None, None, None, None], bold=True)
    ws.cell(tot, 6, f"=SUM(F{r1}:F{r3})")
    records = [
        {
            "match": {"donor_org": "FC-350000", "name": "第十批"},
            "donor_org": "FC-350000",
            "number": 10,
            "name": "第十批",
            "term": "long_term",
            "region": "652300",
            "term_start": "2020-02-01",
            "term_end": "2023-02-01",
            "note": "已期满轮换",
        },
        {
            "match": {"donor_org": "FC-350000", "name": "第十一批"},
            "donor_org": "FC-350000",
            "number": 11,
            "name": "第十一批",
            "term": "long_term",
            "region": "652300",
            "term_start": "2023-02-01",
            "term_end": "2026-02-01",
            "note": "",
        },
        {
            "match": {"donor_org": "FC-350000", "name": "2025年第一批柔性援疆"},
            "donor_org": "FC-350000",
            "number": 1,
            "name": "2025年第一批柔性援疆",
            "term": "short_term",
            "region": "652300",
            "term_start": "2025-04-01",
            "term_end": "2025-06-30",
            "note": "医疗、教育柔性人才",
        },
    ]
    exp = expect(
        file=name + ".xlsx",
        kind="batches",
        **{"as": "demo-fujian"},
        set={"选派机构": "福建省援疆前方指挥部"},
        traits=[
            "title row",
            "batch number in Chinese numerals (第十一批)",
            "date range in one cell (2023.02—2026.02)",
            "office words 长期/柔性",
            "合计 row (formula)",
            "extra column 人数",
        ],
        mapping={
            "批次": "number + name",
            "类别": "term",
            "援疆时间": "term_start + term_end",
            "受援地": "region",
            "备注": "note",
        },
        ignored=["序号", "人数"],
        skipped=[{"row": tot, "why": "合计（公式）"}],
        warn_rows=[r1, r2],
        counts={"create": 3, "update": 0, "unchanged": 0},
        totals={},
        records=records,
        reading=(
            "Needed so that case 09 can name its batch: the demo data has no 第十一批 of the "
            "Fujian front command. The title says 福建省; the selecting organisation in the "
            "ledger is the front command FC-350000 (no column, hence set). 批次 “第十一批” is "
            "both the name (kept as written, in Chinese numerals) and number 11; "
            "“2025年第一批柔性援疆” has number 1. 类别: 长期 → long_term, 柔性 → short_term. "
            "援疆时间 holds start—end in one cell; year-months (2023.02) mean the 1st and warn "
            "(rows of 第十批 and 第十一批); 2025.4.1—2025.6.30 are full dates. 人数 is not stored."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 09 members — legacy .xls roster, batch only in the title


def id_number(prefix17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    checks = "10X98765432"
    total = sum(int(c) * w for c, w in zip(prefix17, weights))
    return prefix17 + checks[total % 11]


def id_ending(prefix14: str, want_x: bool) -> str:
    """An 18-digit number from a 14-digit prefix; ends in X when want_x, else in a digit."""
    for seq in range(100, 1000):
        full = id_number(prefix14 + f"{seq:03d}")
        if full.endswith("X") == want_x:
            return full
    raise ValueError(prefix14)


def case_09():
    name = "09-福建省第十一批援疆干部人才花名册"
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    s = Sheet(ws, 12)
    s.widths(6, 10, 6, 6, 10, 10, 22, 28, 30, 10, 14, 22)
    s.line("福建省第十一批援疆干部人才花名册", bold=True, size=16, align="center")
    r = s.line("填报单位：福建省援疆前方指挥部", span=8)
    s.extra(r, 10, "填报日期：2025年3月1日")
    s.put(
        [
            "序号",
            "姓名",
            "性别",
            "民族",
            "出生年月",
            "政治面貌",
            "身份证号",
            "派出单位",
            "挂职单位及职务",
            "人员类别",
            "联系电话",
            "备注",
        ],
        bold=True,
    )
    skipped, records, warn = [], [], []

    def section(t):
        r = s.put([t] + [None] * 11, bold=True)
        s.merge(r, 1, r, 12)
        skipped.append({"row": r, "why": "分组标题"})

    people = []

    def person(
        no,
        pname,
        sex,
        nation,
        born,
        party,
        idn,
        home,
        host_post,
        cat,
        phone,
        note,
        rec,
        warned=False,
    ):
        r = s.put([no, pname, sex, nation, born, party, idn, home, host_post, cat, phone, note])
        s.fmt(r, 7, "@")
        s.fmt(r, 11, "@")
        host, post = host_post.split(" ", 1)
        out = {
            "match": {"donor_org": "FC-350000", "batch": "第十一批", "name": pname},
            "donor_org": "FC-350000",
            "batch": "第十一批",
            "name": pname,
            "sex": {"男": "male", "女": "female"}[sex],
            "home_organisation": home,
            "host_org_name": host,
            "post": post,
            "phone": phone,
            "id_number": idn.upper(),
            "note": note or "",
            **rec,
        }
        records.append(out)
        people.append(r)
        if warned:
            warn.append(r)
        return r

    ids = [
        id_ending("35050219820515", False),
        id_ending("35010219851108", False),
        id_ending("35010219780321", False),
        id_ending("35020319870604", False),
        id_ending("35040219800917", True),
        id_ending("35060219900228", False),
        id_ending("35010219760812", False),
    ]
    section("一、党政干部")
    person(
        1,
        "陈某明",
        "男",
        "汉族",
        "1982.05",
        "中共党员",
        ids[0],
        "泉州市发展和改革委员会",
        "昌吉市人民政府 副市长",
        "干部",
        "13800000001",
        "泉州分指挥部指挥长",
        {"category": "cadre", "region": "652301"},
    )
    person(
        2,
        "林某华",
        "女",
        "汉族",
        "1985.11",
        "中共党员",
        ids[1],
        "福建省卫生健康委员会",
        "昌吉州卫生健康委员会 副主任",
        "干部",
        "13800000002",
        None,
        {"category": "cadre", "region": "652300"},
    )
    section("二、专业技术人才")
    person(
        3,
        "黄某平",
        "男",
        "汉族",
        "1978.03",
        "中共党员",
        ids[2],
        "福建医科大学附属协和医院",
        "昌吉州人民医院 副院长",
        "医疗人才",
        "13800000003",
        None,
        {"category": "doctor", "region": "652300"},
    )
    person(
        4,
        "吴某玲",
        "女",
        "畲族",
        "1987.06",
        "群众",
        ids[3],
        "厦门市第一中学",
        "吉木萨尔县第一中学 副校长",
        "教师",
        "13800000004",
        None,
        {"category": "teacher", "region": "652327"},
    )
    rx = person(
        5,
        "郑某强",
        "男",
        "汉族",
        "1980.09",
        "中共党员",
        ids[4].lower(),
        "三明市第一医院",
        "玛纳斯县人民医院 骨科主任",
        "医疗人才",
        "13800000005",
        None,
        {"category": "doctor", "region": "652324"},
    )
    person(
        6,
        "许某芳",
        "女",
        "汉族",
        "1990.02",
        "中共党员",
        ids[5],
        "漳州市农业科学研究院",
        "木垒县农业技术推广中心 副主任",
        "专技人才",
        "13800000006",
        None,
        {"category": "technician", "region": "652328"},
    )
    section("三、柔性援疆人才")
    rf = person(
        7,
        "蔡某",
        "男",
        "汉族",
        "1976.08",
        "民盟盟员",
        ids[6],
        "福建省立医院",
        "昌吉市人民医院 心内科柔性援疆专家",
        "柔性",
        "13800000007",
        "柔性援疆3个月",
        {"category": "doctor", "region": "652301"},
        warned=True,
    )
    n = s.line("注：身份证号、联系电话等个人信息仅限工作使用，不得外传。")
    skipped.append({"row": n, "why": "注"})
    exp = expect(
        file=name + ".xls",
        kind="members",
        **{"as": "demo-fujian"},
        after=["08-福建省援疆干部人才选派批次情况表"],
        set={"选派机构": "福建省援疆前方指挥部"},
        traits=[
            "legacy .xls (BIFF8, LibreOffice-saved)",
            "title row naming the batch",
            "填报单位 line",
            "填报日期 line",
            "section rows",
            "service place only inside 挂职单位及职务",
            "18-digit ID ending in lower-case x",
            "ID and phone as text",
            "office category words 干部/医疗人才/教师/专技人才/柔性",
            "extra columns 民族/出生年月/政治面貌",
        ],
        mapping={
            "姓名": "name",
            "性别": "sex",
            "身份证号": "id_number",
            "派出单位": "home_organisation",
            "挂职单位及职务": "host_org_name + post + region",
            "人员类别": "category",
            "联系电话": "phone",
            "备注": "note",
            "标题“福建省第十一批…花名册”": "batch",
        },
        ignored=["序号", "民族", "出生年月", "政治面貌"],
        skipped=skipped,
        warn_rows=warn,
        counts={"create": 7, "update": 0, "unchanged": 0},
        totals={},
        records=records,
        reading=(
            "The batch appears only in the title: every person belongs to 第十一批 of the front "
            "command (created by case 08); the 选派机构 is FC-350000 (no column, hence set; "
            "the batch belongs to it). 挂职单位及职务 holds the host unit and the post separated "
            "by a space (“昌吉州人民医院 副院长” → host_org_name 昌吉州人民医院, post 副院长); the "
            "service place (服务地) is read from the host unit's name: 昌吉市… → 652301, 昌吉州… "
            "(州直单位, incl. 昌吉州人民医院) → the prefecture 652300, 吉木萨尔县… → 652327, "
            "玛纳斯县… → 652324, 木垒县… → 652328. Note the demo data places members of "
            "昌吉州人民医院 at 昌吉市 652301; this expectation reads 州直 units as the prefecture. "
            "人员类别: 干部 → cadre, 医疗人才 → doctor, 教师 → teacher, 专技人才 → technician. "
            f"Row {rf}: 柔性 is a term (柔性援疆), not a category; the person is a hospital "
            "doctor serving as a 柔性援疆专家, so category doctor — warn. He is listed in this "
            f"batch's roster, so batch 第十一批. Row {rx}: the ID ends in a lower-case x; it is "
            "the same number as with X, stored in the canonical upper-case form. All ID and "
            "phone numbers are invented (checksums valid, phones 1380000000N). 备注 is the "
            "member's note (泉州分指挥部指挥长 is a team role, but the sheet puts it in 备注; "
            "read as note)."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 10 values — 泉州 monthly indicators, months as columns, rows = indicators


def case_10():
    name = "10-泉州分指挥部2025年月度指标填报表"
    wb = Workbook()
    ws = wb.active
    ws.title = "月度指标"
    s = Sheet(ws, 17)
    s.widths(6, 16, 8, *([7] * 12), 9, 20)
    s.line("福建援疆泉州分指挥部2025年月度指标填报表", bold=True, size=16, align="center")
    r = s.line("填报单位：福建援疆泉州分指挥部", span=8)
    s.extra(r, 12, "填报日期：2025年7月5日")
    head = s.put(
        ["序号", "指标名称", "计量单位"] + [f"{m}月" for m in range(1, 13)] + ["合计", "备注"],
        bold=True,
    )
    rows = [
        (
            "接待游客",
            "人次",
            [1200, 1350, 2100, 3800, 5600, 8900],
            "VISITORS",
            "month",
            "sum",
            "六工镇、三工镇农文旅示范点",
        ),
        ("完成手术", "台", [36, 41, 38, 45, 52, 49], "SURGERIES", "quarter", "sum", "援疆医生主刀"),
        ("销售门店", "家", [3, 3, 4, 4, 5, 5], "SALES_OUTLETS", "year", "last", "月末在营门店数"),
        ("转移就业", "人", [20, 35, 60, 80, 45, 30], "PEOPLE_EMPLOYED", "quarter", "sum", None),
        ("开办讲座", "场", [0, 1, 0, 2, 1, 0], "LECTURES", "quarter", "sum", None),
    ]
    records = []
    for i, (ind, unit, months, code, freq, agg, note) in enumerate(rows, 1):
        cells = [i, ind, unit] + months + [None] * (12 - len(months)) + [None, note]
        r = s.put(cells)
        ws.cell(r, 16, f"=SUM(D{r}:O{r})")
        base = {"indicator": code, "org": "SC-350500", "region": "652301", "disaggregation": ""}
        if freq == "month":
            for m, v in enumerate(months, 1):
                records.append({**base, "period": f"2025-{m:02d}", "value": str(v)})
        elif freq == "year":
            records.append({**base, "period": "2025", "value": str(months[-1])})
        else:
            for q in (1, 2):
                part = months[(q - 1) * 3 : q * 3]
                v = sum(part) if agg == "sum" else part[-1]
                records.append({**base, "period": f"2025Q{q}", "value": str(v)})
    n = s.line(
        "填表说明：1.按月填报当月新增数（洽谈储备项目填月末在谈项目数）；"
        "2.合计列自动计算；3.每月5日前报送。"
    )
    exp = expect(
        file=name + ".xlsx",
        kind="values",
        **{"as": "demo-quanzhou"},
        traits=[
            "months as columns (1月…12月)",
            "合计 column (formula)",
            "title row",
            "填报单位 line",
            "填报日期 line",
            "indicators by Chinese name",
            "quarter-kept indicators reported monthly (sum and last)",
            "months not yet reported left blank",
            "填表说明 row",
        ],
        mapping={
            "指标名称": "indicator",
            "1月…12月": "period + value",
            "填报单位：（表头行）": "org",
            "标题“2025年…”": "year of the months",
        },
        ignored=["序号", "计量单位", "合计", "备注"],
        skipped=[{"row": n, "why": "填表说明"}],
        warn_rows=[],
        counts={"create": len(records), "update": 0, "unchanged": 0},
        totals={},
        records=records,
        reading=(
            "One value per indicator per month; the year (2025) is in the title, the org in the "
            "填报单位 line (SC-350500). There is no place column, so 地点 is the reporting "
            "organisation's place (昌吉市 652301). Indicators are named by their catalogue "
            "name_zh: 接待游客 VISITORS (month, sum) → six monthly values 2025-01…2025-06; "
            "Three indicators are kept by quarter (sum): 完成手术 SURGERIES, 转移就业 "
            "PEOPLE_EMPLOYED and 开办讲座 LECTURES (whose zeros are real zeros, not blanks) → "
            "the quarter value is the sum of its three months (Q1 = Jan+Feb+Mar). 销售门店 "
            "SALES_OUTLETS is kept by year with aggregation last → one 2025 value, the last "
            "month reported (June), with a warning that the year is incomplete. July–December are blank (not yet reported): no values, "
            "no zeros. The 合计 column is a row SUM formula and is not imported. 计量单位 agrees "
            "with the catalogue units; 备注 is a remark about the indicator row, not about one "
            "value, and is not attached to the values."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 11 values — 前指 one indicator by county, months under quarter headings


def case_11():
    name = "11-福建前指各县市援疆医生接诊患者月度统计表"
    wb = Workbook()
    ws = wb.active
    ws.title = "接诊患者"
    s = Sheet(ws, 13)
    s.widths(6, 14, *([8] * 9), 10, 20)
    s.line("2025年福建援疆医疗人才接诊患者情况月度统计表", bold=True, size=16, align="center")
    r = s.line("填报单位：福建省援疆前方指挥部", span=6)
    s.extra(r, 8, "指标：接诊患者（人次）")
    s.extra(r, 12, "截至2025年9月")
    h1 = s.put(
        [
            "序号",
            "县市",
            "一季度",
            None,
            None,
            "二季度",
            None,
            None,
            "三季度",
            None,
            None,
            "合计",
            "备注",
        ],
        bold=True,
    )
    h2 = s.put([None, None] + [f"{m}月" for m in range(1, 10)] + [None, None], bold=True)
    for cc in (1, 2, 12, 13):
        s.merge(h1, cc, h2, cc)
    for q in range(3):
        s.merge(h1, 3 + 3 * q, h1, 5 + 3 * q)
    data = [
        ("玛纳斯县", "652324", [310, 285, 402, 455, 480, 512, 498, 530, 466]),
        ("吉木萨尔县", "652327", [220, 198, 260, 301, 322, 340, 335, 318, 290]),
        ("木垒县", "652328", [145, 130, 170, 188, 204, 215, 230, 226, 201]),
        ("昌吉市", "652301", [520, 488, 610, 655, 702, 731, 760, 745, 690]),
    ]
    records = []
    first = None
    for i, (place, code, months) in enumerate(data, 1):
        r = s.put([i, place] + months + [None, None])
        first = first or r
        ws.cell(r, 12, f"=SUM(C{r}:K{r})")
        for q in range(3):
            records.append(
                {
                    "indicator": "PATIENTS_TREATED",
                    "org": "FC-350000",
                    "region": code,
                    "period": f"2025Q{q + 1}",
                    "value": str(sum(months[3 * q : 3 * q + 3])),
                    "disaggregation": "",
                }
            )
    last = s.row
    tot = s.put([None, "合计"] + [None] * 11, bold=True)
    for cc in range(3, 13):
        L = col(cc)
        ws.cell(tot, cc, f"=SUM({L}{first}:{L}{last})")
    n = s.line("注：接诊患者指援疆医疗人才本人接诊的门诊、住院患者人次，按月统计。")
    exp = expect(
        file=name + ".xlsx",
        kind="values",
        **{"as": "demo-fujian"},
        traits=[
            "rows = places, columns = months",
            "two-row merged header (一季度/二季度/三季度 over 1月…9月)",
            "indicator named in a line above the table",
            "title row",
            "填报单位 line",
            "date line",
            "合计 column (formula)",
            "合计 row (formula)",
            "quarter-kept indicator reported monthly (sum)",
            "注 row",
        ],
        mapping={
            "县市": "region",
            "一季度/1月 … 三季度/9月": "period + value",
            "“指标：接诊患者（人次）”（表头行）": "indicator",
            "填报单位：（表头行）": "org",
        },
        ignored=["序号", "合计", "备注"],
        skipped=[{"row": tot, "why": "合计（公式）"}, {"row": n, "why": "注"}],
        warn_rows=[],
        counts={"create": len(records), "update": 0, "unchanged": 0},
        totals={},
        records=records,
        reading=(
            "One indicator, 接诊患者 (PATIENTS_TREATED, kept by quarter, aggregation sum), named "
            "in the line above the table; the org is the 填报单位 福建省援疆前方指挥部 (FC-350000), "
            "the place is the row's county. Each quarter value is the sum of its three months "
            "(e.g. 玛纳斯县 2025Q1 = 310+285+402 = 997); 12 values in all. The months sit under "
            "merged quarter headings. The 合计 column and 合计 row are SUM formulas, not values."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 12 progress reports — 泉州 monthly dispatch (月调度)


def case_12():
    name = "12-泉州分指挥部援疆项目月调度表（2025年11月）"
    wb = Workbook()
    ws = wb.active
    ws.title = "11月"
    s = Sheet(ws, 10)
    s.widths(6, 32, 16, 10, 10, 10, 14, 28, 28, 20)
    s.line("福建援疆泉州分指挥部援疆项目推进情况月调度表", bold=True, size=16, align="center")
    r = s.line("调度月份：2025年11月", span=6)
    s.extra(r, 9, "单位：万元")
    h1 = s.put(
        [
            "序号",
            "项目名称",
            "建设地点",
            "总投资（万元）",
            None,
            "形象进度",
            "累计完成投资（万元）",
            "存在问题",
            "下步工作计划",
            "责任单位",
        ],
        bold=True,
    )
    h2 = s.put([None, None, None, "合计", "其中：援疆资金"] + [None] * 5, bold=True)
    for cc in (1, 2, 3, 6, 7, 8, 9, 10):
        s.merge(h1, cc, h2, cc)
    s.merge(h1, 4, h1, 5)
    records = []
    first = None
    rows = [
        (
            "六工镇艾草种植基地",
            "昌吉市六工镇",
            300,
            300,
            0.9,
            240,
            None,
            "做好越冬管护",
            "昌吉市农业农村局",
            "DEMO-FJ-2025-001",
            "90.00",
        ),
        (
            "闽昌食品产业园基础设施提升改造",
            "昌吉市榆树沟镇",
            1000,
            800,
            "55%",
            450,
            "部分企业厂房改造协调进度偏慢",
            "加快协调入园企业",
            "昌吉市商务和工业信息化局",
            "DEMO-FJ-2025-003",
            "55.00",
        ),
        (
            "三工镇二工村幼儿园改扩建",
            "昌吉市三工镇",
            400,
            320,
            0.15,
            85.5,
            "入冬停工",
            "来年4月复工",
            "昌吉市教育局",
            None,
            "15.00",
        ),
        (
            "三工镇卫生院医技综合楼设备购置",
            "昌吉市三工镇",
            300,
            250,
            1,
            230.2,
            None,
            "组织验收",
            "昌吉市卫生健康委员会",
            None,
            "100.00",
        ),
        (
            "六工镇社区嵌入式服务设施",
            "昌吉市六工镇",
            180,
            150,
            0.8,
            120,
            "室外工程受天气影响",
            "完成室内装修",
            "昌吉市民政局",
            None,
            "80.00",
        ),
    ]
    for i, (pname, place, tot, aid, pct, spent, problem, plan, unit, code, pexp) in enumerate(
        rows, 1
    ):
        r = s.put([i, pname, place, tot, aid, pct, spent, problem, plan, unit])
        first = first or r
        if not isinstance(pct, str):
            s.fmt(r, 6, "0%")
        ident = {"project": code} if code else {"project_name": pname}
        rec = {
            "match": {**ident, "year": 2025, "month": 11},
            "project_name": pname,
            "year": 2025,
            "month": 11,
            "percent_complete": pexp,
            "amount_spent": wan(spent),
            "problems": problem or "",
        }
        records.append(rec)
    last = s.row
    tot = s.put([None, "合计"] + [None] * 8, bold=True)
    for cc in (4, 5, 7):
        L = col(cc)
        ws.cell(tot, cc, f"=SUM({L}{first}:{L}{last})")
    n = s.line("填报人：赵某某        审核人：李某某        报送时间：2025年12月3日")
    exp = expect(
        file=name + ".xlsx",
        kind="progress_reports",
        **{"as": "demo-quanzhou"},
        after=["01-泉州分指挥部2025年援疆项目计划表"],
        traits=[
            "month in a line above the table (调度月份：2025年11月)",
            "title row",
            "单位：万元 line",
            "two-row merged header",
            "projects named, not coded",
            "percent cells (0% format) and a text percent “55%”",
            "万元 header",
            "合计 row (formula)",
            "填报人/审核人 row",
            "extra columns 建设地点/总投资/下步工作计划/责任单位",
        ],
        mapping={
            "项目名称": "project",
            "调度月份（表头行）": "year + month",
            "形象进度": "percent_complete",
            "累计完成投资（万元）": "amount_spent",
            "存在问题": "problems",
        },
        ignored=[
            "序号",
            "建设地点",
            "总投资（万元）/合计",
            "总投资（万元）/其中：援疆资金",
            "下步工作计划",
            "责任单位",
        ],
        skipped=[{"row": tot, "why": "合计（公式）"}, {"row": n, "why": "填报人/审核人"}],
        warn_rows=[],
        counts={"create": 5, "update": 0, "unchanged": 0},
        totals={"amount_spent": f"{sum(Decimal(x['amount_spent']) for x in records):.2f}"},
        records=records,
        reading=(
            "One report per project for November 2025 (from the 调度月份 line). Projects are "
            "named: 六工镇艾草种植基地 (DEMO-FJ-2025-001) and 闽昌食品产业园基础设施提升改造 "
            "(DEMO-FJ-2025-003) are demo projects (they have October reports; November is new); "
            "the other three are created by case 01. 形象进度 is a percentage: a cell 0.9 "
            "formatted 0% means 90, text “55%” means 55, 1 formatted 0% means 100. 累计完成投资 "
            "(万元, all sources) is 累计支出: 230.2 → 2302000.00. 建设地点 here only describes the "
            "project and is not imported (the town names do not warn because the column is not "
            "read)."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# 13 trainings — 前指 training and study-visit ledger


def case_13():
    name = "13-福建援疆2025年干部人才培训及考察交流台账"
    wb = Workbook()
    ws = wb.active
    ws.title = "培训台账"
    s = Sheet(ws, 12)
    s.widths(6, 34, 8, 8, 18, 14, 20, 18, 6, 12, 12, 20)
    s.line("福建援疆2025年干部人才培训及考察交流台账", bold=True, size=16, align="center")
    r = s.line("填报单位：福建省援疆前方指挥部", span=6)
    s.extra(r, 10, "单位：人、天、万元")
    s.put(
        [
            "序号",
            "项目名称",
            "类型",
            "方式",
            "主办单位",
            "培训对象所在地",
            "举办地点",
            "时间",
            "天数",
            "参训人数（人）",
            "经费（万元）",
            "备注",
        ],
        bold=True,
    )
    rows = [
        (
            "昌吉州基层医疗骨干能力提升培训班",
            "培训班",
            "请进来",
            "福建第九批医疗队",
            "昌吉州",
            "昌吉州人民医院",
            "2025.6.9-6.13",
            5,
            120,
            8.5,
            None,
            {
                "kind": "course",
                "direction": "bring_in",
                "organiser": "WT-350000-M9",
                "region": "652300",
                "start": "2025-06-09",
            },
        ),
        (
            "玛纳斯县中小学校长赴三明跟岗研修",
            "考察",
            "走出去",
            "三明分指挥部",
            "玛纳斯县",
            "福建省三明市",
            D(2025, 4, 14),
            15,
            25,
            22,
            "跟岗学校：三明市列东中学等",
            {
                "kind": "study_visit",
                "direction": "go_out",
                "organiser": "SC-350400",
                "region": "652324",
                "start": "2025-04-14",
            },
        ),
        (
            "吉木萨尔县乡村振兴带头人培训班",
            "培训班",
            "走出去",
            "厦门分指挥部",
            "吉木萨尔县",
            "厦门市",
            "2025年9月22日",
            7,
            40,
            18.6,
            None,
            {
                "kind": "course",
                "direction": "go_out",
                "organiser": "SC-350200",
                "region": "652327",
                "start": "2025-09-22",
            },
        ),
        (
            "木垒县电商直播人才培训",
            "培训班",
            "请进来",
            "漳州分指挥部",
            "木垒县",
            "木垒县电商产业园",
            "2025/7/1",
            3,
            60,
            2.4,
            None,
            {
                "kind": "course",
                "direction": "bring_in",
                "organiser": "SC-350600",
                "region": "652328",
                "start": "2025-07-01",
            },
        ),
        (
            "昌吉市中小学教师赴泉州考察交流",
            "考察学习",
            "走出去",
            "泉州分指挥部",
            "昌吉市",
            "福建省泉州市",
            D(2025, 10, 13),
            6,
            20,
            9.8,
            None,
            {
                "kind": "study_visit",
                "direction": "go_out",
                "organiser": "SC-350500",
                "region": "652301",
                "start": "2025-10-13",
            },
        ),
    ]
    records = []
    first = None
    for i, (title, kind, way, org, region, place, when, days, people, cost, note, rec) in enumerate(
        rows, 1
    ):
        r = s.put([i, title, kind, way, org, region, place, when, days, people, cost, note])
        first = first or r
        records.append(
            {
                "match": {"organiser": rec["organiser"], "title": title, "start": rec["start"]},
                "title": title,
                "place": place,
                "days": days,
                "participants": people,
                "note": note or "",
                **rec,
            }
        )
    last = s.row
    tot = s.put([None, "合计"] + [None] * 10, bold=True)
    for cc in (9, 10, 11):
        L = col(cc)
        ws.cell(tot, cc, f"=SUM({L}{first}:{L}{last})")
    n = s.line("注：“类型”填写培训班或考察；“方式”填写请进来或走出去；经费为援疆资金安排数。")
    exp = expect(
        file=name + ".xlsx",
        kind="trainings",
        **{"as": "demo-fujian"},
        traits=[
            "title row",
            "填报单位 line",
            "unit line",
            "organiser by short name",
            "date range in one cell (2025.6.9-6.13)",
            "text dates 2025年9月22日 / 2025/7/1",
            "real date cells",
            "office words 考察/考察学习 (考察进修), 请进来/走出去",
            "合计 row (formula)",
            "注 row",
            "extra column 经费（万元）",
        ],
        mapping={
            "项目名称": "title",
            "类型": "kind",
            "方式": "direction",
            "主办单位": "organiser",
            "培训对象所在地": "region",
            "举办地点": "place",
            "时间": "start",
            "天数": "days",
            "参训人数（人）": "participants",
            "备注": "note",
        },
        ignored=["序号", "经费（万元）"],
        skipped=[{"row": tot, "why": "合计（公式）"}, {"row": n, "why": "注"}],
        warn_rows=[],
        counts={"create": 5, "update": 0, "unchanged": 0},
        totals={},
        records=records,
        reading=(
            "主办单位 uses short names: 福建第九批医疗队 = 福建省第九批医疗卫生援疆工作队 "
            "(WT-350000-M9), 三明/厦门/漳州/泉州分指挥部 = SC-350400/350200/350600/350500, all in "
            "the front command's subtree. 类型: 培训班 → course, 考察 and 考察学习 → study_visit "
            "(考察进修). 方式: 请进来 → bring_in, 走出去 → go_out. 时间 “2025.6.9-6.13” is a range "
            "whose start is 2025-06-09 (the 天数 column, 5, agrees with the range). 培训对象所在地 "
            "is the trainees' place (学员所在地). 经费 is not stored. The 合计 row sums 天数, 人数 "
            "and 经费 and is not a training."
        ),
    )
    return name + ".xlsx", wb, exp


# ---------------------------------------------------------------------------------------
# Build


CASES = [
    case_01,
    case_02,
    lambda: ledger(1),
    lambda: ledger(2),
    case_05,
    case_06,
    case_07,
    case_08,
    case_09,
    case_10,
    case_11,
    case_12,
    case_13,
]


def soffice(raw: Path, target_ext: str, outdir: Path, profile: str):
    filt = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97"}[target_ext]
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            filt,
            "--outdir",
            str(outdir),
            str(raw),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main():
    if not shutil.which("soffice"):
        sys.exit("soffice (LibreOffice) is needed")
    raw_dir = Path(tempfile.mkdtemp(prefix="messy-raw-"))
    out_dir = Path(tempfile.mkdtemp(prefix="messy-out-"))
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    for old in HERE.glob("*.expect.json"):
        old.unlink()
    for pattern in ("*.xlsx", "*.xls", "*.csv"):
        for old in HERE.glob(pattern):
            old.unlink()
    for build in CASES:
        filename, book, exp = build()
        target = HERE / exp["file"]
        if isinstance(book, str):  # the CSV, written directly as WPS would
            target.write_bytes(book.encode("gb18030"))
        else:
            raw = raw_dir / (Path(exp["file"]).stem + ".xlsx")
            book.save(raw)
            ext = Path(exp["file"]).suffix.lstrip(".")
            soffice(raw, ext, out_dir, profile)
            shutil.copyfile(out_dir / exp["file"], target)
        stem = Path(exp["file"]).stem
        (HERE / f"{stem}.expect.json").write_text(
            json.dumps(exp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print("built", exp["file"])
    shutil.rmtree(raw_dir)
    shutil.rmtree(out_dir)
    shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
