"""Enrol (or remove) an administrator's authenticator from the server's console."""

import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from duikou.accounts.services import totp_device_enrol, totp_device_remove


class Command(BaseCommand):
    help = "为管理员登记两步验证的身份验证器（显示 otpauth 地址和文本二维码），或用 --remove 移除"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="移除该用户的全部验证器")

    def handle(self, *args, username, remove, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在")
        if remove:
            count = totp_device_remove(user=user, reason="管理员在服务器上移除")
            self.stdout.write(f"已移除{username}的{count}个验证器")
            return
        if not user.is_staff:
            raise CommandError(f"“{username}”不是管理员，无需两步验证")
        device = totp_device_enrol(user=user)
        uri = device.config_url
        qr = io.StringIO()
        segno.make(uri, error="m").terminal(out=qr, compact=True)
        self.stdout.write(qr.getvalue())
        self.stdout.write(f"otpauth 地址：{uri}")
        self.stdout.write(
            f"请{username}用手机身份验证器扫描上面的二维码（或输入地址中的 secret）。"
            "此后进入管理后台需输入验证码。"
        )
