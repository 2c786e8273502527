"""A deployment on one machine: PostgreSQL with a streaming replica, Redis for the shared cache,
two gunicorn web nodes (deploy/gunicorn.conf.py) behind nginx (deploy/nginx/duikou.conf, TLS with
a certificate made for the run) and two workers, driven through nginx as a user would.

Skipped unless DUIKOU_DEPLOY_TEST=1 (``tools/deploy-test`` sets it). PostgreSQL 15 server
binaries come from /usr/lib/postgresql/15/bin, nginx from Debian; the Redis at 127.0.0.1:6379
lends one database (DUIKOU_DEPLOY_REDIS_DB, 11 unless set), which must be empty and is emptied
again at the end. Nothing listens beyond 127.0.0.1 and everything else lives in the test's
temporary directory. Each step prints what it checked; the first failed check ends the run, and
everything started is stopped whatever happens.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
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
STICKY_SECONDS = 3  # reads stay on the primary this long after a user's write
REDIS_DB = int(os.environ.get("DUIKOU_DEPLOY_REDIS_DB", "11"))
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
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as error:  # not up yet; named if it never comes up
            last = f"{error.__class__.__name__}: {error}"
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last})")


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
        self._options = 0
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
            self._options = 0
        elif tag == "option" and self._select:
            # A browser sends the selected option, or the first one when none is selected.
            if "selected" in a or self._options == 0:
                self.fields[self._select] = a.get("value") or ""
            self._options += 1
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
        self.redis_claimed = False
        self._t = time.monotonic()

    def mark(self, step: str, checked: str = "") -> None:
        """A step passed: say what it checked and how long it took."""
        now = time.monotonic()
        self.timings[step] = round(now - self._t, 1)
        self._t = now
        print(f"ok  {step} ({self.timings[step]} s){': ' + checked if checked else ''}", flush=True)

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


def _tls_certificate(root: Path) -> Path:
    """A self-signed certificate for localhost, made for this run only."""
    tls = root / "tls"
    tls.mkdir()
    openssl = shutil.which("openssl") or "openssl"
    subprocess.run(  # noqa: S603 - fixed command line
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(tls / "duikou.key"), "-out", str(tls / "duikou.crt"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return tls


def _nginx_conf(root: Path, ports: dict[str, int], nodes: list[int], tls: Path) -> Path:
    """deploy/nginx/duikou.conf as shipped, with this run's ports, directories and nodes."""
    site = (REPO / "deploy" / "nginx" / "duikou.conf").read_text()
    upstream = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in nodes)
    block = r"(upstream duikou_web \{\n)(?:    server [^\n]*\n)+"
    site, count = re.subn(block, r"\g<1>" + upstream, site)
    assert count == 1, "deploy/nginx/duikou.conf: no upstream duikou_web block"
    logs = root / "nginx" / "logs"
    for shipped, here in [
        ("/var/log/duikou/", f"{logs}/"),
        ("/srv/duikou/var/", f"{root}/var/"),
        ("/etc/duikou/tls/", f"{tls}/"),
        # A name, not an address: clients send it in TLS (SNI), and the default server
        # refuses a handshake without one (ssl_reject_handshake).
        ("duikou.example.internal", "localhost"),
    ]:
        assert shipped in site, f"deploy/nginx/duikou.conf no longer names {shipped}"
        site = site.replace(shipped, here)
    # Loopback only: IPv6 listeners dropped, 80 and 443 moved to this run's ports.
    site = re.sub(r"\n *listen \[::\][^\n]*", "", site)
    site = re.sub(r"listen 80\b", f"listen 127.0.0.1:{ports['http']}", site)
    site = re.sub(r"listen 443\b", f"listen 127.0.0.1:{ports['https']}", site)
    logs.mkdir(parents=True)
    (root / "nginx" / "duikou.conf").write_text(site)
    conf = root / "nginx" / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {root}/nginx/nginx.pid;
error_log {logs}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {root}/nginx/body;
    proxy_temp_path {root}/nginx/proxy;
    fastcgi_temp_path {root}/nginx/fastcgi;
    uwsgi_temp_path {root}/nginx/uwsgi;
    scgi_temp_path {root}/nginx/scgi;
    include {root}/nginx/duikou.conf;
}}
"""
    )
    return conf


def _redis():
    import redis

    return redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture
def stack():
    # A fresh directory of its own: only what mkdtemp made is ever removed.
    root = Path(tempfile.mkdtemp(prefix="duikou-deploy-", dir=os.environ.get("DUIKOU_DEPLOY_TMP")))
    root.chmod(0o755)  # PostgreSQL runs as its own user and must reach its directory
    s = Stack(root)
    # A SIGTERM (timeout, CI stopping) unwinds like Ctrl-C, so the clean-up below still runs.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield s
    finally:
        s.stop()
        signal.signal(signal.SIGTERM, previous)
        if s.redis_claimed:  # emptied only when this run found it empty
            with contextlib.suppress(Exception):
                _redis().flushdb()
        print("timings (s):", s.timings)
        if os.environ.get("DUIKOU_DEPLOY_KEEP") != "1":
            shutil.rmtree(root, ignore_errors=True)


def test_a_user_journey_through_nginx_reads_the_explorer_from_the_replica(stack):
    import requests
    import urllib3

    from duikou.transfer.testing import xlsx_bytes

    for binary in ("initdb", "pg_basebackup"):
        assert (PG_BIN / binary).exists(), f"PostgreSQL 15 server binaries: no {PG_BIN / binary}"
    assert shutil.which("nginx"), "nginx is not installed (apt-get install nginx-light)"
    assert shutil.which("openssl"), "openssl is not installed"
    root = stack.root
    pg = root / "pg"
    pg.mkdir()
    shutil.chown(pg, "postgres", "postgres") if os.geteuid() == 0 else None
    sock = pg
    primary, replica = pg / "primary", pg / "replica"
    p_port, r_port = _free_port(), _free_port()

    # --- Redis: a database of its own, empty ---
    keys = _redis().dbsize()
    assert keys == 0, f"Redis database {REDIS_DB} holds {keys} keys; set DUIKOU_DEPLOY_REDIS_DB"
    stack.redis_claimed = True
    stack.mark("redis", f"127.0.0.1:6379 answers, database {REDIS_DB} is empty")

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
    stack.mark("primary up", f"a throwaway cluster on 127.0.0.1:{p_port} answers")
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
    replica_server = stack.start(
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
    stack.mark(
        "replica streaming",
        f"pg_basebackup -R made a standby on 127.0.0.1:{r_port}; a row written on the primary "
        "was read there",
    )

    # --- The platform: migrate and load the demo into the primary ---
    base = "postgres://postgres@127.0.0.1"
    ports = {"http": _free_port(), "https": _free_port()}
    site = f"https://localhost:{ports['https']}"
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO", "DATABASE", "DUIKOU_"))
    } | {
        "DATABASE_URL": f"{base}:{p_port}/duikou?application_name=duikou",
        "DATABASE_REPLICA_URL": f"{base}:{r_port}/duikou?application_name=duikou-replica",
        "DUIKOU_REDIS_URL": redis_url,
        "DUIKOU_REPLICA_STICKY_SECONDS": str(STICKY_SECONDS),
        "DUIKOU_VAR_DIR": str(root / "var"),
        "DUIKOU_DEMO": "1",
        "DUIKOU_SECRET_KEY": "deployment-test-" + "x" * 40,
        "DUIKOU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DUIKOU_LOGIN_LOCKOUT": "0",
        "DUIKOU_DAILY_HOUSEKEEPING": "0",
        "DUIKOU_JOB_HEARTBEAT_SECONDS": "1",
    }
    # The nodes and workers run as in production (deploy/duikou.env.example): nginx ends TLS.
    production = env | {
        "DUIKOU_PRODUCTION": "1",
        "DUIKOU_BEHIND_TLS_PROXY": "1",
        "DUIKOU_CSRF_TRUSTED_ORIGINS": site,
        "DUIKOU_FORWARDED_ALLOW_IPS": "127.0.0.1",
        "DUIKOU_METRICS_ALLOW": "127.0.0.0/8",
        "DUIKOU_MEDIA_ACCEL": "/_media/",
    }
    duikou = str(VENV_BIN / "duikou")

    def manage(*args):
        done = subprocess.run(  # noqa: S603 - the installed duikou command
            [duikou, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    manage("migrate", "--noinput")
    stack.mark("migrate", "every migration applied to the primary")
    manage("loaddemo")
    stack.mark("loaddemo", "the demo data loaded into the primary")
    manage("collectstatic", "--noinput")
    stack.mark("collectstatic", "static files collected for nginx")

    # --- Two web nodes (deploy/gunicorn.conf.py), two workers, nginx in front ---
    nodes = [_free_port(), _free_port()]
    node_logs = [root / f"node{i}.log" for i in range(2)]
    for i, port in enumerate(nodes):
        stack.start(
            [str(VENV_BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
            node_logs[i],
            env=production
            | {
                "DUIKOU_BIND": f"127.0.0.1:{port}",
                "DUIKOU_WEB_WORKERS": "2",
                "DUIKOU_WEB_TIMEOUT": "120",
                "DUIKOU_GUNICORN_CONTROL": str(root / f"node{i}.ctl"),
                "DUIKOU_HOST_NAME": f"node{i}",
            },
        )
    worker_logs = [root / f"worker{i}.log" for i in range(2)]
    for i in range(2):
        stack.start(
            [duikou, "worker"], worker_logs[i], env=production | {"DUIKOU_HOST_NAME": f"worker{i}"}
        )
    tls = _tls_certificate(root)
    conf = _nginx_conf(root, ports, nodes, tls)
    check = subprocess.run(  # noqa: S603 - fixed command line
        [shutil.which("nginx") or "nginx", "-t", "-p", str(root / "nginx"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    stack.start(["nginx", "-p", str(root / "nginx"), "-c", str(conf)], root / "nginx.log")
    for port in nodes:
        _wait_for(
            lambda p=port: requests.get(f"http://127.0.0.1:{p}/healthz", timeout=5).ok,
            f"web node {port}",
        )
    # "localhost" is looked up as IPv4 only: nginx listens on 127.0.0.1 and nowhere else.
    urllib3.util.connection.HAS_IPV6 = False
    browser = requests.Session()
    # Only this run's certificate is trusted, and no proxy from the environment is used (an
    # environment's CA bundle would otherwise take the place of the session's).
    browser.trust_env = False
    browser.verify = str(tls / "duikou.crt")
    _wait_for(lambda: browser.get(f"{site}/healthz", timeout=5).ok, "nginx")
    plain = browser.get(
        f"http://localhost:{ports['http']}/login/", allow_redirects=False, timeout=5
    )
    assert plain.status_code == 301, plain.status_code
    assert plain.headers["Location"].startswith("https://localhost/"), plain.headers
    # Ready on both nodes: database, migrations, a worker's heartbeat, media, Redis.
    readiness: dict = {}

    def ready() -> bool:
        answer = browser.get(f"{site}/readyz", timeout=5)
        readiness.update(answer.json())
        return answer.status_code == 200

    for _ in range(4):
        _wait_for(ready, f"/readyz through nginx (last answer: {readiness})", timeout=30)
    assert "cache" in readiness["checks"], readiness
    clients = [c for c in _redis().client_list() if c.get("db") == str(REDIS_DB)]
    assert len(clients) >= 2, f"Redis database {REDIS_DB}: {len(clients)} client(s)"
    stack.mark(
        "web nodes, workers and nginx up",
        f"nginx -t accepts deploy/nginx/duikou.conf; plain HTTP redirects to HTTPS; /readyz "
        f"ready through nginx ({', '.join(readiness['checks'])}); {len(clients)} connections "
        f"to Redis database {REDIS_DB}",
    )

    # --- The journey ---
    def csrf(page) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def post(url: str, data: dict, **kwargs):
        return browser.post(url, data=data, headers={"Referer": url}, **kwargs)

    login = browser.get(f"{site}/login/")
    assert login.status_code == 200
    signed_in = post(
        f"{site}/login/",
        {
            "username": "demo-fujian",
            "password": "Duikou-fujian-2025",
            "csrfmiddlewaretoken": csrf(login),
        },
    )
    assert signed_in.status_code == 200 and "/login/" not in signed_in.url, signed_in.url
    assert all(c.secure for c in browser.cookies if c.name in ("sessionid", "csrftoken"))
    stack.mark("signed in", f"demo-fujian over HTTPS, secure cookies, landed on {signed_in.url}")

    # Edit a project: the edit page's own form sent back with a new description.
    listing = browser.get(f"{site}/projects/")
    pk = re.search(r'href="/projects/(\d+)/"', listing.text).group(1)
    edit_url = f"{site}/projects/{pk}/edit/"
    fields = _form_fields(browser.get(edit_url).text)
    marker = f"部署测试 {time.time():.0f}"
    fields["description"] = (fields.get("description") or "") + marker
    fields["reason"] = "部署测试：经 nginx 修改说明"
    saved = post(edit_url, fields)
    assert saved.status_code == 200 and "/edit/" not in saved.url, saved.text[-2000:]
    assert marker in browser.get(f"{site}/projects/{pk}/").text
    stack.mark("project edited", f"project {pk}: the saved description shows on its page")

    # Import a spreadsheet of one fund transaction through the import pages: upload, the
    # worker's check, commit, the worker's commit.
    # A disbursement within the project's plan: the budget line with the most room left.
    room_sql = f"""
        select p.code, b.fund_source, b.amount - coalesce((
            select sum(t.amount) from projects_fundtransaction t
            where t.project_id = p.id and t.fund_source = b.fund_source and t.kind = 'disburse'
        ), 0)
        from projects_project p join projects_budgetline b on b.project_id = p.id
        where p.id = {int(pk)} order by 3 desc limit 1"""  # noqa: S608 - a number
    code, source, room = _psql(p_port, room_sql, sock, "duikou").split("|")
    amount = min(Decimal(room), Decimal("100"))
    assert amount > 0, f"project {code}: no budget line with room for a disbursement"
    sources = {"aid": "援疆资金", "local": "地方配套", "social": "社会资金"}
    reference = f"部署测试-{time.time():.0f}"
    sheet = xlsx_bytes(
        ["项目编号", "资金来源", "类型", "金额（元）", "日期", "文号/凭证"],
        [[code, sources[source], "拨付", float(amount), "2025-06-30", reference]],
    )
    upload_url = f"{site}/transfer/import/?kind=fund_transactions"
    fields = _form_fields(browser.get(upload_url).text)
    fields["kind"] = "fund_transactions"
    uploaded = browser.post(
        upload_url,
        data=fields,
        files={"file": ("部署测试资金流水.xlsx", sheet)},
        headers={"Referer": upload_url},
    )
    assert uploaded.status_code == 200 and "/transfer/imports/" in uploaded.url, (
        uploaded.status_code,
        uploaded.url,
        uploaded.text[-2000:],
    )
    import_url = uploaded.url
    state: dict = {}

    def problems() -> str:
        """The import page's list of problems (or its status card), as text."""
        page = state["page"]
        start = page.find("<h2>问题")
        start = start if start >= 0 else page.find('id="import-status"')
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : start + 4000]))

    def import_status(*wanted: str):
        def reached() -> bool:
            page = browser.get(import_url).text
            state["page"] = page
            state["status"] = re.search(r"状态：<strong>([^<]+)</strong>", page).group(1)
            return state["status"] in wanted

        return reached

    _wait_for(import_status("待确认", "有错误", "失败"), "a worker to check the import", 120)
    assert state["status"] == "待确认", problems()
    commit_url = site + re.search(r'action="(/transfer/imports/\d+/commit/)"', state["page"])[1]
    committed = post(commit_url, {"csrfmiddlewaretoken": csrf(browser.get(import_url))})
    assert committed.status_code == 200, committed.text[-2000:]
    _wait_for(import_status("已导入", "失败"), "a worker to commit the import", 120)
    assert state["status"] == "已导入", problems()
    assert "新增 1 条" in state["page"], problems()
    # The reference is made above from digits only: nothing to quote.
    table = "projects_fundtransaction"
    count = f"select count(*) from {table} where reference = '{reference}'"  # noqa: S608
    assert _psql(p_port, count, sock, "duikou") == "1"
    _wait_for(lambda: _psql(r_port, count, sock, "duikou") == "1", "the import on the replica")
    stack.mark(
        "file imported",
        f"{import_url.removeprefix(site)}: checked and committed by a worker, 1 fund "
        f"transaction ({amount} 元) of project {code} on the primary and the replica",
    )

    def replica_selects() -> int:
        return sum(
            1
            for line in replica_log.read_text().splitlines()
            if line.startswith("duikou") and "statement: SELECT" in line
        )

    # Just after a write (the project saved once more) this user reads from the primary...
    fields = _form_fields(browser.get(edit_url).text)
    fields["description"] += "（再次保存）"
    fields["reason"] = "部署测试：保存后立即查看数据浏览"
    again = post(edit_url, fields)
    assert again.status_code == 200 and "/edit/" not in again.url, again.text[-2000:]
    before = replica_selects()
    assert browser.get(f"{site}/explore/").status_code == 200
    assert replica_selects() == before, "a read just after a write went to the replica"
    # ...and once the sticky time has passed, the explorer reads from the replica.
    time.sleep(STICKY_SECONDS + 0.5)
    explorer = browser.get(f"{site}/explore/")
    assert explorer.status_code == 200
    after = replica_selects()
    assert after > before, "the explorer's queries did not reach the replica"
    stack.mark(
        "explorer on the replica",
        f"just after a write it read the primary; then {after - before} SELECTs on the replica",
    )

    # Both web nodes served requests through nginx.
    for _ in range(6):
        browser.get(f"{site}/healthz")
    upstreams = (root / "nginx" / "logs" / "nginx-access.log").read_text()
    served = {}
    for i, port in enumerate(nodes):
        served[port] = upstreams.count(f'"upstream": "127.0.0.1:{port}"')
        assert served[port], f"node {port} served nothing"
        assert '"logger": "gunicorn.access"' in node_logs[i].read_text(), f"node{i}: no access log"
    stack.mark("both nodes served", f"requests per node through nginx: {served}")

    # Ask for a report with the form's own defaults; a worker makes it, the page links it.
    reports_url = f"{site}/reports/"
    page = browser.get(reports_url).text
    fields = _form_fields(page)
    already = set(re.findall(r'href="(/reports/\d+/download/)"', page))
    asked = post(reports_url, fields)
    assert asked.status_code == 200 and asked.history, (
        "the report form was refused: " + re.sub(r"\s+", " ", asked.text)[-2000:]
    )
    links: list[str] = []

    def report_ready() -> bool:
        found = re.findall(r'href="(/reports/\d+/download/)"', browser.get(reports_url).text)
        links[:] = [link for link in found if link not in already]
        return bool(links)

    _wait_for(report_ready, "a worker to make the report", timeout=240)
    document = browser.get(site + links[0])
    assert document.status_code == 200 and len(document.content) > 1000
    # The node checked who asked and handed the file to nginx (X-Accel-Redirect to /_media/):
    # the node's own answer carried no body.
    node_bytes: list[str] = []

    def logged() -> bool:  # a node writes its access line just after it answered
        node_bytes[:] = [
            json.loads(line)["bytes"]
            for log in node_logs
            for line in log.read_text().splitlines()
            if '"gunicorn.access"' in line and f'"path": "{links[0]}"' in line
        ]
        return bool(node_bytes)

    _wait_for(logged, f"a node's access log line for {links[0]}", timeout=10)
    assert all(not b.isdigit() or int(b) < 1000 for b in node_bytes), node_bytes
    ran = _psql(
        p_port,
        "select kind || ' on ' || worker_host from jobs_job order by id desc limit 1",
        sock,
        "duikou",
    )
    stack.mark(
        "report made by a worker",
        f"{fields.get('what')} for period {fields.get('period')}: {links[0]} "
        f"({len(document.content)} bytes, sent by nginx from /_media/), job {ran}",
    )

    # The replica fails: read-heavy pages read the primary instead of failing, and /readyz
    # (still ready) says so.
    replica_server.terminate()
    replica_server.wait(timeout=30)
    time.sleep(STICKY_SECONDS + 0.5)
    for _ in range(4):  # every node notices on its own
        assert browser.get(f"{site}/explore/").status_code == 200
    readiness = browser.get(f"{site}/readyz", timeout=5)
    assert readiness.status_code == 200, readiness.text
    assert readiness.json()["replica"]["status"] == "down", readiness.text
    stack.mark(
        "replica down",
        "replica stopped: the explorer still answers 200 from the primary on both nodes; "
        f"/readyz ready, replica {readiness.json()['replica']['status']}",
    )
