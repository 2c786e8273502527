import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from duikou.core import backups


class Command(BaseCommand):
    help = "用备份归档替换数据库和全部文件（先停止服务和后台任务）"

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
        parser.add_argument(
            "--other-migrations",
            action="store_true",
            help="备份的数据库迁移与当前程序不同时也恢复（之后需运行 duikou migrate）",
        )

    def handle(self, *args, archive: Path, database: str, yes: bool, **options):
        name = connections[database].settings_dict["NAME"]

        def confirm():
            if yes:
                return
            if not sys.stdin.isatty():
                raise CommandError(
                    "恢复会覆盖当前数据库和文件中的全部数据；非交互运行时请加 --yes 确认"
                )
            answer = input(f"将用 {archive} 覆盖数据库 {name} 和全部文件，输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，数据库和文件均未改动")

        result = backups.archive_restore(
            alias=database,
            path=Path(archive),
            media_root=Path(settings.MEDIA_ROOT),
            other_migrations=options["other_migrations"],
            confirm=confirm,
        )
        self.stdout.write(f"已从 {archive} 恢复数据库和文件")
        self.stdout.write(
            f"数据库：{result.tables} 张表共 {result.rows:,} 行，与备份清单一致；"
            f"文件：{result.media_files:,} 个（写入 {result.media_written:,} 个，其余本已相同）"
        )
        if result.set_aside is not None:
            self.stdout.write(
                f"备份中没有或内容不同的 {result.set_aside_files:,} 个原有文件已移到 "
                f"{result.set_aside}"
            )
