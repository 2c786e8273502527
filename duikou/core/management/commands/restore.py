import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from duikou.core import backups


class Command(BaseCommand):
    help = "用备份文件替换数据库中的全部数据（先停止服务和后台任务）"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args, path: Path, database: str, yes: bool, **options):
        connection = connections[database]
        backups.check(connection.settings_dict, path)
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("恢复会覆盖当前数据库中的全部数据；非交互运行时请加 --yes 确认")
            answer = input(
                f"将用 {path} 覆盖数据库 {connection.settings_dict['NAME']}，输入 yes 继续："
            )
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，数据库未改动")
        connection.close()  # our own session must not hold the tables being replaced
        backups.restore(connection.settings_dict, path)
        self.stdout.write(f"已从 {path} 恢复数据库")
