from __future__ import annotations

from django.urls import path

from logistics import views

app_name = "logistics"
urlpatterns = [
    path("", views.shipment_list, name="list"),
    path("<int:pk>/", views.shipment_detail, name="detail"),
    path("aggregates/", views.aggregates, name="aggregates"),
    path("track/", views.public_track, name="track"),
]
