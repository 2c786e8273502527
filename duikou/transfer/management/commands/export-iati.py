"""`duikou export-iati`: a publisher's IATI 2.03 activity file (and organisation file).

duikou export-iati --publisher FC-350000 --out iati-activities.xml [--organisation-out F]
duikou export-iati --all --out-dir DIR      # one pair of files per publisher
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from duikou.transfer.iati import (
    iati_for_user,
    iati_organisation_for_user,
    publisher_for_user,
    publishers_for_user,
)


class Command(BaseCommand):
    help = "按发布机构导出 IATI 2.03 活动文件和机构文件（XML）"

    def add_arguments(self, parser):
        parser.add_argument("--publisher", help="发布机构的机构编码（可导出的只有一个时可省略）")
        parser.add_argument("--out", help="活动文件，- 表示标准输出")
        parser.add_argument("--organisation-out", help="机构文件（iati-organisations）")
        parser.add_argument("--all", action="store_true", help="每个发布机构各导出一对文件")
        parser.add_argument("--out-dir", help="与 --all 一起使用：文件写入的目录")
        parser.add_argument("--user", help="按该用户的可见范围导出（默认全部）")

    def handle(self, *args, **options):
        User = get_user_model()
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在")
        else:
            user = User(username="export-iati", is_superuser=True, is_active=True)
        if options["all"]:
            if not options["out_dir"]:
                raise CommandError("--all 需要 --out-dir")
            folder = Path(options["out_dir"])
            folder.mkdir(parents=True, exist_ok=True)
            for publisher in publishers_for_user(user=user):
                if not publisher.iati_identifier:
                    self.stderr.write(
                        f"跳过“{publisher.name}”：没有 IATI 组织标识或统一社会信用代码"
                    )
                    continue
                self._write(
                    folder / f"iati-activities-{publisher.code}.xml",
                    iati_for_user(user=user, publisher=publisher),
                )
                self._write(
                    folder / f"iati-organisation-{publisher.code}.xml",
                    iati_organisation_for_user(user=user, publisher=publisher),
                )
            return
        if not options["out"] and not options["organisation_out"]:
            raise CommandError("请给出 --out 或 --organisation-out（或 --all --out-dir）")
        try:
            publisher = publisher_for_user(user=user, code=options["publisher"])
        except ValidationError as error:
            messages = (m for ms in error.message_dict.values() for m in ms)
            raise CommandError("；".join(messages)) from None
        if options["out"]:
            self._write(options["out"], iati_for_user(user=user, publisher=publisher))
        if options["organisation_out"]:
            self._write(
                options["organisation_out"],
                iati_organisation_for_user(user=user, publisher=publisher),
            )

    def _write(self, out, content: bytes) -> None:
        if str(out) == "-":
            self.stdout.write(content.decode())
            return
        Path(out).write_bytes(content)
        self.stderr.write(f"已写入 {out}（{len(content)} 字节）")
