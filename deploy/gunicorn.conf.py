"""gunicorn settings for a Duikou web node (docs/deployment.md).

    gunicorn -c /srv/duikou/app/deploy/gunicorn.conf.py duikou.wsgi

Read from the environment (the systemd unit loads /etc/duikou/duikou.env):

- ``DUIKOU_BIND``: the address to listen on (default 127.0.0.1:8000; a node behind an nginx on
  another host listens on its intranet address, e.g. 10.20.0.11:8000);
- ``DUIKOU_WEB_WORKERS``: worker processes (default 2 × cores + 1, at most
  ``DUIKOU_WEB_MAX_WORKERS``, 12 unless set: each process holds its own database connection
  and about 150 MB);
- ``DUIKOU_WEB_TIMEOUT``: seconds a request may take before its worker is restarted (60);
- ``DUIKOU_FORWARDED_ALLOW_IPS``: the nginx addresses whose X-Forwarded-* headers gunicorn
  trusts (default loopback);
- ``PROMETHEUS_MULTIPROC_DIR``: where the worker processes keep their request figures so that
  /metrics adds up all of them (default ``prometheus/`` in the unit's runtime directory; the
  unit sets it too). Its ``*.db`` files are removed when gunicorn starts.

Logs go to the journal: the access log to stdout as one JSON object a line, like the
platform's own log, carrying the request id the platform answered with (X-Request-ID).
"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from gunicorn.glogging import Logger, SafeAtoms


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "duikou.wsgi:application"
proc_name = "duikou-web"
bind = [a.strip() for a in os.environ.get("DUIKOU_BIND", "127.0.0.1:8000").split(",") if a]

# Sync workers: every slow part (reports, exports, large imports) runs in `duikou worker`,
# and nginx buffers request and response bodies, so a slow client never holds a worker.
worker_class = "sync"
workers = _int("DUIKOU_WEB_WORKERS", 0) or min(2 * _cores() + 1, _int("DUIKOU_WEB_MAX_WORKERS", 12))

# A request running longer than this is killed (its worker restarted); nginx waits a little
# longer (proxy_read_timeout 90s) so the user sees gunicorn's answer, not nginx's.
timeout = _int("DUIKOU_WEB_TIMEOUT", 60)
# On stop or reload, requests in progress get this long to finish.
graceful_timeout = 30
keepalive = 5

# The application is imported once, in the master, and each worker is forked from it: a
# recycled worker starts serving at once instead of importing Django and the platform again
# (seconds of CPU each time, and its first requests slow). Nothing connects to the database
# or Redis during the import; each worker opens its own connections. A reload (HUP) forks
# new workers of the same code: a new release or new settings need a restart.
preload_app = True

# Recycle each worker after about five thousand requests, at staggered moments (the jitter),
# so slow growth of memory never accumulates and the workers never restart all at once. A new
# worker fills its own caches (compiled templates, map outlines) on its first requests, which
# are slower: recycling more often shows in the slowest answers.
max_requests = 5000
max_requests_jitter = 500

# The heartbeat files of the workers live in memory, not on a disk that may stall (gunicorn
# makes them with mkstemp and unlinks them at once).
_SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM

forwarded_allow_ips = os.environ.get("DUIKOU_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


class _JsonAtoms(SafeAtoms):
    """gunicorn's atoms, each string escaped so that it can stand inside a JSON string."""

    def __init__(self, atoms):
        dict.__init__(self)
        for key, value in atoms.items():
            self[key] = (
                json.dumps(value, ensure_ascii=False)[1:-1] if isinstance(value, str) else value
            )


class JsonAccessLogger(Logger):
    atoms_wrapper_class = _JsonAtoms

    def now(self) -> str:
        # The same clock and format as the platform's JSON lines (UTC, ISO 8601).
        return datetime.now(UTC).isoformat(timespec="milliseconds")


logger_class = JsonAccessLogger
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("DUIKOU_LOG_LEVEL", "info").lower()
# %({x-request-id}o)s: the id in the response, the one every log line of the request carries
# (the platform keeps the id nginx sent or makes one).
access_log_format = (
    '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", '
    '"request_id": "%({x-request-id}o)s", "remote_addr": "%(h)s", '
    '"forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": "%(s)s", "bytes": "%(b)s", "duration_ms": %(M)s, '
    '"user_agent": "%(a)s", "pid": "%(p)s"}'
)

# gunicorn's control socket (gunicornc) lives in the unit's runtime directory, not in a home
# directory the service user does not have; DUIKOU_GUNICORN_CONTROL overrides.
_runtime = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
if os.environ.get("DUIKOU_GUNICORN_CONTROL"):
    control_socket = os.environ["DUIKOU_GUNICORN_CONTROL"]
elif _runtime:
    control_socket = os.path.join(_runtime, "gunicorn.ctl")

# Request figures of every worker process in one scrape (duikou/core/metrics.py): with
# PROMETHEUS_MULTIPROC_DIR set before the workers import the application, each process writes
# its figures to files of its own there, and /metrics, whichever worker serves it, adds them
# up. Set here, in the master, every worker inherits it. The folder is per node and memory
# backed (the runtime directory is under /run).
if _runtime and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(_runtime, "prometheus")


def on_starting(server):
    """Start the figures from zero: files left by an earlier run would be added to this one's
    (only the ``*.db`` files prometheus_client writes are removed, whatever the folder is)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in Path(folder).glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server, worker):
    """A worker ended (recycled, timed out or killed): its gauge files go; its counters and
    histograms stay in the folder, so the totals keep the requests it served."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
