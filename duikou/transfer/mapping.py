"""Proposing how a sheet's columns map to a record kind's, and keeping what the user confirms.

A proposal comes from the header words (the kind's own headers, then the synonyms in
``fixtures/header_synonyms.csv`` and the ``HeaderSynonym`` rows users add), the units the
headers and the lines above them name, and the values in a column (a column of place
names is a place). Columns the kind does not hold are listed and ignored. A required
column the file lacks is filled from a value the user gives for all rows, derived (the
reporting organisation from the 填报单位 line or the user's own organisation, the plan
year or batch from the title, a choice named in a header: 拨付金额 → 拨付) or generated
(project codes). Office words for choices (已投产, 续建) map through ``value_synonyms.csv``
and ``ValueSynonym``. The whole decision is a plain dict, stored on the import record,
shown on the preview page, changed by the user and saved for the next file with the same
headers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .tables import Table, normal

if TYPE_CHECKING:
    from .kinds import Column, Kind

FIXTURES = Path(__file__).with_name("fixtures")
# A unit written in a header: 金额（万元）, 金额(元), 人数（人）, 形象进度（%）, 金额/万元.
_HEADER_UNIT = re.compile(
    r"[（(【\[]\s*(?:单位[:：])?\s*(?P<unit>亿元|万元|千元|元|万人次|人次|万人|人|个|家|场|天|%|％)\s*[）)】\]]"
    r"|[/／](?P<tail>亿元|万元|元)$"
)
_MARKS = re.compile(r"[*＊★※:：]")
SCALES = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10_000), "亿元": Decimal(10**8)}
COUNT_SCALES = {"万人次": Decimal(10_000), "万人": Decimal(10_000)}
_MONTH = re.compile(
    r"^(?:(?P<year>\d{4})年)?(?P<month>\d{1,2}|[一二三四五六七八九十]+|十一|十二)月(?:份)?$"
)
_QUARTER = re.compile(r"^(?:(?P<year>\d{4})年)?(?:第?(?P<q>[1-4一二三四])季度?|[Qq](?P<q2>[1-4]))$")
_YEAR = re.compile(r"^(?P<year>20\d{2}|19\d{2})年?(?:度)?$")
_WIDE_TOTAL = re.compile(r"^(?:合计|小计|全年|累计|总计|年度合计|全年合计)")
_YEAR_IN_TEXT = re.compile(r"(20\d{2})\s*年")
_BATCH_IN_TEXT = re.compile(r"第([一二三四五六七八九十]+|\d+)批")


def cn_number(text: str) -> int | None:
    """A whole number written in Arabic or Chinese numerals (11, 十一), or None."""
    from duikou.extract.numerals import parse_number

    found = parse_number(text)
    return int(found) if found is not None and found == int(found) else None


def header_split(text: str) -> tuple[str, str]:
    """A header's words and the unit it names: "总投资（万元）" → ("总投资", "万元")."""
    text = normal(text)
    unit = ""
    for match in _HEADER_UNIT.finditer(text):
        unit = match["unit"] or match["tail"] or unit
    base = _HEADER_UNIT.sub("", text)
    base = re.sub(r"[（(].*?[）)]", "", base)
    return _MARKS.sub("", base).replace("％", "%"), unit.replace("％", "%")


# Vocabulary ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _shipped_headers() -> tuple[tuple[str, str, str], ...]:
    with open(FIXTURES / "header_synonyms.csv", encoding="utf-8") as handle:
        return tuple((r["kind"], r["column"], r["synonym"]) for r in csv.DictReader(handle))


@lru_cache(maxsize=1)
def _shipped_values() -> tuple[tuple[str, str, str, str], ...]:
    with open(FIXTURES / "value_synonyms.csv", encoding="utf-8") as handle:
        return tuple(
            (r["kind"], r["column"], r["text"], r["value"]) for r in csv.DictReader(handle)
        )


def vocabulary(kind: Kind) -> dict[str, list[str]]:
    """Column key → the header words that name it, the kind's own header first."""
    from .models import HeaderSynonym

    words: dict[str, list[str]] = {}
    for column in kind.input_columns():
        words[column.key] = [header_split(column.header)[0]]
    rows = list(_shipped_headers()) + list(
        HeaderSynonym.objects.filter(kind__in=["*", kind.key]).values_list(
            "kind", "column", "synonym"
        )
    )
    for scope, key, synonym in rows:
        if scope in ("*", kind.key) and key in words:
            word = header_split(synonym)[0]
            if word not in words[key]:
                words[key].append(word)
    return words


def value_words(kind: Kind, key: str) -> dict[str, str]:
    """Office words → choice codes for one column."""
    from .models import ValueSynonym

    rows = list(_shipped_values()) + list(
        ValueSynonym.objects.filter(kind__in=["*", kind.key], column__in=["*", key]).values_list(
            "kind", "column", "text", "value"
        )
    )
    return {
        normal(text): value
        for scope, column, text, value in rows
        if scope in ("*", kind.key) and column in ("*", key) and value
    }


def header_match(words: dict[str, list[str]], header: str) -> tuple[str | None, str]:
    """The column a header names and how sure: "表头" (its own or a synonym, exactly),
    "相近" (a synonym inside the header), or (None, "")."""
    parts = [header_split(p)[0] for p in header.split("/")]
    for part in reversed(parts):  # the child names the column; the parent gives the unit
        for key, names in words.items():
            if part in names:
                return key, "表头"
    whole = "".join(parts)
    for key, names in words.items():
        if whole in names:
            return key, "表头"
    best: tuple[int, str | None] = (0, None)
    last = parts[-1]
    for key, names in words.items():
        for name in names:
            if len(name) >= 2 and name in last and len(name) > best[0]:
                best = (len(name), key)
    return (best[1], "相近") if best[1] else (None, "")


def period_header(header: str, year: int | None) -> tuple[str, int | None] | None:
    """A column header that names a period (1月, 2025年3月, 一季度, 2024年): its period text
    in the form ``periods.period_parse`` reads, or (None, year) when the year is missing."""
    text = header_split(header.split("/")[-1])[0]
    whole = "".join(header_split(p)[0] for p in header.split("/"))
    for candidate in (text, whole):
        if m := _MONTH.match(candidate):
            month = cn_number(m["month"])
            if month and 1 <= month <= 12:
                y = int(m["year"]) if m["year"] else year
                return (f"{y}-{month:02d}" if y else None, y)
        if m := _QUARTER.match(candidate):
            q = m["q"] or m["q2"]
            quarter = cn_number(q)
            y = int(m["year"]) if m["year"] else year
            return (f"{y}Q{quarter}" if y else None, y)
        if m := _YEAR.match(candidate):
            return (m["year"], int(m["year"]))
    return None


def header_score(kind: Kind):
    """How many cells of a row read as this kind's headers (to find the header row)."""
    words = vocabulary(kind)

    def score(texts: list[str]) -> int:
        keys = set()
        periods = 0
        for text in texts:
            if not text:
                continue
            key, how = header_match(words, text)
            if key and how == "表头":
                keys.add(key)
            elif kind.key == "values" and period_header(text, 2000):
                periods += 1
        return len(keys) + (min(periods, 2) if kind.key == "values" else 0)

    return score


# The mapping -----------------------------------------------------------------------------


@dataclass
class ColumnMap:
    index: int
    header: str
    key: str | None  # the kind's column, or None (ignored)
    how: str = ""  # 表头 / 相近 / 数值 / 保存 / 用户 / 未对应
    unit: str = ""  # the unit the header (or the 单位 line) gives
    period: str | None = None  # wide tables: the period this column holds
    total: bool = False  # wide tables: the row total (合计), checked, never imported
    milestone: str = ""  # a dated milestone (签约时间) that may give the row's stage date


@dataclass
class Mapping:
    kind: str
    sheet: str
    signature: str
    columns: list[ColumnMap]
    constants: dict[str, str] = field(default_factory=dict)  # key → text, as a cell
    derived: dict[str, str] = field(default_factory=dict)  # key → how (shown to the user)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # key → word → code
    wide: bool = False
    clear_blanks: bool = False
    submit: bool = False  # indicator values: commit them as submitted, not drafts
    missing: list[str] = field(default_factory=list)
    saved: bool = False  # offered from a saved mapping

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Mapping:
        data = dict(data)
        data["columns"] = [ColumnMap(**c) for c in data.get("columns", [])]
        return cls(**data)

    def source_of(self, key: str) -> ColumnMap | None:
        return next((c for c in self.columns if c.key == key and not c.period), None)

    def mapped_keys(self) -> set[str]:
        return {c.key for c in self.columns if c.key}


def mapping_propose(*, kind: Kind, table: Table, user, saved: dict | None = None) -> Mapping:
    """The proposed mapping of ``table`` to ``kind``; a saved one for the same headers wins."""
    if saved:
        mapping = Mapping.from_dict(saved)
        if [c.header for c in mapping.columns] == [c.header for c in table.columns]:
            mapping.saved = True
            mapping.sheet = table.sheet
            mapping_complete(kind=kind, table=table, mapping=mapping, user=user)
            return mapping
    words = vocabulary(kind)
    year = _title_year(table)
    columns: list[ColumnMap] = []
    taken: dict[str, ColumnMap] = {}
    for source in table.columns:
        key, how = header_match(words, source.header)
        unit = next((u for u in (header_split(p)[1] for p in reversed(source.parts)) if u), "")
        entry = ColumnMap(index=source.index, header=source.header, key=None, unit=unit)
        if kind.key == "values" and key not in ("indicator", "org", "region", "unit"):
            found = period_header(source.header, year)
            if found is not None:
                entry.period = found[0] or ""
                entry.key = "value"
                entry.how = "期间列"
                columns.append(entry)
                continue
            if _WIDE_TOTAL.match(header_split(source.header.split("/")[-1])[0]):
                entry.total = True
                entry.how = "合计列"
                columns.append(entry)
                continue
        if key is not None:
            previous = taken.get(key)
            stronger = previous is not None and previous.how == "相近" and how == "表头"
            if previous is None or stronger:
                if stronger:
                    previous.key, previous.how = None, "未对应"
                entry.key, entry.how = key, how
                taken[key] = entry
            else:
                entry.how = f"未对应（“{previous.header}”已对应{kind.header_for(key)}）"
        else:
            entry.how = "未对应"
        columns.append(entry)
    mapping = Mapping(
        kind=kind.key, sheet=table.sheet, signature=table.signature(), columns=columns
    )
    mapping.wide = any(c.period is not None for c in columns)
    _milestones(kind, mapping)
    _guess_from_values(kind, table, mapping)
    mapping_complete(kind=kind, table=table, mapping=mapping, user=user)
    return mapping


def _milestones(kind: Kind, mapping: Mapping) -> None:
    """Several milestone date columns (对接/签约/开工/投产时间): each row's stage picks one."""
    words = {w for headers in getattr(kind, "milestones", {}).values() for w in headers}
    found = [c for c in mapping.columns if header_split(c.header.split("/")[-1])[0] in words]
    if len(found) < 2:
        return
    for entry in found:
        entry.key = None
        entry.milestone = header_split(entry.header.split("/")[-1])[0]
        entry.how = "按各行阶段取作阶段日期"
    mapping.derived["stage_date"] = (
        "取与各行阶段相应的日期列（" + "、".join(e.milestone for e in found) + "）"
    )


def _guess_from_values(kind: Kind, table: Table, mapping: Mapping) -> None:
    """An unmapped column whose values are all place names is the place."""
    from duikou.geo.selectors import region_in_text

    region = kind.column("region")
    if region is None or "region" in mapping.mapped_keys():
        return
    for entry in mapping.columns:
        if entry.key or entry.total or entry.period is not None:
            continue
        values = [row[entry.index] for _, row in table.rows[:50] if entry.index < len(row)]
        values = [v for v in values if isinstance(v, str) and v.strip()]
        if len(values) >= 2 and all(region_in_text(text=v) for v in values):
            entry.key, entry.how = "region", "数值"
            return


def _title_year(table: Table) -> int | None:
    for text in [table.title, *table.above, table.date_text]:
        if text and (m := _YEAR_IN_TEXT.search(text)):
            return int(m[1])
    return None


def mapping_complete(*, kind: Kind, table: Table, mapping: Mapping, user) -> None:
    """Fill what the file lacks: derived values and proposals for required columns; list
    the required columns still without a source, constant or rule."""
    mapped = mapping.mapped_keys()
    mapping.derived = {k: v for k, v in mapping.derived.items() if k not in mapped}
    for hook in kind.derivations:
        if hook.key in mapped or hook.key in mapping.constants:
            continue
        found = hook.propose(kind=kind, table=table, mapping=mapping, user=user)
        if found is None:
            continue
        text, how = found
        if text is None:
            mapping.derived[hook.key] = how  # a rule applied row by row
        else:
            mapping.constants[hook.key] = text
            mapping.derived[hook.key] = how
    for key, flags in kind.section_flags.items():
        if key in mapped or key in mapping.constants or not table.sections:
            continue
        headings = sorted(set(table.sections.values()))
        if any(word in h for h in headings for word, _ in flags):
            mapping.derived[key] = "按分组标题（" + "、".join(f"“{h}”" for h in headings) + "）"
    _choices_named(kind, table, mapping)
    _propose_values(kind, table, mapping)
    mapping.missing = [
        c.key
        for c in kind.input_columns()
        if c.required
        and c.key not in mapping.mapped_keys()
        and c.key not in mapping.constants
        and c.key not in mapping.derived
        and not (mapping.wide and c.key in ("value", "period"))
    ]


def _choices_named(kind: Kind, table: Table, mapping: Mapping) -> None:
    """A required choice column the file lacks, named by a header or the title
    (拨付金额 → 类型 拨付; 援疆资金拨付台账 → 资金来源 援疆资金)."""
    texts = [c.header for c in mapping.columns if c.key] + [table.title]
    for column in kind.input_columns():
        if column.type != "choice" or not column.required:
            continue
        if column.key in mapping.mapped_keys() or column.key in mapping.constants:
            continue
        options = {normal(label): code for code, label in column.choices.choices}
        options.update(value_words(kind, column.key))
        for text in texts:
            hits = {
                code for word, code in options.items() if len(word) >= 2 and word in normal(text)
            }
            if len(hits) == 1:
                code = hits.pop()
                mapping.constants[column.key] = str(column.choices(code).label)
                mapping.derived[column.key] = f"由“{text}”推断"
                break


def _propose_values(kind: Kind, table: Table, mapping: Mapping) -> None:
    """For each mapped choice column, every distinct word in it and the choice it means."""
    for entry in mapping.columns:
        column = kind.column(entry.key) if entry.key else None
        if column is None or column.type != "choice":
            continue
        known = mapping.values.setdefault(column.key, {})
        synonyms = value_words(kind, column.key)  # one query per column, not per word
        for _, row in table.rows:
            raw = row[entry.index] if entry.index < len(row) else None
            word = normal(raw)
            if not word or word in known:
                continue
            code = choice_propose(kind, column, word, synonyms)
            if code is not None:
                known[word] = code
            else:
                known.setdefault(word, "")


def choice_propose(
    kind: Kind, column: Column, word: str, synonyms: dict | None = None
) -> str | None:
    """The choice an office word most likely means: its label or code, a known synonym,
    or the one label it contains (或 contained in it)."""
    word = normal(word)
    for code, label in column.choices.choices:
        if word == normal(label) or word.lower() == code:
            return code
    if synonyms is None:
        synonyms = value_words(kind, column.key)
    if word in synonyms:
        return synonyms[word]
    hits = {
        code
        for code, label in column.choices.choices
        if len(normal(label)) >= 2 and (normal(label) in word or word in normal(label))
    }
    if len(hits) == 1:
        return hits.pop()
    return None


def mapping_apply_user(
    *,
    kind: Kind,
    mapping: Mapping,
    columns: dict[int, str | None] | None = None,
    constants: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    clear_blanks: bool | None = None,
    submit: bool | None = None,
) -> Mapping:
    """The user's changes: a source column to another key (or to none), a value for all rows
    of a column the file lacks, the choice an office word means."""
    for entry in mapping.columns:
        if columns and entry.index in columns and entry.period is None:
            key = columns[entry.index] or None
            if key != entry.key:
                entry.key, entry.how = key, "用户" if key else "用户忽略"
    if constants:
        for key, text in constants.items():
            if text is None or str(text).strip() == "":
                mapping.constants.pop(key, None)
            else:
                mapping.constants[key] = str(text).strip()
                mapping.derived.pop(key, None)
    for key, words in (values or {}).items():
        column = kind.column(key)
        if column is None or column.type != "choice":
            continue
        target = mapping.values.setdefault(key, {})
        for word, choice in words.items():
            code = choice_code(column, choice)
            target[normal(word)] = code or ""
    if clear_blanks is not None:
        mapping.clear_blanks = clear_blanks
    if submit is not None:
        mapping.submit = submit
    return mapping


def choice_code(column: Column, text: str) -> str | None:
    text = normal(text)
    for code, label in column.choices.choices:
        if text in (code, normal(label)):
            return code
    return None


def header_key(kind: Kind, text: str) -> str | None:
    """A column named the way users name it on the command line: key, header or synonym."""
    text = normal(text)
    for column in kind.input_columns():
        if text in (column.key, normal(column.header), header_split(column.header)[0]):
            return column.key
    key, how = header_match(vocabulary(kind), text)
    return key if how == "表头" else None


def scale_for(unit: str, column: Column) -> Decimal:
    """What a plain number under a column with this unit is multiplied by to give the
    kind's own unit (元 for money, persons for counts)."""
    if column.type == "amount":
        return SCALES.get(unit, Decimal(1))
    if column.type == "int":
        return COUNT_SCALES.get(unit, Decimal(1))
    return Decimal(1)


class Derivation:
    """How one column the file lacks can be filled: ``propose`` returns (text for all rows,
    how) or (None, how) for a rule the rows apply in ``Kind.derive``, or None."""

    key = ""

    def propose(self, *, kind, table, mapping, user):
        raise NotImplementedError


class OwnOrg(Derivation):
    """The reporting organisation: the 填报单位 line, else the user's own organisation."""

    def __init__(self, key: str):
        self.key = key

    def propose(self, *, kind, table, mapping, user):
        from duikou import policy
        from duikou.orgs.selectors import organisation_list_writable

        writable = list(organisation_list_writable(user=user)[:200])
        if table.reporter:
            name = normal(table.reporter)
            for org in writable:
                if name in (normal(org.name), normal(org.short_name), org.code):
                    return org.name, f"表上方“填报单位：{table.reporter}”"
        if "region" in mapping.mapped_keys() and len(writable) > 1:
            return None, "按地点的结对关系确定（无结对时为本人所在机构）"
        own = _own_org(user, writable)
        if own is not None and policy.can_write_for_org(user, own.pk):
            return own.name, "本人所在机构"
        return None


def _own_org(user, writable):
    from duikou.orgs.models import Membership

    membership = (
        Membership.objects.filter(user=user, organisation__isnull=False)
        .select_related("organisation")
        .first()
    )
    if membership is not None:
        return membership.organisation
    return writable[0] if len(writable) == 1 else None


class TitleYear(Derivation):
    def __init__(self, key: str):
        self.key = key

    def propose(self, *, kind, table, mapping, user):
        year = _title_year(table)
        return (str(year), f"表头标题中的“{year}年”") if year else None


class TitleBatch(Derivation):
    def __init__(self, key: str):
        self.key = key

    def propose(self, *, kind, table, mapping, user):
        for text in [table.title, *table.above]:
            if text and (m := _BATCH_IN_TEXT.search(text)):
                return f"第{m[1]}批", f"表头标题“{text}”"
        return None


class RegionFromText(Derivation):
    """The place named inside another column (挂职单位 "昌吉州人民医院 副院长" → 昌吉州)."""

    def __init__(self, key: str, sources: tuple[str, ...]):
        self.key = key
        self.sources = sources

    def propose(self, *, kind, table, mapping, user):
        for source in self.sources:
            if source in mapping.mapped_keys():
                return None, f"从“{kind.header_for(source)}”中的地名得出"
        return None


class TitleMonth(Derivation):
    """The year or month of a report from the lines above the table (调度月份：2025年11月)."""

    _MONTH = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月")

    def __init__(self, key: str, part: str):
        self.key = key
        self.part = part

    def propose(self, *, kind, table, mapping, user):
        for text in [table.title, *table.above, table.date_text]:
            if text and (m := self._MONTH.search(text)):
                value = m[1] if self.part == "year" else str(int(m[2]))
                return value, f"表上方的“{m[0]}”"
        return None


class ContextIndicator(Derivation):
    """The indicator named above the table (指标：接诊患者（人次）) or in its title."""

    key = "indicator"

    def propose(self, *, kind, table, mapping, user):
        from duikou.results.models import Indicator

        named = re.compile(r"指标(?:名称)?\s*[:：]\s*([^\s（(:：]+)")
        stored = list(
            Indicator.objects.filter(kind=Indicator.Kind.STORED, is_active=True).values_list(
                "code", "name_zh", "synonyms"
            )
        )
        for text in table.above:
            if m := named.search(text):
                word = m[1]
                for code, name, synonyms in stored:
                    if word in (code, normal(name), *[normal(s) for s in synonyms.split("|") if s]):
                        return name, f"表上方的“{m[0]}”"
        for text in [table.title]:
            hits = [
                (code, name) for code, name, _ in stored if name and normal(name) in normal(text)
            ]
            if len(hits) == 1:
                return hits[0][1], f"表头标题“{text}”"
        return None


class Generated(Derivation):
    def __init__(self, key: str, how: str):
        self.key = key
        self.how = how

    def propose(self, *, kind, table, mapping, user):
        return None, self.how
