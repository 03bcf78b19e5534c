from __future__ import annotations

from django.urls import path

from core import public, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    *public.urlpatterns,  # public information: policy text, guides, privacy, help
]
