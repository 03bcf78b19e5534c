from __future__ import annotations

from django.urls import path

from compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.article_list, name="articles"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/status/", views.article_status, name="article_status"),
    path("questions/", views.question_list, name="questions"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
]
