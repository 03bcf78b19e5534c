from __future__ import annotations

from django.urls import path

from enterprises import views
from enterprises.views import changes as change_views
from enterprises.views import registrations as registration_views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("export/", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/verify-facts/", change_views.facts_verify, name="facts_verify"),
    path("registrations/", registration_views.registration_list, name="registrations"),
    path(
        "registrations/<int:pk>/activate/",
        registration_views.registration_activate,
        name="registration_activate",
    ),
    path(
        "registrations/<int:pk>/reject/",
        registration_views.registration_reject,
        name="registration_reject",
    ),
    path("changes/", change_views.change_list, name="changes"),
    path("changes/<int:pk>/approve/", change_views.change_approve, name="change_approve"),
    path("changes/<int:pk>/reject/", change_views.change_reject, name="change_reject"),
    path("<int:pk>/recognitions/add/", views.recognition_add, name="recognition_add"),
    path(
        "<int:pk>/recognitions/<int:rid>/remove/",
        views.recognition_remove,
        name="recognition_remove",
    ),
]

# Industry belts and parks (产业带与园区), officers' pages.
from enterprises.views import places as place_views  # noqa: E402

urlpatterns += [
    path("belts/", place_views.belt_list, name="belt_list"),
    path("belts/new/", place_views.belt_create, name="belt_create"),
    path("belts/<int:pk>/", place_views.belt_detail, name="belt_detail"),
    path("belts/<int:pk>/edit/", place_views.belt_edit, name="belt_edit"),
    path("parks/", place_views.park_list, name="park_list"),
    path("parks/new/", place_views.park_create, name="park_create"),
    path("parks/<int:pk>/", place_views.park_detail, name="park_detail"),
    path("parks/<int:pk>/edit/", place_views.park_edit, name="park_edit"),
]
