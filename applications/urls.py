from __future__ import annotations

from django.urls import path

from applications import duplicate_views, views

app_name = "applications"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/open/", views.round_set_status, {"action": "open"}, name="round_open"),
    path("rounds/<int:pk>/close/", views.round_set_status, {"action": "close"}, name="round_close"),
    path("rounds/<int:pk>/apply/", views.round_apply, name="round_apply"),
    path("rounds/<int:pk>/apply/<str:measure>/", views.application_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("all/", views.application_list, name="list"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/transition/", views.application_transition, name="transition"),
    path("<int:pk>/evidence-match/", duplicate_views.evidence_match, name="evidence_match"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
