from django.core.management.base import BaseCommand

from duikou.core.demo import reference_load


class Command(BaseCommand):
    help = "载入参考数据：行政区划、援助计划和2010年结对关系；重复运行不会改变任何数据"

    def handle(self, *args, **options):
        summary = reference_load()
        self.stdout.write(
            f"区划新增 {summary['regions_created']} 个，结对新增 {summary['pairings_created']} 个。"
        )
