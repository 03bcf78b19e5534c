from __future__ import annotations

from django.urls import path

from customs import views

app_name = "customs"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/resume/", views.run_resume, name="run_resume"),
    path("declarations/", views.declaration_list, name="declarations"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("ledger/<int:pk>/export/", views.ledger_export, name="ledger_export"),
    path("unknown-codes/", views.unknown_codes, name="unknown_codes"),
    path("unknown-codes/map/", views.map_code, name="map_code"),
    path("retail-breaches/", views.retail_breaches, name="retail_breaches"),
    path("stats/", views.stats, name="stats"),
]
