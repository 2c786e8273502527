"""`duikou extract FILE...`: print every figure found in Chinese reports, one JSON line each."""

from django.core.management.base import BaseCommand, CommandError

from duikou.extract.cli import main


class Command(BaseCommand):
    help = "从中文报道（txt/docx/pdf）中提取数字指标，按行输出 JSON"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="报道文件")
        parser.add_argument("--format", choices=["jsonl", "table"], default="jsonl")

    def handle(self, *args, **options):
        code = main([*options["files"], "--format", options["format"]])
        if code:
            raise CommandError("部分文件无法读取（详见上方提示）")
