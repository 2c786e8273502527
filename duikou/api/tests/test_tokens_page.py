import pytest

from duikou.api.models import ApiToken
from duikou.core import testing as factories

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_can_be_revoked(client):
    user = factories.user()
    client.force_login(user)
    page = client.post("/api/tokens/", {"name": "对接"}).content.decode()
    token = ApiToken.objects.get(user=user)
    shown = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert shown.startswith(token.prefix)
    assert shown not in client.get("/api/tokens/").content.decode()
    client.post(f"/api/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_the_command_prints_a_token(capsys):
    from django.core.management import call_command

    user = factories.user()
    call_command("api_token", user.username, "脚本")
    assert capsys.readouterr().out.strip().startswith("dk_")
