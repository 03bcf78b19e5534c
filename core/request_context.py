"""The current request's client address and actor, for audit entries written deep in services.

Set by ``core.middleware.RequestContextMiddleware`` for web requests; commands may set it with
``client_context(ip="cli")``. Services never take a request object.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest

_client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("ddt_client_ip", default="")


def current_client_ip() -> str:
    return _client_ip.get()


@contextmanager
def client_context(*, ip: str) -> Iterator[None]:
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)


def client_ip_from_request(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in settings.DDT_TRUSTED_PROXIES:
        return forwarded.split(",")[0].strip()
    return remote


# The request id: from a trusted proxy's X-Request-ID, else generated; in every log line, the
# X-Request-ID response header and the 500 page (so a user can quote it).
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ddt_request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()
