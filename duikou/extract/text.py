"""Paragraphs, sentences and clauses of a captured newspaper page.

Pages are wrapped at column edges and paragraphs split across columns, so
attribute rules work on a *clean* copy of each paragraph with all white space
removed; ``offsets`` maps every clean character back to the raw text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

_BLANK_LINE = re.compile(r"\n[ \t\u3000\xa0]*(?:\r?\n[ \t\u3000\xa0]*)+")
_WHITESPACE = " \t\u3000\xa0\r\n"
_NON_BLANK_RUN = re.compile(r"[^ \t\u3000\xa0\r\n]+")
_SENTENCE_END = "。！？!?"
_CLAUSE_END = "，,；;：:。！？!?"
_CLAUSE_END_RE = re.compile(f"[{_CLAUSE_END}]")
# A sentence-ending mark with the closing quotes kept in its sentence.
_SENTENCE_BREAK = re.compile(f'[{_SENTENCE_END}][”"’」）)]*')
_PARAGRAPH_END = '。！？!?”"’：:；;…）)'
# A block longer than this that stops mid-sentence continues in the next
# block (a paragraph split across columns); shorter ones are headings.
_CONTINUED_MIN = 24


@dataclass(slots=True)
class Paragraph:
    """A logical paragraph: clean text plus the raw offset of each character."""

    clean: str
    offsets: list[int]
    sentence_starts: list[int] = field(default_factory=list)
    # Indices of the clause-ending marks in ``clean``, found on first use.
    _clause_ends: list[int] | None = None

    def clean_index(self, raw_position: int) -> int:
        """Clean index of the first character at or after ``raw_position``."""
        return bisect_left(self.offsets, raw_position)

    def sentence_span(self, index: int) -> tuple[int, int]:
        """``(start, end)`` clean indices of the sentence holding ``index``."""
        position = bisect_left(self.sentence_starts, index + 1) - 1
        start = self.sentence_starts[max(position, 0)]
        end = (
            self.sentence_starts[position + 1]
            if position + 1 < len(self.sentence_starts)
            else len(self.clean)
        )
        return start, end

    def clause_span(self, start: int, end: int) -> tuple[int, int]:
        """``(start, end)`` of the clause around the clean range ``start:end``."""
        ends = self._clause_ends
        if ends is None:
            ends = [match.start() for match in _CLAUSE_END_RE.finditer(self.clean)]
            self._clause_ends = ends
        before = bisect_left(ends, start)
        left = ends[before - 1] + 1 if before else 0
        after = bisect_left(ends, end)
        right = ends[after] if after < len(ends) else len(self.clean)
        return left, right


def _clean(text: str, base: int) -> tuple[str, list[int]]:
    chunks: list[str] = []
    offsets: list[int] = []
    for match in _NON_BLANK_RUN.finditer(text):
        chunks.append(match.group())
        offsets.extend(range(base + match.start(), base + match.end()))
    return "".join(chunks), offsets


def _sentence_starts(clean: str) -> list[int]:
    starts = [0]
    length = len(clean)
    # Marks are found by the regex engine, not a loop over every character.
    for match in _SENTENCE_BREAK.finditer(clean):
        nxt = match.end()  # a closing quote stays with the sentence it ends
        if nxt < length and nxt != starts[-1]:
            starts.append(nxt)
    return starts


_HEADING_START = re.compile(
    r"[■●◆▲◇□◎★☆◉▶►▌▍【]|[一二三四五六七八九十]{1,3}[、．]|[（(][一二三四五六七八九十]{1,3}[）)]"
)
_HEADING_LINE = re.compile(r"[ \t\u3000\xa0]*([^\n，,。；;！？!?]{2,24})[ \t\u3000\xa0]*\r?\n")


def _split_heading(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """【上海】“卫星工厂”开到村口 over a paragraph: a heading line of its own.

    A first line opening with a bracket or bullet, without a comma or full
    stop and not ending as a sentence ends, followed by lines that read as
    sentences, is a heading, not the paragraph's first words.
    """
    match = _HEADING_LINE.match(text, start, end)
    if not match or match.end() >= end:
        return [(start, end)]
    heading = match.group(1).strip()
    rest = text[match.end() : end]
    if heading[-1] in _PARAGRAPH_END or not re.search("[，,。]", rest):
        return [(start, end)]
    if not heading.startswith(
        ("【", "[", "■", "●", "◆", "▲", "◇", "□", "◎", "★", "☆", "◉", "▶", "►", "▌", "▍")
    ):
        return [(start, end)]
    return [(start, match.end() - 1), (match.end(), end)]


def paragraphs(text: str) -> Iterator[tuple[int, int, Paragraph]]:
    """Yield ``(raw_start, raw_end, paragraph)`` for each logical paragraph."""
    blocks: list[tuple[int, int]] = []
    position = 0
    for match in _BLANK_LINE.finditer(text):
        blocks.append((position, match.start()))
        position = match.end()
    blocks.append((position, len(text)))
    blocks = [piece for block in blocks for piece in _split_heading(text, *block)]

    start: int | None = None
    for index, (block_start, block_end) in enumerate(blocks):
        if start is None:
            start = block_start
        body = text[block_start:block_end].strip(_WHITESPACE)
        continued = (
            index + 1 < len(blocks)
            and len(text[start:block_end].strip()) >= _CONTINUED_MIN
            and body
            and body[-1] not in _PARAGRAPH_END
            # ■第一师阿拉尔市, 二、分县情况: a heading opens a paragraph and is one.
            and not _HEADING_START.match(body)
            and not _HEADING_START.match(text[blocks[index + 1][0] : blocks[index + 1][1]].lstrip())
        )
        if continued:
            continue
        clean, offsets = _clean(text[start:block_end], start)
        if clean:
            yield start, block_end, Paragraph(clean, offsets, _sentence_starts(clean))
        start = None
