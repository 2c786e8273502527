"""The ``extract`` entry point: text in, figures out."""

from __future__ import annotations

import re

from .attributes import DocumentMemory, annotate
from .entities import forget_document
from .figure import Figure
from .mentions import find_mentions
from .notices import notice_spans
from .text import paragraphs

# Short quoted or titled spans are names and slogans (“百万家庭亲情一线牵”).
_QUOTED = re.compile(r"“[^”\n，。！？；]{1,25}”|《[^》\n]{1,40}》")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def extract(text: str, doc: str = "") -> list[Figure]:
    """Find every figure in ``text`` (a report as captured) with its attributes.

    ``doc`` is copied into each figure. Offsets index ``text`` as given.
    """
    forget_document()
    excluded = _merge(notice_spans(text) + [m.span() for m in _QUOTED.finditer(text)])
    mentions = find_mentions(text, excluded)
    figures: list[Figure] = []
    memory = DocumentMemory()
    cursor = 0
    for start, end, paragraph in paragraphs(text):
        first = cursor
        while cursor < len(mentions) and mentions[cursor].start < end:
            cursor += 1
        inside = [m for m in mentions[first:cursor] if m.start >= start]
        if not inside:
            # Names here may still resolve a later 该村; they are looked up lazily.
            memory.skip(paragraph)
            continue
        for item in annotate(paragraph, inside, memory):
            mention = item.mention
            figures.append(
                Figure(
                    doc=doc,
                    start=mention.start,
                    end=mention.end,
                    text=text[mention.start : mention.end],
                    value=mention.value,
                    unit=mention.unit,
                    qualifier=item.qualifier,
                    change=item.change,
                    indicator=item.indicator,
                    subject=item.subject,
                    place=item.place,
                    period=item.period,
                )
            )
    return figures
