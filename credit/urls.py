from __future__ import annotations

from django.urls import path

from credit import views

app_name = "credit"
urlpatterns = [
    path("", views.index, name="index"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/compare/", views.product_compare, name="compare"),
    path("products/<int:pk>/", views.product_detail, name="product"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/status/", views.product_status, name="product_status"),
    path("products/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("products/<int:pk>/apply/", views.apply, name="apply"),
    path("documents/<int:pk>/", views.document_file, name="document"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/do/<slug:action>/",
        views.application_action,
        name="application_action",
    ),
    path("applications/<int:pk>/profile/", views.profile_issue, name="profile_issue"),
    path("profiles/<str:number>/", views.profile_detail, name="profile"),
    path("profiles/<str:number>/profile.json", views.profile_json, name="profile_json"),
    path("profiles/<str:number>/profile.pdf", views.profile_pdf, name="profile_pdf"),
    path("consents/", views.consent_list, name="consents"),
    path("consents/<int:pk>/", views.consent_detail, name="consent"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("verify/", views.verify, name="verify"),
    path("volumes/", views.volumes, name="volumes"),
]
