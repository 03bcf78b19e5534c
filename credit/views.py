"""Finance and insurance pages (金融保险): partners' products, enterprises' browsing, comparing
and applying, the application workflow, consents and their access log, trade profiles, the
public verification page and the bureau's volumes. Views parse, call a selector or a service,
render; the buttons are what :mod:`credit.workflow` allows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import attempt, form_status, submit
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from credit import documents, selectors, services, verification, workflow
from credit.filters import ApplicationFilterSet, ProductFilterSet
from credit.forms import (
    ApplyForm,
    CompleteForm,
    DocumentForm,
    NoteForm,
    OfferForm,
    ProductForm,
    VerifyDocumentForm,
    VerifyNumberForm,
)
from credit.models import CreditApplication, Product, ProductKind, ProductStatus

# the label of the menu entry core/navigation.py shows enterprises and bank / insurer partners
# (its translation lives in this app's catalogue)
MENU_LABEL = gettext_lazy("金融保险")

PRODUCTS = ListPage(
    filters=ProductFilterSet,
    columns=(
        Column(gettext_lazy("产品名称"), "name"),
        Column(gettext_lazy("金融机构"), "organisation"),
        Column(gettext_lazy("产品类型"), "get_kind_display"),
        Column(gettext_lazy("险种"), "get_insurance_line_display"),
        Column(gettext_lazy("最低金额（元）"), "amount_min", num=True),
        Column(gettext_lazy("最高金额（元）"), "amount_max", num=True),
        Column(gettext_lazy("最低利率/费率（%）"), "rate_min", num=True),
        Column(gettext_lazy("最高利率/费率（%）"), "rate_max", num=True),
        Column(gettext_lazy("最长期限（月）"), "term_months", num=True),
        Column(gettext_lazy("状态"), "get_status_display"),
    ),
    template="credit/products.html",
    results_template="credit/_product_results.html",
    export_name="credit-products",
)

APPLICATIONS = ListPage(
    filters=ApplicationFilterSet,
    columns=(
        Column(gettext_lazy("申请编号"), "pk"),
        Column(gettext_lazy("企业名称"), "enterprise.name"),
        Column(gettext_lazy("产品名称"), "product.name"),
        Column(gettext_lazy("金融机构"), "product.organisation"),
        Column(gettext_lazy("申请金额（元）"), "amount", num=True),
        Column(gettext_lazy("期限（月）"), "term_months", num=True),
        Column(gettext_lazy("状态"), "get_status_display"),
        Column(gettext_lazy("申请时间"), "created_at"),
    ),
    template="credit/applications.html",
    results_template="credit/_application_results.html",
)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _credit_user(request: AuthedHttpRequest) -> None:
    _require(selectors.is_credit_user(request.user), _("无权查看金融保险服务。"))


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if selectors.is_finance_partner(user):
        return redirect("credit:applications")
    if selectors.can_see_volumes(user):
        return redirect("credit:volumes")
    _credit_user(request)
    return redirect("credit:products")


# ------------------------------------------------------------------ products


@login_required
def product_list(request: AuthedHttpRequest) -> HttpResponse:
    _credit_user(request)
    return PRODUCTS.render(
        request,
        lambda values: selectors.product_list_for(user=request.user, filters=values),
        {
            "can_publish": selectors.is_finance_partner(request.user),
            "can_compare": selectors.can_apply(request.user),
        },
    )


@login_required
def product_compare(request: AuthedHttpRequest) -> HttpResponse:
    _credit_user(request)
    ids = []
    for raw in request.GET.getlist("ids")[:10]:
        if raw.isdigit() and len(raw) < 19:
            ids.append(int(raw))
    products = selectors.products_to_compare(user=request.user, ids=ids)
    return render(request, "credit/compare.html", {"products": products})


def _product_form(request: AuthedHttpRequest, product: Product | None) -> ProductForm:
    insurance = selectors.product_kind_for(request.user) == ProductKind.INSURANCE
    initial = {}
    if product is not None:
        initial = {
            f: getattr(product, f)
            for f in (
                "name",
                "insurance_line",
                "amount_min",
                "amount_max",
                "rate_min",
                "rate_max",
                "term_months",
                "summary",
                "criteria",
            )
        }
    return ProductForm(request.POST or None, initial=initial, insurance=insurance)


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(selectors.is_finance_partner(request.user), _("只有银行或保险机构用户可以发布产品。"))
    form = _product_form(request, None)
    if done := submit(
        request, form, lambda data: services.product_save(actor=request.user, **data)
    ):
        messages.success(request, _("产品已发布。"))
        return redirect("credit:product", pk=done.value.pk)
    return render(request, "credit/product_form.html", {"form": form}, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get_for(user=request.user, pk=pk)
    _require(selectors.can_manage_product(request.user, product), _("只能修改本机构的产品。"))
    form = _product_form(request, product)
    if submit(
        request,
        form,
        lambda data: services.product_save(actor=request.user, product=product, **data),
    ):
        messages.success(request, _("产品已保存。"))
        return redirect("credit:product", pk=product.pk)
    return render(
        request,
        "credit/product_form.html",
        {"form": form, "product": product},
        status=form_status(request),
    )


def _product_context(request: AuthedHttpRequest, product: Product, **extra: Any) -> dict[str, Any]:
    manage = selectors.can_manage_product(request.user, product)
    context: dict[str, Any] = {
        "product": product,
        "documents": product.documents.all(),
        "can_manage": manage,
        "can_apply": selectors.can_apply(request.user)
        and product.status == ProductStatus.PUBLISHED,
        "document_form": DocumentForm() if manage else None,
    }
    context.update(extra)
    return context


@login_required
def product_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _credit_user(request)
    product = selectors.product_get_for(user=request.user, pk=pk)
    return render(request, "credit/product_detail.html", _product_context(request, product))


@login_required
@require_POST
def product_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get_for(user=request.user, pk=pk)
    _require(selectors.can_manage_product(request.user, product), _("只能修改本机构的产品。"))
    status = request.POST.get("status", "")[:16]
    attempt(
        request,
        lambda: services.product_set_status(actor=request.user, product=product, status=status),
        success=_("产品状态已更新。"),
    )
    return redirect("credit:product", pk=pk)


@login_required
@require_POST
def document_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get_for(user=request.user, pk=pk)
    _require(selectors.can_manage_product(request.user, product), _("只能为本机构的产品上传文件。"))
    form = DocumentForm(request.POST, request.FILES)
    if submit(
        request,
        form,
        lambda data: services.document_add(actor=request.user, product=product, **data),
    ):
        messages.success(request, _("文件已上传。"))
        return redirect("credit:product", pk=pk)
    context = _product_context(request, product, document_form=form)
    return render(request, "credit/product_detail.html", context, status=400)


@login_required
def document_file(request: AuthedHttpRequest, pk: int) -> FileResponse:
    doc = selectors.document_get_for(user=request.user, pk=pk)
    response = FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=f"product-{doc.product_id}-{doc.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ applying


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_apply(request.user), _("只有企业用户可以申请金融保险产品。"))
    product = selectors.product_get_for(user=request.user, pk=pk)
    form = ApplyForm(
        request.POST or None,
        initial={"term_months": product.term_months, "amount": product.amount_min, "days": 90},
    )
    if done := submit(
        request,
        form,
        lambda data: services.application_submit(actor=request.user, product=product, **data),
    ):
        messages.success(request, _("申请已提交，数据授权已生效。"))
        return redirect("credit:application", pk=done.value.pk)
    return render(
        request,
        "credit/apply.html",
        {"form": form, "product": product},
        status=form_status(request),
    )


# ------------------------------------------------------------------ applications


@login_required
def application_list(request: AuthedHttpRequest) -> HttpResponse:
    _credit_user(request)
    return APPLICATIONS.render(
        request,
        lambda values: selectors.application_list_for(user=request.user, filters=values),
        {"is_partner": selectors.is_finance_partner(request.user)},
    )


def _application_context(
    request: AuthedHttpRequest, application: CreditApplication, **extra: Any
) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {"application": application, "steps": application.steps.all()}
    if selectors.is_partner_of(user, application):
        # every view of the page is a read of the enterprise's data under the consent
        context["data"] = services.consent_read(
            actor=user, application=application, what=_("查看申请及授权数据")
        )
        context["actions"] = workflow.actions_for(application, workflow.PARTNER)
        context["offer_form"] = extra.pop("offer_form", OfferForm())
        context["complete_form"] = extra.pop("complete_form", CompleteForm())
        context["profiles"] = selectors.profile_list_for(user=user).filter(application=application)
        context["side"] = "partner"
    else:
        context["actions"] = workflow.actions_for(application, workflow.ENTERPRISE)
        context["profiles"] = selectors.profile_list_for(user=user).filter(application=application)
        context["side"] = "enterprise"
    context.update(extra)
    return context


@login_required
def application_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    return render(
        request, "credit/application_detail.html", _application_context(request, application)
    )


@login_required
@require_POST
def application_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    edge = workflow.BY_ACTION.get(action)
    if edge is None:
        raise PermissionDenied(_("未知的操作。"))
    form: Any
    if action == "offer":
        form = OfferForm(request.POST)
    elif action in {"disburse", "issue"}:
        form = CompleteForm(request.POST)
    else:
        form = NoteForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.application_transition(
            actor=request.user, application=application, action=action, **data
        ),
    ):
        messages.success(request, _("已处理：%(a)s。") % {"a": edge.label})
        return redirect("credit:application", pk=pk)
    application.refresh_from_db()
    key = "offer_form" if action == "offer" else "complete_form"
    context = _application_context(request, application, **{key: form})
    return render(request, "credit/application_detail.html", context, status=400)


@login_required
@require_POST
def profile_issue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    _require(
        selectors.is_partner_of(request.user, application), _("只有受理机构可以获取贸易画像。")
    )
    profile = services.profile_issue(actor=request.user, application=application)
    messages.success(request, _("贸易画像已出具：%(n)s。") % {"n": profile.number})
    return redirect("credit:profile", number=profile.number)


# ------------------------------------------------------------------ trade profiles


@login_required
def profile_detail(request: AuthedHttpRequest, number: str) -> HttpResponse:
    profile = selectors.profile_get_for(user=request.user, number=number)
    services.profile_open(actor=request.user, profile=profile, what=_("查看贸易画像"))
    import json

    return render(
        request,
        "credit/profile_detail.html",
        {"profile": profile, "doc": json.loads(profile.document)},
    )


@login_required
def profile_json(request: AuthedHttpRequest, number: str) -> HttpResponse:
    profile = selectors.profile_get_for(user=request.user, number=number)
    services.profile_open(actor=request.user, profile=profile, what=_("下载贸易画像 JSON"))
    response = HttpResponse(documents.envelope_bytes(profile), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{profile.number}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def profile_pdf(request: AuthedHttpRequest, number: str) -> HttpResponse:
    profile = selectors.profile_get_for(user=request.user, number=number)
    services.profile_open(actor=request.user, profile=profile, what=_("下载贸易画像 PDF"))
    url = request.build_absolute_uri(reverse("credit:verify"))
    response = HttpResponse(
        documents.profile_pdf(profile, verify_url=url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{profile.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ consents


@login_required
def consent_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(selectors.can_apply(request.user), _("只有企业用户可以查看数据授权。"))
    consents = selectors.consent_list_for(user=request.user)
    return render(request, "credit/consents.html", {"consents": consents[:500]})


@login_required
def consent_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    consent = selectors.consent_get_for(user=request.user, pk=pk)
    accesses = selectors.access_list_for(user=request.user, consent=consent)
    return render(
        request, "credit/consent_detail.html", {"consent": consent, "accesses": accesses[:1000]}
    )


@login_required
@require_POST
def consent_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    consent = selectors.consent_get_for(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.consent_revoke(actor=request.user, consent=consent),
        success=_("授权已撤回，对方已不能查看贵企业的数据。"),
    )
    return redirect("credit:consent", pk=pk)


# ------------------------------------------------------------------ verification (public)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a trade profile: by number and digest, or the whole JSON."""
    outcome = None
    number_form = VerifyNumberForm(request.GET if "number" in request.GET else None)
    document_form = VerifyDocumentForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if number_form.is_bound and number_form.is_valid():
        outcome = verification.verify_number(
            number_form.cleaned_data["number"], number_form.cleaned_data["digest"]
        )
    if request.method == "POST" and document_form.is_valid():
        upload = document_form.cleaned_data.get("file")
        if upload is not None:
            raw = upload.read(verification.MAX_DOCUMENT_BYTES + 1)
        else:
            raw = document_form.cleaned_data.get("text", "").encode("utf-8")
        outcome = verification.verify_envelope(raw)
    status = 200 if outcome is None or outcome.ok else 400
    if outcome is None and (number_form.is_bound or request.method == "POST"):
        status = 400
    return render(
        request,
        "credit/verify.html",
        {"outcome": outcome, "number_form": number_form, "document_form": document_form},
        status=status,
    )


# ------------------------------------------------------------------ the bureau


@login_required
def volumes(request: AuthedHttpRequest) -> HttpResponse:
    _require(selectors.can_see_volumes(request.user), _("只有政府部门用户可以查看融资保险统计。"))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    data = selectors.volumes_for(user=request.user, year=year)
    return render(request, "credit/volumes.html", {"data": data, "year": year})
