"""Read-heavy pages read from a PostgreSQL streaming replica; everything else uses the primary.

With ``DATABASE_REPLICA_URL`` set, settings add ``DATABASES["replica"]``, this router and
``ReplicaReadsMiddleware``. The middleware marks GET and HEAD requests to the views named in
``DUIKOU_REPLICA_VIEWS`` (explorer, exports, reports, the public view) as read-heavy; only then
do reads go to the replica. Writes, migrations and every other request stay on the primary.

Read-your-writes: a POST answered without an error sets a signed cookie, and for
``DUIKOU_REPLICA_STICKY_SECONDS`` that browser reads from the primary even on read-heavy pages,
so a user never misses what they just saved while the replica catches up.

A replica that does not answer is left alone for ``REPLICA_RETRY_SECONDS``: read-heavy pages
read the primary meanwhile (slower, never wrong), one warning is logged per failure, and
/readyz says so without turning the node unready.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
REPLICA_RETRY_SECONDS = 30
# When this process last found the replica unreachable (time.monotonic()), and why.
_replica_down: dict[str, object] = {"since": None, "error": ""}
STICKY_COOKIE = "duikou_primary_until"
_STICKY_SALT = "duikou.core.routers.sticky"

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "duikou_use_replica", default=False
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _replica_error() -> str | None:
    """Why the replica does not answer a ``SELECT 1`` on its connection, or None."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        connections[REPLICA].close()
        return str(error).strip()[:200] or error.__class__.__name__
    return None


def replica_usable() -> bool:
    """Does the replica answer? Asked once per read-heavy request; after a failure, not asked
    again for REPLICA_RETRY_SECONDS (tools/deploy-test stops a real replica to show it)."""
    since = _replica_down["since"]
    if since is not None and time.monotonic() - since < REPLICA_RETRY_SECONDS:
        return False
    error = _replica_error()
    if error is not None:
        _replica_down.update(since=time.monotonic(), error=error)
        logger.warning("只读副本无法连接，%s 秒内改从主库读取：%s", REPLICA_RETRY_SECONDS, error)
        return False
    _replica_down.update(since=None, error="")
    return True


def replica_state() -> dict:
    """For /readyz: whether a replica is configured and whether reads use it now."""
    if not replica_configured():
        return {"status": "none"}
    if replica_usable():
        return {"status": "ok"}
    return {
        "status": "down",
        "problem": f"只读副本无法连接，读取暂用主库：{_replica_down['error']}",
    }


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block reads go to the replica (when one is configured and answers)."""
    token = _use_replica.set(replica_configured() and replica_usable())
    try:
        yield
    finally:
        _use_replica.reset(token)


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    token = _use_replica.set(False)
    try:
        yield
    finally:
        _use_replica.reset(token)


def read_heavy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: a GET or HEAD to this view reads from the replica unless sticky."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method in ("GET", "HEAD") and not request_is_sticky(request):
            with replica_reads():
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


def request_is_sticky(request: HttpRequest) -> bool:
    until = request.get_signed_cookie(STICKY_COOKIE, default=None, salt=_STICKY_SALT)
    try:
        return until is not None and float(until) > time.time()
    except ValueError:
        return False


class ReplicaRouter:
    """Reads on the replica only while a read-heavy request (or ``replica_reads``) runs."""

    def db_for_read(self, model, **hints) -> str | None:
        if _use_replica.get():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a copy of the primary: rows from either relate freely.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = frozenset(settings.DUIKOU_REPLICA_VIEWS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and response.status_code < 400:
            seconds = settings.DUIKOU_REPLICA_STICKY_SECONDS
            response.set_signed_cookie(
                STICKY_COOKIE,
                str(time.time() + seconds),
                salt=_STICKY_SALT,
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is None
            or match.view_name not in self.views
            or request.method not in ("GET", "HEAD")
            or request_is_sticky(request)
        ):
            return None
        # The session and the signed-in user come from the primary, as on every other page.
        getattr(request, "user", None) and request.user.is_authenticated
        with replica_reads():
            return view_func(request, *view_args, **view_kwargs)
