"""Registration, the enterprise's own page, the officers' list, detail, edit and recognitions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.views import registration_throttle
from core.forms import apply_errors, submit
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from core.public import PRIVACY_VERSION
from enterprises import excel, selectors, services, workflow
from enterprises.filters import EnterpriseFilterSet
from enterprises.forms import EnterpriseEditForm, RecognitionForm, RegisterForm, edit_initial
from enterprises.models import Enterprise

_PROFILE_KEYS = (
    "uscc",
    "name",
    "county",
    "kind",
    "customs_code",
    "industry_belt",
    "park",
    "first_cbec_year",
    "independent_site_url",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("enterprises:mine")
    if (throttled := registration_throttle(request)) is not None:
        return throttled  # too many registration requests from this address: 429
    form = RegisterForm(request.POST or None)
    refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _enterprise, user = services.enterprise_register(
                **{k: data[k] for k in _PROFILE_KEYS},
                username=data["username"],
                password=data["password1"],
                privacy_consent_version=PRIVACY_VERSION if data["privacy_consent"] else "",
            )
        except services.RegistrationRefused as exc:
            form.add_error(None, exc.messages)
            refused = True
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"password": "password1"})
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request, _("企业注册成功，档案待县区商务部门核验。您已登录，可以继续完善企业信息。")
            )
            return redirect("enterprises:mine")
    return render(request, "enterprises/register.html", {"form": form, "refused": refused})


def _detail_context(
    request: AuthedHttpRequest, enterprise: Enterprise, **extra: Any
) -> dict[str, Any]:
    user = request.user
    can_recognise = selectors.can_manage_recognitions(user)
    facts = selectors.fact_rows(enterprise)
    context: dict[str, Any] = {
        "enterprise": enterprise,
        "recognitions": enterprise.recognitions.all(),
        "missing": selectors.missing_profile_fields(enterprise),
        "completeness": selectors.profile_completeness(enterprise),
        "can_edit": selectors.can_edit_enterprise(user, enterprise),
        "can_recognise": can_recognise,
        "facts": facts,
        "changes": selectors.change_request_visible_qs(user=user).filter(enterprise=enterprise)[
            :10
        ],
        "can_decide": selectors.can_decide_changes(user, enterprise),
    }
    context["has_declared"] = any(not f["verified"] for f in facts.values())
    if can_recognise and "recognition_form" not in extra:
        context["recognition_form"] = RecognitionForm()
    context.update(extra)
    return context


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    enterprise_id = request.user.enterprise_id
    if not request.user.is_enterprise_user or not enterprise_id:
        return redirect("enterprises:list")
    enterprise = selectors.enterprise_get_for(user=request.user, pk=enterprise_id)
    return render(request, "enterprises/mine.html", _detail_context(request, enterprise))


ENTERPRISES = ListPage(
    filters=EnterpriseFilterSet,
    columns=(
        Column(_l("企业名称"), "name"),
        Column(_l("统一社会信用代码"), "uscc"),
        Column(_l("县区"), "county.label"),
        Column(_l("企业类型"), "get_kind_display"),
        Column(_l("产业带"), lambda e: e.industry_belt.name if e.industry_belt else ""),
        Column(_l("首次跨境年份"), "first_cbec_year", num=True),
        Column(_l("状态"), "get_status_display"),
    ),
    template="enterprises/list.html",
    results_template="enterprises/_results.html",
    export_name="enterprises",
    export_workbook=excel.build_export,
    formats=("xlsx",),
)


def _registry(request: AuthedHttpRequest) -> Callable[[Mapping[str, Any]], Any]:
    if not selectors.can_view_registry(request.user):
        raise PermissionDenied(_("企业档案仅对政府部门开放。"))
    return lambda values: selectors.enterprise_list_for(user=request.user, filters=values)


@login_required
def enterprise_list(request: AuthedHttpRequest) -> HttpResponse:
    context = {
        "can_import": selectors.can_import_enterprises(request.user),
        "can_decide_changes": selectors.can_view_change_inbox(request.user),
        "pending_changes": selectors.change_request_inbox_for(user=request.user).count(),
    }
    return ENTERPRISES.render(request, _registry(request), context)


@login_required
@require_GET
def export(request: AuthedHttpRequest) -> HttpResponse:
    """The filtered registry as Excel (the list's ``?format=xlsx``, kept at its own URL)."""
    queryset = _registry(request)
    _form, values = ENTERPRISES.filter_values(request)
    return ENTERPRISES.export(queryset(values), "xlsx")


@login_required
def detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get_for(user=request.user, pk=pk)
    return render(request, "enterprises/detail.html", _detail_context(request, enterprise))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get_for(user=request.user, pk=pk)
    editable = selectors.editable_fields_for(request.user, enterprise)
    if not editable:
        raise PermissionDenied(_("无权修改该企业档案。"))
    needs_verification = selectors.facts_need_verification(request.user, enterprise)
    initial = edit_initial(enterprise)
    if needs_verification:  # the form shows what the enterprise asked for, still pending
        for field, change in selectors.pending_changes_for(enterprise).items():
            initial[field] = change.new_value
    form = EnterpriseEditForm(
        request.POST or None,
        editable=editable,
        statuses=workflow.status_choices(enterprise),
        initial=initial,
    )
    if submit(
        request,
        form,
        lambda data: services.enterprise_update(actor=request.user, enterprise=enterprise, **data),
    ):
        messages.success(request, _("企业档案已保存。"))
        if needs_verification and selectors.pending_changes_for(enterprise):
            messages.info(
                request,
                _("海关注册编码、企业类型、首次开展跨境电商年份的变更已提交，待县区核验后生效。"),
            )
        if request.user.enterprise_id == enterprise.pk:
            return redirect("enterprises:mine")
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"enterprise": enterprise, "form": form, "needs_verification": needs_verification}
    return render(request, "enterprises/edit.html", context)


@login_required
@require_POST
def recognition_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get_for(user=request.user, pk=pk)
    if not selectors.can_manage_recognitions(request.user):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以登记认定。"))
    form = RecognitionForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.recognition_add(actor=request.user, enterprise=enterprise, **data),
    ):
        messages.success(request, _("认定已登记。"))
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = _detail_context(request, enterprise, recognition_form=form)
    return render(request, "enterprises/detail.html", context, status=400)


@login_required
@require_POST
def recognition_remove(request: AuthedHttpRequest, pk: int, rid: int) -> HttpResponse:
    recognition = selectors.recognition_get_for(user=request.user, enterprise_pk=pk, pk=rid)
    services.recognition_remove(actor=request.user, recognition=recognition)
    messages.success(request, _("认定已撤销。"))
    return redirect("enterprises:detail", pk=pk)
