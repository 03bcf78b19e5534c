"""A URL configuration for the error-page tests: the project's URLs plus a view that fails."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from diandiantong.urls import handler400, handler404, handler500
from diandiantong.urls import urlpatterns as project


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail that must not reach the page")


urlpatterns = [path("boom/", boom), *project]
__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
