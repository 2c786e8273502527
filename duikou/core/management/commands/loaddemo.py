from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from duikou.core.demo import demo_load


class Command(BaseCommand):
    help = (
        "载入参考数据（行政区划、结对关系）和演示数据；重复运行不会改变任何数据。"
        "只在演示模式下运行（DUIKOU_DEBUG=1、DUIKOU_DEMO=1 或 --allow-demo）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-demo",
            action="store_true",
            help="明确同意在本数据库中建立演示账号和演示数据",
        )

    def handle(self, *args, **options):
        demo_mode = settings.DEBUG or settings.DUIKOU_DEMO or options["allow_demo"]
        if settings.PRODUCTION and not (settings.DUIKOU_DEMO or options["allow_demo"]):
            demo_mode = False
        if not demo_mode:
            raise CommandError(
                "拒绝载入演示数据：当前为生产模式（DEBUG 关闭），演示账号的密码是公开的。"
                "正式环境请用 duikou loadref 载入参考数据；"
                "确需演示环境时设置 DUIKOU_DEMO=1 或加 --allow-demo。"
            )
        summary = demo_load()
        self.stdout.write(
            f"区划新增 {summary['regions_created']} 个，结对新增 {summary['pairings_created']} 个，"
            f"演示项目新增 {summary['projects_created']} 个。"
        )
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, password, role in summary["accounts"]:
            self.stdout.write(f"  {username} / {password} / {role}")
