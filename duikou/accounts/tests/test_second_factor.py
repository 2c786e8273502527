"""Administrators who enrolled an authenticator enter a code before the admin site opens."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.accounts.services import totp_device_enrol
from duikou.audit.models import ChangeEntry

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("admin2fa", password="x-Passw0rd!")


def test_an_admin_without_a_device_goes_straight_in(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_enrolled_admin_must_enter_a_code_first(client, admin_user):
    device = totp_device_enrol(user=admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))

    page = client.post(response["Location"], {"token": "000000"})
    assert page.status_code == 200 and "验证码不正确" in page.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    # Each wrong code pauses the device (1 s, then 2 s, 4 s…); let that pause pass.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )

    response = client.post(
        reverse("accounts:otp_verify"), {"token": code(device), "next": "/admin/projects/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/projects/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_code_page_does_not_redirect_off_site(client, admin_user):
    device = totp_device_enrol(user=admin_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:otp_verify"), {"token": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("admin:index")


def test_an_admin_enrols_on_the_page_by_typing_the_first_code(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:otp_enrol")).content.decode()
    assert "otpauth://totp/Duikou%3Aadmin2fa?secret=" in page
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=admin_user)
    assert not device.confirmed
    response = client.post(reverse("accounts:otp_enrol"), {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200  # verified by that code
    entry = ChangeEntry.objects.get(entity="otp_totp.totpdevice", action="create")
    assert device.key not in str(entry.after)


def test_the_console_command_prints_the_otpauth_address(capsys, admin_user):
    call_command("otp_enrol", admin_user.username)
    out = capsys.readouterr().out
    assert "otpauth://totp/Duikou%3Aadmin2fa?secret=" in out
    assert TOTPDevice.objects.get(user=admin_user).confirmed
    call_command("otp_enrol", admin_user.username, "--remove")
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    assert ChangeEntry.objects.filter(entity="otp_totp.totpdevice", action="delete").exists()
