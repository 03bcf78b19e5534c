"""Excel views: import (upload + template). The export is the list page's (``registry``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.excel import excel_response
from core.http import AuthedHttpRequest
from enterprises import excel, selectors, services
from enterprises.forms import ImportForm


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    if not selectors.can_import_enterprises(request.user):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以导入企业。"))
    return excel_response(excel.build_template(), "enterprise-import-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_import_enterprises(request.user):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以导入企业。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = services.enterprises_import(
                actor=request.user,
                file=upload,
                filename=upload.name,
            )
            if result.ok:
                messages.success(
                    request, _("导入成功：共 %(n)d 家企业。") % {"n": len(result.created)}
                )
                return redirect("enterprises:list")
        status = 400
    return render(
        request, "enterprises/import.html", {"form": form, "result": result}, status=status
    )
