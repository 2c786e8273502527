"""Figures cached under PostgreSQL's snapshot are served until a write commits, never after."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from duikou.core import testing
from duikou.core.snapshot_cache import ledger_version, snapshot_cached

# Committed writes are what the cache watches: these tests run outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL snapshots")


@pytest.fixture(autouse=True)
def _empty_cache(reference_data):
    cache.clear()
    yield
    cache.clear()


def _counted(calls: list):
    def compute():
        calls.append(1)
        return len(calls)

    return compute


@postgresql
def test_a_second_read_without_a_write_in_between_is_served_from_the_cache():
    calls = []
    assert snapshot_cached(("figure",), _counted(calls)) == 1
    assert snapshot_cached(("figure",), _counted(calls)) == 1
    assert len(calls) == 1
    assert snapshot_cached(("other",), _counted(calls)) == 2  # another key computes its own


@postgresql
def test_a_committed_write_makes_the_next_read_compute_afresh():
    calls = []
    snapshot_cached(("figure",), _counted(calls))
    before = ledger_version()
    testing.user()  # any committed write
    assert ledger_version() != before
    assert snapshot_cached(("figure",), _counted(calls)) == 2


def test_nothing_is_cached_inside_a_transaction():
    calls = []
    with transaction.atomic():
        assert ledger_version() is None
        snapshot_cached(("figure",), _counted(calls))
        snapshot_cached(("figure",), _counted(calls))
    assert len(calls) == 2


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no snapshot")
def test_nothing_is_cached_on_sqlite():
    calls = []
    snapshot_cached(("figure",), _counted(calls))
    snapshot_cached(("figure",), _counted(calls))
    assert len(calls) == 2


@postgresql
def test_the_dashboard_shows_a_new_project_at_once(client):
    writer = testing.user()
    client.force_login(writer)
    testing.project(name="第一个项目", budgets={"aid": "1000000.00"})
    first = client.get("/", {"year": 2025}).content.decode()
    assert "100.00万元" in first
    assert client.get("/", {"year": 2025}).content.decode().count("100.00万元") == first.count(
        "100.00万元"
    )
    testing.project(name="第二个项目", budgets={"aid": "2000000.00"})
    assert "300.00万元" in client.get("/", {"year": 2025}).content.decode()
