"""Capacity voucher pages (运力券): the city's pools, purchases and batches; the enterprise's
contracts, claims and vouchers; the logistics partner's redemption; finance's settlements; the
dashboard. Views parse, call a selector or a service, render; every button is what
:mod:`vouchers.workflow` and the ``selectors.can_*`` rules allow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import Role, has_role, reads_all
from core.excel import excel_response
from core.forms import attempt, form_status, submit
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from core.templatetags.core_tags import money
from vouchers import dashboards, documents, selectors, services, workflow
from vouchers.filters import (
    BatchFilterSet,
    ContractFilterSet,
    SettlementFilterSet,
    VoucherFilterSet,
)
from vouchers.forms import (
    BatchForm,
    CancelForm,
    ClaimForm,
    ContractForm,
    PayForm,
    PoolForm,
    PurchaseForm,
    RedeemForm,
    SettlementIssueForm,
)
from vouchers.models import BatchStatus, Settlement, Voucher, VoucherBatch

POOLS = ListPage(
    columns=(
        Column(_l("年度"), "year"),
        Column(_l("资金池总额（元）"), "amount", num=True),
        Column(_l("已发放（元）"), "committed", num=True),
        Column(_l("剩余（元）"), "left", num=True),
        Column(_l("已核销（元）"), "redeemed", num=True),
        Column(_l("已结算支付（元）"), "paid", num=True),
    ),
    template="vouchers/pools.html",
    results_template="vouchers/_pool_results.html",
    export_name="voucher-pools",
)

BATCHES = ListPage(
    filters=BatchFilterSet,
    columns=(
        Column(_l("批次名称"), "name"),
        Column(_l("年度"), "pool.year"),
        Column(_l("批次额度（元）"), "amount", num=True),
        Column(_l("已发放（元）"), "issued", num=True),
        Column(_l("券面额"), lambda b: "、".join(b.face_values)),
        Column(_l("有效期起"), "valid_from"),
        Column(_l("有效期止"), "valid_to"),
        Column(_l("状态"), "get_status_display"),
    ),
    template="vouchers/batches.html",
    results_template="vouchers/_batch_results.html",
    export_name="voucher-batches",
)

CONTRACTS = ListPage(
    filters=ContractFilterSet,
    columns=(
        Column(_l("合同编号"), "contract_no"),
        Column(_l("企业名称"), "enterprise.name"),
        Column(_l("物流企业"), "company_name"),
        Column(_l("合同金额（元）"), "amount", num=True),
        Column(_l("合同期起"), "starts_on"),
        Column(_l("合同期止"), "ends_on"),
    ),
    template="vouchers/contracts.html",
    results_template="vouchers/_contract_results.html",
    export_name="logistics-contracts",
)

VOUCHERS = ListPage(
    filters=VoucherFilterSet,
    columns=(
        Column(_l("券号"), "code"),
        Column(_l("企业名称"), "claim.enterprise.name"),
        Column(_l("物流合同编号"), "claim.contract.contract_no"),
        Column(_l("面额（元）"), "face_value", num=True),
        Column(_l("已核销（元）"), "redeemed", num=True),
        Column(_l("余额（元）"), "remaining", num=True),
        Column(_l("有效期止"), "valid_to"),
        Column(_l("状态"), "get_status_display"),
    ),
    template="vouchers/vouchers.html",
    results_template="vouchers/_voucher_results.html",
    export_name="vouchers",
)

SETTLEMENTS = ListPage(
    filters=SettlementFilterSet,
    columns=(
        Column(_l("物流企业"), "company_name"),
        Column(_l("物流企业海关编码"), "logistics_code"),
        Column(_l("结算月份"), lambda s: f"{s.month:%Y-%m}"),
        Column(_l("核销笔数"), "count", num=True),
        Column(_l("结算金额（元）"), "amount", num=True),
        Column(_l("状态"), "get_status_display"),
        Column(_l("支付日期"), "paid_on"),
    ),
    template="vouchers/settlements.html",
    results_template="vouchers/_settlement_results.html",
    export_name="voucher-settlements",
)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _officer(user: Any) -> bool:
    return reads_all(user) or has_role(user, Role.COUNTY_OFFICER)


def _voucher_user(request: AuthedHttpRequest) -> None:
    _require(selectors.is_voucher_user(request.user), _("无权查看运力券。"))


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """The entry of the voucher pages: each role lands on its own first page."""
    user = request.user
    if selectors.can_manage(user):
        return redirect("vouchers:batches")
    if selectors.can_pay_settlements(user):
        return redirect("vouchers:settlements")
    if _officer(user):
        return redirect("vouchers:dashboard")
    _voucher_user(request)
    return redirect("vouchers:list")


# ------------------------------------------------------------------ pools and purchases


@login_required
@require_http_methods(["GET", "POST"])
def pool_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(_officer(request.user), _("只有政府部门用户可以查看运力券资金池。"))
    can_manage = selectors.can_manage(request.user)
    year = timezone.localdate().year
    form = PoolForm(request.POST or None, initial={"year": year}) if can_manage else None
    if request.method == "POST":
        _require(can_manage, _("只有市商务局审核人员可以设置运力券资金池。"))
        assert form is not None
        if done := submit(
            request, form, lambda data: services.pool_set(actor=request.user, **data)
        ):
            messages.success(request, _("资金池已保存。"))
            return redirect("vouchers:pool", pk=done.value.pk)
    response = POOLS.render(
        request,
        lambda _values: selectors.pool_list_for(user=request.user),
        {"pool_form": form, "can_manage": can_manage},
    )
    response.status_code = form_status(request)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pool_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pool = selectors.pool_get_for(user=request.user, pk=pk)
    can_manage = selectors.can_manage(request.user)
    form = None
    if can_manage:
        initial = {"valid_from": timezone.localdate().replace(month=1, day=1)}
        initial["valid_to"] = initial["valid_from"].replace(month=12, day=31)
        form = PurchaseForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _require(can_manage, _("只有市商务局审核人员可以登记运力采购。"))
        assert form is not None
        if submit(
            request,
            form,
            lambda data: services.purchase_record(actor=request.user, pool=pool, **data),
        ):
            messages.success(request, _("运力采购已登记。"))
            return redirect("vouchers:pool", pk=pool.pk)
    context = {
        "pool": pool,
        "purchases": pool.purchases.all(),
        "batches": selectors.batch_list_for(user=request.user).filter(pool=pool),
        "form": form,
    }
    return render(request, "vouchers/pool_detail.html", context, status=form_status(request))


# ------------------------------------------------------------------ batches


@login_required
def batch_list(request: AuthedHttpRequest) -> HttpResponse:
    _voucher_user(request)
    return BATCHES.render(
        request,
        lambda values: selectors.batch_list_for(user=request.user, filters=values),
        {"can_manage": selectors.can_manage(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(selectors.can_manage(request.user), _("只有市商务局审核人员可以创建运力券批次。"))
    today = timezone.localdate()
    form = BatchForm(
        request.POST or None,
        initial={
            "pool": selectors.pool_list_for(user=request.user).filter(year=today.year).first(),
            "face_values": "1000,500,100",
            "valid_from": today,
            "valid_to": today.replace(month=12, day=31),
            "per_enterprise_limit": "100000",
        },
    )
    if done := submit(
        request, form, lambda data: services.batch_create(actor=request.user, **data)
    ):
        messages.success(request, _("批次已创建（未发布）。"))
        return redirect("vouchers:batch", pk=done.value.pk)
    return render(request, "vouchers/batch_form.html", {"form": form}, status=form_status(request))


def _claimable_contracts(request: AuthedHttpRequest) -> Any:
    return selectors.contract_list_for(user=request.user).filter(claim__isnull=True)


def _batch_context(request: AuthedHttpRequest, batch: VoucherBatch, **extra: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    can_manage = selectors.can_manage(user)
    context: dict[str, Any] = {
        "batch": batch,
        "can_publish": can_manage and workflow.publish_refusal(batch, today=today) is None,
        "can_close": can_manage and workflow.close_refusal(batch) is None,
        "claims": selectors.claim_list_for(user=user).filter(batch=batch)[:200],
    }
    if selectors.can_claim(user) and workflow.claim_window_refusal(batch, today=today) is None:
        context["claim_form"] = extra.pop(
            "claim_form", ClaimForm(contracts=_claimable_contracts(request))
        )
    context.update(extra)
    return context


@login_required
def batch_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _voucher_user(request)
    batch = selectors.batch_get_for(user=request.user, pk=pk)
    return render(request, "vouchers/batch_detail.html", _batch_context(request, batch))


def _batch_step(
    request: AuthedHttpRequest,
    pk: int,
    step: Callable[..., VoucherBatch],
    *,
    denied: str,
    success: str,
) -> HttpResponse:
    """A city reviewer's button on a batch (publish, close): the service decides, its refusal
    comes back as a message on the batch page."""
    _require(selectors.can_manage(request.user), denied)
    batch = selectors.batch_get_for(user=request.user, pk=pk)
    attempt(request, lambda: step(actor=request.user, batch=batch), success=success)
    return redirect("vouchers:batch", pk=pk)


@login_required
@require_POST
def batch_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _batch_step(
        request,
        pk,
        services.batch_publish,
        denied=_("只有市商务局审核人员可以发布运力券批次。"),
        success=_("批次已发布，已通知符合条件的企业。"),
    )


@login_required
@require_POST
def batch_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _batch_step(
        request,
        pk,
        services.batch_close,
        denied=_("只有市商务局审核人员可以结束运力券批次。"),
        success=_("批次已结束。"),
    )


@login_required
@require_POST
def claim_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_claim(request.user), _("只有企业用户可以申领运力券。"))
    batch = selectors.batch_get_for(user=request.user, pk=pk)
    form = ClaimForm(request.POST, contracts=_claimable_contracts(request))
    if done := submit(
        request,
        form,
        lambda data: services.claim_create(
            actor=request.user, batch=batch, contract=data["contract"]
        ),
        aliases={"batch": "__all__"},
    ):
        messages.success(
            request,
            _("申领成功：发放运力券 %(n)s 张，合计 %(a)s 元。")
            % {"n": done.value.vouchers.count(), "a": money(done.value.amount)},
        )
        return redirect("vouchers:list")
    context = _batch_context(request, batch, claim_form=form)
    return render(request, "vouchers/batch_detail.html", context, status=400)


# ------------------------------------------------------------------ contracts


@login_required
def contract_list(request: AuthedHttpRequest) -> HttpResponse:
    _voucher_user(request)
    today = timezone.localdate()
    open_batches = []
    if selectors.can_claim(request.user):
        open_batches = [
            b
            for b in selectors.batch_list_for(user=request.user).filter(
                status=BatchStatus.PUBLISHED
            )
            if workflow.claim_window_refusal(b, today=today) is None
        ]
    return CONTRACTS.render(
        request,
        lambda values: selectors.contract_list_for(user=request.user, filters=values),
        {"can_record": selectors.can_claim(request.user), "open_batches": open_batches},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(selectors.can_claim(request.user), _("只有企业用户可以登记物流合同。"))
    form = ContractForm(request.POST or None, request.FILES or None)
    if submit(request, form, lambda data: services.contract_record(actor=request.user, **data)):
        messages.success(request, _("物流合同已登记，可在发放中的批次申领运力券。"))
        return redirect("vouchers:contracts")
    return render(
        request, "vouchers/contract_form.html", {"form": form}, status=form_status(request)
    )


@login_required
def contract_file(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """The contract file, to whoever may see the contract; never inline, never cached."""
    contract = selectors.contract_get_for(user=request.user, pk=pk)
    response = FileResponse(
        contract.file.open("rb"),
        as_attachment=True,
        filename=f"contract-{contract.pk}.{contract.file.name.rsplit('.', 1)[-1]}",
        content_type=contract.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ vouchers and redemption


@login_required
def voucher_list(request: AuthedHttpRequest) -> HttpResponse:
    _voucher_user(request)
    return VOUCHERS.render(
        request,
        lambda values: selectors.voucher_list_for(user=request.user, filters=values),
        {"can_redeem": selectors.can_redeem(request.user)},
    )


def _voucher_context(request: AuthedHttpRequest, voucher: Voucher, **extra: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {
        "voucher": voucher,
        "redemptions": voucher.redemptions.order_by("redeemed_at", "pk"),
    }
    if selectors.can_redeem(user) and workflow.redeem_refusal(voucher, today=today) is None:
        context["redeem_form"] = RedeemForm(
            initial={"invoice_date": today, "amount": voucher.remaining}
        )
    if selectors.can_manage(user) and workflow.cancel_refusal(voucher) is None:
        context["cancel_form"] = CancelForm()
    context.update(extra)
    return context


@login_required
def voucher_detail(request: AuthedHttpRequest, code: str) -> HttpResponse:
    _voucher_user(request)
    voucher = selectors.voucher_get_for(user=request.user, code=code[:24])
    return render(request, "vouchers/voucher_detail.html", _voucher_context(request, voucher))


@login_required
@require_POST
def voucher_redeem(request: AuthedHttpRequest, code: str) -> HttpResponse:
    _require(selectors.can_redeem(request.user), _("只有物流企业合作机构用户可以核销运力券。"))
    voucher = selectors.voucher_get_for(user=request.user, code=code[:24])
    form = RedeemForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.voucher_redeem(actor=request.user, voucher=voucher, **data),
        aliases={"voucher": "__all__"},
    ):
        messages.success(request, _("核销成功。"))
        return redirect("vouchers:voucher", code=voucher.code)
    voucher.refresh_from_db()
    context = _voucher_context(request, voucher, redeem_form=form)
    return render(request, "vouchers/voucher_detail.html", context, status=400)


@login_required
@require_POST
def voucher_cancel(request: AuthedHttpRequest, code: str) -> HttpResponse:
    _require(selectors.can_manage(request.user), _("只有市商务局审核人员可以作废运力券。"))
    voucher = selectors.voucher_get_for(user=request.user, code=code[:24])
    form = CancelForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.voucher_cancel(actor=request.user, voucher=voucher, **data),
        aliases={"voucher": "__all__"},
    ):
        messages.success(request, _("运力券已作废，余额退回资金池。"))
        return redirect("vouchers:voucher", code=voucher.code)
    context = _voucher_context(request, voucher, cancel_form=form)
    return render(request, "vouchers/voucher_detail.html", context, status=400)


# ------------------------------------------------------------------ settlements


def _settlement_reader(request: AuthedHttpRequest) -> None:
    _require(
        reads_all(request.user) or selectors.can_redeem(request.user),
        _("无权查看运力券结算单。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def settlement_list(request: AuthedHttpRequest) -> HttpResponse:
    _settlement_reader(request)
    can_issue = selectors.can_issue_settlements(request.user)
    form = None
    if can_issue:
        last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        form = SettlementIssueForm(
            request.POST or None,
            initial={
                "pool": selectors.pool_list_for(user=request.user)
                .filter(year=last_month.year)
                .first(),
                "month": f"{last_month:%Y-%m}",
            },
        )
    if request.method == "POST":
        _require(can_issue, _("只有市商务局或财务人员可以生成结算单。"))
        assert form is not None
        if done := submit(
            request, form, lambda data: services.settlement_issue(actor=request.user, **data)
        ):
            messages.success(request, _("结算单已生成。"))
            return redirect("vouchers:settlement", pk=done.value.pk)
    response = SETTLEMENTS.render(
        request,
        lambda values: selectors.settlement_list_for(user=request.user, filters=values),
        {"issue_form": form},
    )
    response.status_code = form_status(request)
    return response


def _settlement_context(settlement: Settlement, request: AuthedHttpRequest, **extra: Any) -> Any:
    context: dict[str, Any] = {
        "settlement": settlement,
        "rows": documents.statement_rows(settlement),
    }
    if selectors.can_pay_settlements(request.user) and workflow.pay_refusal(settlement) is None:
        context["pay_form"] = PayForm(initial={"paid_on": timezone.localdate()})
    context.update(extra)
    return context


@login_required
def settlement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _settlement_reader(request)
    settlement = selectors.settlement_get_for(user=request.user, pk=pk)
    return render(
        request, "vouchers/settlement_detail.html", _settlement_context(settlement, request)
    )


@login_required
@require_POST
def settlement_pay(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_pay_settlements(request.user), _("只有财务人员可以登记结算支付。"))
    settlement = selectors.settlement_get_for(user=request.user, pk=pk)
    form = PayForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.settlement_pay(actor=request.user, settlement=settlement, **data),
        aliases={"status": "__all__"},
    ):
        messages.success(request, _("结算支付已登记。"))
        return redirect("vouchers:settlement", pk=pk)
    context = _settlement_context(settlement, request, pay_form=form)
    return render(request, "vouchers/settlement_detail.html", context, status=400)


def _statement_name(settlement: Settlement, ext: str) -> str:
    return f"settlement-{settlement.logistics_code}-{settlement.month:%Y%m}.{ext}"


@login_required
def settlement_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _settlement_reader(request)
    settlement = selectors.settlement_get_for(user=request.user, pk=pk)
    return excel_response(
        documents.settlement_workbook(settlement), _statement_name(settlement, "xlsx")
    )


@login_required
def settlement_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _settlement_reader(request)
    settlement = selectors.settlement_get_for(user=request.user, pk=pk)
    response = HttpResponse(documents.settlement_pdf(settlement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_statement_name(settlement, "pdf")}"'
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ dashboard


@login_required
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
    data = dashboards.dashboard(user=request.user, year=year)
    years = sorted(
        set(selectors.pool_list_for(user=request.user).values_list("year", flat=True)) | {year},
        reverse=True,
    )
    return render(request, "vouchers/dashboard.html", {"data": data, "years": years})
