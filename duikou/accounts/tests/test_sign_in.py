"""Sign-in hardening: Argon2, lockout after repeated failures, idle sessions, headers."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from duikou.core import testing

pytestmark = pytest.mark.django_db
PASSWORD = "x-Passw0rd!"


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    # Many sign-ins per test: a cheap hash keeps them fast (Argon2 is tested on its own).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2():
    account = testing.user()
    assert account.password.startswith("argon2")
    assert account.check_password(PASSWORD)


@pytest.mark.argon2
def test_an_older_hash_is_upgraded_to_argon2_at_sign_in(client):
    account = testing.user()
    account.password = PBKDF2PasswordHasher().encode(PASSWORD, "somesalt1234")
    account.save(update_fields=["password"])
    assert sign_in(client, account.username).status_code == 302
    account.refresh_from_db()
    assert account.password.startswith("argon2")


def test_five_failures_lock_the_account_for_thirty_minutes(client, lockout):
    account = testing.user()
    for _ in range(4):
        response = sign_in(client, account.username, "wrong")
        assert response.status_code == 200
    response = sign_in(client, account.username, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "账户已被锁定30分钟" in page
    assert "连续5次" in page

    response = sign_in(client, account.username)  # the right password no longer helps
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )
    assert sign_in(client, account.username).status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)


def test_a_locked_account_does_not_lock_anyone_else(client, lockout):
    victim, colleague = testing.user(), testing.user()
    for _ in range(5):
        sign_in(client, victim.username, "wrong")
    assert sign_in(client, colleague.username).status_code == 302


def test_a_success_clears_earlier_failures(client, lockout):
    account = testing.user()
    for _ in range(4):
        sign_in(client, account.username, "wrong")
    assert sign_in(client, account.username).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, account.username, "wrong").status_code == 200
    assert sign_in(client, account.username).status_code == 302


def test_the_admin_sign_in_is_locked_too(client, lockout):
    admin = get_user_model().objects.create_superuser("boss", password=PASSWORD)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": admin.username, "password": "wrong"})
    response = client.post(
        reverse("admin:login"), {"username": admin.username, "password": PASSWORD}
    )
    assert response.status_code == 429


def test_sessions_end_after_eight_idle_hours_or_when_the_browser_closes(client, lockout):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    account = testing.user()
    sign_in(client, account.username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_sign_in_page_has_no_inline_script(client):
    page = client.get(reverse("login")).content.decode()
    assert "<script>" not in page and " on" + "change=" not in page


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DUIKOU_", "PYTEST"))}
    if "DATABASE_URL" in os.environ:
        clean["DATABASE_URL"] = os.environ["DATABASE_URL"]
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "duikou", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
        check=False,
    )


PRODUCTION = {
    "DUIKOU_PRODUCTION": "1",
    "DUIKOU_SECRET_KEY": secrets.token_urlsafe(60),
    "DUIKOU_ALLOWED_HOSTS": "duikou.example",
}


@pytest.mark.parametrize("proxy", ["0", "1"])
def test_production_mode_passes_the_deployment_check(tmp_path, proxy):
    result = _manage(
        "check",
        "--deploy",
        DUIKOU_VAR_DIR=str(tmp_path),
        DUIKOU_BEHIND_TLS_PROXY=proxy,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "DUIKOU_SECRET_KEY": "", "DUIKOU_VAR_DIR": str(tmp_path)}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DUIKOU_SECRET_KEY" in result.stderr
