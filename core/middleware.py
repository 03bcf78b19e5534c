from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from core.request_context import _client_ip, _request_id, client_ip_from_request

access_log = logging.getLogger("ddt.request")
error_log = logging.getLogger("ddt.errors")
_NOT_SERVER_ERRORS = (
    BadRequest,
    PermissionDenied,
    SuspiciousOperation,
    MultiPartParserError,
    OverflowError,
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """A request id for every request: taken from ``X-Request-ID`` when a trusted proxy (nginx,
    ``DDT_TRUSTED_PROXIES``) sent a well-formed one, else a new random one. It is in every log
    line of the request, the ``X-Request-ID`` response header and the 500 page; with
    ``DDT_ACCESS_LOG`` one access line per request is logged (method, path, status, time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        trusted = request.META.get("REMOTE_ADDR", "") in settings.DDT_TRUSTED_PROXIES
        request_id = incoming if trusted and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.DDT_ACCESS_LOG:
                user = getattr(request, "user", None)
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                        "client_ip": client_ip_from_request(request),
                    },
                )
            return response
        finally:
            _request_id.reset(token)


class RequestContextMiddleware:
    """Makes the client address available to services for audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(client_ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # The Swagger UI page is served by django-ninja with inline bootstrapping.
            response.setdefault(
                "Content-Security-Policy",
                settings.DDT_CSP.replace(
                    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
                ).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
            )
        else:
            response.setdefault("Content-Security-Policy", settings.DDT_CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class NoStoreForAuthenticatedMiddleware:
    """``Cache-Control: no-store`` (with Django's other never-cache headers) on every response
    to a logged-in user or an API token, unless the view set its own caching: pages of personal
    and financial data must not stay in a shared or browser cache after logging out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if (signed_in or getattr(request, "auth", None)) and not response.has_header(
            "Cache-Control"
        ):
            add_never_cache_headers(response)
        return response


class LanguageMiddleware:
    """Chinese unless the user chose another language with the switch (the language cookie).

    A government platform answers in Chinese by default whatever the browser's Accept-Language
    says; the English switch stores the choice in Django's language cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class OutOfRangeMiddleware:
    """A number beyond the database's integer range in a URL (``/enterprises/99999…/``) names
    nothing that can exist: answer 404 instead of letting the database driver's error become 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            from django.views.defaults import page_not_found

            return page_not_found(request, Http404())
        return None


class BrandedDebugErrorsMiddleware:
    """With ``DEBUG`` on (the demo), Django answers a missing page with its debug page listing
    every URL and an error with a traceback. Show the branded 404/500 pages instead (the
    traceback goes to the log with the request id); ``DDT_DEBUG_PAGES=1`` turns this off.
    Without ``DEBUG`` it does nothing: the project's handlers already answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _active(self, request: HttpRequest) -> bool:
        return settings.DEBUG and not settings.DDT_DEBUG_PAGES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            self._active(request)
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and b"DEBUG = True" in getattr(response, "content", b"")
        ):
            from diandiantong.api import handler404

            branded = handler404(request, Http404())
            for header in ("X-Request-ID",):
                if header in response:
                    branded[header] = response[header]
            return branded
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active(request):
            return None
        if isinstance(exception, Http404):
            from diandiantong.api import handler404

            return handler404(request, exception)
        if request.path.startswith("/api/") or isinstance(exception, _NOT_SERVER_ERRORS):
            return None  # the API's JSON errors; 400/403 pages as usual
        from core.views import server_error

        error_log.error("Internal Server Error: %s", request.path, exc_info=exception)
        return server_error(request)
