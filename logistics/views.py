"""Logistics pages: shipments in scope with their timeline, county/month aggregates for
officers, and the public waybill query (status steps only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from logistics import selectors
from logistics.filters import ShipmentFilterSet
from logistics.forms import TrackForm, YearForm

SHIPMENTS = ListPage(
    filters=ShipmentFilterSet,
    columns=(
        Column(_l("运单号"), "logistics_no"),
        Column(_l("物流企业代码"), "logistics_code"),
        Column(_l("订单编号"), "order_no"),
        Column(_l("当前状态"), "get_status_display"),
        Column(_l("状态时间"), "status_at"),
        Column(_l("异常次数"), "exceptions", num=True),
    ),
    template="logistics/list.html",
    results_template="logistics/_results.html",
    export_name="shipments",
)


@login_required
def shipment_list(request: AuthedHttpRequest) -> HttpResponse:
    return SHIPMENTS.render(
        request, lambda values: selectors.shipment_list_for(user=request.user, filters=values)
    )


@login_required
def shipment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    shipment = selectors.shipment_get_for(user=request.user, pk=pk)
    return render(
        request,
        "logistics/detail.html",
        {"shipment": shipment, "events": selectors.timeline(shipment)},
    )


@login_required
def aggregates(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_see_aggregates(request.user):
        raise PermissionDenied(_("只有县区和市级工作人员可以查看物流统计。"))
    form = YearForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_valid() and form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
    rows = selectors.county_month_aggregates(user=request.user, year=year)
    return render(request, "logistics/aggregates.html", {"form": form, "year": year, "rows": rows})


def public_track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    steps = None
    if form.is_valid():
        steps = selectors.public_track(logistics_no=form.cleaned_data["no"])
    return render(request, "logistics/track.html", {"form": form, "steps": steps})
