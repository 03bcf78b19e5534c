"""Base settings. Every value comes from a ``DDT_*`` environment variable with a safe default.

The default database is an embedded SQLite file under ``var/``; set ``DDT_DATABASE_URL`` to a
``postgres://`` URL for PostgreSQL. ``diandiantong.settings.production`` adds the hardening a
public deployment needs and refuses to start with the development secret key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DDT_VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "ddt-development-only-secret-key-do-not-use-in-production"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DDT_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DDT_DEBUG", False)
ALLOWED_HOSTS = env_list("DDT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DDT_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "core",
    "codes",
    "audit",
    "accounts",
    "enterprises",
    "demo",
    "policy",
    "customs",
    "applications",
    "funds",
    "warehouses",
    "events",
    "stats",
    "logistics",
    "vouchers",
    "credit",
    "exportdesk",
    "mandates",
    "compliance",
    "ops",
]

# Background jobs: django-tasks with its database backend (no Redis); run `ddt worker` (the
# database worker plus a heartbeat that /readyz and the admin read).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A job still queued after this many seconds gets a plain notice on its page: no worker is
# running, or the queue ahead of it (ops.selectors.queued_notice).
DDT_QUEUED_NOTICE_SECONDS = int(os.environ.get("DDT_QUEUED_NOTICE_SECONDS", "30"))

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.MustChangePasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.BrandedDebugErrorsMiddleware",
    "core.middleware.OutOfRangeMiddleware",
]

ROOT_URLCONF = "diandiantong.urls"
WSGI_APPLICATION = "diandiantong.wsgi.application"
ASGI_APPLICATION = "diandiantong.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DDT_DATABASE_URL", f"sqlite:///{VAR_DIR / 'ddt.sqlite3'}"),
        conn_max_age=int(os.environ.get("DDT_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # A 64 MiB page cache (allocated as used; the default is 2 MiB): ledger indexes
            # of millions of lines stay in memory while a customs batch is written.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            ),
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A cache shared by every app server (dashboard results): the database, no extra service.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ddt_cache",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock-out after repeated failed logins (accounts.services.login_*).
DDT_LOGIN_MAX_FAILURES = int(os.environ.get("DDT_LOGIN_MAX_FAILURES", "5"))
DDT_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("DDT_LOGIN_LOCKOUT_MINUTES", "15"))
# ... counted per (user name, client address); and per client address across all user names:
DDT_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("DDT_LOGIN_ADDRESS_MAX_FAILURES", "20"))
DDT_LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("DDT_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
# Self-registration requests per client address (enterprises register view, HTTP 429 beyond).
DDT_REGISTER_MAX_PER_ADDRESS = int(os.environ.get("DDT_REGISTER_MAX_PER_ADDRESS", "10"))
DDT_REGISTER_WINDOW_MINUTES = int(os.environ.get("DDT_REGISTER_WINDOW_MINUTES", "60"))
# API tokens: default and longest lifetime in days (docs/accounts.md).
DDT_API_TOKEN_DAYS = int(os.environ.get("DDT_API_TOKEN_DAYS", "90"))
DDT_API_TOKEN_MAX_DAYS = int(os.environ.get("DDT_API_TOKEN_MAX_DAYS", "365"))

# Password reset by e-mail (accounts.views.PasswordReset*): links live this many seconds, and
# reset requests per client address are throttled like log-ins (docs/accounts.md).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("DDT_PASSWORD_RESET_SECONDS", str(2 * 60 * 60)))
DDT_PASSWORD_RESET_MAX_PER_ADDRESS = int(os.environ.get("DDT_PASSWORD_RESET_MAX_PER_ADDRESS", "5"))
DDT_PASSWORD_RESET_WINDOW_MINUTES = int(os.environ.get("DDT_PASSWORD_RESET_WINDOW_MINUTES", "60"))
# Outgoing e-mail: printed on the console unless a backend is configured (SMTP in production).
EMAIL_BACKEND = (
    os.environ.get("DDT_EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DDT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DDT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DDT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DDT_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DDT_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DDT_EMAIL_FROM", "点点通 <noreply@example.invalid>")
# Who visitors contact (public home, help page). The shipped values are placeholders, shown as
# "演示数据" until DDT_CONTACT_PHONE is set for a real deployment.
DDT_CONTACT_ORGANISATION = os.environ.get("DDT_CONTACT_ORGANISATION", "连云港市商务局")
DDT_CONTACT_PHONE = os.environ.get("DDT_CONTACT_PHONE", "0518-0000000")
DDT_CONTACT_EMAIL = os.environ.get("DDT_CONTACT_EMAIL", "help@example.invalid")
DDT_CONTACT_ADDRESS = os.environ.get("DDT_CONTACT_ADDRESS", "")
DDT_CONTACT_IS_DEMO = not os.environ.get("DDT_CONTACT_PHONE")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Only the node_modules files the pages use (htmx, ECharts), under static/vendor/.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "diandiantong.staticfinders.VendorFinder",
]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("DDT_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded and generated files go through Django's storage API only (FileField, default_storage),
# so every app server and worker can share one S3-compatible object store instead of a folder:
# DDT_S3_BUCKET selects django-storages' S3 backend (``pip install "django-storages[s3]"``; keys
# from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables). Objects stay private
# (served only through permission-checked views) and are never overwritten. docs/operations.md.
if os.environ.get("DDT_S3_BUCKET", "").strip():
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DDT_S3_BUCKET"].strip(),
            "endpoint_url": os.environ.get("DDT_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DDT_S3_REGION") or None,
            "location": os.environ.get("DDT_S3_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_URL = "/media-not-served/"  # files are served only through permission-checked views

# Sessions live in the database so app servers stay stateless behind a load balancer.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: everything is served from our own origin (no CDN).
DDT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# Untrusted input limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DDT_EXCEL_MAX_BYTES = int(os.environ.get("DDT_EXCEL_MAX_BYTES", str(5 * 1024 * 1024)))
DDT_EXCEL_MAX_ROWS = int(os.environ.get("DDT_EXCEL_MAX_ROWS", "5000"))

# Trusted reverse proxies: only then is X-Forwarded-For believed for the client address.
DDT_TRUSTED_PROXIES = env_list("DDT_TRUSTED_PROXIES", "")

# Logs: one JSON object per line on stderr (DDT_LOG_FORMAT=json, the production default) or
# plain text, each with the request id that the response header X-Request-ID and the 500 page
# show. DDT_ACCESS_LOG=1 adds one line per request (logger ddt.request).
DDT_LOG_FORMAT = os.environ.get("DDT_LOG_FORMAT", "text")
DDT_ACCESS_LOG = env_bool("DDT_ACCESS_LOG", False)
# With DEBUG on (the demo), still show the branded 404/500 pages instead of Django's debug pages
# (the traceback goes to the log); DDT_DEBUG_PAGES=1 brings the debug pages back.
DDT_DEBUG_PAGES = env_bool("DDT_DEBUG_PAGES", False)
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ops.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": DDT_LOG_FORMAT if DDT_LOG_FORMAT in {"json", "text"} else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DDT_LOG_LEVEL", "WARNING")},
    "loggers": {
        "ddt": {"level": "INFO"},
        "django_tasks_db": {"level": "INFO"},
    },
}

# Compliance desk: days (calendar days, not working days) an advisor or the city has to answer an
# enterprise's question before it is flagged overdue (compliance/, docs/compliance.md).
COMPLIANCE_RESPONSE_DAYS = int(os.environ.get("DDT_COMPLIANCE_RESPONSE_DAYS", "3"))
