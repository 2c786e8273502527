"""Writes about sign-in: enrolling and removing administrators' TOTP devices.

The device's secret never enters the change history: entries name the device only.
"""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.audit.services import change_record
from duikou.core.errors import refuse

DEVICE_NAME = "身份验证器"


def _public(device: TOTPDevice) -> dict:
    return {"user_id": device.user_id, "name": device.name, "confirmed": device.confirmed}


@transaction.atomic
def totp_device_start(*, user, actor=None) -> TOTPDevice:
    """A fresh unconfirmed device for ``user`` to scan; earlier unconfirmed ones are dropped."""
    if not user.is_staff:
        raise refuse("user", "只有管理员需要启用两步验证")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise refuse("user", "已启用两步验证；如需更换设备，请系统管理员先移除原设备")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str, actor=None) -> TOTPDevice:
    """Confirm a device with the first code it shows; from now on the admin site asks for one."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed:
        return device
    if not device.verify_token(token.strip()):
        raise refuse("token", "验证码不正确，请核对手机上显示的6位数字")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    change_record(
        instance=device, action="create", actor=actor or device.user, after=_public(device)
    )
    return device


@transaction.atomic
def totp_device_enrol(*, user, actor=None) -> TOTPDevice:
    """Enrol a confirmed device at once (the operator hands it to the administrator in person)."""
    if not user.is_staff:
        raise refuse("user", "只有管理员需要启用两步验证")
    totp_device_remove(user=user, actor=actor, reason="重新登记身份验证器")
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    change_record(instance=device, action="create", actor=actor, after=_public(device))
    return device


@transaction.atomic
def totp_device_remove(*, user, actor=None, reason: str = "") -> int:
    """Remove all of a user's devices (lost phone); each removal is kept in the history."""
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user))
    for device in devices:
        if device.confirmed:
            change_record(
                instance=device, action="delete", actor=actor, before=_public(device), reason=reason
            )
        device.delete()
    return len(devices)
