"""Every page of the menu, and one detail page of every kind of record linked from them, as
each demo account sees it in Chromium at 1366 px.

A page fails the walk when it answers with a server error or an English error page, when a
script fails or an asset does not load, when its visible text shows the platform's internals
(snake_case names, ``app.model`` labels, dict or list dumps, True/False/None, codes such as
``FUND_SPENT``, setting names, a year written 2,025), when a text is squeezed to one
character per line, or when the page is wider than the window. Screenshots of every page
are kept under ``var/screenshots/walk/``.
"""

import os
import re
from urllib.parse import urlsplit

import pytest

from .conftest import SCREENSHOTS, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.sweep,  # tools/test-sweeps
    # Pages, not SQL: the access walk (core/tests/test_access_walk.py) opens the same pages
    # on PostgreSQL; in the browser one database is enough.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="浏览器巡检在 SQLite 上运行一次即可",
    ),
]

ROLES = ("national", "fujian", "quanzhou", "changji", "auditor", "public")
WIDTH = 1366
SHOTS = SCREENSHOTS / "walk"

INTERNALS = {
    "snake_case": re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.-])"),
    "app.model": re.compile(
        r"\b(?:accounts|api|audit|auth|core|exchanges|geo|ingest|investment|jobs|orgs|people|"
        r"projects|reports|results|transfer|web)\.[a-z][a-z_]+\b"
    ),
    "dict or list dump": re.compile(r"[{\[]\s*'[^']*'\s*[:,\]]"),
    "True/False/None": re.compile(r"(?<![\w-])(?:True|False|None)(?![\w-])"),
    "upper-case code": re.compile(r"(?<![\w-])[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+(?![\w-])"),
    "year with separator": re.compile(r"(?<![\d,.])2,0[0-9]{2}(?![\d,.])"),
}
ENGLISH_ERRORS = re.compile(r"\b(?:Not Found|Forbidden|Server Error|Bad Request|Page not found)\b")

# Text squeezed to one character per line: a text node of several characters (no spaces)
# whose line boxes are as many as its characters.
SQUEEZED = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text.length < 2 || /\\s/.test(text)) continue;
    const style = getComputedStyle(node.parentElement);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (node.parentElement.closest('script,style,template,[hidden],svg,canvas')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                          .map(r => Math.round(r.top)));
    if (lines.size >= 2 && lines.size >= [...text].length) found.push(text);
  }
  return found.slice(0, 5);
}"""

# Links followed from the pages walked: every page of the site, once per kind (a path with
# its numbers replaced), but not files, the admin, the API itself or signing out.
NOT_PAGES = re.compile(
    r"^/(?:admin|api/v1|i18n|logout|static|media)/|/download/|/export/|/documents/\d+/$"
    r"|\.(?:xlsx|csv|xml|json|docx|pdf)$"
)
LIMIT = 120
# Pages kept whole in the screenshots (the others as the window shows them).
WHOLE = {"/", "/projects/N/", "/explore/", "/map/", "/ingest/N/", "/public/"}


def _kind(path: str) -> str:
    return re.sub(r"/\d+/", "/N/", path)


def _problems(page, url: str, status: int | None) -> list[str]:
    found = []
    if status is None or status >= 400:
        found.append(f"状态 {status}")
    text = page.locator("body").inner_text()
    if ENGLISH_ERRORS.search(text) or ENGLISH_ERRORS.search(page.title()):
        found.append("英文错误页")
    if not page.title().strip():
        found.append("页面没有标题")
    for name, pattern in INTERNALS.items():
        hits = sorted(set(pattern.findall(text)))
        if hits:
            found.append(f"{name}: {hits[:5]}")
    if squeezed := page.evaluate(SQUEEZED):
        found.append(f"一字一行: {squeezed}")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > WIDTH + 1:
        found.append(f"页面宽 {wide}px，超出窗口")
    return found


def _settle(page) -> None:
    # page.goto has waited for the load event (styles, scripts, images).
    # Charts draw after load; a page with charts marks each box data-ready when drawn.
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart], #map, #explore-chart-box')]"
        ".every(el => el.hasAttribute('data-ready') || !el.offsetParent)",
        timeout=10_000,
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_as_an_official_expects(browser_page, role):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    failed_assets: list[str] = []
    console: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed_assets.append(f"{r.status} {r.url}")
            if r.status >= 400
            and r.request.resource_type in ("stylesheet", "script", "image", "font")
            else None
        ),
    )
    page.on("requestfailed", lambda r: failed_assets.append(f"{r.failure} {r.url}"))
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)

    sign_in(page, f"demo-{role}", f"Duikou-{role}-2025")
    menu = [
        urlsplit(href).path
        for href in page.eval_on_selector_all(
            "nav a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    pages = ["/", *dict.fromkeys(p for p in menu if p.startswith("/") and p != "/")]
    seen_kinds: set[str] = {_kind(p) for p in pages}
    home = urlsplit(page.base).netloc
    report: dict[str, list[str]] = {}
    index = 0
    while index < len(pages):
        path = pages[index]
        index += 1
        if NOT_PAGES.search(urlsplit(path).path):
            continue
        response = page.goto(f"{page.base}{path}")
        _settle(page)
        problems = _problems(page, path, response.status if response else None)
        if console:
            problems.append(f"控制台错误: {console[:3]}")
            console.clear()
        if failed_assets:
            problems.append(f"资源加载失败: {failed_assets[:3]}")
            failed_assets.clear()
        if problems:
            report[path] = problems
        slug = re.sub(r"[^a-z0-9]+", "-", urlsplit(path).path).strip("-") or "home"
        page.screenshot(path=str(SHOTS / f"{role}-{slug}.png"), full_page=_kind(path) in WHOLE)
        # Every other page this one links to, once per kind (one project, one deal…).
        for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            target = parts.path
            if parts.netloc != home or NOT_PAGES.search(target) or _kind(target) in seen_kinds:
                continue
            seen_kinds.add(_kind(target))
            if len(pages) < LIMIT:
                pages.append(f"{target}?{parts.query}" if parts.query else target)
    (SHOTS / f"{role}.txt").write_text("\n".join(pages) + "\n", encoding="utf-8")
    # The public account reads the published figures only; every other role walks the ledger.
    assert len(pages) >= (3 if role == "public" else 20)
    assert report == {}, "\n".join(f"{path}: {'; '.join(p)}" for path, p in report.items())
