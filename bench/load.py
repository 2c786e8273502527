"""Load test: mixed traffic by role against running web nodes over HTTP, for a set time and rate.

    duikou bench load http://127.0.0.1:8000 [http://127.0.0.1:8001 …] --duration 60 --rate 50
    duikou bench load http://127.0.0.1:8000 --rate 80 --soak 10 --pid-file var/gunicorn.pid

Signs in over the sign-in form as the demo accounts of four roles (援疆办 national
``demo-national``, 前方指挥部 province ``demo-fujian``, 分指挥部 front command
``demo-quanzhou``, 公众 public ``demo-public``; passwords as in the README, ``--account
ROLE=USER:PASSWORD`` for others; only the admin site asks a second factor, which these pages
never reach), then sends requests at a fixed rate (open loop: a slow server does not slow the
arrivals; ``--concurrency`` caps requests in flight) spread over the base URLs in turn. Each
request picks a role and a page kind: home, lists, detail, explorer, exports, public; the
public role sees home and the public pages only. Prints one JSON line per page kind with
requests, requests/s, p50 and p99 in ms and errors (a status ≥ 400, a redirect to sign-in or a
failed connection), then a total line.

Targets are loopback addresses only (127.0.0.0/8, ::1, localhost); any other is refused. The
run ends by itself after ``--duration`` seconds (or ``--soak`` minutes).

``--soak MINUTES`` runs that long and samples every 10 s the resident memory of the gunicorn
processes: the master named by ``--pid-file`` and its workers, or else every process holding
the listening socket of each base URL's port (read from /proc, or with psutil if installed).
It prints the samples and whether memory is flat: the mean of the last quarter of samples at
most ``--flat-tolerance`` (10 %) above the first quarter's.

Built on asyncio and httpx rather than locust: one process on the 2-core machine beside the
server, no gevent patching inside Django's command, and figures in the JSON lines the other
benchmarks print.
"""

import asyncio
import ipaddress
import json
import os
import random
import re
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

ROLES = {  # role: (demo account, password, share of the traffic)
    "national": ("demo-national", "Duikou-national-2025", 0.30),
    "province": ("demo-fujian", "Duikou-fujian-2025", 0.25),
    "front_command": ("demo-quanzhou", "Duikou-quanzhou-2025", 0.25),
    "public": ("demo-public", "Duikou-public-2025", 0.20),
}
KINDS = {  # page kind: share of a signed-in role's requests
    "home": 0.25,
    "lists": 0.35,
    "detail": 0.20,
    "explorer": 0.10,
    "exports": 0.05,
    "public": 0.05,
}
LISTS = [
    "/projects/",
    "/deals/",
    "/orgs/",
    "/people/batches/",
    "/exchanges/events/",
    "/values/",
    "/records/fund_transactions/",
]
EXPLORER = ["/explore/", "/map/", "/regions/"]
EXPORTS = ["/explore/?format=csv"]
PUBLIC = ["/public/"]
DETAIL_LINKS = re.compile(r'href="(/(?:projects|deals|orgs)/\d+/)"')
SAMPLE_SECONDS = 10


def add_arguments(parser) -> None:
    parser.add_argument("urls", nargs="+", help="网站节点地址，只限本机，如 http://127.0.0.1:8000")
    parser.add_argument("--duration", type=float, default=60, help="运行秒数（默认60）")
    parser.add_argument("--rate", type=float, default=20, help="每秒发出的请求数（默认20）")
    parser.add_argument("--concurrency", type=int, default=64, help="同时进行的请求上限")
    parser.add_argument("--soak", type=float, default=0, help="浸泡测试分钟数，同时采样内存")
    parser.add_argument("--pid-file", default="", help="gunicorn 主进程的 pid 文件")
    parser.add_argument("--flat-tolerance", type=float, default=0.10, help="内存增长容限")
    parser.add_argument(
        "--account", action="append", default=[], help="角色账号 ROLE=USER:PASSWORD"
    )
    parser.add_argument("--seed", type=int, default=1, help="随机种子")


def loopback_only(urls: list[str]) -> list[str]:
    """The base URLs without a trailing slash; SystemExit for any address off this machine."""
    bases = []
    for url in urls:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in {"http", "https"}:
            raise SystemExit(f"地址 {url} 不是 http(s) 地址")
        try:
            local = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = False
        if not local:
            raise SystemExit(f"拒绝压测 {url}：只能压测本机地址（127.0.0.0/8、::1、localhost）")
        bases.append(url.rstrip("/"))
    return bases


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- Memory of the server processes ---------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _listening_pids(port: int) -> set[int]:
    try:
        import psutil  # optional: used where installed
    except ImportError:
        psutil = None
    if psutil is not None:
        return {
            c.pid
            for c in psutil.net_connections("tcp")
            if c.status == "LISTEN" and c.laddr.port == port and c.pid
        }
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    pids = set()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) in inodes for fd in fd_dir.iterdir()):
                pids.add(int(fd_dir.parent.name))
        except OSError:
            continue
    return pids


def server_pids(bases: list[str], pid_file: str) -> list[int]:
    if pid_file:
        master = int(Path(pid_file).read_text().strip())
        return [master, *_children(master)]
    pids: set[int] = set()
    for base in bases:
        parts = urlsplit(base)
        pids |= _listening_pids(parts.port or (443 if parts.scheme == "https" else 80))
    return sorted(pids)


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


# --- Traffic ----------------------------------------------------------------------------------


class Session:
    """One signed-in role on one node, with the detail pages it found in its lists."""

    def __init__(self, client, role: str, base: str):
        self.client, self.role, self.base = client, role, base
        self.details: list[str] = []

    def pick(self, rng: random.Random) -> tuple[str, str]:
        if self.role == "public":
            kind = rng.choice(["home", "public", "public"])
        else:
            kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        if kind == "home":
            return kind, "/"
        if kind == "lists":
            return kind, rng.choice(LISTS)
        if kind == "detail":
            return kind, rng.choice(self.details) if self.details else "/projects/"
        if kind == "explorer":
            return kind, rng.choice(EXPLORER)
        if kind == "exports":
            return kind, rng.choice(EXPORTS)
        return kind, rng.choice(PUBLIC)


async def sign_in(httpx, base: str, role: str, username: str, password: str) -> Session:
    client = httpx.AsyncClient(base_url=base, timeout=60, trust_env=False)
    page = await client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not token:
        raise SystemExit(f"{base}/login/ 没有返回登录表单（状态 {page.status_code}）")
    answer = await client.post(
        "/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/login/"},
    )
    if answer.status_code != 302:
        raise SystemExit(f"{base} 上账号 {username}（{role}）登录失败（状态 {answer.status_code}）")
    session = Session(client, role, base)
    if role != "public":
        for url in ("/projects/", "/deals/", "/orgs/"):
            listing = await client.get(url)
            session.details += sorted(set(DETAIL_LINKS.findall(listing.text)))[:20]
    return session


async def traffic(options: dict, bases: list[str], seconds: float, out) -> dict:
    import httpx

    accounts = {role: (user, password) for role, (user, password, _share) in ROLES.items()}
    for spec in options["account"]:
        role, _, login = spec.partition("=")
        user, _, password = login.partition(":")
        if role not in ROLES or not user or not password:
            raise SystemExit(
                f"--account {spec}：应为 ROLE=USER:PASSWORD，ROLE 为 {', '.join(ROLES)}"
            )
        accounts[role] = (user, password)
    sessions = {
        (role, base): await sign_in(httpx, base, role, *accounts[role])
        for base in bases
        for role in ROLES
    }
    rng = random.Random(options["seed"])
    shares = [share for _user, _password, share in ROLES.values()]
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors: dict[str, int] = dict.fromkeys(KINDS, 0)
    problems: dict[str, int] = {}
    gate = asyncio.Semaphore(options["concurrency"])

    async def one(session: Session, kind: str, url: str) -> None:
        async with gate:
            started = time.perf_counter()
            try:
                response = await session.client.get(url)
                bad = response.status_code >= 400 or (
                    response.status_code in {301, 302}
                    and "/login/" in response.headers.get("location", "")
                )
                problem = f"{response.status_code} {url}"
            except httpx.HTTPError as error:
                bad, problem = True, f"{type(error).__name__} {url}"
            timings[kind].append((time.perf_counter() - started) * 1000)
            if bad:
                errors[kind] += 1
                problems[problem] = problems.get(problem, 0) + 1

    total = int(options["rate"] * seconds)
    started = time.perf_counter()
    tasks = []
    for index in range(total):
        role = rng.choices(list(ROLES), weights=shares)[0]
        session = sessions[(role, bases[index % len(bases)])]
        kind, url = session.pick(rng)
        delay = started + index / options["rate"] - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(session, kind, url)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    for session in sessions.values():
        await session.client.aclose()

    for kind in KINDS:
        values = timings[kind]
        out.write(
            json.dumps(
                {
                    "kind": kind,
                    "requests": len(values),
                    "rps": round(len(values) / elapsed, 1),
                    "p50_ms": round(statistics.median(values), 1) if values else 0,
                    "p99_ms": round(percentile(values, 0.99), 1),
                    "errors": errors[kind],
                }
            )
        )
    every = [value for values in timings.values() for value in values]
    summary = {
        "kind": "total",
        "nodes": len(bases),
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "rate_asked": options["rate"],
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every), 1) if every else 0,
        "p99_ms": round(percentile(every, 0.99), 1),
        "errors": sum(errors.values()),
    }
    if problems:
        summary["error_kinds"] = dict(sorted(problems.items(), key=lambda p: -p[1])[:10])
    out.write(json.dumps(summary, ensure_ascii=False))
    return summary


async def memory_sampler(bases: list[str], pid_file: str, samples: list, stop) -> None:
    while not stop.is_set():
        pids = server_pids(bases, pid_file)
        samples.append(
            {"t": round(time.monotonic(), 1), "processes": len(pids), "rss_mb": rss_mb(pids)}
        )
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)
        except TimeoutError:
            pass


async def main(options: dict, out) -> None:
    bases = loopback_only(options["urls"])
    seconds = options["soak"] * 60 if options["soak"] else options["duration"]
    samples: list[dict] = []
    stop = asyncio.Event()
    sampler = None
    if options["soak"]:
        if not server_pids(bases, options["pid_file"]):
            raise SystemExit("找不到 gunicorn 进程：请用 --pid-file 指定主进程的 pid 文件")
        sampler = asyncio.create_task(memory_sampler(bases, options["pid_file"], samples, stop))
    summary = await traffic(options, bases, seconds, out)
    if sampler:
        stop.set()
        await sampler
        start = samples[0]["t"]
        rss = [s["rss_mb"] for s in samples]
        quarter = max(1, len(rss) // 4)
        first, last = statistics.mean(rss[:quarter]), statistics.mean(rss[-quarter:])
        growth = (last - first) / first if first else 0.0
        out.write(
            json.dumps(
                {
                    "soak_minutes": options["soak"],
                    "samples": [
                        [round(s["t"] - start), s["processes"], s["rss_mb"]] for s in samples
                    ],
                    "rss_first_quarter_mb": round(first, 1),
                    "rss_last_quarter_mb": round(last, 1),
                    "growth": round(growth, 3),
                    "flat": growth <= options["flat_tolerance"],
                    "errors": summary["errors"],
                }
            )
        )


def run(options: dict, out) -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not one log line per request
    asyncio.run(main(options, out))
