"""The reviewer's decision on an evidence duplicate (a POST from the application page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors
from applications.duplicate_services import evidence_match_decide
from applications.forms import EvidenceMatchForm
from core.http import AuthedHttpRequest


@login_required
@require_POST
def evidence_match(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get_for(user=request.user, pk=pk)
    form = EvidenceMatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("无效的认定。"))
        return redirect("applications:detail", pk=app.pk)
    try:
        evidence_match_decide(
            actor=request.user,
            application=app,
            other_id=form.cleaned_data["other"],
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        for e in exc.messages:
            messages.error(request, e)
    else:
        messages.success(request, _("已记录证明材料重复认定。"))
    return redirect("applications:detail", pk=app.pk)
