from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from duikou.core import backups


class Command(BaseCommand):
    help = "把整个数据库备份到一个文件（服务运行时也可备份）"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--force", action="store_true", help="覆盖已有的同名文件")

    def handle(self, *args, path: Path, database: str, force: bool, **options):
        if path.exists() and not force:
            raise CommandError(f"“{path}”已存在；请换一个文件名，或加 --force 覆盖")
        if not path.parent.is_dir():
            raise CommandError(f"目录“{path.parent}”不存在")
        size = backups.backup(connections[database].settings_dict, path)
        self.stdout.write(f"已备份到 {path}（{size:,} 字节）")
