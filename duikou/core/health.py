"""`/healthz` and `/readyz`: what a load balancer and an operator ask of a node.

`/healthz` says the process answers (always 200). `/readyz` checks the database, the migrations,
a worker's heartbeat, that media storage can be written and, with DUIKOU_REDIS_URL, that the
shared cache in Redis answers; it answers 503 with the list of what failed. It also tells when
the last successful backup finished and how long ago (`backup`): a warning, never a failure,
since a node serves as well without one (a fresh install has none); `stale` past
DUIKOU_READY_BACKUP_HOURS (36 by default: one nightly run missed, with a margin). With a
replica configured, `replica` says whether read-heavy pages read it now or, while it does not
answer, the primary (a warning too: the node still serves every page).
Readiness is not public: only loopback, the networks in DUIKOU_METRICS_ALLOW or a caller
with DUIKOU_METRICS_TOKEN see it; anyone else gets 404, as if it were not there.
"""

from __future__ import annotations

import hmac
import ipaddress
import uuid
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _networks():
    for cidr in settings.DUIKOU_METRICS_ALLOW:
        try:
            yield ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            continue


def operator_may_read(request) -> bool:
    """Loopback, an allowed network (the address the node itself sees), or the bearer token."""
    token = settings.DUIKOU_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks())


def operators_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not operator_may_read(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach the database is the answer
        return f"数据库无法连接：{error.__class__.__name__}: {error}"
    return None


def check_migrations() -> str | None:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return f"无法读取数据库迁移状态：{error.__class__.__name__}: {error}"
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return f"有 {len(plan)} 个数据库迁移未执行（{names}）；请运行 duikou upgrade"
    return None


def check_worker() -> str | None:
    from duikou.jobs.models import WorkerBeat

    limit = settings.DUIKOU_READY_WORKER_SECONDS
    try:
        seen = WorkerBeat.objects.filter(
            seen_at__gte=timezone.now() - timedelta(seconds=limit)
        ).exists()
    except Exception as error:
        return f"无法读取后台任务进程心跳：{error.__class__.__name__}: {error}"
    if not seen:
        return f"最近 {limit} 秒内没有后台任务进程（duikou worker）的心跳"
    return None


def check_media() -> str | None:
    name = f".readyz/{uuid.uuid4().hex}.probe"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except Exception as error:
        return f"文件存储（{settings.MEDIA_ROOT}）不可写：{error.__class__.__name__}: {error}"
    return None


def check_cache() -> str | None:
    """The shared cache in Redis (DUIKOU_REDIS_URL) answers a write and a read; the cache each
    process keeps in memory when there is no Redis needs no check."""
    if not settings.DUIKOU_REDIS_URL:
        return None
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        read = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return f"缓存（Redis，DUIKOU_REDIS_URL）无法连接：{error.__class__.__name__}: {error}"
    if read != value:
        return "缓存（Redis，DUIKOU_REDIS_URL）读不回刚写入的值"
    return None


def backup_state() -> dict:
    """The last successful backup for /readyz: when it finished, its age, and `status` ("ok",
    "stale" past the threshold, "none" when no backup is known) with `problem` unless ok."""
    from .backups import last_backup

    hours = settings.DUIKOU_READY_BACKUP_HOURS
    state = {"warn_after_hours": hours, "finished_at": None, "age_seconds": None}
    try:
        last = last_backup()
    except Exception as error:
        problem = f"无法读取最近一次备份：{error.__class__.__name__}: {error}"
        return state | {"status": "unknown", "problem": problem}
    if last is None:
        problem = (
            "尚无成功的备份（新安装时如此）；请确认每日备份已启用："
            "后台任务进程（DUIKOU_DAILY_HOUSEKEEPING）或 duikou-backup.timer"
        )
        return state | {"status": "none", "problem": problem}
    finished = datetime.fromisoformat(last["finished_at"])
    age = max(0.0, (timezone.now() - finished).total_seconds())
    state |= {
        "finished_at": finished.isoformat(),
        "age_seconds": round(age),
        "archive": last.get("archive", ""),
    }
    if age > hours * 3600:
        problem = (
            f"最近一次成功的备份在 {age / 3600:.0f} 小时前（超过 {hours} 小时）；"
            "请查看 duikou-backup 或后台任务进程的日志"
        )
        return state | {"status": "stale", "problem": problem}
    return state | {"status": "ok"}


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "worker": check_worker,
    "media": check_media,
    "cache": check_cache,
}


@never_cache
@require_GET
@operators_only
def readyz(request):
    failed = []
    database_failed = False
    for name, check in CHECKS.items():
        if database_failed and name in ("migrations", "worker"):
            failed.append({"check": name, "problem": "数据库无法连接，未检查"})
            continue
        problem = check()
        if problem:
            failed.append({"check": name, "problem": problem})
            database_failed = database_failed or name == "database"
    if database_failed:
        backup = {"status": "unknown", "problem": "数据库无法连接，未检查"}
    else:
        backup = backup_state()
    from .routers import replica_state

    notes = {"backup": backup, "replica": replica_state()}
    if failed:
        return JsonResponse({"status": "unready", "failed": failed, **notes}, status=503)
    return JsonResponse({"status": "ready", "checks": list(CHECKS), **notes})
