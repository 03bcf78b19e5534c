from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from diandiantong.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("codes/", include("codes.urls")),
    path("audit/", include("audit.urls")),
    path("applications/", include("applications.urls")),
    path("funds/", include("funds.urls")),
    path("customs/", include("customs.urls")),
    path("warehouses/", include("warehouses.urls")),
    path("events/", include("events.urls")),
    path("stats/", include("stats.urls")),
    path("logistics/", include("logistics.urls")),
    path("vouchers/", include("vouchers.urls")),
    path("credit/", include("credit.urls")),
    path("exportdesk/", include("exportdesk.urls")),
    path("mandates/", include("mandates.urls")),
    path("compliance/", include("compliance.urls")),
    path("", include("core.urls")),
]

handler404 = "diandiantong.api.handler404"
handler400 = "diandiantong.api.handler400"
handler500 = "core.views.server_error"
