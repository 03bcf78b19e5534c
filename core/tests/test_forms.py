"""The form and caller helpers of the kit: submit, attempt, user_of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from core.forms import attempt, form_status, submit
from core.http import user_of


class NameForm(forms.Form):
    name = forms.CharField()


def _post(data: dict[str, str] | None = None) -> Any:
    request: Any = RequestFactory().post("/", data or {})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _refuse(**errors: Any) -> Callable[..., Any]:
    def action(*_args: Any) -> Any:
        raise ValidationError(errors or "refused")

    return action


def test_submit_returns_the_service_result_for_a_valid_post() -> None:
    form = NameForm({"name": "甲"})
    done = submit(_post(), form, lambda data: data["name"] * 2)
    assert done is not None and done.value == "甲甲"


def test_submit_puts_the_service_errors_on_the_form_and_calls_nothing_when_invalid() -> None:
    request = _post()
    form = NameForm({"name": "甲"})
    assert submit(request, form, _refuse(name=["太短"], other=["另一个"])) is None
    assert form.errors["name"] == ["太短"] and form.non_field_errors() == ["另一个"]
    assert form_status(request) == 400
    called: list[Any] = []
    assert submit(request, NameForm({}), called.append) is None
    assert called == []
    get = RequestFactory().get("/")
    assert submit(get, NameForm({"name": "x"}), called.append) is None and called == []


def test_attempt_turns_a_refusal_into_one_message() -> None:
    request = _post()
    assert attempt(request, _refuse(), success="好") is None
    done = attempt(request, lambda: 7, success="好")
    assert done is not None and done.value == 7
    assert [str(m) for m in get_messages(request)] == ["refused", "好"]


@pytest.mark.django_db
def test_user_of_refuses_a_request_without_a_user(make_user: Callable[..., Any]) -> None:
    request = _post()
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        user_of(request)
    user = make_user("reviewer", "city_reviewer")
    request.user = user
    assert user_of(request) is user
