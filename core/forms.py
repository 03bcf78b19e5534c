"""Form helpers shared by every app: accessible error wiring and the submit step."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

T = TypeVar("T")


class AccessibleFormMixin:
    """Marks invalid inputs with aria-invalid and ties them to their error list."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name in form.errors:
            if name in form.fields:
                bound = form[name]
                attrs: dict[str, Any] = form.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                ids = [f"{bound.auto_id}_error"]
                if form.fields[name].help_text:
                    ids.append(f"{bound.auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(ids)


def apply_errors(
    form: forms.BaseForm, exc: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Attach a service's ValidationError to the matching form fields (others: non-field).

    ``aliases`` maps a service argument to the form field that holds it
    (``{"password": "password1"}``).
    """
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, texts in exc.message_dict.items():
        name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, texts)


@dataclass(frozen=True)
class Done(Generic[T]):
    """A form the service accepted; ``value`` is what the service returned."""

    value: T


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    aliases: Mapping[str, str] | None = None,
) -> Done[T] | None:
    """The one "POST, valid form, call the service, errors back on the form" step.

    On a POST whose form is valid, calls ``action(form.cleaned_data)``; the service's
    ``ValidationError`` lands on the form (:func:`apply_errors`) and the result is None. Returns
    ``Done(value)`` when the service accepted it, so the view redirects::

        if done := submit(request, form, lambda data: services.x(actor=request.user, **data)):
            messages.success(request, _("已保存。"))
            return redirect(done.value)
        return render(request, "x.html", {"form": form}, status=form_status(request))
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Done(action(form.cleaned_data))
    except ValidationError as exc:
        apply_errors(form, exc, aliases)
        return None


def attempt(request: HttpRequest, action: Callable[[], T], *, success: str = "") -> Done[T] | None:
    """The form-less twin of :func:`submit`, for a button that posts no fields.

    Calls ``action()``; the service's ``ValidationError`` becomes one error message on the next
    page and the result is None. Otherwise ``success`` (when given) is shown and ``Done(value)``
    returned. The view redirects either way::

        attempt(request, lambda: services.notice_approve(actor=request.user, notice=notice),
                success=_("已批准。"))
        return redirect("funds:notice_review", pk=pk)
    """
    try:
        value = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    if success:
        messages.success(request, success)
    return Done(value)


def form_status(request: HttpRequest) -> int:
    """400 for a POST that came back to the form (invalid or refused), else 200."""
    return 400 if request.method == "POST" else 200
