"""Capacity voucher API (/api/v1/vouchers). Same scopes and rules as the pages: every handler
parses, calls a selector or a service, and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.auth import api_caller
from vouchers import dashboards, selectors, services

router = Router(tags=["vouchers"])


class PoolOut(Schema):
    id: int
    year: int
    amount: Decimal
    committed: Decimal
    redeemed: Decimal
    paid: Decimal
    left: Decimal


class PoolIn(Schema):
    year: int
    amount: Decimal


class PurchaseIn(Schema):
    logistics_code: str
    company_name: str
    contract_no: str
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date


class PurchaseOut(Schema):
    id: int
    logistics_code: str
    company_name: str
    contract_no: str
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date


class BatchIn(Schema):
    pool_id: int
    name: str
    amount: Decimal
    face_values: list[Decimal]
    valid_from: dt.date
    valid_to: dt.date
    per_enterprise_limit: Decimal
    eligible_kinds: list[str] = []
    eligible_counties: list[str] = []
    notice: str = ""


class BatchOut(Schema):
    id: int
    pool_id: int
    name: str
    amount: Decimal
    issued: Decimal
    face_values: list[str]
    valid_from: dt.date
    valid_to: dt.date
    per_enterprise_limit: Decimal
    eligible_kinds: list[str]
    eligible_counties: list[str]
    status: str


class ContractOut(Schema):
    id: int
    enterprise_id: int
    logistics_code: str
    company_name: str
    contract_no: str
    amount: Decimal
    starts_on: dt.date
    ends_on: dt.date


class ClaimIn(Schema):
    batch_id: int
    contract_id: int


class VoucherOut(Schema):
    id: int
    code: str
    claim_id: int
    batch_id: int
    contract_no: str
    logistics_code: str
    face_value: Decimal
    redeemed: Decimal
    returned: Decimal
    remaining: Decimal
    status: str
    valid_to: dt.date

    @staticmethod
    def resolve_contract_no(obj: Any) -> str:
        return str(obj.claim.contract.contract_no)

    @staticmethod
    def resolve_logistics_code(obj: Any) -> str:
        return str(obj.claim.contract.logistics_code)


class ClaimOut(Schema):
    id: int
    batch_id: int
    contract_id: int
    enterprise_id: int
    entitled: Decimal
    amount: Decimal
    explanation: list[dict[str, str]]
    vouchers: list[VoucherOut]

    @staticmethod
    def resolve_vouchers(obj: Any) -> list[Any]:
        return list(obj.vouchers.select_related("claim__contract"))


class RedeemIn(Schema):
    invoice_no: str
    invoice_amount: Decimal
    invoice_date: dt.date
    amount: Decimal


class RedemptionOut(Schema):
    id: int
    voucher_id: int
    contract_id: int
    invoice_no: str
    invoice_amount: Decimal
    invoice_date: dt.date
    amount: Decimal
    redeemed_at: dt.datetime


class SettlementIn(Schema):
    pool_id: int
    logistics_code: str
    month: str


class PayIn(Schema):
    paid_on: dt.date
    bank_reference: str


class SettlementOut(Schema):
    id: int
    logistics_code: str
    company_name: str
    month: dt.date
    amount: Decimal
    count: int
    status: str
    paid_on: dt.date | None


def _pool_out(p: Any) -> PoolOut:
    return PoolOut(
        id=p.pk,
        year=p.year,
        amount=p.amount,
        committed=p.committed,
        redeemed=p.redeemed,
        paid=p.paid,
        left=p.left,
    )


@router.get("/pools", response=list[PoolOut], summary="资金池 Pools")
def pools(request: HttpRequest) -> list[PoolOut]:
    return [_pool_out(p) for p in selectors.pool_list_for(user=api_caller(request))]


@router.post("/pools", response={201: PoolOut}, summary="设置资金池 Set the year's pool")
def pool_set(request: HttpRequest, payload: PoolIn) -> Status[Any]:
    pool = services.pool_set(actor=api_caller(request), year=payload.year, amount=payload.amount)
    return Status(201, _pool_out(pool))


@router.post(
    "/pools/{int:pool_id}/purchases",
    response={201: PurchaseOut},
    summary="登记运力采购 Record capacity bought",
)
def purchase(request: HttpRequest, pool_id: int, payload: PurchaseIn) -> Status[Any]:
    user = api_caller(request)
    if not selectors.can_manage(user):
        raise PermissionDenied(_("只有市商务局审核人员可以登记运力采购。"))
    pool = selectors.pool_get_for(user=user, pk=pool_id)
    return Status(201, services.purchase_record(actor=user, pool=pool, **payload.dict()))


@router.get("/batches", response=list[BatchOut], summary="运力券批次 Batches")
def batches(request: HttpRequest) -> Any:
    return list(selectors.batch_list_for(user=api_caller(request)))


@router.post("/batches", response={201: BatchOut}, summary="创建批次 Create a batch")
def batch_create(request: HttpRequest, payload: BatchIn) -> Status[Any]:
    user = api_caller(request)
    if not selectors.can_manage(user):
        raise PermissionDenied(_("只有市商务局审核人员可以创建运力券批次。"))
    data = payload.dict()
    pool = selectors.pool_get_for(user=user, pk=data.pop("pool_id"))
    return Status(201, services.batch_create(actor=user, pool=pool, **data))


@router.post("/batches/{int:batch_id}/publish", response=BatchOut, summary="发布 Publish")
def batch_publish(request: HttpRequest, batch_id: int) -> Any:
    user = api_caller(request)
    return services.batch_publish(actor=user, batch=selectors.batch_get_for(user=user, pk=batch_id))


@router.get("/contracts", response=list[ContractOut], summary="物流合同 Logistics contracts")
def contracts(request: HttpRequest) -> Any:
    return list(selectors.contract_list_for(user=api_caller(request)))


@router.post("/contracts", response={201: ContractOut}, summary="登记物流合同 Record a contract")
def contract_record(
    request: HttpRequest,
    logistics_code: Form[str],
    contract_no: Form[str],
    amount: Form[Decimal],
    starts_on: Form[dt.date],
    ends_on: Form[dt.date],
    file: File[UploadedFile],
) -> Status[Any]:
    contract = services.contract_record(
        actor=api_caller(request),
        logistics_code=logistics_code,
        contract_no=contract_no,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        file=file,
    )
    return Status(201, contract)


@router.get("/claims", response=list[ClaimOut], summary="申领记录 Claims")
def claims(request: HttpRequest) -> Any:
    return list(selectors.claim_list_for(user=api_caller(request))[:500])


@router.post("/claims", response={201: ClaimOut}, summary="申领运力券 Claim vouchers")
def claim_create(request: HttpRequest, payload: ClaimIn) -> Status[Any]:
    user = api_caller(request)
    batch = selectors.batch_get_for(user=user, pk=payload.batch_id)
    contract = selectors.contract_get_for(user=user, pk=payload.contract_id)
    return Status(201, services.claim_create(actor=user, batch=batch, contract=contract))


@router.get("/vouchers", response=list[VoucherOut], summary="运力券 Vouchers")
def vouchers(request: HttpRequest, status: str = "") -> Any:
    qs = selectors.voucher_list_for(user=api_caller(request))
    if status:
        qs = qs.filter(status=status[:16])
    return list(qs[:1000])


@router.get("/vouchers/{code}", response=VoucherOut, summary="查询运力券 One voucher by code")
def voucher(request: HttpRequest, code: str) -> Any:
    return selectors.voucher_get_for(user=api_caller(request), code=code[:24])


@router.post(
    "/vouchers/{code}/redeem",
    response={201: RedemptionOut},
    summary="核销 Redeem (part of) a voucher",
)
def redeem(request: HttpRequest, code: str, payload: RedeemIn) -> Status[Any]:
    user = api_caller(request)
    v = selectors.voucher_get_for(user=user, code=code[:24])
    return Status(201, services.voucher_redeem(actor=user, voucher=v, **payload.dict()))


@router.get("/redemptions", response=list[RedemptionOut], summary="核销记录 Redemptions")
def redemptions(request: HttpRequest) -> Any:
    return list(selectors.redemption_list_for(user=api_caller(request))[:1000])


@router.get("/settlements", response=list[SettlementOut], summary="结算单 Settlements")
def settlements(request: HttpRequest) -> Any:
    return list(selectors.settlement_list_for(user=api_caller(request)))


@router.post("/settlements", response={201: SettlementOut}, summary="生成结算单 Issue")
def settlement_issue(request: HttpRequest, payload: SettlementIn) -> Status[Any]:
    user = api_caller(request)
    if not selectors.can_issue_settlements(user):
        raise PermissionDenied(_("只有市商务局或财务人员可以生成结算单。"))
    pool = selectors.pool_get_for(user=user, pk=payload.pool_id)
    return Status(
        201,
        services.settlement_issue(
            actor=user, pool=pool, logistics_code=payload.logistics_code, month=payload.month
        ),
    )


@router.post(
    "/settlements/{int:settlement_id}/pay",
    response=SettlementOut,
    summary="结算支付 Pay a settlement",
)
def settlement_pay(request: HttpRequest, settlement_id: int, payload: PayIn) -> Any:
    user = api_caller(request)
    s = selectors.settlement_get_for(user=user, pk=settlement_id)
    return services.settlement_pay(
        actor=user, settlement=s, paid_on=payload.paid_on, bank_reference=payload.bank_reference
    )


@router.get("/dashboard", summary="运力券看板 Dashboard")
def dashboard(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    return dashboards.dashboard(user=api_caller(request), year=year)
