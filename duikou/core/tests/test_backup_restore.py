"""`duikou backup` and `duikou restore`: one archive holds the database and every media file,
checked against its manifest when written and again before anything is restored.

The round trips run on the test database itself (transactional tests, so the dump sees
committed rows), with media in a folder of the test's own. ``scratch`` and ``migrated``
give other apps' tests a separate database of the engine under test.
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend

from duikou.audit.models import ChangeEntry
from duikou.core import backups, testing
from duikou.core.demo import PROGRAMME
from duikou.geo.models import Region
from duikou.geo.services import regions_load_csv
from duikou.jobs.models import Job
from duikou.orgs.services import programme_get_or_create
from duikou.policy import SYSTEM
from duikou.projects.models import Project
from duikou.transfer.models import ImportRecord

MEDIA = {
    "imports/2026/01/项目清单-2026年1月.xlsx": b"PK\x03\x04 spreadsheet bytes",
    "reports/2026/01/工作综述.docx": b"PK\x03\x04 report bytes " * 100,
    "jobs/2026/01/export.csv": "代码,名称\nP-1,项目\n".encode(),
}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Media and the var folder (where the last backup is recorded) of this test alone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    return settings.MEDIA_ROOT


# The few places a project needs: a full reference load would cost seconds for each test.
REGIONS = """code,name,short_name,level,parent_code,kind,aliases
350000,福建省,福建,province,,province,福建|闽
650000,新疆维吾尔自治区,新疆,province,,autonomous_region,新疆|新
652300,昌吉回族自治州,昌吉州,prefecture,650000,autonomous_prefecture,昌吉州|昌吉
652301,昌吉市,昌吉市,county,652300,county_city,
"""


@pytest.fixture
def places(db, tmp_path):
    if not Region.objects.exists():  # emptied by an earlier transactional test
        path = tmp_path / "regions.csv"
        path.write_text(REGIONS, encoding="utf-8")
        regions_load_csv(path=path, actor=SYSTEM)
        programme_get_or_create(**{"actor": SYSTEM, **PROGRAMME})


@pytest.fixture
def ledger(places, media):
    """A small ledger: a project with its audit trail, an account, an import and an export
    job whose files are in media."""
    project = testing.project(name="昌吉市人民医院改扩建")
    testing.user()
    for name, data in MEDIA.items():
        assert default_storage.save(name, ContentFile(data)) == name
    ImportRecord.objects.create(
        kind="projects", file=next(iter(MEDIA)), file_name="项目清单.xlsx", checksum="0" * 64
    )
    Job.objects.create(kind="transfer.export", status="done", output="jobs/2026/01/export.csv")
    return project


def media_state(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).parts[0].startswith(".")
    }


def state(root: Path) -> dict:
    """Rows per table, a few records in full, and every media file's checksum."""
    return {
        "tables": backups._table_counts_django("default"),
        "projects": list(Project.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values_list("username", "password")),
        "audit": list(ChangeEntry.objects.order_by("pk").values_list("entity", "after")),
        "media": media_state(root),
    }


def backup(dest: Path, **options) -> Path:
    out = StringIO()
    call_command("backup", dest=str(dest), stdout=out, **options)
    assert "SHA-256 均与清单一致" in out.getvalue()
    return backups.archives_in(dest)[-1]


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, data, manifest)`` applied to its members."""
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    manifest = json.loads(members.pop(backups.MANIFEST))
    members = {name: change(name, data, manifest) for name, data in members.items()}
    members[backups.MANIFEST] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.django_db(transaction=True)
def test_backup_then_wipe_then_restore_gives_the_same_rows_and_files(ledger, media, tmp_path):
    saved = state(media)
    assert saved["tables"]["projects_project"] == 1 and len(saved["media"]) == len(MEDIA)
    archive = backup(tmp_path / "backups")

    manifest = backups.archive_verify(path=archive)
    assert manifest["tables"] == saved["tables"]
    assert {f"media/{n}" for n in MEDIA} < set(manifest["files"])
    assert manifest["duikou_version"] and manifest["migrations"]["projects"].startswith("0")
    assert backups.last_backup()["archive"] == str(archive)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    assert Project.objects.count() == 0

    out = StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert state(media) == saved
    assert "与备份清单一致" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_files_added_since_the_backup_are_set_aside_not_lost(ledger, media, tmp_path):
    archive = backup(tmp_path / "backups")
    (media / "imports" / "新上传.xlsx").write_bytes(b"later")
    (media / "jobs/2026/01/export.csv").write_bytes(b"changed")

    call_command("restore", str(archive), yes=True, stdout=StringIO())
    assert media_state(media) == {n: hashlib.sha256(d).hexdigest() for n, d in MEDIA.items()}
    aside = next(media.glob(".before-restore-*"))
    assert (aside / "imports" / "新上传.xlsx").read_bytes() == b"later"
    assert (aside / "jobs/2026/01/export.csv").read_bytes() == b"changed"


@pytest.mark.django_db(transaction=True)
def test_a_tampered_or_damaged_archive_is_refused_and_nothing_changes(
    ledger, media, tmp_path, monkeypatch
):
    archive = backup(tmp_path / "backups")
    testing.project(name="备份之后新建的项目")
    before = state(media)

    def swap_a_file(name, data, manifest):
        return b"not what was saved" if name.startswith("media/reports/") else data

    tampered = rewrite(archive, tmp_path / "tampered.tar.gz", swap_a_file)
    with pytest.raises(CommandError, match=r"与其清单不符.*工作综述\.docx：校验值不符"):
        call_command("restore", str(tampered), yes=True)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="不是完好的对口平台备份"):
        call_command("restore", str(truncated), yes=True)

    monkeypatch.setattr("sys.stdin", StringIO(""))  # nobody there to answer the question
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert state(media) == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_another_migration_state_unless_told_and_another_engine(
    ledger, media, tmp_path
):
    archive = backup(tmp_path / "backups")

    def older(name, data, manifest):
        manifest["migrations"]["projects"] = "0001_initial"
        return data

    other = rewrite(archive, tmp_path / "older.tar.gz", older)
    testing.project(name="备份之后新建的项目")
    with pytest.raises(CommandError, match=r"迁移与当前程序不一致.*projects 备份为 0001_initial"):
        call_command("restore", str(other), yes=True)
    assert Project.objects.count() == 2

    call_command("restore", str(other), yes=True, other_migrations=True, stdout=StringIO())
    assert Project.objects.count() == 1

    def other_engine(name, data, manifest):
        if name.startswith("database/"):  # once: the change is called for every member
            manifest["engine"] = {"sqlite": "postgresql", "postgresql": "sqlite"}[
                manifest["engine"]
            ]
        return data

    foreign = rewrite(archive, tmp_path / "foreign.tar.gz", other_engine)
    with pytest.raises(CommandError, match=r"该备份来自.*数据库，当前数据库是"):
        call_command("restore", str(foreign), yes=True)


@pytest.mark.django_db(transaction=True)
def test_keep_deletes_the_oldest_backups_and_nothing_else(media, tmp_path):
    dest = tmp_path / "backups"
    dest.mkdir()
    old = ["duikou-backup-20250101-020000.tar.gz", "duikou-backup-20250102-020000.tar.gz"]
    for name in [*old, "notes.txt", "duikou-backup-manual.tar.gz"]:
        (dest / name).write_bytes(b"x")

    newest = backup(dest, keep=2)
    assert newest.stat().st_mode & 0o777 == 0o600  # it holds every password hash
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [old[1], newest.name, "notes.txt", "duikou-backup-manual.tar.gz"]
    )
    with pytest.raises(CommandError, match="至少为 1"):
        call_command("backup", dest=str(dest), keep=0)


def test_restore_refuses_a_missing_file_or_one_that_is_no_archive(tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"), yes=True)
    fake = tmp_path / "notes.tar.gz"
    fake.write_text("这不是备份")
    with pytest.raises(CommandError, match="不是完好的对口平台备份"):
        call_command("restore", str(fake), yes=True)
    with tarfile.open(tmp_path / "link.tar.gz", "w:gz") as tar:
        link = tarfile.TarInfo("media/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    with pytest.raises(CommandError, match="不应有的条目“media/passwd”"):
        call_command("restore", str(tmp_path / "link.tar.gz"), yes=True)


# --- A separate database of the engine under test, for other apps' round trips ----------

ALIAS = "backup_scratch"
PG_NAME = f"duikou_backup_scratch_{os.getpid()}"


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
def scratch(db, settings, tmp_path):
    """A connection ``ALIAS`` to a scratch database of the engine under test (not created),
    with media and var folders of the test's own."""
    settings.MEDIA_ROOT, settings.VAR_DIR = tmp_path / "media", tmp_path / "var"
    settings.VAR_DIR.mkdir()
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
