"""Detect classified ads and official notices, which are never aid reporting.

Newspaper pages end with lost-document declarations, change-of-name notices
and job ads; their receipt amounts and licence numbers look like figures.
Blocks are found from notice vocabulary, not from a list of known notices.
"""

from __future__ import annotations

import re

# One of these alone marks a block as a notice.
_STRONG = re.compile(
    r"遗失|声明作废|特此声明|特此公告|作废|统一社会信用代码|统一代码|身份证号|刊登热线|"
    r"分类信息|曾用名|防伪码|挂失|登报|清算组|债权人|注销登记"
)
# Two different ones of these (or one plus a phone number) mark a notice.
_WEAK = re.compile(
    r"公告|声明|注销|电话|联系人|地址|邮政编码|邮编|招聘|法人|营业执照|许可证|编码|"
    r"流水号|住所|联系方式|报名时间|待遇|薪资|月薪|有效期|批准机关"
)
_PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?!\d)")
# A block that starts a news item is never swallowed by a preceding notice.
_NEWS_MARK = re.compile(r"本报讯|本报记者|通讯员|记者|报道")
_UNIT_SPLIT = re.compile(r"\n[ \t\u3000]*\n|●")

# Blocks this short that follow a notice are its wrapped lines or sign-off.
_CONTINUATION_MAX = 60


def _is_notice(block: str) -> bool:
    if _STRONG.search(block):
        return True
    cues = {match.group() for match in _WEAK.finditer(block)}
    if _PHONE.search(block):
        cues.add("phone")
    return len(cues) >= 2


def notice_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the notice and ad blocks in ``text``."""
    spans: list[tuple[int, int]] = []
    previous_notice = False
    position = 0
    for separator in [*_UNIT_SPLIT.finditer(text), None]:
        end = separator.start() if separator else len(text)
        block = text[position:end]
        stripped = block.strip()
        if stripped:
            notice = _is_notice(block) or (
                previous_notice
                and len(stripped) <= _CONTINUATION_MAX
                and not _NEWS_MARK.search(block)
            )
            if notice:
                spans.append((position, end))
            previous_notice = notice
        position = separator.end() if separator else len(text)
    return spans
