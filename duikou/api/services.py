"""Writes for API tokens: create (the token is returned once), revoke, authenticate.

A token expires (``DUIKOU_API_TOKEN_DAYS`` days unless its creator chose 1 to 366) and may
be read-only; the API refuses every write made with a read-only one (``api.TokenAuth``).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from duikou.audit.services import change_record
from duikou.core.errors import refuse

from .models import ApiToken

PREFIX = "dk_"
TOUCH_EVERY = timedelta(minutes=1)
MAX_DAYS = 366


class TokenExpired(Exception):
    """A token that was valid and has run out; the message (Chinese) says since when."""


def _digest(raw: str) -> str:
    # The token carries 256 random bits, so a plain hash cannot be reversed by guessing.
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_default_days() -> int:
    """The term a new token gets unless its creator chooses one (``DUIKOU_API_TOKEN_DAYS``)."""
    return settings.DUIKOU_API_TOKEN_DAYS


@transaction.atomic
def api_token_create(
    *, user, name: str, days: int | None = None, read_only: bool = False, actor=None
) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for ``days`` (the site's default when None) and
    read-only if asked; returns the record and the token, which is never stored."""
    name = name.strip()
    if not name:
        raise refuse("name", "请填写令牌名称（如用途）")
    if len(name) > 100:
        raise refuse("name", "名称不能超过100个字")
    if days is None:
        days = api_token_default_days()
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise refuse("days", f"有效期须为1至{MAX_DAYS}天")
    if not user.is_active:
        raise refuse("user", "停用的用户不能创建令牌")
    raw = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=_digest(raw),
        prefix=raw[: len(PREFIX) + 6],
        created_at=now,
        expires_at=now + timedelta(days=days),
        read_only=bool(read_only),
    )
    change_record(
        instance=token,
        action="create",
        actor=actor or user,
        after={
            "user_id": user.pk,
            "name": name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
            "read_only": token.read_only,
        },
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        change_record(
            instance=token,
            action="update",
            actor=actor,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
        )
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The token behind ``raw``, its active user selected, or None when it is unknown,
    revoked or its user is inactive; raises ``TokenExpired`` when it has run out. Notes the
    time of use at most once a minute, so steady callers do not write on every request."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at <= now:
        until = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        raise TokenExpired(f"接口令牌已于{until}（北京时间）过期，请在“接口令牌”页面创建新令牌")
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
