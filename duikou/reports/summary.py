"""The work summary (工作总结): figures from the ledger put into a template's sentences.

``summary_context`` builds one context object; the Word and PDF renderers both take it.
Every figure printed, in a sentence or a table cell, is a ``FigureEntry`` that records
the query behind it (indicator, organisation or region, period, aggregation) and the
records or values it came from, for the appendix.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from duikou.core.money import YI, format_money, in_unit, unit_label
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.results.formulas import formula_eval, formula_refs
from duikou.results.models import Indicator
from duikou.results.selectors import indicator_table, rollup_sources

from .evidence import EvidenceRow, evidence_rows
from .models import ReportTemplate
from .periods import ReportPeriod

PLACEHOLDER = re.compile(r"\{(机构|地区|期间|指标:([A-Za-z0-9_]+))\}")
CLAUSE = re.compile(r"(?<=[，；])")
AGGREGATION_WORDS = {"sum": "求和", "avg": "平均", "last": "期末值", "max": "最大值"}
CN_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Subject:
    """Whom the report is about: an organisation (axis ``o``) or a region (axis ``r``)."""

    axis: str
    node_id: int
    code: str
    name: str
    short: str
    place: str
    children: tuple[tuple[int, str, str], ...] = ()  # (node id, code, name)
    province_id: int | None = None  # the donor province (organisation) of an org subject


@dataclass
class FigureEntry:
    number: int
    text: str
    origin: str  # where it is printed: 正文 or 附表
    indicator: str
    indicator_name: str
    unit: str
    aggregation: str
    axis: str
    node_code: str
    node_name: str
    start: date
    end: date
    grain: str
    value: Decimal | None
    source_kind: str  # 台账记录 / 指标值 / 公式 / 计算
    sources: list[EvidenceRow] = field(default_factory=list)
    note: str = ""
    counts: str = ""  # what the figure counts, in words, for the appendix

    @property
    def what(self) -> str:
        """What the figure counts, as the appendix says it."""
        if self.counts:
            return self.counts
        span = (
            f"{self.start.year}年"
            if (
                self.start.year == self.end.year
                and self.start.month == 1
                and self.end.month == 12
                and self.end.day == 31
            )
            else f"{_day(self.start)}至{_day(self.end)}"
        )
        return f"{span}{self.node_name}{self.indicator_name}"

    @property
    def record_count(self) -> int:
        """Records behind the figure: a deal reporting jobs twice in a year is one record."""
        return len({row.code for row in self.sources})


@dataclass
class Section:
    """A heading (一、 at level 1, （一） at level 2, 1. at level 3) and what follows it."""

    title: str
    paragraphs: list[str]
    level: int = 1
    children: list["Section"] = field(default_factory=list)


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    values: list[list[Decimal | None]] = field(default_factory=list)  # rows' figures
    total_row: int = -1  # index of the total row in ``rows``


@dataclass
class Chart:
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    unit: str


@dataclass
class SummaryContext:
    title: str
    subtitle: str
    subject: Subject
    period: ReportPeriod
    opening: str
    sections: list[Section]
    tables: list[Table]
    chart: Chart | None
    entries: list[FigureEntry]
    generated_at: object
    issuer: str = ""  # 落款: the organisation (or region) the summary is about
    issued_on: date | None = None


def subject_for_org(org: Organisation) -> Subject:
    region = org.region
    place = region.prefecture if region and region.prefecture_id else region
    children = tuple(
        Organisation.objects.filter(parent=org, is_active=True)
        .order_by("code")
        .values_list("pk", "code", "name")
    )
    return Subject(
        "o",
        org.pk,
        org.code,
        org.name,
        org.short_name or org.name,
        (place.short_name or place.name) if place else "受援地",
        children,
        org.root_id,
    )


def subject_for_region(region: Region) -> Subject:
    children = tuple(
        Region.objects.filter(parent=region, is_active=True)
        .order_by("code")
        .values_list("pk", "code", "name")
    )
    name = region.short_name or region.name
    return Subject("r", region.pk, region.code, region.name, "各援疆省市", name, children)


def figure_text(value: Decimal, unit: str) -> str:
    """A figure the way reports print it: money in 万元/亿元, counts as integers."""
    if unit == "元":
        return format_money(value.quantize(Decimal("0.01"), ROUND_HALF_UP))
    if value == value.to_integral_value():
        return f"{int(value)}{unit}"
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}{unit}"


class FigureBook:
    """Computes figures for one user, subject and period, and keeps an entry for each."""

    def __init__(self, *, user, period: ReportPeriod):
        self.user = user
        self.period = period
        self.entries: list[FigureEntry] = []
        self._indicators: dict[str, Indicator | None] = {}
        self._tables: dict[tuple, dict] = {}

    def indicator(self, code: str) -> Indicator | None:
        if code not in self._indicators:
            self._indicators[code] = Indicator.objects.filter(code=code, is_active=True).first()
        return self._indicators[code]

    @property
    def grain(self) -> str:
        return "y" if self.period.whole_years else "m"

    def _cells(self, indicator: Indicator, axis: str, node_ids: tuple[int, ...]) -> dict:
        key = (indicator.pk, axis, node_ids)
        if key not in self._tables:
            self._tables[key] = indicator_table(
                user=self.user,
                indicator=indicator,
                axis=axis,
                node_ids=list(node_ids),
                grain=self.grain,
                years=self.period.years,
            )
        return self._tables[key]

    def _keys(self) -> list[tuple[int, int]]:
        if self.grain == "y":
            return [(y, 0) for y in self.period.years]
        return self.period.months()

    def value(
        self, indicator: Indicator, axis: str, node_id: int, group: tuple[int, ...] = ()
    ) -> tuple[Decimal | None, list[tuple[int, int]]]:
        """The figure for the period and the calendar cells it was made of."""
        if indicator.kind == Indicator.Kind.DERIVED:
            operands = {}
            for code in formula_refs(indicator.formula):
                ref = self.indicator(code)
                operands[code] = self.value(ref, axis, node_id, group)[0] if ref else None
            return formula_eval(indicator.formula, operands), []
        table = self._cells(indicator, axis, group or (node_id,))
        cells = [(k, table.get((node_id, *k))) for k in self._keys()]
        present = [(k, v) for k, v in cells if v is not None]
        if not present:
            return None, []
        numbers = [Decimal(v) for _, v in present]
        aggregation = indicator.aggregation
        if aggregation == Indicator.Aggregation.LAST or not indicator.cumulative:
            if aggregation == Indicator.Aggregation.AVG:
                return sum(numbers) / len(numbers), [k for k, _ in present]
            if aggregation == Indicator.Aggregation.MAX:
                return max(numbers), [k for k, _ in present]
            return numbers[-1], [present[-1][0]]
        if aggregation == Indicator.Aggregation.AVG:
            return sum(numbers) / len(numbers), [k for k, _ in present]
        if aggregation == Indicator.Aggregation.MAX:
            return max(numbers), [k for k, _ in present]
        return sum(numbers, Decimal(0)), [k for k, _ in present]

    def figure(
        self,
        code: str,
        *,
        axis: str,
        node_id: int,
        node_code: str,
        node_name: str,
        origin: str,
        group: tuple[int, ...] = (),
    ) -> FigureEntry | None:
        """Compute one figure; an entry is kept only for a figure that will be printed."""
        indicator = self.indicator(code)
        if indicator is None:
            return None
        value, cells = self.value(indicator, axis, node_id, group)
        if value is None or value == 0:
            return None
        entry = FigureEntry(
            number=len(self.entries) + 1,
            text=figure_text(value, indicator.unit),
            origin=origin,
            indicator=indicator.code,
            indicator_name=indicator.name_zh,
            unit=indicator.unit,
            aggregation=indicator.aggregation,
            axis=axis,
            node_code=node_code,
            node_name=node_name,
            start=self.period.start,
            end=self.period.end,
            grain=self.grain,
            value=value,
            source_kind="",
        )
        self._sources(entry, indicator, axis, node_id, cells)
        self.entries.append(entry)
        return entry

    def noted(
        self,
        *,
        text: str,
        name: str,
        counts: str,
        sources: list[EvidenceRow],
        value: Decimal | None,
        subject: Subject,
        note: str = "",
    ) -> FigureEntry:
        """A figure read from the ledger outside the catalogue (a project's money, a count
        of projects at fault), kept with the records it counts."""
        entry = FigureEntry(
            number=len(self.entries) + 1,
            text=text,
            origin="正文",
            indicator="",
            indicator_name=name,
            unit="",
            aggregation="sum",
            axis=subject.axis,
            node_code=subject.code,
            node_name=subject.name,
            start=self.period.start,
            end=self.period.end,
            grain=self.grain,
            value=value,
            source_kind="计算" if note else "台账记录",
            sources=sources,
            note=note,
            counts=counts,
        )
        self.entries.append(entry)
        return entry

    def _sources(self, entry, indicator: Indicator, axis: str, node_id: int, cells) -> None:
        if indicator.kind == Indicator.Kind.RECORD:
            entry.source_kind = "台账记录"
            rows = evidence_rows(
                record_source=indicator.record_source,
                start=self.period.start,
                end=self.period.end,
                axis=axis,
                node_id=node_id,
            )
            if rows is None:
                entry.note = f"台账来源 {indicator.record_source} 未提供逐条明细"
            else:
                entry.sources = rows
            if indicator.aggregation == Indicator.Aggregation.LAST:
                entry.note = f"期末存量，按{self.period.end:%Y-%m-%d}时点统计"
            elif self.grain == "m":
                entry.note = "按月汇总，起止月份整月计入"
            return
        if indicator.kind == Indicator.Kind.DERIVED:
            entry.source_kind = "公式"
            entry.note = f"公式：{indicator.formula}"
            return
        entry.source_kind = "指标值"
        grain = self.grain
        for year, period_no in cells:
            for value in rollup_sources(
                user=self.user,
                indicator=indicator,
                axis=axis,
                node_id=node_id,
                grain=grain,
                year=year,
                period_no=period_no,
            ):
                entry.sources.append(
                    EvidenceRow(
                        code=f"指标值#{value.pk}",
                        label=f"{value.org.name}·{value.region.name}",
                        day=value.period_end,
                        value=value.value,
                    )
                )


def fill(text: str, *, subject: Subject, period: ReportPeriod) -> str:
    """Replace the words-only placeholders ({机构}{地区}{期间})."""
    return (
        text.replace("{机构}", subject.short)
        .replace("{地区}", subject.place)
        .replace("{期间}", period.label)
    )


def sentence_render(
    text: str, *, book: FigureBook, subject: Subject, period: ReportPeriod
) -> str | None:
    """One sentence: clauses whose figure is missing are left out; None when all are."""
    kept: list[str] = []
    figures = printed = 0
    for clause in CLAUSE.split(text.strip()):
        codes = [m[2] for m in PLACEHOLDER.finditer(clause) if m[2]]
        entries = {}
        for code in codes:
            figures += 1
            entry = book.figure(
                code,
                axis=subject.axis,
                node_id=subject.node_id,
                node_code=subject.code,
                node_name=subject.name,
                origin="正文",
            )
            entries[code] = entry
        if any(e is None for e in entries.values()):
            # drop entries already made for this clause: they will not be printed
            made = {id(e) for e in entries.values() if e is not None}
            book.entries = [e for e in book.entries if id(e) not in made]
            continue
        printed += len(codes)
        kept.append(
            PLACEHOLDER.sub(
                lambda m, found=entries: found[m[2]].text if m[2] else m[0],
                clause,
            )
        )
    if figures and not printed:
        return None
    if not kept:
        return None
    sentence = fill("".join(kept), subject=subject, period=period)
    ending = text.strip()[-1:] if text.strip()[-1:] in "。！" else "。"
    sentence = sentence.rstrip("，；")
    if sentence[-1:] not in "。！":
        sentence += ending
    return sentence


def _renumber(entries: list[FigureEntry]) -> None:
    for n, entry in enumerate(entries, start=1):
        entry.number = n


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,，、]+", text or "") if c]


OVERVIEW = "总体情况"


def summary_context(
    *, user, template: ReportTemplate, subject: Subject, period: ReportPeriod
) -> SummaryContext:
    """Everything a work summary shows, for the Word and the PDF renderer alike:
    一、总体情况；二、主要工作成效（by field）；三、存在的问题；四、下一步工作打算; the
    signing office and date; 附件 the table by unit and where every figure comes from."""
    from .findings import deals_highlight, events_named, plans, problems, projects_highlight

    book = FigureBook(user=user, period=period)
    opening = fill(template.opening, subject=subject, period=period) if template.opening else ""
    overview = [opening] if opening else []
    fields: list[Section] = []
    for section in template.sections.prefetch_related("sentences").order_by("order", "id"):
        first = len(book.entries)
        paragraphs = []
        for sentence in section.sentences.all():
            text = sentence_render(sentence.text, book=book, subject=subject, period=period)
            if text:
                paragraphs.append(text)
        if not paragraphs:
            continue
        codes = {e.indicator for e in book.entries[first:]}
        compared = _compare(book, subject, period, book.entries[first : first + 1])
        if compared:
            paragraphs.append(compared)
        if "FUND_PLANNED" in codes or "PROJECTS" in codes:
            paragraphs.append(projects_highlight(book=book, subject=subject, period=period))
        if "INVESTMENT_SIGNED" in codes:
            paragraphs.append(deals_highlight(book=book, subject=subject, period=period))
        elif not codes & {"FUND_PLANNED", "PROJECTS"}:
            paragraphs.append(events_named(book.entries[first:]))  # 文化活动为“…”（8月）
        text = "".join(p for p in paragraphs if p)
        if section.title == OVERVIEW:
            overview.append(text)
        else:
            fields.append(Section(section.title, [text], level=2))
    # The summary counts approved values only (``results.selectors.APPROVED_ONLY``); say so.
    overview.append("文中数据均为已审核的台账数据，各项数字的来源见附件2。")
    sections = [Section(OVERVIEW, [p for p in overview if p])]
    if fields:
        for n, child in enumerate(fields):
            child.title = f"（{_number(n)}）{child.title}"
        sections.append(Section("主要工作成效", [], children=fields))
    today = timezone.localdate()
    found = problems(book=book, subject=subject, period=period, today=today)
    if found:
        sections.append(
            Section(
                "存在的问题",
                [] if len(found) > 1 else ["对照台账数据，工作中还存在一些不足。"],
                children=[
                    Section(f"（{_number(n)}）{f.heading}", [f.text], level=2)
                    for n, f in enumerate(found)
                ],
            )
        )
    else:
        sections.append(
            Section("存在的问题", ["对照台账数据，本期资金投向、项目进度和招商项目均未发现问题。"])
        )
    ahead = plans(book=book, subject=subject, period=period)
    sections.append(
        Section(
            "下一步工作打算",
            [],
            children=[
                Section(f"（{_number(n)}）{f.heading}", [f.text], level=2)
                for n, f in enumerate(ahead)
            ],
        )
    )
    for n, section in enumerate(sections):
        section.title = f"{_number(n)}、{section.title}"
    tables, chart = _breakdown(book, template, subject, period)
    _renumber(book.entries)
    return SummaryContext(
        title=fill(template.title, subject=subject, period=period),
        subtitle=f"（{_day(period.start)}至{_day(period.end)}）",
        subject=subject,
        period=period,
        opening="",
        sections=sections,
        tables=tables,
        chart=chart,
        entries=book.entries,
        generated_at=timezone.localtime(),
        issuer=subject.name,
        issued_on=today,
    )


def _number(n: int) -> str:
    """一 … 十, 十一 … 十九, 二十 …: the numbers of headings."""
    n += 1
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (
        ("" if tens == 1 else CN_NUMBERS[tens - 1]) + "十" + (CN_NUMBERS[ones - 1] if ones else "")
    )


def _compare(book: FigureBook, subject: Subject, period: ReportPeriod, first) -> str:
    """The section's first figure against the year before (single whole years only)."""
    if not first or not first[0].indicator or len(period.years) != 1 or not period.whole_years:
        return ""
    entry = first[0]
    year = period.years[0] - 1
    before = ReportPeriod(date(year, 1, 1), date(year, 12, 31), f"{year}年", str(year))
    previous = FigureBook(user=book.user, period=before)
    last = previous.figure(
        entry.indicator,
        axis=subject.axis,
        node_id=subject.node_id,
        node_code=subject.code,
        node_name=subject.name,
        origin="正文",
    )
    if last is None or not last.value or entry.value is None:
        return ""
    last.number = len(book.entries) + 1
    book.entries.append(last)
    name = entry.indicator_name
    if entry.unit == "元" or entry.unit == "%":
        change = ((entry.value - last.value) / abs(last.value) * 100).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        if change == 0:
            return f"{name}与上年（{last.text}）基本持平。"
        rate = book.noted(
            text=f"{abs(change)}%",
            name=f"{name}同比变化",
            counts=f"{name}比上年增减的幅度",
            sources=[],
            value=change,
            subject=subject,
            note=f"（{entry.text}－{last.text}）÷{last.text}",
        )
        word = "增长" if change > 0 else "下降"
        return f"{name}比上年（{last.text}）{word}{rate.text}。"
    difference = entry.value - last.value
    if difference == 0:
        return f"{name}与上年持平（{last.text}）。"
    moved = book.noted(
        text=figure_text(abs(difference), entry.unit),
        name=f"{name}比上年增减",
        counts=f"{name}本年数减上年数",
        sources=[],
        value=difference,
        subject=subject,
        note=f"{entry.text}－{last.text}",
    )
    word = "增加" if difference > 0 else "减少"
    return f"{name}比上年（{last.text}）{word}{moved.text}。"


def column_figure(value: Decimal | None, unit: str) -> str:
    """A table cell in its column's unit (money in 万元, stated in the header)."""
    if value is None:
        return "—"
    if unit == "元":
        return f"{(value / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    if value == value.to_integral_value():
        return f"{int(value)}"
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}"


def _column_head(indicator: Indicator) -> str:
    unit = "万元" if indicator.unit == "元" else indicator.unit
    return f"{indicator.name_zh}（{unit}）" if unit else indicator.name_zh


def _remainder(total: FigureEntry, parts: list[FigureEntry]) -> list[EvidenceRow]:
    """The total's records that none of the parts counts (the subject's own level)."""
    left = list(total.sources)
    for part in parts:
        for row in part.sources:
            if row in left:
                left.remove(row)
    return left


def _breakdown(book: FigureBook, template: ReportTemplate, subject: Subject, period):
    """附表1: a row per sub-organisation (or sub-region), the subject's own level where the
    total holds more than its units, and the total; a chart of its money columns."""
    columns = [book.indicator(c) for c in _codes(template.table_indicators)]
    columns = [c for c in columns if c is not None]
    if not columns:
        return [], None
    group = tuple([n for n, _, _ in subject.children] + [subject.node_id])
    rows: list[tuple[str, list[FigureEntry | None]]] = []
    for node_id, code, name in subject.children:
        cells = [
            book.figure(
                c.code,
                axis=subject.axis,
                node_id=node_id,
                node_code=code,
                node_name=name,
                origin="附表1",
                group=group,
            )
            for c in columns
        ]
        if any(cells):
            rows.append((name, cells))
    totals = [
        book.figure(
            c.code,
            axis=subject.axis,
            node_id=subject.node_id,
            node_code=subject.code,
            node_name=subject.name,
            origin="附表1",
            group=group,
        )
        for c in columns
    ]
    if not any(totals):
        return [], None
    own_cells: list[FigureEntry | None] = []
    uneven = []
    for i, (indicator, total) in enumerate(zip(columns, totals, strict=True)):
        parts = [cells[i] for _, cells in rows if cells[i] is not None]
        rest = (total.value if total else Decimal(0)) - sum((p.value for p in parts), Decimal(0))
        additive = indicator.aggregation == Indicator.Aggregation.SUM and indicator.unit != "%"
        if not additive:
            uneven.append(indicator.name_zh)
            own_cells.append(None)
            continue
        if rest == 0 or total is None:
            own_cells.append(None)
            continue
        entry = book.noted(
            text=figure_text(rest, indicator.unit),
            name=indicator.name_zh,
            counts=f"{subject.name}本级（不属于任何下级单位）的{indicator.name_zh}",
            sources=_remainder(total, parts),
            value=rest,
            subject=subject,
            note="合计减各下级单位之和",
        )
        entry.origin = "附表1"
        entry.unit = indicator.unit
        own_cells.append(entry)
    own_label = (
        f"{subject.short}本级" if subject.axis == "o" else f"{subject.short}本级及未落到下级的"
    )
    if any(own_cells):
        rows.append((own_label, own_cells))
    body = [*rows, ("合计", totals)]
    header = ["单位" if subject.axis == "o" else "地区", *[_column_head(c) for c in columns]]
    table_rows = [
        [
            name,
            *[
                column_figure(e.value if e else None, c.unit)
                for e, c in zip(cells, columns, strict=True)
            ],
        ]
        for name, cells in body
    ]
    values = [[e.value if e else None for e in cells] for _, cells in body]
    notes = []
    if any(own_cells):
        notes.append(f"“{own_label}”为{subject.name}直接实施、不属于下级单位的项目和资金。")
    if uneven:
        notes.append(f"{'、'.join(uneven)}不能逐单位相加，合计按全部记录计算。")
    notes.append("合计等于以上各行之和；表中数字的来源见附件2。")
    table = Table(
        "附件1 分单位主要指标" if subject.axis == "o" else "附件1 分地区主要指标",
        header,
        table_rows,
        "".join(notes),
        values=values,
        total_row=len(body) - 1,
    )
    chart = _chart(template, columns, rows, subject)
    return [table], chart


def _chart(template, columns, rows, subject) -> Chart | None:
    wanted = set(_codes(template.chart_indicators))
    picked = [i for i, c in enumerate(columns) if c.code in wanted and c.unit == "元"]
    if not picked or not rows:
        return None
    categories, series = [], {columns[i].name_zh: [] for i in picked}
    for name, cells in rows:
        if not any(cells[i] for i in picked):
            continue  # a row with none of the chart's money (the own level's deals only)
        categories.append(name)
        for i in picked:
            entry = cells[i]
            series[columns[i].name_zh].append(entry.value if entry else Decimal(0))
    if not categories:
        return None
    # One unit for the axis (core.money): 亿元 once the largest bar passes 1亿元, else 万元.
    unit = "yi" if max(max(v) for v in series.values()) >= YI else "wan"
    label = unit_label(unit)
    scaled = [(name, [float(in_unit(v, unit)) for v in values]) for name, values in series.items()]
    return Chart(f"图1 援疆资金安排与使用情况（{label}）", categories, scaled, label)


SOURCE_HEADER = ["序号", "数字", "统计口径", "出处", "记录数", "记录编号"]
CODES_SHOWN = 6


def _record_name(row: EvidenceRow) -> str:
    """How 附件2 names a record: its code; a record that has none (an indicator value, a
    target, a batch; ``指标值#4`` inside) by what it is and its date."""
    if "#" not in row.code:
        return row.code
    return f"{row.label}（{_day(row.day)}）" if row.day else row.label


def sources_table(entries: list[FigureEntry]) -> Table:
    """附件2: each figure, what it counts, how many records and which."""
    rows = []
    for entry in entries:
        kind = entry.source_kind
        if entry.note:
            kind = f"{kind}（{entry.note}）"
        codes: dict[str, str] = {}
        for row in entry.sources:
            codes.setdefault(row.code, _record_name(row))
        # Records without a code that read alike (five doctors on one visit) share a line.
        alike = Counter(codes.values())
        names = [f"{name}，共{n}条" if n > 1 else name for name, n in sorted(alike.items())]
        # One code a line, in order: a code never breaks at its hyphens in a narrow column.
        shown = "\n".join(names[:CODES_SHOWN])
        if len(names) > CODES_SHOWN:
            shown += f"\n等{len(codes)}条"
        rows.append(
            [
                str(entry.number),
                entry.text,
                entry.what,
                f"{entry.origin}·{kind}",
                str(entry.record_count) if entry.sources else "—",
                shown or "—",
            ]
        )
    return Table(
        "附件2 数字来源",
        SOURCE_HEADER,
        rows,
        "记录编号为台账中项目、招商项目、活动等记录的编号，可在平台中按编号查到原始记录；"
        "没有编号的记录（填报的指标值、目标、批次）写明其单位或名称和日期；"
        "“计算”为由台账数字推算所得。",
    )
