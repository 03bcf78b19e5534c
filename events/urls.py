from __future__ import annotations

from django.urls import path

app_name = "events"
urlpatterns: list = []
_ = path
