"""Finding the table inside a sheet, as a careful clerk would.

Offices' sheets carry a title, a 填报单位 line, a 单位：万元 line and a date above the
header; headers span two rows with merged parents (总投资（万元） over 援疆资金 and 地方配套);
merged cells stand for the value repeated down; and the data is broken by section
headings (一、州直项目), 合计 / 小计 / 其中 rows and 注 / 填表人 lines. ``table_find``
returns the header row(s), one flattened header per column, the data rows with their
spreadsheet line numbers, every skipped row with why, and what the lines above said.
Which header belongs to which record column is ``mapping``'s work; ``score`` is the one
thing this module asks of it (how many cells of a row look like headers of the kind).
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .readers import FileRefused, Grid

# How far down the header may sit below titles and notes.
HEADER_SEARCH_ROWS = 30
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[部分章节类]"
    r"|[一二三四五六七八九十]+$)"
)
_TOTAL = re.compile(r"^(?:总计|合计|小计|累计|共计|总合计|全部合计|汇总)")
_PART = re.compile(r"^其中")
_NOTE = re.compile(
    r"^(?:注|备注|说明|填表说明|填报说明|填表人|填报人|制表人|制表|审核人|审核|负责人|"
    r"单位负责人|分管领导|联系人|联系电话|数据来源|资料来源|经办人|制单|制单人|复核|复核人|记账|出纳|会计|\d+[.、．]\s*\S+[:：]?)"
    r"\s*[:：]"
)
_NOTE_START = re.compile(r"^(?:注|说明)\s*[:：\d]")
_UNIT_LINE = re.compile(
    r"(?:金额|资金|计量)?单位\s*[:：]\s*(?P<unit>亿元|万元|千元|元|人次|万人次|人|个|%)"
)
_ORG_LINE = re.compile(
    r"(?:填报单位|报送单位|填报机构|单位名称|编制单位)\s*[:：]\s*(?P<org>[^\s　]+)"
)
_DATE_LINE = re.compile(
    r"(?:填报日期|填报时间|报送日期|截止日期|统计时间|截至)\s*[:：]?\s*(?P<date>\S+)"
)
_CONTEXT = re.compile(
    r"(?:填报单位|报送单位|填报机构|编制单位|填报日期|填报时间|报送日期|单位\s*[:：])"
)


def normal(value) -> str:
    """A cell as text for comparing: full-width folded, all spaces and line breaks gone."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    return "".join(value.split())


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_number(value) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return bool(re.fullmatch(r"[-+]?[\d,.]+%?", normal(value)))


@dataclass
class SourceColumn:
    index: int  # 0-based column in the sheet
    header: str  # flattened: parent/child
    parts: list[str]  # the header's pieces, top to bottom


@dataclass
class Skip:
    line: int
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.line, "reason": self.reason}


@dataclass
class Table:
    sheet: str
    header_lines: list[int]  # spreadsheet row numbers of the header
    columns: list[SourceColumn]
    rows: list[tuple[int, list]]  # (spreadsheet row number, raw cells)
    skipped: list[Skip] = field(default_factory=list)
    title: str = ""
    reporter: str = ""  # 填报单位 as written
    unit: str = ""  # 单位：万元 above the table
    date_text: str = ""
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (line, column index)
    totals: list[tuple[int, list]] = field(default_factory=list)  # the sheet's 合计 rows
    sections: dict[int, str] = field(default_factory=dict)  # line → the heading above it
    percent: set[tuple[int, int]] = field(default_factory=set)  # (line, column index)
    above: list[str] = field(default_factory=list)  # every text above the header

    def signature(self) -> str:
        """The headers' fingerprint, to offer a saved mapping for the next such file."""
        import hashlib

        text = "|".join(c.header for c in self.columns)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def filled(grid: Grid) -> list[list]:
    """The grid with every merged range holding its top-left value in each cell."""
    width = max((len(r) for r in grid.cells), default=0)
    cells = [list(r) + [None] * (width - len(r)) for r in grid.cells]
    for r0, c0, r1, c1 in grid.merged:
        if r0 >= len(cells) or c0 >= width:
            continue
        value = cells[r0][c0]
        for r in range(r0, min(r1, len(cells) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                cells[r][c] = value
    return cells


def table_find(grid: Grid, score: Callable[[list[str]], int], *, label: str = "") -> Table:
    """The table of one sheet: header rows found by ``score`` (cells that read as the
    kind's headers), data rows below with title, total, section and note rows set aside."""
    cells = filled(grid)
    while cells and all(_blank(c) for c in cells[-1]):
        cells.pop()
    if not cells:
        raise FileRefused("表格中没有内容")
    merged_across = {
        (r0, c) for r0, c0, r1, c1 in grid.merged if c1 > c0 for c in range(c0, c1 + 1)
    }
    best, best_score = -1, 0
    for r in range(min(HEADER_SEARCH_ROWS, len(cells))):
        texts = [normal(c) for c in cells[r]]
        found = score(texts)
        if found > best_score:
            best, best_score = r, found
    if best < 0 or best_score < 2:
        raise FileRefused(
            f"在前{HEADER_SEARCH_ROWS}行中找不到{('“' + label + '”') if label else ''}的表头"
        )
    top, bottom = best, best
    # A parent row above (总投资（万元） merged across its children) or a vertically merged
    # header reaching up; a child row below whose cells sit under a merged parent.
    while top > 0 and _joins(grid, cells, top - 1, top, bottom, merged_across, above=True):
        top -= 1
    while bottom + 1 < len(cells) and _joins(
        grid, cells, bottom + 1, top, bottom, merged_across, above=False
    ):
        bottom += 1
    _spread_parents(cells, top, bottom)
    width = max(len(r) for r in cells)
    columns = []
    for c in range(width):
        parts: list[str] = []
        for r in range(top, bottom + 1):
            text = str(cells[r][c]).strip() if not _blank(cells[r][c]) else ""
            text = re.sub(r"\s+", "", text) if text else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        if parts:
            columns.append(SourceColumn(index=c, header="/".join(parts), parts=parts))
    table = Table(
        sheet=grid.name,
        header_lines=list(range(top + 1, bottom + 2)),
        columns=columns,
        rows=[],
        formulas={(r + 1, c) for r, c in grid.formulas},
        percent={(r + 1, c) for r, c in grid.percent},
    )
    _context(table, cells[:top] + [cells[r] for r in range(top, bottom + 1)])
    _data(table, cells, bottom + 1, grid, score)
    return table


def _joins(grid, cells, r, top, bottom, merged_across, *, above: bool) -> bool:
    """Whether row ``r``, just above or below the header rows, is part of the header."""
    row = cells[r]
    texts = [normal(c) for c in row]
    if any(_CONTEXT.search(t) for t in texts if t):
        return False
    present = [t for t in texts if t]
    if not present or any(_is_number(c) for c in row if not _blank(c)):
        return False
    edge = top if above else bottom
    # A merged range spanning this row and a header row (序号 over two rows).
    for r0, _c0, r1, _c1 in grid.merged:
        if r0 <= min(r, edge) and r1 >= max(r, edge) and r1 > r0:
            return True
    if above:
        if len(set(present)) == 1:
            return False  # one text across the width is a title
        return any((r, c) in merged_across for c in range(len(row)) if texts[c])
    if any((edge, c) in merged_across for c in range(len(row)) if texts[c]):
        return True
    # No merges kept (CSV): every text of the row sits under a blank header cell or under
    # a parent followed by blank cells.
    header = [normal(c) for c in cells[edge]]
    for c, text in enumerate(texts):
        if not text:
            continue
        over = header[c] if c < len(header) else ""
        if over and not (c + 1 < len(header) and not header[c + 1]):
            return False
        if not over and not any(header[:c]):
            return False
    return True


def _spread_parents(cells: list[list], top: int, bottom: int) -> None:
    """In header rows without merges, a parent's blank cells to the right take its text
    where the row below has a child (总投资（万元）,, over 援疆资金, 地方配套)."""
    for r in range(top, bottom):
        row, below = cells[r], cells[r + 1]
        for c in range(1, len(row)):
            if _blank(row[c]) and c < len(below) and not _blank(below[c]):
                left = c - 1
                while left >= 0 and _blank(row[left]):
                    left -= 1
                if left >= 0 and not _blank(below[left]):
                    row[c] = row[left]


def _context(table: Table, rows: list[list]) -> None:
    for row in rows:
        for cell in row:
            text = normal(cell)
            if not text:
                continue
            if unit := _UNIT_LINE.search(text):
                table.unit = table.unit or unit["unit"]
            if org := _ORG_LINE.search(text):
                table.reporter = table.reporter or org["org"]
            if when := _DATE_LINE.search(text):
                table.date_text = table.date_text or when["date"]
    lines = [r for r in rows[: len(rows) - len(table.header_lines)]]
    for row in lines:
        texts = [normal(c) for c in row if not _blank(c)]
        table.above.extend(texts)
        if not table.title and len(set(texts)) == 1 and not _CONTEXT.search(texts[0]):
            table.title = texts[0]


def _data(table: Table, cells: list[list], start: int, grid: Grid, score) -> None:
    header_texts = {c.index: normal(c.header.split("/")[-1]) for c in table.columns}
    header_words = set(header_texts.values())
    in_notes = False
    section = ""
    for r in range(start, len(cells)):
        line = r + 1
        row = cells[r]
        values = [c for c in row if c is not None and c != ""]
        if len(values) <= 3:
            values = [c for c in values if not _blank(c)]
        if not values:
            table.skipped.append(Skip(line, "空行"))
            continue
        # Only text cells can make a row a total, note, section or header row; numbers and
        # dates are read as they are (this loop runs for every row of large files).
        leading = [normal(c) for c in row[:4] if isinstance(c, str) and c.strip()]
        first = leading[0] if leading else ""
        if not first:
            first = next((normal(c) for c in row if isinstance(c, str) and c.strip()), "")
        if len(values) <= 3 or (set(leading) & header_words):
            texts = [normal(c) if isinstance(c, str) else "" for c in row]
        else:
            texts = leading
        if in_notes and len(values) <= 2:
            table.skipped.append(Skip(line, "表尾注释"))
            continue
        if _NOTE.match(first) or _NOTE_START.match(first):
            in_notes = True
            table.skipped.append(Skip(line, f"表尾注释或签名行（“{_short(first)}”）"))
            continue
        if any(_TOTAL.match(t) for t in leading):
            word = next(t for t in leading if _TOTAL.match(t))
            if word.startswith(("合计", "总计", "共计", "总合计", "全部合计")):
                table.totals.append((line, row))
            table.skipped.append(Skip(line, f"{_short(word, 6)}行，不导入（导入后按明细重新合计）"))
            continue
        if any(_PART.match(t) for t in leading):
            table.skipped.append(Skip(line, f"“其中”分项行（“{_short(first)}”），不导入"))
            continue
        if sum(1 for i, t in enumerate(texts) if t and header_texts.get(i) == t) >= 2:
            table.skipped.append(Skip(line, "重复的表头行"))
            continue
        numbered = [t for t in leading if _NUMBERING.match(t)]
        distinct = list(dict.fromkeys(t for t in texts if t)) if numbered else []
        numbers = numbered and any(
            _is_number(c) and not _NUMBERING.match(normal(c)) for c in values
        )
        if numbered and (len(distinct) <= 2 or numbers):
            words = [t for t in distinct if not _is_number(t)][:2]
            section = "".join(words)
            table.skipped.append(
                Skip(
                    line,
                    f"分组标题行（“{_short(section)}”）"
                    + ("，其中的小计不导入" if numbers else ""),
                )
            )
            continue
        if section:
            table.sections[line] = section
        table.rows.append((line, row))


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
