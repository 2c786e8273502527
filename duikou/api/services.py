"""Writes for API tokens: create (the token is returned once), revoke, authenticate."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from duikou.audit.services import change_record
from duikou.core.errors import refuse

from .models import ApiToken

PREFIX = "dk_"
TOUCH_EVERY = timedelta(minutes=1)


def _digest(raw: str) -> str:
    # The token carries 256 random bits, so a plain hash cannot be reversed by guessing.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, actor=None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the record and the token, which is never stored."""
    name = name.strip()
    if not name:
        raise refuse("name", "请填写令牌名称（如用途）")
    if len(name) > 100:
        raise refuse("name", "名称不能超过100个字")
    if not user.is_active:
        raise refuse("user", "停用的用户不能创建令牌")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=_digest(raw), prefix=raw[: len(PREFIX) + 6]
    )
    change_record(
        instance=token,
        action="create",
        actor=actor or user,
        after={"user_id": user.pk, "name": name, "prefix": token.prefix},
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


def api_token_authenticate(*, raw: str):
    """The active user behind a token, or None. Notes the time of use (at most once a minute)."""
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
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
