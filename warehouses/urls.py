from __future__ import annotations

from django.urls import path

from warehouses import views

app_name = "warehouses"
urlpatterns = [
    path("", views.warehouse_list, name="list"),
    path("new/", views.warehouse_create, name="create"),
    path("<int:pk>/", views.warehouse_detail, name="detail"),
    path("<int:pk>/edit/", views.warehouse_edit, name="edit"),
    path("<int:pk>/status/", views.warehouse_status, name="status"),
    path("<int:pk>/recognition/", views.warehouse_recognise, name="recognise"),
]
