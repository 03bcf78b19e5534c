"""Production settings: base + HTTPS hardening. Refuses to start with the development secret."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, LOGGING, SECRET_KEY, env_bool

if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DDT_SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(生产环境必须设置 DDT_SECRET_KEY)."
    )

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("DDT_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Static files: `ddt collectstatic` writes hashed, compressed copies that WhiteNoise serves with
# far-future caching; the unhashed originals are not kept (every page links the hashed name),
# and source maps are not compressed (only a browser's developer tools ever fetch them).
WHITENOISE_USE_FINDERS = False
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# E-mail (password reset links) goes out by SMTP (DDT_EMAIL_HOST, DDT_EMAIL_PORT, …): never the
# console backend, which would write reset links into the logs.
EMAIL_BACKEND = os.environ.get("DDT_EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
if EMAIL_BACKEND.endswith(("console.EmailBackend", "filebased.EmailBackend")):
    raise ImproperlyConfigured(
        "DDT_EMAIL_BACKEND must send e-mail in production (SMTP), not print it "
        "(生产环境不能把邮件输出到控制台或文件)."
    )

# Logs: JSON lines with the request id, and one access line per request (docs/operations.md).
DDT_LOG_FORMAT = os.environ.get("DDT_LOG_FORMAT", "json")
DDT_ACCESS_LOG = env_bool("DDT_ACCESS_LOG", True)
DDT_DEBUG_PAGES = False
LOGGING["handlers"]["console"]["formatter"] = "text" if DDT_LOG_FORMAT == "text" else "json"
