from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.views.decorators.http import require_GET

from core.navigation import home_cards_for
from core.request_context import current_request_id
from core.worklist import worklist_for
from ops import health
from ops.health import Report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page: for a signed-in user, their worklist (工作台: what waits for them, with
    counts) and one card per entry of their role's navigation."""
    return render(
        request,
        "core/home.html",
        {"home_cards": home_cards_for(request.user), "worklist": worklist_for(request.user)},
    )


def _health_response(report: Report) -> JsonResponse:
    response = JsonResponse(
        {"status": "ok" if report.ok else "fail", "checks": report.checks},
        status=200 if report.ok else 503,
    )
    add_never_cache_headers(response)
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers and the database answers a query on a real table."""
    return _health_response(health.liveness())


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: liveness, every migration applied, a task worker heartbeat newer than 60 s."""
    return _health_response(health.readiness())


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: bilingual, branded, standalone (no database, no navigation), with the
    request id a user can quote to the help desk. Never shows debug output."""
    try:
        stylesheet = staticfiles_storage.url("core/app.css")
    except ValueError:  # static files not collected: the page still renders, unstyled
        stylesheet = ""
    body: str
    try:
        body = loader.render_to_string(
            "500.html", {"request_id": current_request_id(), "stylesheet": stylesheet}
        )
    except Exception:  # the template itself failed: a last, plain answer
        body = f"<h1>服务器错误 / Server error</h1><p>{escape(current_request_id())}</p>"
    response = HttpResponseServerError(body)
    add_never_cache_headers(response)
    return response
