from django.core.management.base import BaseCommand

from duikou.core.demo import demo_load


class Command(BaseCommand):
    help = "载入参考数据（行政区划、结对关系）和演示数据；重复运行不会改变任何数据"

    def handle(self, *args, **options):
        summary = demo_load()
        self.stdout.write(
            f"区划新增 {summary['regions_created']} 个，结对新增 {summary['pairings_created']} 个，"
            f"演示项目新增 {summary['projects_created']} 个。"
        )
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, password, role in summary["accounts"]:
            self.stdout.write(f"  {username} / {password} / {role}")
