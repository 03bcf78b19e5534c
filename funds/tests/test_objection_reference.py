"""Objections get a reference number (受理编号 YY-NNNNNN): shown on filing, looked up on the
notice page with the phone or e-mail given, returned by the API."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funds import services
from funds.models import Objection, PublicNotice
from funds.services import notices as notice_services

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^\d{2}-\d{6}$")


@pytest.fixture
def noticed(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    holidays: None,
) -> PublicNotice:
    to_city_review(cost="80000.00", matter="INV-1")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.proposal_run_start(actor=world.reviewer, round=round_)
    run.refresh_from_db()
    services.proposal_run_accept(actor=world.reviewer, run=run)
    return services.notice_publish(
        actor=world.reviewer, round=round_, title="2026年度拟支持项目公示"
    )


def _file(notice: PublicNotice, **values: Any) -> Objection:
    values.setdefault("name", "张三")
    values.setdefault("phone", "13800000000")
    values.setdefault("text", "请核实此项目的费用凭证。")
    return services.objection_file(notice=notice, **values)


def test_an_objection_gets_a_reference_of_this_year(noticed: PublicNotice) -> None:
    objection = _file(noticed)
    assert REFERENCE.match(objection.reference)
    assert objection.reference[:2] == timezone.localdate().strftime("%y")


def test_references_are_unique_and_a_taken_one_is_drawn_again(
    noticed: PublicNotice, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _file(noticed)
    draws = iter([first.reference, first.reference, "26-000777"])
    monkeypatch.setattr(notice_services, "objection_reference", lambda now=None: next(draws))
    second = _file(noticed, name="李四")
    assert second.reference == "26-000777"
    assert Objection.objects.filter(reference=first.reference).count() == 1


def test_the_page_shows_the_reference_on_filing(noticed: PublicNotice) -> None:
    url = reverse("funds:notice_detail", args=[noticed.pk])
    page = Client().post(url, {"name": "张三", "phone": "13800000000", "text": "请核实此项目"})
    objection = Objection.objects.get()
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="objection-reference">{objection.reference}<' in html


def test_the_objector_looks_up_the_status_with_reference_and_contact(
    world: Any, noticed: PublicNotice
) -> None:
    objection = _file(noticed, email="Z@example.com", phone="")
    services.objection_resolve(
        actor=world.reviewer, objection=objection, resolution="经核实，费用凭证真实有效。"
    )
    url = reverse("funds:notice_detail", args=[noticed.pk])
    found = Client().get(url, {"ref": objection.reference, "contact": "z@example.com"})
    html = found.content.decode()
    assert 'data-testid="objection-status"' in html
    assert "已处理" in html and "经核实，费用凭证真实有效。" in html


@pytest.mark.parametrize(
    "query",
    [
        {"ref": "REF", "contact": "13900000000"},  # the right reference, another contact
        {"ref": "26-999999", "contact": "13800000000"},  # a reference that is not this one
    ],
)
def test_a_wrong_reference_or_contact_reveals_nothing(
    noticed: PublicNotice, query: dict[str, str]
) -> None:
    objection = _file(noticed, text="仅异议人可见的异议内容。")
    if query["ref"] == "REF":
        query = {**query, "ref": objection.reference}
    elif query["ref"] == objection.reference:
        pytest.skip("the random reference happened to be the guessed one")
    html = Client().get(reverse("funds:notice_detail", args=[noticed.pk]), query).content.decode()
    assert 'data-testid="objection-not-found"' in html
    assert 'data-testid="objection-status"' not in html
    assert "张三" not in html and "仅异议人可见的异议内容" not in html


def test_a_malformed_reference_is_refused_on_the_form(noticed: PublicNotice) -> None:
    url = reverse("funds:notice_detail", args=[noticed.pk])
    html = Client().get(url, {"ref": "1' OR 1=1", "contact": "x"}).content.decode()
    assert "受理编号格式" in html and 'data-testid="objection-not-found"' not in html


def test_the_api_receipt_carries_the_reference(noticed: PublicNotice) -> None:
    response = Client().post(
        f"/api/v1/funds/notices/{noticed.pk}/objections",
        json.dumps({"name": "张三", "email": "z@example.com", "text": "请核实此项目"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["reference"] == Objection.objects.get().reference
