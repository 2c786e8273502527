"""Figures cached under the ledger version are served until a ledger write commits, never after;
bookkeeping writes (sessions, heartbeats, jobs) leave them cached."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from duikou.core import testing
from duikou.core.ledger_cache import (
    counted_tables,
    ledger_cached,
    ledger_ticks_compact,
    ledger_ticks_install,
    ledger_version,
)
from duikou.jobs.liveness import worker_beat
from duikou.jobs.models import Job

# Committed writes are what the cache watches: these tests run outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="ledger-write triggers")


@pytest.fixture(autouse=True)
def _empty_cache(reference_data):
    testing.donor_province()  # made once here, so each donor_org() below is one write
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
    assert ledger_cached(("figure",), _counted(calls)) == 1
    assert ledger_cached(("figure",), _counted(calls)) == 1
    assert len(calls) == 1
    assert ledger_cached(("other",), _counted(calls)) == 2  # another key computes its own


@postgresql
def test_a_committed_write_makes_the_next_read_compute_afresh():
    calls = []
    ledger_cached(("figure",), _counted(calls))
    before = ledger_version()
    testing.donor_org()  # any committed ledger write
    assert ledger_version() == before + 1
    assert ledger_cached(("figure",), _counted(calls)) == 2


def test_nothing_is_cached_inside_a_transaction():
    calls = []
    with transaction.atomic():
        assert ledger_version() is None
        ledger_cached(("figure",), _counted(calls))
        ledger_cached(("figure",), _counted(calls))
    assert len(calls) == 2


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no snapshot")
def test_nothing_is_cached_on_sqlite():
    calls = []
    ledger_cached(("figure",), _counted(calls))
    ledger_cached(("figure",), _counted(calls))
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


@postgresql
def test_bookkeeping_writes_leave_the_version_alone(client):
    user = testing.user()
    before = ledger_version()
    worker_beat(worker_id="host-a:1")
    Job.objects.create(kind="reports.summary", requested_by=user)
    client.force_login(user)  # a session row and the user's last sign-in
    client.get("/")
    assert ledger_version() == before


@postgresql
def test_bulk_sql_and_truncate_count_as_ledger_writes():
    before = ledger_version()
    organisation = testing.donor_org()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_organisation SET name = name || '（改）' WHERE id = %s", [organisation.pk]
        )
    assert ledger_version() == before + 2
    with transaction.atomic():  # one transaction is one write, however many statements
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orgs_organisation SET name = name WHERE id = %s", [organisation.pk]
            )
            cursor.execute(
                "UPDATE orgs_organisation SET name = name WHERE id = %s", [organisation.pk]
            )
    assert ledger_version() == before + 3


@postgresql
def test_a_rolled_back_write_changes_nothing():
    before = ledger_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        testing.donor_org()
        raise RuntimeError
    assert ledger_version() == before


@postgresql
def test_folding_the_ticks_keeps_the_version():
    for _ in range(3):
        testing.donor_org()
    before = ledger_version()
    assert ledger_ticks_compact() >= 3
    assert ledger_version() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM duikou_ledger_tick")
        assert cursor.fetchone()[0] == 0
    testing.donor_org()
    assert ledger_version() == before + 1


@postgresql
def test_every_counted_table_has_the_trigger_and_a_new_table_gets_it():
    assert "projects_fundtransaction" in counted_tables()
    assert "results_value" in counted_tables()
    assert not {"django_session", "jobs_workerbeat", "audit_changeentry"} & set(counted_tables())
    assert ledger_ticks_install() == 0  # migrate put it everywhere
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE ledger_cache_probe (id integer)")
    try:
        assert ledger_ticks_install() == 1
        before = ledger_version()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO ledger_cache_probe VALUES (1)")
        assert ledger_version() == before + 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE ledger_cache_probe")


@postgresql
def test_the_explorer_and_the_map_are_served_from_the_cache_until_a_ledger_write(
    client, django_assert_max_num_queries
):
    client.force_login(testing.user())
    testing.project(name="第一个项目", budgets={"aid": "1000000.00"}, region="653100")
    explorer = {"indicator": "FUND_PLANNED", "year_from": 2025, "year_to": 2025, "axis": "r"}
    map_view = {"measure": "funds:budget", "year": 2025}
    first = client.get("/explore/", explorer).content.decode()
    assert "100.00" in first
    assert "100.00" in client.get("/map/", map_view).content.decode()
    with django_assert_max_num_queries(6):  # session, user, scope, version, catalogue
        again = client.get("/explore/", explorer).content.decode()
    assert again.count("100.00") == first.count("100.00")
    testing.project(name="第二个项目", budgets={"aid": "2000000.00"}, region="653100")
    assert "300.00" in client.get("/explore/", explorer).content.decode()
    assert "300.00" in client.get("/map/", map_view).content.decode()


@postgresql
def test_a_list_is_served_from_the_cache_until_a_ledger_write(
    client, django_assert_max_num_queries
):
    client.force_login(testing.user())
    testing.project(name="缓存测试项目甲")
    first = client.get("/projects/").content.decode()
    assert "缓存测试项目甲" in first
    with django_assert_max_num_queries(7):  # session, user, scope, version, count, frame
        again = client.get("/projects/").content.decode()
    assert again.count("缓存测试项目") == first.count("缓存测试项目")
    testing.project(name="缓存测试项目乙")
    page = client.get("/projects/").content.decode()
    assert "缓存测试项目甲" in page and "缓存测试项目乙" in page
    # The rows are the reader's: a sub-command's user sees only its own projects.
    other = testing.donor_org()
    testing.project(name="另一机构的项目", donor_org=other)
    client.force_login(testing.user(role="sub_command", organisation=testing.donor_org()))
    assert "缓存测试项目甲" not in client.get("/projects/").content.decode()


@postgresql
def test_a_new_membership_widens_the_scope_at_once(client):
    from duikou.orgs.models import Membership

    first, second = testing.donor_org(), testing.donor_org()
    testing.project(name="甲机构项目", donor_org=first)
    testing.project(name="乙机构项目", donor_org=second)
    member = testing.user(role="sub_command", organisation=first)
    client.force_login(member)
    page = client.get("/projects/").content.decode()
    assert "甲机构项目" in page and "乙机构项目" not in page
    assert "乙机构项目" not in client.get("/projects/").content.decode()  # from the cache
    Membership.objects.create(user=member, organisation=second, role="sub_command")
    assert "乙机构项目" in client.get("/projects/").content.decode()
