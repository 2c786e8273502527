"""`duikou api_token USERNAME NAME [--days N] [--read-only]`: create an API token and print it
(shown only this once); `--revoke PREFIX` revokes."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from duikou.api.models import ApiToken
from duikou.api.services import MAX_DAYS, api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "为用户创建接口令牌（令牌只显示一次），或用 --revoke 吊销"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", nargs="?", default="命令行创建")
        parser.add_argument(
            "--days",
            type=int,
            help=f"有效期天数（1至{MAX_DAYS}，默认为站点设置 DUIKOU_API_TOKEN_DAYS）",
        )
        parser.add_argument("--read-only", action="store_true", help="只读令牌：只能读取，不能修改")
        parser.add_argument("--revoke", metavar="PREFIX", help="吊销以此开头的令牌")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在")
        if options["revoke"]:
            tokens = ApiToken.objects.filter(user=user, prefix__startswith=options["revoke"])
            for token in tokens:
                api_token_revoke(token=token)
            self.stdout.write(f"已吊销 {tokens.count()} 个令牌")
            return
        try:
            token, raw = api_token_create(
                user=user,
                name=options["name"],
                days=options["days"],
                read_only=options["read_only"],
            )
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(raw)
        # Only the token on stdout, so scripts can capture it; the rest to stderr.
        until = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        kind = "只读" if token.read_only else "读写"
        self.stderr.write(f"{kind}令牌，有效至 {until}（北京时间）")
