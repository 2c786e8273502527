"""Figures cached until the next ledger write: keyed by a count of committed ledger writes.

Every table that figures are read from carries a statement trigger (installed after each
``migrate``) that records the writing transaction's id in ``duikou_ledger_tick``, once per
transaction. The ledger version is the number of those transactions a reader's snapshot
sees: ``duikou_ledger_base.ticks`` (ticks folded away by the workers' heartbeats) plus the rows
still in ``duikou_ledger_tick``. It is read in one statement, so under one snapshot, and it
changes exactly when a ledger write commits, whatever wrote it (a service, bulk SQL, an
import, ``TRUNCATE``): committed transactions only ever accumulate, so one count names one
state of the ledger. A figure computed after reading version *n* is cached under *n* and is
never served once a ledger write has committed. Writes that no figure reads — sessions,
worker heartbeats, job rows, sign-in bookkeeping, the audit trail — are not counted, so
they leave the cache alone (the snapshot of the whole cluster, which the cache was keyed on
before, changed with every one of them).

Nothing is cached on SQLite, nor inside a transaction (its own uncommitted writes are not
counted yet). Reads sent to the streaming replica read its version there: the replica
replays the ticks with the rows, so a version names the same ledger state on both.
``duikou restore`` empties the cache, as a restored ledger counts afresh.
"""

import contextvars
import hashlib
import logging
import random
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connections, router
from django.utils.translation import get_language

logger = logging.getLogger(__name__)
# Seconds an entry is kept: a bound on memory, not on freshness (the version key sees to
# that). Each entry's time is spread by up to a tenth, so the figures a busy hour filled
# together do not all fall due, and get recomputed, in the same second.
TIMEOUT = 3600

TRIGGER = "duikou_ledger_tick"  # on each counted table; runs duikou_ledger_tick_note()
# Tables written for bookkeeping only: no cached figure reads them.
UNCOUNTED_PREFIXES = (
    "django_session",
    "django_tasks",
    "django_admin_log",
    "django_migrations",
    "axes_",
    "jobs_",
    "audit_",
    "auth_user",  # last_login at every sign-in; scopes enter cache keys themselves
    "otp_",
    "duikou_api_apitoken",  # last use of a token
    "duikou_ledger_",
)

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS duikou_ledger_tick (xid xid8 PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS duikou_ledger_base (id integer PRIMARY KEY CHECK (id = 1), "
    "ticks bigint NOT NULL)",
    "INSERT INTO duikou_ledger_base (id, ticks) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    """CREATE OR REPLACE FUNCTION duikou_ledger_tick_note() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO duikou_ledger_tick (xid) VALUES (pg_current_xact_id())
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
]


def counted_tables(using: str = "default") -> list[str]:
    """The tables whose writes change the ledger version."""
    tables = connections[using].introspection.table_names()
    return sorted(name for name in tables if not name.startswith(UNCOUNTED_PREFIXES))


def ledger_ticks_install(using: str = "default") -> int:
    """Create the tick tables and put the trigger on every counted table that lacks it;
    returns how many triggers were added. Idempotent, run after every ``migrate``; it only
    adds (CREATE TRIGGER takes a lock that waits for writers, never for readers)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        for statement in _SCHEMA:
            cursor.execute(statement)
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND NOT t.tgisinternal",
            [TRIGGER],
        )
        present = {name for (name,) in cursor.fetchall()}
        missing = [name for name in counted_tables(using) if name not in present]
        quote = connection.ops.quote_name
        for name in missing:
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {quote(name)} FOR EACH STATEMENT EXECUTE FUNCTION duikou_ledger_tick_note()"
            )
    if missing:
        logger.info("ledger write triggers added", extra={"tables": len(missing)})
    return len(missing)


def ledger_ticks_compact(using: str = "default") -> int:
    """Fold the ticks into the base count, in one statement, so the version readers see
    does not change: the statement deletes only ticks of transactions committed in its
    snapshot, which every later snapshot sees committed too, and a reader's single-statement
    read sees either the ticks or the base they went into. Returns how many were folded;
    each worker's heartbeat runs it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM duikou_ledger_tick RETURNING 1) "
            "UPDATE duikou_ledger_base SET ticks = ticks + (SELECT count(*) FROM gone) "
            "WHERE id = 1 "
            "RETURNING (SELECT count(*) FROM gone)"
        )
        row = cursor.fetchone()
    return row[0] if row else 0


# (database alias, version) while a page computed under that version is being built.
_pinned = contextvars.ContextVar("duikou_ledger_version_pinned", default=None)


def ledger_version(using: str | None = None) -> int | None:
    """How many ledger writes the next snapshot of the database reads go to sees (the
    replica's own count inside a read-heavy request, so a lagging replica's figures are
    kept under the version they were read at); None where figures must not be cached
    (SQLite, inside a transaction)."""
    alias = using or router.db_for_read(None)
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    pinned = _pinned.get()
    if pinned is not None and pinned[0] == alias:
        return pinned[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT ticks FROM duikou_ledger_base WHERE id = 1) "
            "+ (SELECT count(*) FROM duikou_ledger_tick)"
        )
        (version,) = cursor.fetchone()
    return version


@contextmanager
def version_pinned(version: int | None, using: str | None = None):
    """Within the block, ``ledger_version()`` answers ``version`` without asking the
    database again: for a read-only request whose page is kept under that version, so its
    parts (the reader's scope, figures) are read under the same one."""
    if version is None:
        yield
        return
    token = _pinned.set((using or router.db_for_read(None), version))
    try:
        yield
    finally:
        _pinned.reset(token)


_READ = object()


def ledger_cached(key: tuple, compute, *, timeout: int = TIMEOUT, version=_READ, using=None):
    """``compute()``, or its result cached for ``key`` (which must name everything the
    result depends on besides the ledger: the user's scope, the year, ...) under the current
    ledger version and language. A page caching several figures reads ``ledger_version()``
    once, before computing any of them, and passes it as ``version``."""
    if version is _READ:
        version = ledger_version(using)
    if version is None:
        return compute()
    text = repr((key, get_language(), version)).encode()
    name = f"ledger:{hashlib.sha256(text).hexdigest()}"
    found = cache.get(name)
    if found is not None:
        return found
    value = compute()
    cache.set(name, value, round(timeout * random.uniform(0.9, 1.0)))  # noqa: S311 (spread, not secret)
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


def reader_key(user) -> tuple:
    """Whose figures a cached computation holds: everyone who sees all alike, else per user
    (their own organisations and places are their starting nodes and filters)."""
    from duikou import policy

    scope = policy.scope_for(user)
    return (*scope_key(scope), None if scope.sees_all else user.pk)
