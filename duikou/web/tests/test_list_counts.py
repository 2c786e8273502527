"""A list's row count is cached until the next write, and counts the new row right after it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection

from duikou.core import testing
from duikou.web.listing import CappedPaginator

# Committed writes are what the cache watches: these tests run outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_cache(reference_data):
    cache.clear()
    yield
    cache.clear()


def test_the_count_follows_every_committed_write():
    users = get_user_model().objects.order_by("pk")
    before = users.count()
    assert CappedPaginator(users, 5).count == before
    assert CappedPaginator(users, 5).count == before
    testing.user()
    assert CappedPaginator(users, 5).count == before + 1


def test_a_repeated_count_reads_no_rows_again():
    users = get_user_model().objects.order_by("pk")
    expected = users.count()
    assert CappedPaginator(users, 5).count == expected
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert CappedPaginator(users, 5).count == expected
    counts = [sql for sql in statements if "COUNT" in sql.upper()]
    if connection.vendor == "postgresql":
        assert counts == []  # served from the cache: only the snapshot was read
    else:
        assert len(counts) == 1  # SQLite has no snapshot: counted each time


def test_a_scope_that_matches_nothing_counts_zero():
    assert CappedPaginator(get_user_model().objects.none(), 5).count == 0
