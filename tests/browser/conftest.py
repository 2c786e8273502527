"""Headless Chromium against the real server (pytest-django's ``live_server``).

Debian's Chromium is used as it is installed (no browser download). The tests are skipped
only when it is missing and CI is not set; in CI they must run. Every request to a host
other than the live server fails the test: the platform must work on an intranet.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The browser's own controls (file and date inputs) in Chinese, as officials see them.
    "--lang=zh-CN",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} 不存在（CI 中必须运行）")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module", autouse=True)
def reference_restored(django_db_blocker):
    """``live_server`` tests empty the database when they end; put the reference data that
    the rest of the suite expects back afterwards."""
    yield
    from duikou.core.demo import reference_load

    with django_db_blocker.unblock():
        reference_load()


@pytest.fixture
def demo(transactional_db, settings, monkeypatch):
    """The demo data and accounts, with quick password hashing."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here
    # around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from duikou.core.demo import demo_load

    return demo_load()


@pytest.fixture
def browser_page(live_server, demo):
    """A Chromium page that refuses (and records) any request leaving the live server."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    home = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == home:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        # The test itself evaluates scripts (waits); the pages do not need this.
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 1360, "height": 900}, bypass_csp=True
        )
        context.route("**/*", guard)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.base = live_server.url
        yield page
        context.close()
        browser.close()
    assert outside == [], f"请求了平台以外的地址：{outside}"
    assert errors == [], f"页面脚本出错：{errors}"


def sign_in(page, username: str, password: str) -> None:
    page.goto(f"{page.base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button")
    page.wait_for_url(f"{page.base}/")
