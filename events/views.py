"""Event pages: browse, detail, publish/edit, register, check in, registrations, attendance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from codes import selectors as codes
from core.excel import excel_response
from core.forms import attempt, form_status, submit
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from events import excel, selectors, services, workflow
from events.filters import EventFilterSet, RegistrationFilterSet
from events.forms import (
    AttendanceImportForm,
    CheckInForm,
    CodeCheckInForm,
    EventForm,
    RegisterForm,
    StatusForm,
)
from events.models import Event, EventStatus, Registration

EVENTS = ListPage(
    filters=EventFilterSet,
    columns=(
        Column(_l("活动名称"), "title"),
        Column(_l("类型"), "get_kind_display"),
        Column(_l("开始时间"), "starts_at"),
        Column(_l("县区"), lambda e: e.county.label if e.county else _("全市")),
        Column(_l("主办单位"), "organiser"),
        Column(_l("报名人数"), "registered", num=True),
        Column(_l("名额"), "capacity", num=True),
        Column(_l("签到人数"), "attended_count", num=True),
        Column(_l("状态"), "get_status_display"),
    ),
    template="events/list.html",
    results_template="events/_results.html",
    export_name="events",
)

REGISTRATIONS = ListPage(
    filters=RegistrationFilterSet,
    columns=(
        Column(_l("姓名"), "name"),
        Column(_l("手机号"), "phone"),
        Column(_l("单位"), "organisation"),
        Column(_l("来源"), "get_source_display"),
        Column(_l("已签到"), lambda r: _("是") if r.attended else _("否")),
        Column(_l("签到时间"), "checked_in_at"),
    ),
    template="events/registrations.html",
    results_template="events/_registration_results.html",
    export_name="registrations",
)


@login_required
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    return EVENTS.render(
        request,
        lambda values: selectors.event_list_for(user=request.user, filters=values),
        {"can_publish": selectors.can_publish(request.user), "now": timezone.now()},
    )


def _detail_context(request: AuthedHttpRequest, event: Event, **extra: Any) -> dict[str, Any]:
    """The detail page; every button is what :mod:`events.workflow` allows now."""
    user = request.user
    mine = selectors.registration_of(user=user, event=event)
    can_manage = selectors.can_manage(user, event)
    now = timezone.now()
    open_for_registration = workflow.registration_refusal(event, now=now) is None
    context: dict[str, Any] = {
        "event": event,
        "mine": mine,
        "can_manage": can_manage,
        "seats_taken": selectors.seats_taken(event),
        "open_for_registration": open_for_registration,
        "can_register": selectors.can_register(user) and open_for_registration and mine is None,
        "can_cancel_mine": _can_cancel(mine, now),
        "check_in_open": workflow.check_in_refusal(event, now=now) is None,
    }
    if context["can_register"] and "register_form" not in extra:
        context["register_form"] = RegisterForm(
            initial={
                "name": user.get_full_name() or user.get_username(),
                "phone": user.phone,
                "organisation": getattr(user.enterprise, "name", ""),
            }
        )
    if can_manage:
        next_statuses = workflow.next_statuses(event, now=now)
        context["attended"] = event.registrations.filter(attended=True).count()
        context["can_edit"] = workflow.edit_refusal(event) is None
        context["can_finish"] = EventStatus.FINISHED in next_statuses
        context["can_cancel"] = EventStatus.CANCELLED in next_statuses
    context.update(extra)
    return context


def _can_cancel(mine: Registration | None, now: Any) -> bool:
    return mine is not None and workflow.cancel_registration_refusal(mine, now=now) is None


@login_required
def event_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for(user=request.user, pk=pk)
    return render(request, "events/detail.html", _detail_context(request, event))


def _publish_counties(request: AuthedHttpRequest) -> Any:
    if request.user.is_county_officer:
        return codes.county_qs().filter(pk=request.user.county_id or 0)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_publish(request.user):
        raise PermissionDenied(_("只有市商务局、县区商务部门或合作机构可以发布活动。"))
    organisation = getattr(request.user, "organisation", "") or ""
    form = EventForm(
        request.POST or None,
        county_choices=_publish_counties(request),
        initial={"organiser": organisation, "capacity": 50},
    )
    if done := submit(
        request, form, lambda data: services.event_publish(actor=request.user, **data)
    ):
        event = done.value
        messages.success(request, _("活动已发布，签到码：%(c)s") % {"c": event.check_in_code})
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form}, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, event):
        raise PermissionDenied(_("无权修改该活动。"))
    form = EventForm(
        request.POST or None,
        county_choices=_publish_counties(request),
        initial=EventForm.initial_for(event),
    )
    if submit(
        request,
        form,
        lambda data: services.event_update(actor=request.user, event=event, **data),
    ):
        messages.success(request, _("活动已保存。"))
        return redirect("events:detail", pk=event.pk)
    context = {"form": form, "event": event}
    return render(request, "events/form.html", context, status=form_status(request))


@login_required
@require_POST
def event_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, event):
        raise PermissionDenied(_("无权修改该活动。"))
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("无效的操作。"))
        return redirect("events:detail", pk=event.pk)
    attempt(
        request,
        lambda: services.event_set_status(
            actor=request.user, event=event, status=form.cleaned_data["status"]
        ),
        success=_("活动状态已更新。"),
    )
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def register(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for(user=request.user, pk=pk)
    if not selectors.can_register(request.user):
        raise PermissionDenied(_("只有企业用户可以在线报名。"))
    form = RegisterForm(request.POST)
    if done := submit(
        request,
        form,
        lambda data: services.registration_create(actor=request.user, event=event, **data),
    ):
        messages.success(
            request,
            _("报名成功。您的个人签到码：%(c)s（活动当天凭此签到）")
            % {"c": done.value.check_in_code},
        )
        return redirect("events:detail", pk=event.pk)
    context = _detail_context(request, event, register_form=form)
    context["can_register"] = True
    return render(request, "events/detail.html", context, status=400)


@login_required
@require_POST
def registration_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for(user=request.user, pk=pk)
    mine = selectors.registration_of(user=request.user, event=event)
    if mine is None:
        raise PermissionDenied(_("您未报名该活动。"))
    attempt(
        request,
        lambda: services.registration_cancel(actor=request.user, registration=mine),
        success=_("已取消报名。"),
    )
    return redirect("events:detail", pk=event.pk)


@login_required
def registrations(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for(user=request.user, pk=pk)
    everyone = selectors.registrations_for(user=request.user, event=event)
    context = {
        "event": event,
        "registered": everyone.count(),
        "attended": everyone.filter(attended=True).count(),
        "can_mark": workflow.mark_attended_refusal(event) is None,
    }
    return REGISTRATIONS.render(
        request,
        lambda values: selectors.registrations_for(user=request.user, event=event, filters=values),
        context,
    )


@login_required
@require_POST
def mark_attended(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One row's "签到" button (``one``) or the bulk action on the ticked rows."""
    event = selectors.event_get_for(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, event):
        raise PermissionDenied(_("无权为该活动登记签到。"))
    raw = [request.POST["one"]] if "one" in request.POST else request.POST.getlist("registration")
    ids = [int(x) for x in raw[: REGISTRATIONS.page_size * 4] if x.isdigit() and len(x) < 12]
    if done := attempt(
        request,
        lambda: services.registrations_mark_attended(
            actor=request.user, event=event, registration_ids=ids
        ),
    ):
        messages.success(
            request,
            _("已标记签到 %(m)d 人，%(a)d 人此前已签到。")
            % {"m": done.value.marked, "a": done.value.already},
        )
    back = request.POST.get("back", "")
    if back.startswith("?") and len(back) < 500:
        return redirect(reverse("events:registrations", args=[event.pk]) + back)
    return redirect("events:registrations", pk=event.pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_check_in(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The event's check-in page: the attendee or the desk enters a personal check-in code."""
    event = selectors.event_get_for(user=request.user, pk=pk)
    form = CodeCheckInForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.registration_check_in(
            actor=request.user, event=event, code=data["code"]
        ),
    ):
        who = done.value.registration.name
        if done.value.already:
            messages.info(request, _("%(n)s 此前已签到。") % {"n": who})
        else:
            messages.success(request, _("%(n)s 签到成功。") % {"n": who})
        return redirect("events:event_check_in", pk=event.pk)
    context = {
        "event": event,
        "form": form,
        "desk": selectors.can_manage(request.user, event),
        "refusal": workflow.check_in_refusal(event),
    }
    return render(request, "events/event_check_in.html", context, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, event):
        raise PermissionDenied(_("无权为该活动导入签到名单。"))
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.attendance_import(
            actor=request.user,
            event=event,
            file=upload,
            filename=upload.name,
        )
        if result.ok:
            messages.success(
                request,
                _(
                    "签到名单已导入：%(m)d 人按报名记录签到，"
                    "新增现场签到 %(a)d 人，%(d)d 人此前已签到。"
                )
                % {"m": result.matched, "a": result.added, "d": result.already},
            )
            if result.samples:
                messages.info(request, _("已忽略示例行 %(n)d 行。") % {"n": result.samples})
            return redirect("events:registrations", pk=event.pk)
    status = 400 if result is not None and not result.ok else 200
    context = {"event": event, "form": form, "result": result}
    return render(request, "events/attendance_import.html", context, status=status)


@login_required
def attendance_template(request: HttpRequest) -> HttpResponse:
    return excel_response(excel.build_template(), "attendance-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: AuthedHttpRequest) -> HttpResponse:
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if done := submit(request, form, lambda data: services.check_in(actor=request.user, **data)):
        event = done.value.registration.event
        if done.value.already:
            messages.info(request, _("您已签到：%(t)s") % {"t": event.title})
        else:
            messages.success(request, _("签到成功：%(t)s") % {"t": event.title})
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/check_in.html", {"form": form}, status=form_status(request))


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.my_registrations(user=request.user)
    return render(request, "events/mine.html", {"rows": rows, "now": timezone.now()})
