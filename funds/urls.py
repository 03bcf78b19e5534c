from __future__ import annotations

from django.urls import path

from funds import views

app_name = "funds"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_pk>/run/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/accept/", views.run_accept, name="run_accept"),
    path("rounds/<int:round_pk>/notice/", views.notice_new, name="notice_new"),
    path("notices/", views.notices, name="notices"),
    path("notices/manage/", views.notice_manage, name="notice_manage"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/review/", views.notice_review, name="notice_review"),
    path("notices/<int:pk>/approve/", views.notice_approve, name="notice_approve"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("payments/", views.payments, name="payments"),
    path("payments/export/", views.payments_export, name="payments_export"),
    path("payments/<int:application_pk>/", views.payment_record, name="payment_record"),
    path("matching/", views.matching, name="matching"),
    path("bank-account/", views.bank_confirm, name="bank_confirm"),
    path("candidates/", views.candidate_list, name="candidates"),
    path("candidates/<int:round_pk>/propose/", views.candidate_propose, name="candidate_propose"),
]
