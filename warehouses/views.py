"""Overseas warehouse pages: browse, detail, register, edit, status and recognition."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import apply_errors
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from warehouses import selectors, services
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
        Column(_l("国家（地区）"), "country.name"),
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


def _detail_context(request: HttpRequest, w: OverseasWarehouse, **extra: Any) -> dict[str, Any]:
    can_edit = selectors.can_edit_warehouse(request.user, w)
    can_recognise = selectors.can_recognise_warehouse(request.user)
    context: dict[str, Any] = {
        "warehouse": w,
        "can_edit": can_edit,
        "can_recognise": can_recognise,
        "next_statuses": [
            (s, label)
            for s, label in StatusForm.base_fields["status"].choices  # type: ignore[attr-defined]
            if s in services.STATUS_EDGES.get(w.status, frozenset())
        ],
    }
    if can_edit:
        context["status_form"] = StatusForm()
    if can_recognise:
        context["recognition_form"] = RecognitionForm(initial={"year": w.public_recognition_year})
    context.update(extra)
    return context


@login_required
def warehouse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    return render(request, "warehouses/detail.html", _detail_context(request, warehouse))


@login_required
@require_http_methods(["GET", "POST"])
def warehouse_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create_warehouse(request.user):
        raise PermissionDenied(_("只有海外仓运营企业或市商务局可以登记海外仓。"))
    choose_operator = selectors.is_city_level(request.user)
    form = WarehouseCreateForm(request.POST or None, choose_operator=choose_operator)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        operator = data.pop("operator", None) or getattr(request.user, "enterprise", None)
        if operator is None:
            raise PermissionDenied(_("请先绑定所属企业。"))
        try:
            warehouse = services.warehouse_create(
                actor=request.user,  # type: ignore[arg-type]
                operator=operator,
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("海外仓已登记。"))
            return redirect("warehouses:detail", pk=warehouse.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "warehouses/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def warehouse_edit(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    if not selectors.can_edit_warehouse(request.user, warehouse):
        raise PermissionDenied(_("无权修改该海外仓。"))
    form = WarehouseForm(request.POST or None, initial=WarehouseForm.initial_for(warehouse))
    if request.method == "POST" and form.is_valid():
        try:
            services.warehouse_update(
                actor=request.user,  # type: ignore[arg-type]
                warehouse=warehouse,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("海外仓信息已保存。"))
            return redirect("warehouses:detail", pk=warehouse.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "warehouse": warehouse}
    return render(request, "warehouses/form.html", context, status=status)


@login_required
@require_POST
def warehouse_status(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    if not selectors.can_edit_warehouse(request.user, warehouse):
        raise PermissionDenied(_("无权修改该海外仓。"))
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.warehouse_set_status(
                actor=request.user,  # type: ignore[arg-type]
                warehouse=warehouse,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("状态已更新。"))
            return redirect("warehouses:detail", pk=warehouse.pk)
    context = _detail_context(request, warehouse, status_form=form)
    return render(request, "warehouses/detail.html", context, status=400)


@login_required
@require_POST
def warehouse_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = selectors.warehouse_get_for(user=request.user, pk=pk)
    if not selectors.can_recognise_warehouse(request.user):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以认定市级公共海外仓。"))
    form = RecognitionForm(request.POST)
    if form.is_valid():
        try:
            services.warehouse_recognise(
                actor=request.user,  # type: ignore[arg-type]
                warehouse=warehouse,
                year=form.cleaned_data["year"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("认定信息已保存。"))
            return redirect("warehouses:detail", pk=warehouse.pk)
    context = _detail_context(request, warehouse, recognition_form=form)
    return render(request, "warehouses/detail.html", context, status=400)
