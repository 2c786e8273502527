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
    counts = [
        sql for sql in statements if "COUNT" in sql.upper() and "duikou_ledger_tick" not in sql
    ]
    if connection.vendor == "postgresql":
        assert counts == []  # served from the cache: only the ledger version was read
    else:
        assert len(counts) == 1  # SQLite keeps no ledger version: counted each time


def test_a_scope_that_matches_nothing_counts_zero():
    assert CappedPaginator(get_user_model().objects.none(), 5).count == 0


@pytest.mark.parametrize("resolve_cap", [1000, 2])
def test_a_page_lists_the_same_rows_in_order_whether_its_ids_are_read_first_or_not(
    resolve_cap, monkeypatch, rf
):
    from duikou.web import listing

    monkeypatch.setattr(listing, "RESOLVE_CAP", resolve_cap)
    for _ in range(4):
        testing.user()
    users = get_user_model().objects.all()
    rule = listing.Listing(search=("username",), sorts={"name": "username"}, default_sort="-name")
    expected = list(users.order_by("-username", "-pk").values_list("pk", flat=True))
    page = listing.list_page(rf.get("/", {"page": "1"}), users, rule)
    assert page.total == len(expected)
    assert [u.pk for u in page.page] == expected[: listing.PER_PAGE]
