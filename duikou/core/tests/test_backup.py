"""`duikou backup` and `duikou restore`: a round trip gives back exactly what was saved.

The round trip runs on a scratch database of the engine under test (a file for SQLite,
``duikou_backup_test`` for PostgreSQL), never on the test database itself.
"""

import hashlib
from io import StringIO

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend

from duikou.audit.models import ChangeEntry
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.results.models import Indicator

pytestmark = pytest.mark.django_db
ALIAS = "backup_scratch"
PG_NAME = "duikou_backup_test"
KEY_MODELS = (Region, Organisation, Indicator, ChangeEntry, User)


def _pg_admin(settings_dict, sql):
    params = {
        "dbname": "postgres",
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def scratch(db, tmp_path):
    """A connection ``ALIAS`` to a scratch database of the engine under test (not created)."""
    settings_dict = dict(connections["default"].settings_dict)
    is_sqlite = connections["default"].vendor == "sqlite"
    settings_dict["NAME"] = str(tmp_path / "live.sqlite3") if is_sqlite else PG_NAME
    # A connection made here rather than declared in settings: the test case's guard
    # against undeclared databases leaves such connections alone.
    connections[ALIAS] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, ALIAS)
    yield settings_dict
    connections[ALIAS].close()
    del connections[ALIAS]


@pytest.fixture
def migrated(scratch):
    """The scratch database, created and migrated; PostgreSQL's is dropped afterwards."""
    is_pg = connections[ALIAS].vendor == "postgresql"
    if is_pg:
        _pg_admin(scratch, f"DROP DATABASE IF EXISTS {PG_NAME}")
        _pg_admin(scratch, f"CREATE DATABASE {PG_NAME}")
    try:
        call_command("migrate", database=ALIAS, verbosity=0)
        yield scratch
    finally:
        connections[ALIAS].close()
        if is_pg:
            _pg_admin(scratch, f"DROP DATABASE IF EXISTS {PG_NAME}")


def fill():
    db = ALIAS
    province = Region.objects.using(db).create(
        code="650000", name="新疆维吾尔自治区", level="province"
    )
    county = Region.objects.using(db).create(
        code="652301", name="昌吉市", level="county", parent=province, province=province
    )
    org = Organisation.objects.using(db).create(
        code="T-1",
        name="<script>alert(1)</script>援疆",
        side="donor",
        kind="work_team",
        region=county,
    )
    Indicator.objects.using(db).create(code="PATIENTS", name_zh="接诊患者", unit="人次")
    User.objects.db_manager(db).create_user("keeper", password="x-Passw0rd!")
    for n in range(3):
        ChangeEntry.objects.using(db).create(
            entity="orgs.organisation",
            entity_id=str(org.pk),
            action="update",
            before={"name": f"旧{n}", "amount": "1.00"},
            after={"name": f"新{n}", "amount": "238.05亿"},
            reason="'; DROP TABLE projects_project; --",
        )


def state() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every key table."""
    found = {}
    for model in KEY_MODELS:
        rows = list(model.objects.using(ALIAS).order_by("pk").values_list())
        found[model._meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def damage():
    db = ALIAS
    ChangeEntry.objects.using(db).filter(reason__contains="DROP").delete()
    Organisation.objects.using(db).update(name="被改掉的名称")
    Indicator.objects.using(db).create(code="EXTRA", name_zh="多出来的指标", unit="个")
    User.objects.using(db).filter(username="keeper").delete()


def test_a_backup_restores_exactly_what_was_saved(migrated, tmp_path, monkeypatch):
    fill()
    saved = state()
    path = tmp_path / "duikou.backup"
    out = StringIO()
    call_command("backup", str(path), database=ALIAS, stdout=out)
    assert "已备份到" in out.getvalue() and path.stat().st_size > 0

    damage()
    damaged = state()
    assert damaged != saved
    monkeypatch.setattr("sys.stdin", StringIO(""))  # nobody there to answer the question
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), database=ALIAS)
    assert state() == damaged

    call_command("restore", str(path), database=ALIAS, yes=True, stdout=out)
    assert state() == saved
    assert "已从" in out.getvalue()


def test_restore_refuses_a_missing_file(scratch, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "nothing.backup"), database=ALIAS, yes=True)


def test_restore_refuses_a_file_that_is_not_a_backup(scratch, tmp_path):
    fake = tmp_path / "notes.backup"
    fake.write_text("这不是备份")
    with pytest.raises(CommandError, match="不是对口平台的数据库备份"):
        call_command("restore", str(fake), database=ALIAS, yes=True)


def test_restore_refuses_some_other_sqlite_database(scratch, tmp_path):
    import sqlite3

    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    expected = "缺少平台的数据表" if connections[ALIAS].vendor == "sqlite" else "来自SQLite数据库"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other), database=ALIAS, yes=True)


def test_backup_will_not_overwrite_a_file(scratch, tmp_path):
    path = tmp_path / "duikou.backup"
    path.write_text("别的文件")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(path), database=ALIAS)
    assert path.read_text() == "别的文件"
