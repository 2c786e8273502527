"""One settings module, driven by the environment.

SQLite under ``var/`` is the default; ``DATABASE_URL`` switches to PostgreSQL.
Nothing here reaches the internet: every asset is served by the platform.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DUIKOU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Production mode: DEBUG off, HTTPS only, secure cookies, a secret key from the environment.
PRODUCTION = _env_bool("DUIKOU_PRODUCTION", False)
DEBUG = False if PRODUCTION else _env_bool("DUIKOU_DEBUG", False)
SECRET_KEY = os.environ.get("DUIKOU_SECRET_KEY", "")
if PRODUCTION and len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "生产模式必须用环境变量 DUIKOU_SECRET_KEY 设置至少50个字符的随机密钥"
    )
if not SECRET_KEY:
    # A development key, stable per installation; production sets DUIKOU_SECRET_KEY.
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = [
    h for h in os.environ.get("DUIKOU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "duikou.core",
    "duikou.audit",
    "duikou.accounts",
    "duikou.geo",
    "duikou.orgs",
    "duikou.projects",
    "duikou.investment",
    "duikou.people",
    "duikou.exchanges",
    "duikou.results",
    "duikou.ingest",
    "duikou.web",
    "duikou.jobs",
    "duikou.transfer",
    "duikou.api",
    "duikou.reports",
]

MIDDLEWARE = [
    # Just inside the request id (inserted below): every error under /api/ answers in JSON.
    "duikou.api.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "duikou.accounts.middleware.AdminSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "duikou.urls"
WSGI_APPLICATION = "duikou.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "duikou" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "duikou.core.context_processors.access",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'duikou.sqlite3'}",
        conn_max_age=int(os.environ.get("DUIKOU_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while the worker writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Page queries read a few rows through indexes; PostgreSQL's JIT compiler, triggered by
    # cost estimates, would spend more time compiling them than running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# A PostgreSQL streaming replica for read-heavy pages (duikou/core/routers.py); writes,
# migrations and a user's reads just after they saved stay on the primary.
DUIKOU_REPLICA_STICKY_SECONDS = int(os.environ.get("DUIKOU_REPLICA_STICKY_SECONDS", "30"))
DUIKOU_REPLICA_VIEWS = os.environ.get(
    "DUIKOU_REPLICA_VIEWS",
    "web:explore public reports:list reports:download reports:compliance transfer:export",
).split()
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["duikou.core.routers.ReplicaRouter"]
    MIDDLEWARE.append("duikou.core.routers.ReplicaReadsMiddleware")

# Tests that start a real worker process need the test database in a file it can open.
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test run, so parallel runs on one machine never share it.
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / f"test_duikou_{os.getpid()}.sqlite3")

# Background jobs go through the database-backed queue; `duikou worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "duikou" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
# nginx's internal location for MEDIA_ROOT (deploy/nginx/duikou.conf: /_media/): once a page has
# checked who asks for a stored file, nginx sends it (X-Accel-Redirect). Empty: Django sends it.
DUIKOU_MEDIA_ACCEL = os.environ.get("DUIKOU_MEDIA_ACCEL", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or os.environ.get("PYTEST_VERSION"):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Reference data lives beside the project: the shared data folder when present.
SHARED_DIR = Path(os.environ.get("DUIKOU_SHARED_DIR", BASE_DIR.parent / "shared"))

# The "两个80%" rule: thresholds are settings, not constants.
DUIKOU_COUNTY_SHARE_THRESHOLD = os.environ.get("DUIKOU_COUNTY_SHARE_THRESHOLD", "0.80")
DUIKOU_LIVELIHOOD_SHARE_THRESHOLD = os.environ.get("DUIKOU_LIVELIHOOD_SHARE_THRESHOLD", "0.80")
# Compliance: a deal with no stage change for this many months counts as stuck.
DUIKOU_DEAL_STUCK_MONTHS = int(os.environ.get("DUIKOU_DEAL_STUCK_MONTHS", "6"))
# Project documents are stored in the database (so backups hold them); the largest accepted,
# in megabytes. A proxy in front (nginx client_max_body_size) must allow at least this.
DUIKOU_DOCUMENT_MAX_MB = float(os.environ.get("DUIKOU_DOCUMENT_MAX_MB", "20"))
# API tokens expire: the term in days offered when one is created (1 to 366).
DUIKOU_API_TOKEN_DAYS = int(os.environ.get("DUIKOU_API_TOKEN_DAYS", "90"))

# The map layers (GeoJSON files among the static files), prefectures and counties.
# Replaceable (a public map needs an approved one, 审图号): areas are matched to regions by a
# `code` property when they have one, else by name, short name or alias.
# See duikou/geo/static/geo/maps/README.md.
DUIKOU_MAP_GEOJSON = os.environ.get("DUIKOU_MAP_GEOJSON", "geo/maps/xinjiang.json")
DUIKOU_MAP_COUNTY_GEOJSON = os.environ.get(
    "DUIKOU_MAP_COUNTY_GEOJSON", "geo/maps/xinjiang_counties.json"
)

# Sign-in and transport security (docs/security.md).
PASSWORD_HASHERS = [
    # Argon2 first; older hashes still verify and are upgraded at the next sign-in.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout by account name, not address: behind one proxy or NAT every user shares an address.
# An administrator unlocks early with `duikou axes_reset_username NAME`.
# Off under pytest, where the test client signs in without a request; tests of lockout turn it on.
AXES_ENABLED = _env_bool("DUIKOU_LOGIN_LOCKOUT", not os.environ.get("PYTEST_VERSION"))
AXES_FAILURE_LIMIT = int(os.environ.get("DUIKOU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DUIKOU_LOGIN_LOCK_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "duikou.accounts.views.locked_out"
# axes.W006 asks for the address in the lockout key; see above for why it is left out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# A cache shared by every web node and worker, in Redis (redis://127.0.0.1:6379/2: host, port
# and database number); without DUIKOU_REDIS_URL each process keeps its own cache in memory.
DUIKOU_REDIS_URL = os.environ.get("DUIKOU_REDIS_URL", "").strip()
if DUIKOU_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DUIKOU_REDIS_URL,
            "KEY_PREFIX": "duikou",
        }
    }

# Idle timeout: the session ends after 8 hours without a request, or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("DUIKOU_SESSION_SECONDS", str(8 * 60 * 60)))
# Saved on every request, which is what makes the 8 hours count from the last request; the
# store writes an unchanged session's new expiry at most once a minute (accounts/sessions.py).
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "duikou.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = "Duikou"

# Every page comes from the platform itself: no inline script, no third-party origin.
# json_script blocks (type="application/json") are data, not script, and need no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DUIKOU_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DUIKOU_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("DUIKOU_HSTS_PRELOAD", False)
    CSRF_TRUSTED_ORIGINS = [
        o for o in os.environ.get("DUIKOU_CSRF_TRUSTED_ORIGINS", "").split(",") if o
    ]
    if not SECURE_HSTS_PRELOAD:
        # Intranet host names cannot join the browsers' preload list; preloading stays opt-in.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if _env_bool("DUIKOU_BEHIND_TLS_PROXY", False):
        # The proxy ends TLS, redirects plain HTTP itself and says so in X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        SECURE_SSL_REDIRECT = False
        SILENCED_SYSTEM_CHECKS.append("security.W008")
    else:
        SECURE_SSL_REDIRECT = True

# --- Logging: JSON lines on stdout, each with the request id (duikou/core/observability.py) ---
# Server errors reach the log with their traceback in production too (django.request, ERROR).
MIDDLEWARE.insert(0, "duikou.core.observability.RequestIdMiddleware")
MIDDLEWARE.insert(1, "duikou.core.metrics.MetricsMiddleware")  # request figures for /metrics
DUIKOU_LOG_LEVEL = os.environ.get("DUIKOU_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "duikou.core.observability.RequestIdFilter"}},
    "formatters": {"json": {"()": "duikou.core.observability.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": DUIKOU_LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": DUIKOU_LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Health, readiness and metrics: who may read them (duikou/core/health.py) ---
# Loopback always; DUIKOU_METRICS_ALLOW adds networks (CIDRs, comma-separated);
# DUIKOU_METRICS_TOKEN lets a scraper elsewhere in with "Authorization: Bearer <token>".
DUIKOU_METRICS_ALLOW = [
    n.strip()
    for n in os.environ.get("DUIKOU_METRICS_ALLOW", "127.0.0.0/8,::1/128").split(",")
    if n.strip()
]
DUIKOU_METRICS_TOKEN = os.environ.get("DUIKOU_METRICS_TOKEN", "")
# A worker whose heartbeat is older than this is not counted by /readyz.
DUIKOU_READY_WORKER_SECONDS = int(os.environ.get("DUIKOU_READY_WORKER_SECONDS", "60"))
# /readyz calls the last successful backup stale past this many hours (a warning, not a failure):
# the backup runs nightly, so 36 h is one run missed, with a margin.
DUIKOU_READY_BACKUP_HOURS = int(os.environ.get("DUIKOU_READY_BACKUP_HOURS", "36"))
# Probes and scrapers speak plain HTTP to the node itself: no redirect to HTTPS for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# --- Demo data: `duikou loaddemo` runs only in demo mode (DEBUG, DUIKOU_DEMO=1 or --allow-demo) ---
DUIKOU_DEMO = _env_bool("DUIKOU_DEMO", False)

# --- Background jobs on several machines, and housekeeping (duikou/jobs) ---
# The host a worker names itself by on job rows (default: the machine's host name).
DUIKOU_HOST_NAME = os.environ.get("DUIKOU_HOST_NAME", "")
# A running job whose heartbeat is older than this is taken for interrupted.
DUIKOU_JOB_STALE_SECONDS = float(os.environ.get("DUIKOU_JOB_STALE_SECONDS", "60"))
DUIKOU_JOB_HEARTBEAT_SECONDS = float(os.environ.get("DUIKOU_JOB_HEARTBEAT_SECONDS", "5"))
# How many times a job may be started in all: an interrupted job runs again once, then fails.
DUIKOU_JOB_MAX_ATTEMPTS = int(os.environ.get("DUIKOU_JOB_MAX_ATTEMPTS", "2"))
# Retention: finished job rows and their files, import files after commit or failure.
DUIKOU_JOB_RETENTION_DAYS = int(os.environ.get("DUIKOU_JOB_RETENTION_DAYS", "90"))
DUIKOU_IMPORT_FILE_RETENTION_DAYS = int(os.environ.get("DUIKOU_IMPORT_FILE_RETENTION_DAYS", "180"))
# Backups: where `duikou backup` writes its archives, and how many the daily backup keeps.
DUIKOU_BACKUP_DIR = Path(os.environ.get("DUIKOU_BACKUP_DIR", VAR_DIR / "backups"))
DUIKOU_BACKUP_KEEP = int(os.environ.get("DUIKOU_BACKUP_KEEP", "14"))
# The worker's daily backup and clean-up (off while the test suite starts workers of its own).
DUIKOU_DAILY_HOUSEKEEPING = _env_bool(
    "DUIKOU_DAILY_HOUSEKEEPING", not os.environ.get("PYTEST_VERSION")
)
