from __future__ import annotations

from django.urls import path

from codes import views

app_name = "codes"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:table>/", views.table, name="table"),
]
