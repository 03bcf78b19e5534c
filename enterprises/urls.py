from __future__ import annotations

from django.urls import path

from enterprises import views

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
    path("<int:pk>/recognitions/add/", views.recognition_add, name="recognition_add"),
    path(
        "<int:pk>/recognitions/<int:rid>/remove/",
        views.recognition_remove,
        name="recognition_remove",
    ),
]
