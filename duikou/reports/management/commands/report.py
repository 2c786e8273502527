"""`duikou report`: work summaries, the monthly dispatch and compliance, straight to a file.

    duikou report summary --org FC-350000 --period 2025 --format docx --out 总结.docx
    duikou report summary --region 652300 --period 十四五 --format pdf --out 总结.pdf
    duikou report dispatch --month 2025-10 [--org FC-350000] --out 月调度.xlsx
    duikou report compliance --year 2025 --out compliance.csv
    duikou report templates            # load the default template if it is missing

Runs in the operator's scope (the whole ledger); web users ask on /reports/ instead.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM
from duikou.reports.exports import compliance_csv
from duikou.reports.periods import report_period_parse
from duikou.reports.selectors import Operator, compliance_rows
from duikou.reports.services import (
    dispatch_render,
    report_template_get,
    report_template_load,
    summary_render,
)


class Command(BaseCommand):
    help = "生成报告：工作总结（Word/PDF）、月调度表（Excel）、合规检查（CSV）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        summary = sub.add_parser("summary", help="工作总结")
        summary.add_argument("--org", help="机构编码，如 FC-350000")
        summary.add_argument("--region", help="地区代码，如 652300")
        summary.add_argument("--period", required=True, help="2025、2023-2025、十四五、batch:ID")
        summary.add_argument("--format", choices=["docx", "pdf"], default="docx")
        summary.add_argument("--template", default="SUMMARY", help="报告模板编码")
        summary.add_argument("--out", required=True)
        dispatch = sub.add_parser("dispatch", help="月调度表")
        dispatch.add_argument("--month", required=True, help="如 2025-10")
        dispatch.add_argument("--org", help="前方指挥部编码；不填则为全部")
        dispatch.add_argument("--out", required=True)
        compliance = sub.add_parser("compliance", help="合规检查")
        compliance.add_argument("--year", type=int, required=True)
        compliance.add_argument("--out", required=True)
        sub.add_parser("templates", help="载入默认报告模板（已存在则不变）")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None

    def _org(self, code):
        if not code:
            return None
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"机构“{code}”不存在")
        return org

    def _write(self, path: str, content: bytes) -> None:
        Path(path).write_bytes(content)
        self.stdout.write(f"已生成 {path}（{len(content)} 字节）")

    def _summary(self, options):
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"地区“{options['region']}”不存在")
        org = self._org(options["org"])
        if (org is None) == (region is None):
            raise CommandError("请用 --org 或 --region 指定一个对象")
        content = summary_render(
            user=Operator(),
            org=org,
            region=region,
            period=report_period_parse(options["period"]),
            fmt=options["format"],
            template=report_template_get(code=options["template"]),
        )
        self._write(options["out"], content)

    def _dispatch(self, options):
        period = report_period_parse(options["month"])
        content = dispatch_render(
            user=Operator(),
            year=period.start.year,
            month=period.start.month,
            org=self._org(options["org"]),
        )
        self._write(options["out"], content)

    def _compliance(self, options):
        rows = compliance_rows(user=Operator(), years=[options["year"]])
        self._write(options["out"], compliance_csv(rows).encode("utf-8-sig"))

    def _templates(self, options):
        template = report_template_load(actor=SYSTEM)
        self.stdout.write(f"报告模板 {template.code}：{template.sections.count()} 个章节")
