"""The results app's bulk writes, where PostgreSQL and SQLite differ.

On PostgreSQL rows are copied in (``COPY … FROM STDIN``) with ids drawn from the
table's sequence beforehand; elsewhere the ORM's bulk operations stand in. The
services decide what to write; this module only writes it fast.
"""

import json

from django.db import connection
from django.db.models import F

from duikou.audit.models import ChangeEntry

from .models import Value

CHUNK = 5000


def next_ids(model, count: int) -> list[int] | None:
    """Ids drawn from the table's sequence on PostgreSQL (so rows can be copied in with
    their ids known); None elsewhere, where ``bulk_create`` returns them."""
    if connection.vendor != "postgresql" or not count:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, rows: list[dict]) -> None:
    """PostgreSQL COPY of plain rows: about ten times faster than multi-row INSERTs built by
    the ORM, which spend most of their time preparing each value in Python."""
    if not rows:
        return
    columns = list(rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    json_columns = {"before", "after"}
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[c], ensure_ascii=False)
                        if c in json_columns and row[c] is not None
                        else row[c]
                        for c in columns
                    ]
                )


def values_insert(rows: list[dict]) -> list[int]:
    """Insert new values given as column dicts (``id`` None or drawn by ``next_ids``);
    returns their ids in order."""
    if not rows:
        return []
    if rows[0].get("id") is not None and connection.vendor == "postgresql":
        copy_rows(Value, rows)
        return [r["id"] for r in rows]
    made = Value.objects.bulk_create(
        [Value(**{k: v for k, v in r.items() if k != "id"}) for r in rows], batch_size=2000
    )
    for row, value in zip(rows, made, strict=True):
        row["id"] = value.pk
    return [value.pk for value in made]


def values_set(ids: list[int], fields: dict) -> None:
    """Give every value in ``ids`` the same ``fields`` and one more version, a chunk of ids
    per UPDATE."""
    for start in range(0, len(ids), CHUNK):
        Value.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            **fields, version=F("version") + 1
        )


def history_insert(entries: list[dict]) -> None:
    """Append change-history rows given as column dicts; the table's default draws the ids."""
    if not entries:
        return
    if connection.vendor == "postgresql":
        copy_rows(ChangeEntry, entries)
    else:
        ChangeEntry.objects.bulk_create([ChangeEntry(**e) for e in entries], batch_size=2000)
