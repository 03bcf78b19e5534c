"""Overseas warehouse pages: browse, detail, register, edit, status and recognition."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import form_status, submit
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from warehouses import selectors, services, workflow
from warehouses.filters import WarehouseFilterSet
from warehouses.forms import (
    RecognitionForm,
    StatusForm,
    WarehouseCreateForm,
    WarehouseForm,
)
from warehouses.models import OverseasWarehouse

WAREHOUSES = ListPage(
    filters=WarehouseFilterSet,
    columns=(
        Column(_l("名称"), "name"),
        Column(_l("国家（地区）"), "country.label"),
        Column(_l("城市"), "city"),
        Column(_l("运营企业"), "operator.name"),
        Column(_l("面积（平方米）"), "area_m2", num=True),
        Column(_l("状态"), "get_status_display"),
        Column(_l("市级公共海外仓"), "public_recognition_year"),
    ),
    template="warehouses/list.html",
    results_template="warehouses/_results.html",
    export_name="warehouses",
)


@login_required
def warehouse_list(request: AuthedHttpRequest) -> HttpResponse:
    return WAREHOUSES.render(
        request,
        lambda values: selectors.warehouse_list_for(user=request.user, filters=values),
        {"can_create": selectors.can_create_warehouse(request.user)},
    )


def _detail_context(
    request: AuthedHttpRequest, w: OverseasWarehouse, **extra: Any
) -> dict[str, Any]:
    can_edit = selectors.can_edit_warehouse(request.user, w)
    can_recognise = selectors.can_recognise_warehouse(request.user)
    context: dict[str, Any] = {
        "warehouse": w,
        "can_edit": can_edit,
        "can_recognise": can_recognise,
        "next_statuses": workflow.next_statuses(w),
    }
    if can_edit:
        context["status_form"] = StatusForm()
    if can_recognise:
        context["recognition_form"] = RecognitionForm(initial={"year": w.public_recognition_year})
    context.update(extra)
    return context


@login_required
def warehouse_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    return render(request, "warehouses/detail.html", _detail_context(request, warehouse))


@login_required
@require_http_methods(["GET", "POST"])
def warehouse_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_create_warehouse(request.user):
        raise PermissionDenied(_("只有海外仓运营企业或市商务局可以登记海外仓。"))
    choose_operator = selectors.is_city_level(request.user)
    form = WarehouseCreateForm(request.POST or None, choose_operator=choose_operator)

    def create(data: dict[str, Any]) -> OverseasWarehouse:
        data = dict(data)
        operator = data.pop("operator", None) or request.user.enterprise
        if operator is None:
            raise PermissionDenied(_("请先绑定所属企业。"))
        return services.warehouse_create(actor=request.user, operator=operator, **data)

    if done := submit(request, form, create):
        messages.success(request, _("海外仓已登记。"))
        return redirect("warehouses:detail", pk=done.value.pk)
    return render(request, "warehouses/form.html", {"form": form}, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def warehouse_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    if not selectors.can_edit_warehouse(request.user, warehouse):
        raise PermissionDenied(_("无权修改该海外仓。"))
    form = WarehouseForm(request.POST or None, initial=WarehouseForm.initial_for(warehouse))
    if submit(
        request,
        form,
        lambda data: services.warehouse_update(actor=request.user, warehouse=warehouse, **data),
    ):
        messages.success(request, _("海外仓信息已保存。"))
        return redirect("warehouses:detail", pk=warehouse.pk)
    context = {"form": form, "warehouse": warehouse}
    return render(request, "warehouses/form.html", context, status=form_status(request))


@login_required
@require_POST
def warehouse_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    if not selectors.can_edit_warehouse(request.user, warehouse):
        raise PermissionDenied(_("无权修改该海外仓。"))
    form = StatusForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.warehouse_set_status(actor=request.user, warehouse=warehouse, **data),
    ):
        messages.success(request, _("状态已更新。"))
        return redirect("warehouses:detail", pk=warehouse.pk)
    context = _detail_context(request, warehouse, status_form=form)
    return render(request, "warehouses/detail.html", context, status=400)


@login_required
@require_POST
def warehouse_recognise(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    if not selectors.can_recognise_warehouse(request.user):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以认定市级公共海外仓。"))
    form = RecognitionForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.warehouse_recognise(
            actor=request.user, warehouse=warehouse, year=data["year"]
        ),
    ):
        messages.success(request, _("认定信息已保存。"))
        return redirect("warehouses:detail", pk=warehouse.pk)
    context = _detail_context(request, warehouse, recognition_form=form)
    return render(request, "warehouses/detail.html", context, status=400)
