"""The work summary (工作综述): figures from the ledger put into a template's sentences.

``summary_context`` builds one context object; the Word and PDF renderers both take it.
Every figure printed, in a sentence or a table cell, is a ``FigureEntry`` that records
the query behind it (indicator, organisation or region, period, aggregation) and the
records or values it came from, for the appendix.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from duikou.core.money import format_money
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
    source_kind: str  # 台账记录 / 指标值 / 公式
    sources: list[EvidenceRow] = field(default_factory=list)
    note: str = ""

    @property
    def query(self) -> str:
        """One machine-readable line saying how the figure was obtained."""
        return (
            f"指标={self.indicator}；范围={self.axis}:{self.node_code}；"
            f"期间={self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}；汇总={self.aggregation}；"
            f"粒度={self.grain}；原文={self.text}"
        )


@dataclass
class Section:
    title: str
    paragraphs: list[str]


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""


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


def summary_context(
    *, user, template: ReportTemplate, subject: Subject, period: ReportPeriod
) -> SummaryContext:
    """Everything a work summary shows, for the Word and the PDF renderer alike."""
    book = FigureBook(user=user, period=period)
    sections = []
    for section in template.sections.prefetch_related("sentences").order_by("order", "id"):
        paragraphs = []
        for sentence in section.sentences.all():
            text = sentence_render(sentence.text, book=book, subject=subject, period=period)
            if text:
                paragraphs.append(text)
        if paragraphs:
            number = CN_NUMBERS[len(sections)] if len(sections) < len(CN_NUMBERS) else ""
            sections.append(Section(f"{number}、{section.title}", ["".join(paragraphs)]))
    _renumber(book.entries)
    tables, chart = _breakdown(book, template, subject, period)
    _renumber(book.entries)
    opening = fill(template.opening, subject=subject, period=period) if template.opening else ""
    # The summary counts approved values only (``results.selectors.APPROVED_ONLY``); say so.
    basis = "文中指标数据只计已审核的数据。"
    opening = f"{opening}{basis}" if opening else basis
    return SummaryContext(
        title=fill(template.title, subject=subject, period=period),
        subtitle=f"（{_day(period.start)}至{_day(period.end)}）",
        subject=subject,
        period=period,
        opening=opening,
        sections=sections,
        tables=tables,
        chart=chart,
        entries=book.entries,
        generated_at=timezone.localtime(),
    )


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,，、]+", text or "") if c]


def _breakdown(book: FigureBook, template: ReportTemplate, subject: Subject, period):
    """A table by sub-organisation (or sub-region) and a chart of its money columns."""
    columns = [book.indicator(c) for c in _codes(template.table_indicators)]
    columns = [c for c in columns if c is not None]
    if not columns:
        return [], None
    nodes = [*subject.children, (subject.node_id, subject.code, f"合计（{subject.name}）")]
    group = tuple(n for n, _, _ in nodes)
    rows, kept_nodes, cell_entries = [], [], []
    for node_id, code, name in nodes:
        cells = []
        for indicator in columns:
            entry = book.figure(
                indicator.code,
                axis=subject.axis,
                node_id=node_id,
                node_code=code,
                node_name=name,
                origin="附表1",
                group=group,
            )
            cells.append(entry)
        if any(cells) or node_id == subject.node_id:
            rows.append(cells)
            kept_nodes.append((node_id, code, name))
            cell_entries.extend(e for e in cells if e)
        else:
            continue
    if not cell_entries:
        return [], None
    header = ["单位" if subject.axis == "o" else "地区", *[c.name_zh for c in columns]]
    table_rows = []
    for (_, _, name), cells in zip(kept_nodes, rows, strict=True):
        table_rows.append([name, *[e.text if e else "—" for e in cells]])
    table = Table(
        "附表1 分单位主要指标" if subject.axis == "o" else "附表1 分地区主要指标",
        header,
        table_rows,
        "合计含本级直接实施的项目和活动；表中数字的来源见附录。",
    )
    chart = _chart(template, columns, kept_nodes, rows, subject)
    return [table], chart


def _chart(template, columns, nodes, rows, subject) -> Chart | None:
    wanted = set(_codes(template.chart_indicators))
    picked = [i for i, c in enumerate(columns) if c.code in wanted and c.unit == "元"]
    if not picked:
        return None
    categories, series = [], {columns[i].name_zh: [] for i in picked}
    many = len(nodes) > 1
    for (node_id, _code, name), cells in zip(nodes, rows, strict=True):
        if many and node_id == subject.node_id:
            continue  # the total would dwarf the bars of the units
        categories.append(name)
        for i in picked:
            entry = cells[i]
            series[columns[i].name_zh].append(float(entry.value / 10000) if entry else 0.0)
    if not categories:
        return None
    return Chart(
        "图1 援疆资金安排与使用情况（万元）",
        categories,
        list(series.items()),
        "万元",
    )
