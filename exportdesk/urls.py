from __future__ import annotations

from django.urls import path

from exportdesk import views

app_name = "exportdesk"
urlpatterns = [
    path("", views.index, name="index"),
    path("costs/new/", views.cost_add, name="cost_add"),
    path("costs/<int:pk>/document/", views.cost_document, name="cost_document"),
    path("proceeds/new/", views.proceeds_add, name="proceeds_add"),
    path("statements/new/", views.statement_issue, name="statement_issue"),
    path("statements/<str:number>/", views.statement_detail, name="statement"),
    path("statements/<str:number>/statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
    path("statements/<str:number>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("tax/", views.tax_checklist, name="tax"),
    path("returns/", views.returns, name="returns"),
    path("overseas/", views.overseas, name="overseas"),
    path("authorisations/", views.authorisations, name="authorisations"),
    path(
        "authorisations/<int:pk>/revoke/", views.authorisation_revoke, name="authorisation_revoke"
    ),
    path(
        "costs/<int:pk>/exclude/",
        views.reported_exclude,
        {"what": "cost"},
        name="cost_exclude",
    ),
    path(
        "proceeds/<int:pk>/exclude/",
        views.reported_exclude,
        {"what": "proceeds"},
        name="proceeds_exclude",
    ),
    path("reports/", views.partner_reports, name="reports"),
    path("guide/", views.guide, name="guide"),
    path("overview/", views.overview, name="overview"),
]
