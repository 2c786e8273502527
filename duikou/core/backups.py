"""Backing up and restoring the whole database, one way per engine.

SQLite copies pages through sqlite3's online backup API, so a copy taken while the
server writes is still consistent. PostgreSQL uses pg_dump's custom format and
pg_restore in one transaction; the password travels in PGPASSWORD, never on the
command line, where other users of the machine could read it.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError

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
