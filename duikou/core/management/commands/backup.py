from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from duikou.core import backups


class Command(BaseCommand):
    help = "备份数据库和全部上传、生成的文件到一个归档，并核对写入的内容（服务运行时也可备份）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dest", type=Path, help="备份目录（默认 DUIKOU_BACKUP_DIR，即 var/backups）"
        )
        parser.add_argument("--keep", type=int, help="只保留最近的 N 份备份，删除更早的")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, dest: Path | None, keep: int | None, database: str, **options):
        result = backups.archive_create(
            alias=database,
            dest=Path(dest or settings.DUIKOU_BACKUP_DIR),
            media_root=Path(settings.MEDIA_ROOT),
            keep=keep,
        )
        for line in summary(result):
            self.stdout.write(line)


def summary(result: backups.BackupResult) -> list[str]:
    """What a backup wrote, in Chinese (the command and the scheduled job say the same)."""
    lines = [
        f"已备份到 {result.path}（{result.size:,} 字节，用时 {result.seconds:.1f} 秒）",
        f"数据库（{backups.ENGINE_NAMES[result.engine]}）：{result.tables} 张表，"
        f"共 {result.rows:,} 行",
        f"文件：{result.media_files:,} 个，共 {result.media_bytes:,} 字节",
        f"已重新读取备份，{result.media_files + 1:,} 个文件的 SHA-256 均与清单一致",
    ]
    if result.pruned:
        names = "、".join(p.name for p in result.pruned)
        lines.append(f"已删除 {len(result.pruned)} 份较早的备份：{names}")
    return lines
