"""Backing up and restoring the platform: the database and every media file in one archive.

An archive (``duikou-backup-YYYYmmdd-HHMMSS.tar.gz``) holds the database dump under
``database/``, the media files under ``media/`` and ``manifest.json``: the SHA-256 and size
of every file, the rows of every table, the version, the migration heads and the time.
It is read back and checked before it takes its name; a restore checks it all again
before touching anything.

SQLite copies pages through sqlite3's online backup API, so a copy taken while the
server writes is still consistent. PostgreSQL uses pg_dump's custom format and
pg_restore in one transaction; the password travels in PGPASSWORD, never on the
command line, where other users of the machine could read it.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from .ledger_cache import ledger_ticks_install

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Tables every Duikou database has; a file without them is some other database.
MARKER_TABLES = ("django_migrations", "audit_changeentry")


def engine_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise CommandError(f"不支持备份该数据库引擎：{engine}")


def backup(settings_dict: dict, path: Path) -> int:
    """Write a backup of the database to ``path``; returns its size in bytes."""
    partial = path.with_name(path.name + ".part")
    try:
        if engine_of(settings_dict) == "sqlite":
            _sqlite_backup(Path(settings_dict["NAME"]), partial)
        else:
            _pg_run(
                "pg_dump", settings_dict, ["--format=custom", "--file", str(partial)], dbname=True
            )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def check(settings_dict: dict, path: Path) -> None:
    """Refuse a missing file, a file that is no Duikou backup, or one for the other engine."""
    if not path.is_file():
        raise CommandError(f"备份文件“{path}”不存在")
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(PG_MAGIC) else None
    if kind is None:
        raise CommandError(f"“{path}”不是对口平台的数据库备份")
    engine = engine_of(settings_dict)
    if kind != engine:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise CommandError(
            f"该备份来自{names[kind]}数据库，当前数据库是{names[engine]}，不能直接恢复"
        )
    tables = _sqlite_tables(path) if kind == "sqlite" else _pg_tables(settings_dict, path)
    if not set(MARKER_TABLES) <= tables:
        raise CommandError(f"“{path}”不是对口平台的数据库备份（缺少平台的数据表）")


def restore(settings_dict: dict, path: Path) -> None:
    """Replace the database's contents with the backup at ``path`` (checked first)."""
    check(settings_dict, path)
    if engine_of(settings_dict) == "sqlite":
        source = sqlite3.connect(path)
        target = sqlite3.connect(settings_dict["NAME"], timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _pg_run(
            "pg_restore",
            settings_dict,
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                settings_dict["NAME"],
                str(path),
            ],
        )
    # The restored ledger counts its writes from the backup's count again, which cached
    # figures of the replaced ledger may share: they go, and an older backup gets the
    # ledger-write triggers it lacks.
    cache.clear()
    ledger_ticks_install()


def _sqlite_backup(database: Path, target: Path) -> None:
    if not database.is_file():
        raise CommandError(f"数据库文件“{database}”不存在")
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # One self-contained file: the copy does not need the -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _sqlite_tables(path: Path) -> set[str]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CommandError(f"备份文件“{path}”已损坏")
            return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        raise CommandError(f"“{path}”不是对口平台的数据库备份") from None


def _pg_tables(settings_dict: dict, path: Path) -> set[str]:
    listing = _pg_run("pg_restore", settings_dict, ["--list", str(path)], connect=False)
    tables = set()
    for line in listing.splitlines():
        parts = line.split()
        # "215; 1259 16390 TABLE public audit_changeentry postgres"
        if len(parts) >= 6 and parts[3] == "TABLE":
            tables.add(parts[5])
    return tables


def _pg_run(
    program: str, settings_dict: dict, args: list[str], *, dbname=False, connect=True
) -> str:
    executable = shutil.which(program)
    if executable is None:
        raise CommandError(f"找不到 {program}，请安装 PostgreSQL 客户端工具")
    env = dict(os.environ)
    command = [executable]
    if connect:
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings_dict.get(key):
                command += [option, str(settings_dict[key])]
        command.append("--no-password")
        if settings_dict.get("PASSWORD"):
            env["PGPASSWORD"] = settings_dict["PASSWORD"]
        if settings_dict.get("OPTIONS", {}).get("sslmode"):
            env["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    command += args
    if dbname:
        command.append(settings_dict["NAME"])
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        raise CommandError(f"{program} 失败：{detail}")
    return result.stdout


# --- Archives: the database and every media file, with a manifest of checksums ---------

ARCHIVE_PATTERN = re.compile(r"^duikou-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar\.gz$")
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database/duikou.sqlite3", "postgresql": "database/duikou.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ARCHIVE_FORMAT = 1
LAST_BACKUP_FILE = "last_backup.json"
BACKUP_JOB = "core.backup"  # the worker's nightly backup (core/tasks.py)
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    engine: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    seconds: float
    pruned: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    media_files: int
    media_written: int
    set_aside: Path | None
    set_aside_files: int


def archive_create(
    *, alias: str, dest: Path, media_root: Path, keep: int | None = None
) -> BackupResult:
    """Write one archive to ``dest``: the database, every media file and ``manifest.json``
    (SHA-256 and size of each file, rows per table, version, migration heads, time).

    The archive is read back and checked against its manifest before it takes its final
    name; only then are older archives beyond ``keep`` deleted and the time recorded.
    Runs while the server works: the rows counted are those the dump holds."""
    if keep is not None and keep < 1:
        raise CommandError("--keep 至少为 1（保留的备份份数）")
    started = time.monotonic()
    settings_dict = connections[alias].settings_dict
    engine = engine_of(settings_dict)
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = timezone.now()
    final = _archive_name(dest, now)
    partial = final.with_name(final.name + ".part")
    try:
        with tempfile.TemporaryDirectory(prefix=".duikou-backup-", dir=dest) as scratch:
            dump = Path(scratch) / Path(DATABASE_MEMBER[engine]).name
            tables, applied = _database_dump(alias, dump)
            files: dict[str, dict] = {}
            # Only its owner may read it: it holds every account's password hash.
            out = os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
            with (
                out,
                tarfile.open(
                    fileobj=out, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
                ) as tar,
            ):
                files[DATABASE_MEMBER[engine]] = _add_file(tar, dump, DATABASE_MEMBER[engine])
                for path, name in _media_files(media_root):
                    added = _add_file(tar, path, name)
                    if added is not None:  # None: deleted while the backup ran
                        files[name] = added
                manifest = {
                    "format": ARCHIVE_FORMAT,
                    "created_at": now.isoformat(),
                    "duikou_version": _version(),
                    "engine": engine,
                    "database": DATABASE_MEMBER[engine],
                    "migrations": _heads(applied),
                    "tables": tables,
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(data))
        if archive_verify(path=partial) != manifest:
            raise CommandError(f"备份“{partial}”读回的清单与写入的不同，备份未完成")
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    media = [v for k, v in files.items() if k.startswith("media/")]
    pruned = archives_prune(dest=dest, keep=keep) if keep is not None else []
    result = BackupResult(
        path=final,
        size=final.stat().st_size,
        engine=engine,
        tables=len(tables),
        rows=sum(tables.values()),
        media_files=len(media),
        media_bytes=sum(v["size"] for v in media),
        seconds=time.monotonic() - started,
        pruned=pruned,
    )
    _record_success(result, now)
    return result


def archive_verify(*, path: Path) -> dict:
    """Read the whole archive and return its manifest, or refuse (in Chinese, naming the
    file) when it is no Duikou archive, is damaged, or any file differs from the manifest."""
    if not path.is_file():
        raise CommandError(f"备份文件“{path}”不存在")
    found: dict[str, dict] = {}
    manifest = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not _safe_member(path, member):
                    continue
                handle = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(handle.read())
                else:
                    found[member.name] = _digest(handle)
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as error:
        raise CommandError(
            f"“{path}”不是完好的对口平台备份（{error.__class__.__name__}）"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise CommandError(f"“{path}”不是对口平台的备份（缺少 {MANIFEST}）")
    listed = manifest.get("files", {})
    problems = [f"{name}：校验值不符" for name in sorted(set(listed) & set(found))
                if listed[name] != found[name]]  # fmt: skip
    problems += [f"{name}：清单中有，备份中缺少" for name in sorted(set(listed) - set(found))]
    problems += [f"{name}：备份中有，清单中没有" for name in sorted(set(found) - set(listed))]
    if manifest.get("database") not in listed:
        problems.append("清单中没有数据库文件")
    if problems:
        shown = "；".join(problems[:5]) + (f"；等 {len(problems)} 处" if len(problems) > 5 else "")
        raise CommandError(f"备份“{path}”与其清单不符，已拒绝：{shown}")
    return manifest


def archive_restore(
    *, alias: str, path: Path, media_root: Path, other_migrations: bool = False, confirm=None
) -> RestoreResult:
    """Replace the database and the media files with the archive's, after checking it all.

    Nothing is touched until every checksum matches and the archive's migrations are the
    program's (unless ``other_migrations``); ``confirm()`` is then asked, and may refuse
    by raising. Media files the archive does not hold, or holds otherwise, are moved to
    ``media_root/.before-restore-<time>/`` rather than deleted. Row counts are compared
    with the manifest at the end."""
    manifest = archive_verify(path=path)
    connection = connections[alias]
    engine = engine_of(connection.settings_dict)
    if manifest["engine"] != engine:
        raise CommandError(
            f"该备份来自{ENGINE_NAMES[manifest['engine']]}数据库，"
            f"当前数据库是{ENGINE_NAMES[engine]}，不能直接恢复"
        )
    if not other_migrations:
        differences = _migration_differences(manifest["migrations"])
        if differences:
            raise CommandError(
                "备份的数据库迁移与当前程序不一致，已拒绝："
                + "；".join(differences[:5])
                + "。请用生成该备份的版本恢复，或加 --other-migrations 恢复后再运行 duikou migrate"
            )
    if confirm is not None:
        confirm()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    media_root.mkdir(parents=True, exist_ok=True)
    staging = media_root / f".restoring-{stamp}"
    try:
        with tempfile.TemporaryDirectory(prefix=".duikou-restore-", dir=media_root) as scratch:
            database = Path(scratch) / "database"
            _extract(path, manifest, database, staging)
            connection.close()  # our own session must not hold the tables being replaced
            restore(connection.settings_dict, database)
        written, aside, aside_count = _media_replace(media_root, staging, manifest, stamp)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = _table_counts_django(alias)
    expected = manifest["tables"]
    wrong = [f"{t}：应为 {n} 行，实为 {counts.get(t, '缺表')}"
             for t, n in sorted(expected.items()) if counts.get(t) != n]  # fmt: skip
    if wrong:
        raise CommandError("恢复后数据表的行数与备份清单不符：" + "；".join(wrong[:5]))
    media = [k for k in manifest["files"] if k.startswith("media/")]
    return RestoreResult(
        tables=len(expected),
        rows=sum(expected.values()),
        media_files=len(media),
        media_written=written,
        set_aside=aside,
        set_aside_files=aside_count,
    )


def archives_in(dest: Path) -> list[Path]:
    """The Duikou archives in ``dest``, oldest first (by the time in their names)."""
    found = []
    for path in dest.iterdir() if dest.is_dir() else ():
        match = ARCHIVE_PATTERN.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 0)), path))
    return [path for _, path in sorted(found)]


def archives_prune(*, dest: Path, keep: int) -> list[Path]:
    """Delete the oldest archives in ``dest`` beyond the newest ``keep``; other files stay."""
    if keep < 1:
        raise CommandError("--keep 至少为 1（保留的备份份数）")
    old = archives_in(dest)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def last_backup() -> dict | None:
    """The last successful backup, for /readyz and metrics: ``finished_at`` (ISO time),
    ``archive`` and ``size``, or None when none is known.

    Every backup writes ``VAR_DIR/last_backup.json`` on the machine that made it; the
    nightly one is also a done ``core.backup`` job, which every node sees in the database.
    The later of the two is given."""
    from duikou.jobs.models import Job

    try:
        recorded = json.loads((Path(settings.VAR_DIR) / LAST_BACKUP_FILE).read_text())
    except (FileNotFoundError, ValueError):
        recorded = None
    job = (
        Job.objects.filter(kind=BACKUP_JOB, status=Job.Status.DONE, finished_at__isnull=False)
        .order_by("-finished_at")
        .values("finished_at", "result")
        .first()
    )
    if job is not None:
        result = job["result"] or {}
        from_job = {
            "finished_at": job["finished_at"].isoformat(),
            "archive": result.get("archive", ""),
            "size": result.get("size", 0),
        }
        if recorded is None or datetime.fromisoformat(recorded["finished_at"]) < job["finished_at"]:
            return from_job
    return recorded


def _record_success(result: BackupResult, now) -> None:
    target = Path(settings.VAR_DIR) / LAST_BACKUP_FILE
    data = {
        "finished_at": timezone.now().isoformat(),
        "started_at": now.isoformat(),
        "archive": str(result.path),
        "size": result.size,
        "rows": result.rows,
        "media_files": result.media_files,
    }
    partial = target.with_name(target.name + ".part")
    partial.write_text(json.dumps(data, ensure_ascii=False))
    os.replace(partial, target)


def _archive_name(dest: Path, now) -> Path:
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    path, n = dest / f"duikou-backup-{stamp}.tar.gz", 0
    while path.exists() or path.with_name(path.name + ".part").exists():
        n += 1
        path = dest / f"duikou-backup-{stamp}-{n}.tar.gz"
    return path


def _version() -> str:
    try:
        return metadata.version("duikou")
    except metadata.PackageNotFoundError:
        return "unknown"


def _media_files(media_root: Path):
    """Every regular file under the media root, as (path, member name); top-level entries
    whose names start with a dot (readiness probes, files set aside by a restore) are not
    the platform's files and are left out. Symbolic links are not followed."""
    if not media_root.is_dir():
        return
    for top in sorted(media_root.iterdir()):
        if top.name.startswith("."):
            continue
        paths = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in paths:
            if path.is_file() and not path.is_symlink():
                yield path, "media/" + path.relative_to(media_root).as_posix()


class _Hashing:
    def __init__(self, handle):
        self.handle, self.sha, self.size = handle, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.handle.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict | None:
    info = tarfile.TarInfo(name)
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CommandError(f"无法读取文件“{path}”：{error.strerror}") from None
    with handle:
        stat = os.fstat(handle.fileno())
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _Hashing(handle)
        try:
            tar.addfile(info, reader)
        except OSError:
            raise CommandError(f"文件“{path}”在备份时被改动，请重新备份") from None
    return {"sha256": reader.sha.hexdigest(), "size": reader.size}


def _digest(handle) -> dict:
    sha, size = hashlib.sha256(), 0
    while chunk := handle.read(_CHUNK):
        sha.update(chunk)
        size += len(chunk)
    return {"sha256": sha.hexdigest(), "size": size}


def _safe_member(path: Path, member: tarfile.TarInfo) -> bool:
    """Whether the member is a file to read (a folder entry is skipped); anything else
    (links, devices, names reaching outside, unknown places) refuses the archive."""
    name = member.name.rstrip("/") if member.isdir() else member.name
    parts = name.split("/")
    ok = (member.isfile() or member.isdir()) and not name.startswith("/")
    ok = ok and ".." not in parts and "" not in parts
    if not ok or not (name == MANIFEST or parts[0] in ("database", "media")):
        raise CommandError(f"备份“{path}”中有不应有的条目“{member.name}”，已拒绝")
    return member.isfile()


def _extract(path: Path, manifest: dict, database: Path, staging: Path) -> None:
    """Write the database file and the media files out, checking each checksum again (the
    archive could have changed since it was verified)."""
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if not _safe_member(path, member) or member.name == MANIFEST:
                continue
            if member.name == manifest["database"]:
                target = database
            else:
                target = staging / member.name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            source = _Hashing(tar.extractfile(member))
            with open(target, "wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)
            expected = manifest["files"].get(member.name)
            if expected != {"sha256": source.sha.hexdigest(), "size": source.size}:
                raise CommandError(f"备份“{path}”在核对后被改动（{member.name}），已停止恢复")


def _media_replace(media_root: Path, staging: Path, manifest: dict, stamp: str):
    """Put the staged files in place; files that differ or are not in the archive are moved
    aside. Returns (files written, the set-aside folder or None, files set aside)."""
    wanted = {k.removeprefix("media/"): v for k, v in manifest["files"].items()
              if k.startswith("media/")}  # fmt: skip
    aside = media_root / f".before-restore-{stamp}"
    moved = written = 0

    def set_aside(path: Path):
        nonlocal moved
        target = aside / path.relative_to(media_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved += 1

    for path, name in list(_media_files(media_root)):
        relative = name.removeprefix("media/")
        if relative not in wanted:
            set_aside(path)
        elif _digest_path(path) != wanted[relative]:
            set_aside(path)
    for relative in wanted:
        target = media_root / relative
        if target.exists():
            continue  # the same bytes as the archive's
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
        written += 1
    return written, aside if moved else None, moved


def _digest_path(path: Path) -> dict:
    with open(path, "rb") as handle:
        return _digest(handle)


def _database_dump(alias: str, target: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Dump the database to ``target``; return the rows of every table and the applied
    migrations, both as the dump holds them."""
    connection = connections[alias]
    if engine_of(connection.settings_dict) == "sqlite":
        _sqlite_backup(Path(connection.settings_dict["NAME"]), target)
        copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            cursor = copy.cursor()
            return _table_counts(cursor, "sqlite"), _applied(cursor)
        finally:
            copy.close()
    # The counts are read in the very snapshot pg_dump dumps, so they match it exactly
    # while the server goes on writing.
    raw = connection.Database.connect(**connection.get_connection_params())
    try:
        raw.isolation_level = connection.Database.IsolationLevel.REPEATABLE_READ
        cursor = raw.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, applied = _table_counts(cursor, "postgresql"), _applied(cursor)
        _pg_run(
            "pg_dump",
            connection.settings_dict,
            ["--format=custom", f"--snapshot={snapshot}", "--file", str(target)],
            dbname=True,
        )
        raw.rollback()
    finally:
        raw.close()
    return counts, applied


def _table_counts(cursor, vendor: str) -> dict[str, int]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    names = sorted(row[0] for row in cursor.fetchall())
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 (names from the catalogue)
        counts[name] = cursor.fetchone()[0]
    return counts


def _table_counts_django(alias: str) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return _table_counts(cursor, connection.vendor)


def _applied(cursor) -> list[tuple[str, str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return [(app, name) for app, name in cursor.fetchall()]


def _heads(applied) -> dict[str, str]:
    """The last applied migration of each app (names are numbered, so the greatest)."""
    heads: dict[str, str] = {}
    for app, name in applied:
        heads[app] = max(heads.get(app, ""), name)
    return dict(sorted(heads.items()))


def _migration_differences(archived: dict[str, str]) -> list[str]:
    """How the archive's migrations differ from the program's, per installed app."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    program = _heads(graph.leaf_nodes())
    found = []
    for app, head in program.items():
        theirs = archived.get(app)
        if theirs != head:
            found.append(f"{app} 备份为 {theirs or '无'}，程序为 {head}")
    return found
