"""`duikou extract FILE...`: print every figure found in Chinese reports, one JSON line each.

`duikou extract --score DIR...` scores the extractor on annotated sets instead
(each DIR holds reports/*.txt and gold/*.jsonl: the corpus, the development set
or its kept-aside part); `--errors subject place` lists each disagreement.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from duikou.extract.cli import main
from duikou.extract.scoring import ATTRIBUTES, report_lines, score_folder


class Command(BaseCommand):
    help = "从中文报道（txt/docx/pdf）中提取数字指标，按行输出 JSON；--score 在标注集上评分"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="报道文件；用 --score 时为标注集目录")
        parser.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
        parser.add_argument(
            "--score", action="store_true", help="评分：每个目录含 reports/*.txt 与 gold/*.jsonl"
        )
        parser.add_argument(
            "--errors", nargs="*", choices=ATTRIBUTES, default=(), help="列出这些属性的不一致"
        )
        parser.add_argument("--json", action="store_true", help="评分结果以 JSON 输出")

    def handle(self, *args, **options):
        if options["score"]:
            for name in options["files"]:
                folder = Path(name)
                if not (folder / "gold").is_dir() or not (folder / "reports").is_dir():
                    raise CommandError(f"{folder} 下没有 reports/ 与 gold/ 两个目录")
                result = score_folder(folder)
                if options["json"]:
                    self.stdout.write(json.dumps({"set": str(folder), **result.summary()}))
                    continue
                self.stdout.write(f"== {folder}")
                for line in report_lines(result, tuple(options["errors"])):
                    self.stdout.write(line)
            return
        code = main([*options["files"], "--format", options["format"]])
        if code:
            raise CommandError("部分文件无法读取（详见上方提示）")
