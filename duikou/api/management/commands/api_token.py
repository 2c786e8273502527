"""`duikou api_token USERNAME NAME`: create an API token and print it (shown only this once)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from duikou.api.models import ApiToken
from duikou.api.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "为用户创建接口令牌（令牌只显示一次），或用 --revoke 吊销"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", nargs="?", default="命令行创建")
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
            _token, raw = api_token_create(user=user, name=options["name"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(raw)
