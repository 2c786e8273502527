"""`duikou export-iati --out FILE`: every project and funded deal as IATI 2.03 XML."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from duikou.transfer.iati import iati_for_user


class Command(BaseCommand):
    help = "导出 IATI 2.03 格式的项目数据（XML）"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出文件，- 表示标准输出")
        parser.add_argument("--user", help="按该用户的可见范围导出（默认全部）")

    def handle(self, *args, **options):
        User = get_user_model()
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在")
        else:
            user = User(username="export-iati", is_superuser=True, is_active=True)
        content = iati_for_user(user=user)
        if options["out"] == "-":
            self.stdout.write(content.decode())
        else:
            Path(options["out"]).write_bytes(content)
            self.stderr.write(f"已写入 {options['out']}（{len(content)} 字节）")
