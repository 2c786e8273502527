"""Test set-up shared by every app: reference data is loaded once per test database, and
test accounts get a cheap password hash."""

import pytest

# The rows the reference load wrote, per table, taken once per test database: transactional
# tests empty every table when they end, and copying the rows back takes a fraction of a
# second where loading them again (regions, pairings, the catalogue, their history) takes
# seconds.
_REFERENCE_ROWS: dict[str, tuple[list[str], object]] = {}


def _row_counts(connection) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 (schema names)
            counts[table] = cursor.fetchone()[0]
    return counts


def _reference_take(connection, tables: list[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":  # COPY's text form keeps every type as is
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    _REFERENCE_ROWS[table] = ([], b"".join(bytes(block) for block in copy))
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (schema names)
                columns = [column[0] for column in cursor.description]
                _REFERENCE_ROWS[table] = (columns, cursor.fetchall())


def _reference_put_back(connection) -> None:
    from django.db import transaction

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys checked at commit
        for table, (columns, rows) in _REFERENCE_ROWS.items():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(rows)
            else:
                names = ", ".join(quote(name) for name in columns)
                marks = ", ".join(["%s"] * len(columns))
                insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, rows)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from duikou.core.demo import reference_load

    with django_db_blocker.unblock():
        before = _row_counts(connection)
        reference_load()
        after = _row_counts(connection)
        _reference_take(connection, [name for name, n in after.items() if n != before.get(name)])


@pytest.fixture
def reference_data(db):
    """Reference data inside transactional tests, whose teardown empties every table.

    pytest-django runs transactional tests last, so only they need to put it back.
    """
    from django.db import connection

    from duikou.core.demo import reference_load
    from duikou.geo.models import Region

    if not Region.objects.exists():
        if _REFERENCE_ROWS:
            _reference_put_back(connection)
        else:
            reference_load()


@pytest.fixture(autouse=True)
def fast_passwords(request, settings):
    """Argon2 costs about 0.16 s per password, and most tests make several accounts; they
    get MD5 instead (hashes already stored still verify). ``@pytest.mark.argon2`` keeps the
    production hashers for the tests of hashing itself."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]
