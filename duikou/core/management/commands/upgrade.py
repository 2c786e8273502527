"""`duikou upgrade`: check, migrate, collect static files, compile translations.

`--check` only reports the migrations not yet applied (exit status 1 if there are any), so a
script can ask before stopping the workers (docs/deployment.md).
"""

import os
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.utils import popen_wrapper
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def messages_compile(
    locale_paths, msgfmt: str | None, *, writable=lambda folder: os.access(folder, os.W_OK)
) -> list[str]:
    """Compile the project's own .po files whose .mo is missing or older; say what was done."""
    pos = sorted(p for base in locale_paths for p in Path(base).glob("*/LC_MESSAGES/*.po"))
    if not pos:
        return ["没有翻译文件（.po），跳过编译翻译"]
    if msgfmt is None:
        return [
            "未找到 gettext 的 msgfmt，跳过编译翻译"
            "（现有 .mo 文件照常使用；apt-get install gettext）"
        ]
    lines = []
    for po in pos:
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            lines.append(f"翻译 {po} 已是最新")
            continue
        if mo.exists() and not writable(mo.parent):
            # An installed release (root-owned, run as the service user): its wheel ships the
            # compiled .mo, whatever the files' times say after unpacking.
            lines.append(f"翻译目录 {mo.parent} 只读，使用安装包自带的 {mo.name}")
            continue
        _, errors, status = popen_wrapper([msgfmt, "--check-format", "-o", str(mo), str(po)])
        if status:
            raise CommandError(f"编译翻译文件 {po} 失败：{errors}")
        lines.append(f"已编译翻译 {po} → {mo.name}")
    return lines


class Command(BaseCommand):
    help = "升级：检查配置、执行数据库迁移、收集静态文件、编译翻译；--check 只报告未执行的迁移"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="只报告未执行的迁移（有则退出码为 1）"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, check: bool, database: str, **options):
        pending = pending_migrations(database)
        if check:
            if pending:
                self.stdout.write(f"有 {len(pending)} 个数据库迁移未执行：")
                for name in pending:
                    self.stdout.write(f"  {name}")
                sys.exit(1)
            self.stdout.write("数据库迁移均已执行")
            return
        self._checks(database)
        if pending:
            self.stdout.write(f"将执行 {len(pending)} 个数据库迁移：")
            for name in pending:
                self.stdout.write(f"  {name}")
            call_command("migrate", database=database, interactive=False, verbosity=0)
            self.stdout.write(f"已执行 {len(pending)} 个数据库迁移")
        else:
            self.stdout.write("数据库迁移均已执行，无需迁移")
        from django.contrib.staticfiles.management.commands.collectstatic import (
            Command as CollectStatic,
        )

        collect = CollectStatic()
        call_command(collect, interactive=False, verbosity=0)
        self.stdout.write(
            f"已收集静态文件到 {settings.STATIC_ROOT}：复制 {len(collect.copied_files)} 个，"
            f"未变 {len(collect.unmodified_files)} 个"
        )
        for line in messages_compile(settings.LOCALE_PATHS, shutil.which("msgfmt")):
            self.stdout.write(line)
        self.stdout.write("升级完成")

    def _checks(self, database: str) -> None:
        found = checks.run_checks(include_deployment_checks=True, databases=[database])
        shown = [m for m in found if not m.is_silenced()]
        serious = [m for m in shown if m.is_serious()]
        if not shown:
            self.stdout.write("配置检查（check --deploy）：没有问题")
        else:
            self.stdout.write(
                f"配置检查（check --deploy）：{len(serious)} 个错误，"
                f"{len(shown) - len(serious)} 个警告"
            )
            for message in shown:
                self.stdout.write(f"  {message.id}: {message.msg}")
        if serious:
            raise CommandError("配置有错误，未执行升级；请先改正上面列出的错误")
