"""``tools/start`` alone, as the README tells an operator: it builds a fresh SQLite database
with the demo, serves the site and runs the worker, and a report asked for in the browser is
finished by that worker and downloaded; Ctrl+C stops both processes."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .conftest import ARGS, CHROMIUM, SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="tools/start 使用 SQLite，在 SQLite 一轮中检查",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def reference_restored():
    """The command builds a database of its own; the suite's test database is left alone."""
    yield


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: int) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"tools/start 提前退出：\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (127.0.0.1)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"{seconds} 秒内网站未启动：\n{log.read_text(errors='replace')[-3000:]}")


def test_tools_start_serves_the_site_and_its_worker_finishes_a_report(tmp_path):
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DUIKOU_VAR_DIR": str(tmp_path / "var"),
        "DUIKOU_BIND": f"127.0.0.1:{port}",
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path / "start.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (the project's own command)
            [str(ROOT / "tools" / "start")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(f"{base}/login/", process, log, seconds=300)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # The test's own waits evaluate scripts; the site's CSP rightly forbids that.
            context = browser.new_context(
                locale="zh-CN", viewport={"width": 1366, "height": 900}, bypass_csp=True
            )
            page = context.new_page()
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "demo-fujian")
            page.fill("input[name=password]", "Duikou-fujian-2025")
            page.click("form button")
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/reports/")
            page.select_option("select[name=what]", "summary:docx")
            page.select_option("select[name=org]", label="福建省援疆前方指挥部")
            page.fill("input[name=period]", "2025")
            page.click("form button[type=submit]")
            # The table refreshes itself every few seconds until the worker is done.
            page.wait_for_function(
                "document.querySelector('#report-rows tbody tr').innerText.includes('已完成')",
                timeout=180_000,
            )
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "start-report-done.png"))
            with page.expect_download() as download:
                page.click("#report-rows tbody tr a:text('下载')")
            saved = tmp_path / "summary.docx"
            download.value.save_as(saved)
            browser.close()
        with zipfile.ZipFile(saved) as document:
            assert "word/document.xml" in document.namelist()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=60)
    assert code == 130, log.read_text(errors="replace")[-2000:]
    # Both the site and the worker are gone with the command.
    left = subprocess.run(  # noqa: S603
        ["/usr/bin/pgrep", "-g", str(process.pid)], capture_output=True, text=True
    )
    assert left.stdout.strip() == "", f"仍在运行的进程：{left.stdout}"
