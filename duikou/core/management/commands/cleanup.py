from django.conf import settings
from django.core.management.base import BaseCommand

from duikou.core.housekeeping import housekeeping_run


class Command(BaseCommand):
    help = "删除过期的会话、超过保留期的后台任务记录和导入文件（后台进程每天也会运行）"

    def handle(self, *args, **options):
        result = housekeeping_run()
        self.stdout.write(f"已删除过期会话 {result.sessions:,} 个")
        self.stdout.write(
            f"已删除 {settings.DUIKOU_JOB_RETENTION_DAYS} 天前结束的后台任务 {result.jobs:,} 个"
            f"（输出文件 {result.job_files:,} 个）"
        )
        self.stdout.write(
            f"已删除 {settings.DUIKOU_IMPORT_FILE_RETENTION_DAYS} 天前已导入或已放弃的"
            f"导入文件 {result.import_files:,} 个（导入记录保留）"
        )
