from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.navigation import home_cards_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page: for a signed-in user, one card per entry of their role's navigation."""
    return render(request, "core/home.html", {"home_cards": home_cards_for(request.user)})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
