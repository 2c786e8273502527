"""Figures cached until the next write: keyed by PostgreSQL's current snapshot.

A snapshot (``pg_current_snapshot()``: the oldest running writer, the next transaction id
and the writers in progress) changes whenever any write transaction starts or ends, so two
reads under the same snapshot see the same committed rows. A figure computed under one
snapshot and cached under its text is therefore never served after a write has committed:
the next request reads a new snapshot and computes afresh. The snapshot serves as the
ledger version that every write bumps, without a counter each write path would have to
remember.

Nothing is cached on SQLite, nor inside a transaction (its own uncommitted writes do not
change the snapshot), nor for reads routed elsewhere than the primary.
"""

import hashlib

from django.core.cache import cache
from django.db import connections
from django.utils.translation import get_language

TIMEOUT = 300  # seconds; a snapshot rarely lasts that long on a busy platform anyway


def ledger_version(using: str = "default") -> str | None:
    """The database's current snapshot as text; None where figures must not be cached."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


_READ = object()


def snapshot_cached(key: tuple, compute, *, timeout: int = TIMEOUT, version=_READ):
    """``compute()``, or its result cached for ``key`` (which must name everything the
    result depends on besides the data: the user's scope, the year, ...) under the
    current snapshot and language. A page caching several figures reads ``ledger_version()``
    once, before computing any of them, and passes it as ``version``."""
    if version is _READ:
        version = ledger_version()
    if version is None:
        return compute()
    text = repr((key, get_language(), version)).encode()
    name = f"snapshot:{hashlib.sha256(text).hexdigest()}"
    found = cache.get(name)
    if found is not None:
        return found
    value = compute()
    cache.set(name, value, timeout)
    return value


def scope_key(scope) -> tuple:
    """What a user's scope is made of, for cache keys of figures read within it."""
    digest = hashlib.sha256(
        repr(
            (
                scope.sees_all,
                scope.writes_all,
                sorted(scope.org_ids),
                sorted(scope.region_ids),
                sorted(scope.write_org_ids),
                sorted(scope.roles),
            )
        ).encode()
    ).hexdigest()
    return ("scope", digest)
