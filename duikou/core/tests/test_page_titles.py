"""Every page has a Chinese title: each template that extends the base fills its title
block with text only (no markup), and that text is Chinese or names the page's record."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    p for p in ROOT.rglob("templates/**/*.html") if '{% extends "base.html" %}' in p.read_text()
)
TITLE = re.compile(r"{% block title %}(.*?){% endblock %}", re.S)


def test_there_are_pages_to_check():
    assert len(PAGES) > 40


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_page_has_a_title_of_text(path):
    found = TITLE.search(path.read_text())
    assert found, "缺少 {% block title %}"
    title = found.group(1)
    assert "<" not in title and "\n" not in title, f"标题里有标记或换行：{title[:80]}"
    shown = re.sub(r"{%.*?%}|{{.*?}}", "", title)
    words = [*re.findall(r'translate "([^"]+)"', title), shown]
    # Chinese text, or a record's own name ({{ project.name }}).
    assert any(re.search(r"[\u4e00-\u9fff]", w) for w in words) or "{{" in title, title
