"""DUIKOU_REDIS_URL puts the cache in Redis; without it each process keeps its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _caches(**env) -> dict:
    """CACHES as a fresh process with this environment reads it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DUIKOU_REDIS")}
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.CACHES))"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script],
        env=clean | {"DJANGO_SETTINGS_MODULE": "duikou.settings"} | env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_duikou_redis_url_puts_the_cache_in_redis():
    caches = _caches(DUIKOU_REDIS_URL="redis://127.0.0.1:6379/3")
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_without_duikou_redis_url_the_cache_stays_in_each_process():
    caches = _caches()
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
