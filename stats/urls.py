from __future__ import annotations

from django.urls import path

from stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", views.overview, name="overview"),
    path("county/<str:code>/", views.county, name="county"),
    path("counties/", views.counties, name="counties"),
    path("trade/", views.trade, name="trade"),
    path("fund/", views.fund, name="fund"),
    path("mine/", views.own, name="own"),
    path("export/<str:page>.xlsx", views.export, name="export"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("open/", views.open_data, name="open"),
]
