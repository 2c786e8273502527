"""API tokens expire, note their last use, and may be read-only; the token page and the
command make them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from duikou.api.models import ApiToken
from duikou.api.services import TOUCH_EVERY, api_token_create
from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.projects.models import Project
from duikou.results.models import Indicator, Value

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def days_left(token: ApiToken) -> float:
    return (token.expires_at - token.created_at) / timedelta(days=1)


# Expiry


def test_a_new_token_runs_for_90_days_by_default():
    token, _raw = api_token_create(user=factories.user(), name="对接")
    assert days_left(token) == 90
    assert ApiToken.objects.get(pk=token.pk).expires_at == token.expires_at


def test_the_site_default_comes_from_the_setting(settings):
    settings.DUIKOU_API_TOKEN_DAYS = 30
    token, _raw = api_token_create(user=factories.user(), name="对接")
    assert days_left(token) == 30


def test_a_term_of_1_to_366_days_can_be_chosen_and_nothing_else():
    user = factories.user()
    assert days_left(api_token_create(user=user, name="短", days=1)[0]) == 1
    assert days_left(api_token_create(user=user, name="长", days=366)[0]) == 366
    for days in (0, -5, 367, 10_000):
        with pytest.raises(ValidationError) as refusal:
            api_token_create(user=user, name="错", days=days)
        assert refusal.value.message_dict == {"days": ["有效期须为1至366天"]}
    assert ApiToken.objects.filter(user=user).count() == 2


def test_an_expired_token_is_refused_with_401_saying_it_expired(client):
    token, raw = api_token_create(user=factories.user(), name="对接")
    assert client.get("/api/v1/projects", **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=datetime(2025, 3, 1, 4, 0, tzinfo=UTC), last_used_at=None
    )
    response = client.get("/api/v1/projects", **bearer(raw))
    assert response.status_code == 401
    # The time is Beijing time (UTC+8).
    assert response.json()["detail"] == (
        "接口令牌已于2025-03-01 12:00（北京时间）过期，请在“接口令牌”页面创建新令牌"
    )
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None  # an expired use is no use


def test_a_token_works_until_its_expiry(client):
    token, raw = api_token_create(user=factories.user(), name="对接")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(minutes=1))
    assert client.get("/api/v1/projects", **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/projects", **bearer(raw)).status_code == 401


def test_an_unknown_token_still_gets_the_general_401(client):
    response = client.get("/api/v1/projects", **bearer("dk_not-a-token"))
    assert response.status_code == 401
    assert response.json()["detail"] == "缺少有效的接口令牌（Authorization: Bearer …）"


# Last use


def test_the_last_use_is_noted_at_most_once_a_minute(client):
    token, raw = api_token_create(user=factories.user(), name="对接")
    assert token.last_used_at is None
    client.get("/api/v1/projects", **bearer(raw))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=10)
    recent = timezone.now() - TOUCH_EVERY / 2
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    client.get("/api/v1/projects", **bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == recent  # no write this time
    stale = timezone.now() - TOUCH_EVERY * 2
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    client.get("/api/v1/projects", **bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > recent


# Read-only tokens


def new_project(org) -> dict:
    return {
        "code": "RO-1",
        "name": "接口新建项目",
        "donor_org": org.code,
        "region": "昌吉市",
        "sector": "health",
        "planned_start": "2025-03-01",
        "planned_end": "2025-12-31",
        "budget_aid": "500万元",
    }


def test_a_read_only_token_reads_but_every_write_is_refused_and_writes_nothing(client):
    # A national officer may write anything; only the token holds the writes back.
    user, org = factories.user(), factories.donor_org()
    project = factories.project(donor_org=org)
    _writer, write_raw = api_token_create(user=user, name="可写")
    reader, read_raw = api_token_create(user=user, name="只读", read_only=True)
    assert reader.read_only
    indicator = Indicator.objects.filter(kind="stored", frequency__in=["year", "any"]).first()
    body = {"indicator": indicator.code, "org": org.code, "period": "2025", "value": 12}
    draft = client.post(
        "/api/v1/values", body, content_type="application/json", **bearer(write_raw)
    )
    assert draft.status_code == 201, draft.json()
    draft = draft.json()

    headers = bearer(read_raw)
    assert client.get("/api/v1/projects", **headers).status_code == 200
    assert client.get(f"/api/v1/projects/{project.pk}", **headers).json()["name"] == project.name
    assert client.get(f"/api/v1/values/{draft['id']}", **headers).status_code == 200

    counts = (Project.objects.count(), Value.objects.count(), ChangeEntry.objects.count())
    writes = [
        client.post(
            "/api/v1/projects", new_project(org), content_type="application/json", **headers
        ),
        client.patch(
            f"/api/v1/projects/{project.pk}",
            {"name": "只读改名"},
            content_type="application/json",
            **headers,
        ),
        client.post("/api/v1/values", body, content_type="application/json", **headers),
        client.post(
            f"/api/v1/values/{draft['id']}/submit",
            {"version": draft["version"]},
            content_type="application/json",
            **headers,
        ),
        client.post(
            "/api/v1/value_states",
            {"action": "submit", "items": [{"id": draft["id"], "version": draft["version"]}]},
            content_type="application/json",
            **headers,
        ),
        client.post("/api/v1/imports", {"kind": "projects"}, **headers),
    ]
    for response in writes:
        assert response.status_code == 403, response.content
        assert response.json()["detail"] == "只读令牌不能修改数据，请使用可写的令牌"
    assert (Project.objects.count(), Value.objects.count(), ChangeEntry.objects.count()) == counts
    assert Project.objects.get(pk=project.pk).name == project.name
    value = Value.objects.get(pk=draft["id"])
    assert (value.status, value.version) == ("draft", draft["version"])
    # The same user's writable token still changes the project.
    response = client.patch(
        f"/api/v1/projects/{project.pk}",
        {"name": "可写改名", "version": project.version},
        content_type="application/json",
        **bearer(write_raw),
    )
    assert response.status_code == 200, response.json()


def test_a_read_only_token_is_refused_before_its_body_is_read(client):
    _token, raw = api_token_create(user=factories.user(), name="只读", read_only=True)
    response = client.post(
        "/api/v1/projects", "not json", content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 403


# The page and the command


def test_the_page_creates_a_read_only_token_with_a_chosen_term(client):
    user = factories.user()
    client.force_login(user)
    page = client.get("/api/tokens/").content.decode()
    assert 'name="days"' in page and 'value="90"' in page and 'name="read_only"' in page
    response = client.post("/api/tokens/", {"name": "统计系统", "days": "30", "read_only": "1"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.read_only and days_left(token) == 30


def test_the_page_refuses_a_term_out_of_range_in_chinese(client):
    user = factories.user()
    client.force_login(user)
    for days, message in (
        ("0", "有效期须为1至366天"),
        ("一年", "有效期请填写天数（1至366的整数）"),
    ):
        response = client.post("/api/tokens/", {"name": "统计系统", "days": days})
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page and 'value="统计系统"' in page  # what was typed stays
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_page_shows_created_expires_last_used_and_read_only_in_beijing_time(client):
    user = factories.user()
    client.force_login(user)
    token, _raw = api_token_create(user=user, name="只读对接", read_only=True)
    # 20:30 UTC is 04:30 the next morning in Beijing.
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=datetime(2025, 3, 1, 20, 30, tzinfo=UTC),
        expires_at=timezone.now() + timedelta(days=10),
        last_used_at=datetime(2025, 3, 5, 1, 15, tzinfo=UTC),
    )
    old, _raw = api_token_create(user=user, name="旧对接")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=datetime(2025, 6, 1, 16, 0, tzinfo=UTC))
    page = client.get("/api/tokens/").content.decode()
    for heading in ("权限", "创建", "到期", "最近使用", "状态"):
        assert f"<th>{heading}</th>" in page
    row = page.split("只读对接")[1].split("</tr>")[0]
    assert "只读" in row and "2025年3月2日 04:30" in row and "2025年3月5日 09:15" in row
    assert "有效" in row and "吊销</button>" in row
    row = page.split("旧对接")[1].split("</tr>")[0]
    assert "读写" in row and "2025年6月2日 00:00" in row and "已过期" in row
    assert "吊销</button>" not in row and "—" in row  # never used, nothing to revoke
    assert "北京时间" in page


def test_the_command_takes_a_term_and_read_only(capsys):
    user = factories.user()
    call_command("api_token", user.username, "脚本", "--days", "7", "--read-only")
    out, err = capsys.readouterr()
    token = ApiToken.objects.get(user=user)
    assert out.strip().startswith(token.prefix)
    assert token.read_only and days_left(token) == 7
    assert "只读令牌，有效至" in err
    with pytest.raises(CommandError, match="有效期须为1至366天"):
        call_command("api_token", user.username, "脚本", "--days", "400")


# The migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_tokens_an_expiry():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from duikou.core.testing import user as make_user

    owner = make_user()
    before = [("duikou_api", "0001_initial")]
    latest = [("duikou_api", "0003_token_expiry_required")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("duikou_api", "ApiToken")
    old.objects.create(user_id=owner.pk, name="旧令牌", token_hash="a" * 64, prefix="dk_old")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    token = ApiToken.objects.get(prefix="dk_old")
    assert not token.read_only
    expected = timezone.now() + timedelta(days=90)
    assert abs(token.expires_at - expected) < timedelta(minutes=5)
