"""A deployment on one machine: PostgreSQL with a streaming replica, two web nodes behind nginx
and two workers, driven through nginx as a user would.

Skipped unless DUIKOU_DEPLOY_TEST=1 (``tools/deploy-test`` sets it). PostgreSQL 15 server
binaries come from /usr/lib/postgresql/15/bin, nginx from Debian; nothing listens beyond
127.0.0.1 and everything lives in the test's temporary directory.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.deployment,
    pytest.mark.skipif(
        os.environ.get("DUIKOU_DEPLOY_TEST") != "1", reason="set DUIKOU_DEPLOY_TEST=1"
    ),
]

PG_BIN = Path("/usr/lib/postgresql/15/bin")
VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    # PostgreSQL refuses to run as root; the container runs tests as root.
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(  # noqa: S603 - fixed command lines
        args, check=True, capture_output=True, text=True, **kwargs
    )


def _popen_postgres(args: list[str], log: Path) -> subprocess.Popen:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.Popen(  # noqa: S603 - fixed command lines
        args, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def _wait_for(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _psql(port: int, sql: str, sock: Path, db: str = "postgres") -> str:
    out = _as_postgres(
        [
            str(PG_BIN / "psql"),
            "-h",
            str(sock),
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            db,
            "-At",
            "-c",
            sql,
        ]
    )
    return out.stdout.strip()


class _Form(HTMLParser):
    """The fields of each form with method=post, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, str] = {}
        self._in_form = self._done = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.fields = {}
            self.forms.append(self.fields)
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[name] = a.get("value") or ("on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def _form_fields(html: str) -> dict[str, str]:
    form = _Form()
    form.feed(html)
    # The page's main form: the one with the most fields (the header's sign-out has one).
    return max(form.forms, key=len)


class Stack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.procs: list[subprocess.Popen] = []
        self.timings: dict[str, float] = {}
        self._t = time.monotonic()

    def mark(self, step: str) -> None:
        now = time.monotonic()
        self.timings[step] = round(now - self._t, 1)
        self._t = now

    def start(self, args, log: Path, env=None, postgres=False) -> subprocess.Popen:
        if postgres:
            proc = _popen_postgres(args, log)
        else:
            proc = subprocess.Popen(  # noqa: S603 - fixed command lines
                args, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=REPO
            )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _nginx_conf(root: Path, port: int, nodes: list[int], static: Path, media: Path) -> Path:
    upstream = "\n".join(f"        server 127.0.0.1:{p};" for p in nodes)
    conf = root / "nginx" / "nginx.conf"
    (root / "nginx" / "logs").mkdir(parents=True)
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {root}/nginx/nginx.pid;
error_log {root}/nginx/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {root}/nginx/body;
    proxy_temp_path {root}/nginx/proxy;
    fastcgi_temp_path {root}/nginx/fastcgi;
    uwsgi_temp_path {root}/nginx/uwsgi;
    scgi_temp_path {root}/nginx/scgi;
    log_format node '$request_method $request_uri $status upstream=$upstream_addr';
    access_log {root}/nginx/logs/access.log node;
    upstream duikou_web {{
{upstream}
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        client_max_body_size 55m;
        location /static/ {{ alias {static}/; }}
        location /media/ {{ internal; alias {media}/; }}
        location / {{
            proxy_pass http://duikou_web;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto http;
        }}
    }}
}}
"""
    )
    return conf


@pytest.fixture
def stack():
    # A fresh directory of its own: only what mkdtemp made is ever removed.
    root = Path(tempfile.mkdtemp(prefix="duikou-deploy-", dir=os.environ.get("DUIKOU_DEPLOY_TMP")))
    root.chmod(0o755)  # PostgreSQL runs as its own user and must reach its directory
    s = Stack(root)
    try:
        yield s
    finally:
        s.stop()
        print("timings (s):", s.timings)
        if os.environ.get("DUIKOU_DEPLOY_KEEP") != "1":
            shutil.rmtree(root, ignore_errors=True)


def test_a_user_journey_through_nginx_reads_the_explorer_from_the_replica(stack):
    import requests

    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    root = stack.root
    pg = root / "pg"
    pg.mkdir()
    shutil.chown(pg, "postgres", "postgres") if os.geteuid() == 0 else None
    sock = pg
    primary, replica = pg / "primary", pg / "replica"
    p_port, r_port = _free_port(), _free_port()

    # --- PostgreSQL primary, then a streaming replica made by pg_basebackup -R ---
    _as_postgres(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(primary),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
    )
    common = [
        "-c",
        f"unix_socket_directories={sock}",
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
    ]
    stack.start(
        [
            str(PG_BIN / "postgres"),
            "-D",
            str(primary),
            "-p",
            str(p_port),
            *common,
            "-c",
            "wal_level=replica",
            "-c",
            "max_wal_senders=4",
        ],
        pg / "primary.log",
        postgres=True,
    )
    _wait_for(lambda: _psql(p_port, "select 1", sock) == "1", "the primary")
    stack.mark("primary up")
    _as_postgres(
        [
            str(PG_BIN / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(p_port),
            "-U",
            "postgres",
            "-D",
            str(replica),
            "-R",
            "-X",
            "stream",
        ]
    )
    replica_log = pg / "replica.log"
    stack.start(
        [
            str(PG_BIN / "postgres"),
            "-D",
            str(replica),
            "-p",
            str(r_port),
            *common,
            "-c",
            "hot_standby=on",
            "-c",
            "log_statement=all",
            "-c",
            "log_line_prefix=%a|",
        ],
        replica_log,
        postgres=True,
    )
    _wait_for(lambda: _psql(r_port, "select pg_is_in_recovery()", sock) == "t", "the replica")
    _psql(p_port, "create database duikou", sock)
    _psql(p_port, "create table marker(x int); insert into marker values (42)", sock, "duikou")
    _wait_for(
        lambda: _psql(r_port, "select x from marker", sock, "duikou") == "42",
        "replication of a row",
    )
    stack.mark("replica streaming")

    # --- The platform: migrate and load the demo into the primary ---
    media, static = root / "var" / "media", root / "var" / "static"
    base = "postgres://postgres@127.0.0.1"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO", "DATABASE", "DUIKOU_"))
    } | {
        "DATABASE_URL": f"{base}:{p_port}/duikou?application_name=duikou",
        "DATABASE_REPLICA_URL": f"{base}:{r_port}/duikou?application_name=duikou-replica",
        "DUIKOU_REPLICA_STICKY_SECONDS": "2",
        "DUIKOU_VAR_DIR": str(root / "var"),
        "DUIKOU_DEMO": "1",
        "DUIKOU_SECRET_KEY": "deployment-test-" + "x" * 40,
        "DUIKOU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DUIKOU_LOGIN_LOCKOUT": "0",
        "DUIKOU_DAILY_HOUSEKEEPING": "0",
        "DUIKOU_JOB_HEARTBEAT_SECONDS": "1",
    }
    duikou = str(VENV_BIN / "duikou")

    def manage(*args):
        done = subprocess.run(  # noqa: S603 - the installed duikou command
            [duikou, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    manage("migrate", "--noinput")
    stack.mark("migrate")
    manage("loaddemo")
    stack.mark("loaddemo")
    manage("collectstatic", "--noinput")
    stack.mark("collectstatic")

    # --- Two web nodes, two workers, nginx in front ---
    nodes = [_free_port(), _free_port()]
    for i, port in enumerate(nodes):
        stack.start(
            [
                str(VENV_BIN / "gunicorn"),
                "duikou.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--access-logfile",
                str(root / f"node{i}-access.log"),
            ],
            root / f"node{i}.log",
            env=env,
        )
    for i in range(2):
        stack.start(
            [duikou, "worker"],
            root / f"worker{i}.log",
            env=env | {"DUIKOU_HOST_NAME": f"worker{i}"},
        )
    web_port = _free_port()
    conf = _nginx_conf(root, web_port, nodes, static, media)
    stack.start(["nginx", "-p", str(root / "nginx"), "-c", str(conf)], root / "nginx.log")
    site = f"http://127.0.0.1:{web_port}"
    for port in nodes:
        _wait_for(
            lambda p=port: requests.get(f"http://127.0.0.1:{p}/healthz", timeout=5).ok,
            f"web node {port}",
        )
    _wait_for(lambda: requests.get(f"{site}/healthz", timeout=5).ok, "nginx")
    stack.mark("web nodes, workers and nginx up")

    # --- The journey ---
    browser = requests.Session()

    def csrf(page) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    login = browser.get(f"{site}/login/")
    assert login.status_code == 200
    signed_in = browser.post(
        f"{site}/login/",
        data={
            "username": "demo-fujian",
            "password": "Duikou-fujian-2025",
            "csrfmiddlewaretoken": csrf(login),
        },
        headers={"Referer": f"{site}/login/"},
    )
    assert signed_in.status_code == 200 and "/login/" not in signed_in.url, signed_in.url
    stack.mark("signed in")

    # Edit a project: the edit page's own form sent back with a new description.
    listing = browser.get(f"{site}/projects/")
    pk = re.search(r'href="/projects/(\d+)/"', listing.text).group(1)
    edit_url = f"{site}/projects/{pk}/edit/"
    fields = _form_fields(browser.get(edit_url).text)
    marker = f"部署测试 {time.time():.0f}"
    fields["description"] = (fields.get("description") or "") + marker
    fields["reason"] = "部署测试：经 nginx 修改说明"
    saved = browser.post(edit_url, data=fields, headers={"Referer": edit_url})
    assert saved.status_code == 200 and "/edit/" not in saved.url, saved.text[-2000:]
    assert marker in browser.get(f"{site}/projects/{pk}/").text
    stack.mark("project edited")

    # Ask for a report with the form's own defaults; a worker makes it, the page links it.
    reports_url = f"{site}/reports/"
    page = browser.get(reports_url).text
    fields = _form_fields(page)
    already = set(re.findall(r'href="(/reports/\d+/download/)"', page))
    asked = browser.post(reports_url, data=fields, headers={"Referer": reports_url})
    assert asked.status_code == 200, asked.text[-2000:]
    links: list[str] = []

    def report_ready() -> bool:
        found = re.findall(r'href="(/reports/\d+/download/)"', browser.get(reports_url).text)
        links[:] = [link for link in found if link not in already]
        return bool(links)

    _wait_for(report_ready, "a worker to make the report", timeout=240)
    document = browser.get(site + links[0])
    assert document.status_code == 200 and len(document.content) > 1000
    stack.mark("report made by a worker")

    def replica_selects() -> int:
        return sum(
            1
            for line in replica_log.read_text().splitlines()
            if line.startswith("duikou") and "statement: SELECT" in line
        )

    # Just after a write (the sign-in POST) this user reads from the primary...
    before = replica_selects()
    assert browser.get(f"{site}/explore/").status_code == 200
    assert replica_selects() == before, "a read just after a write went to the replica"
    # ...and once the sticky time has passed, the explorer reads from the replica.
    time.sleep(2.5)
    explorer = browser.get(f"{site}/explore/")
    assert explorer.status_code == 200
    assert replica_selects() > before, "the explorer's queries did not reach the replica"
    stack.mark("explorer on the replica")

    # Both web nodes served requests through nginx.
    for _ in range(6):
        browser.get(f"{site}/healthz")
    upstreams = (root / "nginx" / "logs" / "access.log").read_text()
    for port in nodes:
        assert f"upstream=127.0.0.1:{port}" in upstreams, f"node {port} served nothing"
        assert (root / f"node{nodes.index(port)}-access.log").read_text().strip()
    print("timings (s):", stack.timings)
