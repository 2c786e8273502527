"""`duikou import FILE --kind KIND --as USERNAME`: an office's spreadsheet through the import
pipeline, exactly as the web page runs it for that user, printed as one JSON document.

Without ``--commit`` nothing is written (the check runs and rolls back). ``--set 列名=值``
gives one value for all rows of a column the file lacks; ``--map 表头=列名`` changes the
proposed mapping (``--map 备注=`` ignores a column); ``--value 列名:原文=选项`` says which
choice an office word means.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from duikou.transfer.kinds import KINDS
from duikou.transfer.mapping import header_key
from duikou.transfer.models import ImportRecord
from duikou.transfer.readers import FileRefused
from duikou.transfer.selectors import import_document
from duikou.transfer.services import import_remap, import_run, import_upload


def _pairs(items: list[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items or []:
        if "=" not in item:
            raise CommandError(f"{what}应写成 名称=值：“{item}”")
        name, _, value = item.partition("=")
        pairs.append((name.strip(), value.strip()))
    return pairs


class Command(BaseCommand):
    help = "导入电子表格（先检查，加 --commit 才写入），结果以 JSON 输出"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的文件（.xlsx/.xlsm/.xls/.et/.ods/.csv）")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="数据类型")
        parser.add_argument("--as", dest="username", required=True, help="按该用户的权限导入")
        parser.add_argument("--sheet", help="工作表名称（默认第一个有数据的工作表）")
        parser.add_argument("--set", action="append", default=[], help="列名=值：所有行共用的值")
        parser.add_argument("--map", action="append", default=[], help="表头=列名：改变列的对应")
        parser.add_argument("--value", action="append", default=[], help="列名:原文=选项")
        parser.add_argument("--clear-blanks", action="store_true", help="空单元格清空已有值")
        parser.add_argument(
            "--submit", action="store_true", help="指标值导入后直接提交审核（默认为草稿）"
        )
        parser.add_argument("--commit", action="store_true", help="检查通过后写入")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"用户“{options['username']}”不存在或已停用")
        kind = KINDS[options["kind"]]
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            record = import_upload(
                user=user,
                kind=kind.key,
                file_name=path.name,
                data=path.read_bytes(),
                sheet=options["sheet"],
                inline=True,
            )
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        constants, columns, values = {}, {}, {}
        for name, value in _pairs(options["set"], "--set"):
            key = header_key(kind, name)
            if key is None:
                raise CommandError(f"--set：没有“{name}”这一列")
            constants[key] = value
        headers = {c["header"]: c["index"] for c in (record.mapping or {}).get("columns", [])}
        for name, value in _pairs(options["map"], "--map"):
            if name not in headers:
                raise CommandError(f"--map：文件中没有表头“{name}”，表头有：{'、'.join(headers)}")
            key = header_key(kind, value) if value else None
            if value and key is None:
                raise CommandError(f"--map：没有“{value}”这一列")
            columns[headers[name]] = key
        for name, value in _pairs(options["value"], "--value"):
            column, _, word = name.partition(":")
            key = header_key(kind, column)
            if key is None or not word:
                raise CommandError(f"--value 应写成 列名:原文=选项：“{name}={value}”")
            values.setdefault(key, {})[word] = value
        if record.status != ImportRecord.Status.INVALID and (
            constants or columns or values or options["clear_blanks"] or options["submit"]
        ):
            record = import_remap(
                record=record,
                user=user,
                sheet=options["sheet"],
                columns=columns,
                constants=constants,
                values=values,
                clear_blanks=options["clear_blanks"] or None,
                submit=options["submit"] or None,
                inline=True,
            )
        outcome = None
        if record.status != ImportRecord.Status.INVALID:
            outcome = import_run(record_id=record.pk, commit=False)
            if options["commit"] and not outcome.problems:
                outcome = import_run(record_id=record.pk, commit=True)
        record.refresh_from_db()
        document = import_document(record=record, outcome=outcome)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
        if record.status == ImportRecord.Status.INVALID:
            raise SystemExit(1)
