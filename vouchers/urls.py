from __future__ import annotations

from django.urls import path

from vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.index, name="index"),
    path("pools/", views.pool_list, name="pools"),
    path("pools/<int:pk>/", views.pool_detail, name="pool"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/publish/", views.batch_publish, name="batch_publish"),
    path("batches/<int:pk>/close/", views.batch_close, name="batch_close"),
    path("batches/<int:pk>/claim/", views.claim_create, name="claim"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/file/", views.contract_file, name="contract_file"),
    path("list/", views.voucher_list, name="list"),
    path("v/<str:code>/", views.voucher_detail, name="voucher"),
    path("v/<str:code>/redeem/", views.voucher_redeem, name="redeem"),
    path("v/<str:code>/cancel/", views.voucher_cancel, name="cancel"),
    path("settlements/", views.settlement_list, name="settlements"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement"),
    path("settlements/<int:pk>/pay/", views.settlement_pay, name="settlement_pay"),
    path("settlements/<int:pk>/statement.xlsx", views.settlement_xlsx, name="settlement_xlsx"),
    path("settlements/<int:pk>/statement.pdf", views.settlement_pdf, name="settlement_pdf"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
