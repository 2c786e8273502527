"""/metrics under gunicorn with several worker processes (deploy/gunicorn.conf.py): the request
figures of every worker are added up, whichever worker answers the scrape, and they survive a
worker that ends. A real gunicorn on a loopback port, with the deployment's configuration."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from duikou.jobs.testing import worker_env

pytestmark = pytest.mark.django_db

CONF = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthz_served(text: str) -> float:
    return sum(
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "duikou_http_request_duration_seconds_count"
        and s.labels == {"view": "healthz", "method": "GET", "status": "2xx"}
    )


def _pids_serving(log: Path, path: str) -> set[int]:
    """The worker processes that answered ``path``, from gunicorn's JSON access log."""
    pids = set()
    # Only whole lines: the log is read while the workers are still writing to it.
    for line in log.read_text().split("\n")[:-1]:
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("logger") == "gunicorn.access" and entry["path"] == path:
            pids.add(int(re.sub(r"\D", "", entry["pid"])))
    return pids


class Node:
    def __init__(self, base: str) -> None:
        self.base = base
        self.healthz = 0  # requests answered, each on a connection of its own

    def hit(self) -> None:
        response = requests.get(f"{self.base}/healthz", timeout=10)
        assert response.status_code == 200
        self.healthz += 1

    def scrape(self) -> str:
        response = requests.get(f"{self.base}/metrics", timeout=30)
        assert response.status_code == 200, response.text[:2000]
        return response.text


@pytest.fixture
def node(tmp_path):
    port = _free_port()
    runtime = tmp_path / "run"
    folder = runtime / "prometheus"
    folder.mkdir(parents=True)
    (folder / "histogram_424242.db").write_bytes(b"left by an earlier run")
    env = worker_env()
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    # What systemd gives the unit: its runtime directory (gunicorn.conf.py derives the folder).
    env.update(
        RUNTIME_DIRECTORY=str(runtime), DUIKOU_BIND=f"127.0.0.1:{port}", DUIKOU_WEB_WORKERS="2"
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - fixed command line, our own configuration
            [str(GUNICORN), "-c", str(CONF)],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    web = Node(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, log.read_text()[-3000:]
        try:
            web.hit()
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
    try:
        yield web, log, folder
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_metrics_add_up_the_requests_of_every_worker(node):
    web, log, folder = node
    assert not (folder / "histogram_424242.db").exists()  # emptied when gunicorn started

    # The kernel hands each new connection to whichever worker accepts first: go on until
    # both have served some (and at least 40 requests in all).
    while len(_pids_serving(log, "/healthz")) < 2 or web.healthz < 40:
        assert web.healthz < 1000, "only one worker ever answered"
        web.hit()
    workers = _pids_serving(log, "/healthz")
    files = {int(m.group(1)) for p in folder.iterdir() if (m := re.search(r"_(\d+)\.db$", p.name))}
    assert workers <= files

    scrapes = [web.scrape() for _ in range(6)]
    assert {_healthz_served(text) for text in scrapes} == {web.healthz}

    # A worker that ends (here stopped; recycled after max_requests alike) is replaced, and
    # the requests it served stay in the totals.
    gone = min(workers)
    os.kill(gone, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while True:
        web.hit()
        if _pids_serving(log, "/healthz") - workers:
            break
        assert time.monotonic() < deadline, "no new worker took the stopped one's place"
    for _ in range(10):
        web.hit()
    assert _healthz_served(web.scrape()) == web.healthz
