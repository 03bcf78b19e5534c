from __future__ import annotations

from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("check-in/", views.check_in, name="check_in"),
    path("attendance-template/", views.attendance_template, name="attendance_template"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/status/", views.event_status, name="status"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/register/cancel/", views.registration_cancel, name="registration_cancel"),
    path("<int:pk>/registrations/", views.registrations, name="registrations"),
    path("<int:pk>/registrations/attend/", views.mark_attended, name="mark_attended"),
    path("<int:pk>/check-in/", views.event_check_in, name="event_check_in"),
    path("<int:pk>/attendance/", views.attendance_import, name="attendance_import"),
]
