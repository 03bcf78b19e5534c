"""Officers' pages for industry belts and parks: list, detail, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_status, submit
from core.http import AuthedHttpRequest
from enterprises import place_selectors, place_services
from enterprises.models import IndustryBelt, Park
from enterprises.place_forms import BeltForm, ParkForm

MEMBER_LIMIT = 200


def _county_param(request: HttpRequest) -> int | None:
    value = request.GET.get("county", "")
    return int(value) if value.isdigit() else None


def _require_edit(request: HttpRequest) -> None:
    if not place_selectors.can_edit_places(request.user):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以维护产业带和园区。"))


@login_required
def belt_list(request: HttpRequest) -> HttpResponse:
    county = _county_param(request)
    belts = place_selectors.belt_list_for(user=request.user, county_id=county)
    context = {
        "belts": belts,
        "recognised": sum(1 for b in belts if b.recognised_year),
        "can_edit": place_selectors.can_edit_places(request.user),
    }
    return render(request, "enterprises/places/belt_list.html", context)


@login_required
def belt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    belt = place_selectors.belt_get_for(user=request.user, pk=pk)
    members = place_selectors.belt_enterprises_for(user=request.user, belt=belt)
    context = {
        "belt": belt,
        "leads": belt.lead_enterprises.select_related("county"),
        "members": members[:MEMBER_LIMIT],
        "member_total": members.count(),
        "can_edit": place_selectors.can_edit_places(request.user),
    }
    return render(request, "enterprises/places/belt_detail.html", context)


def _belt_form(request: AuthedHttpRequest, belt: IndustryBelt | None) -> HttpResponse:
    _require_edit(request)
    initial = BeltForm.initial_for(belt) if belt else {}
    form = BeltForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: place_services.industry_belt_save(actor=request.user, belt=belt, **data),
    ):
        messages.success(request, _("产业带已保存。"))
        return redirect("enterprises:belt_detail", pk=done.value.pk)
    context: dict[str, Any] = {"form": form, "belt": belt}
    return render(
        request, "enterprises/places/belt_form.html", context, status=form_status(request)
    )


@login_required
@require_http_methods(["GET", "POST"])
def belt_create(request: AuthedHttpRequest) -> HttpResponse:
    return _belt_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def belt_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _belt_form(request, place_selectors.belt_get_for(user=request.user, pk=pk))


@login_required
def park_list(request: HttpRequest) -> HttpResponse:
    county = _county_param(request)
    parks = place_selectors.park_list_for(user=request.user, county_id=county)
    context = {
        "parks": parks,
        "recognised": sum(1 for p in parks if p.recognised_year),
        "members": sum(p.member_count for p in parks),  # type: ignore[attr-defined]
        "can_edit": place_selectors.can_edit_places(request.user),
    }
    return render(request, "enterprises/places/park_list.html", context)


@login_required
def park_detail(request: HttpRequest, pk: int) -> HttpResponse:
    park = place_selectors.park_get_for(user=request.user, pk=pk)
    members = place_selectors.park_members_for(user=request.user, park=park)
    context = {
        "park": park,
        "members": members[:MEMBER_LIMIT],
        "member_total": members.count(),
        "all_members": park.enterprises.count(),
        "can_edit": place_selectors.can_edit_places(request.user),
    }
    return render(request, "enterprises/places/park_detail.html", context)


def _park_form(request: AuthedHttpRequest, park: Park | None) -> HttpResponse:
    _require_edit(request)
    initial = ParkForm.initial_for(park) if park else {}
    form = ParkForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: place_services.park_save(actor=request.user, park=park, **data),
    ):
        messages.success(request, _("园区已保存。"))
        return redirect("enterprises:park_detail", pk=done.value.pk)
    context = {"form": form, "park": park}
    return render(
        request, "enterprises/places/park_form.html", context, status=form_status(request)
    )


@login_required
@require_http_methods(["GET", "POST"])
def park_create(request: AuthedHttpRequest) -> HttpResponse:
    return _park_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def park_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _park_form(request, place_selectors.park_get_for(user=request.user, pk=pk))
