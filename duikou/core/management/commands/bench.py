"""`duikou bench NAME`: run one of the benchmarks in bench/ and print JSON lines of figures."""

import importlib
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BENCHES = {
    "rollups": "bench.rollups",
    "extract": "bench.extract",
    "imports": "bench.imports",
    "pages": "bench.pages",
    "national": "bench.national",
    "load": "bench.load",
}


class Command(BaseCommand):
    help = "运行性能基准测试，每行输出一个 JSON 结果"

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="bench", required=True)
        for name, module_name in BENCHES.items():
            module = self._module(module_name)
            sub = subparsers.add_parser(name, help=(module.__doc__ or "").splitlines()[0])
            module.add_arguments(sub)

    def handle(self, *args, **options):
        module = self._module(BENCHES[options["bench"]])
        getattr(module, "run_command", module.run)(options, self.stdout)

    @staticmethod
    def _module(name: str):
        root = str(settings.BASE_DIR)
        if root not in sys.path:  # bench/ sits beside the package in a checkout
            sys.path.insert(0, root)
        try:
            return importlib.import_module(name)
        except ImportError as error:
            raise CommandError(f"找不到基准测试模块 {name}：{error}") from None
