from __future__ import annotations

from django.urls import path

from mandates import views

app_name = "mandates"
urlpatterns = [
    path("", views.mandate_list, name="list"),
    path("authorising/", views.authorising_enterprises, name="authorising"),
    path("<int:pk>/", views.mandate_detail, name="detail"),
    path("<int:pk>/revoke/", views.mandate_revoke, name="revoke"),
]
