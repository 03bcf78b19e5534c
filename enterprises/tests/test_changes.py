"""Verified facts: customs code, kind and first CBEC year change only through the county.

Every denial asserts that nothing changed: the enterprise row, the request and the audit log.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from applications.models import Notification
from audit.models import AuditEntry
from core.public import PRIVACY_VERSION
from enterprises import change_services, services
from enterprises.models import Enterprise, EnterpriseChangeRequest
from enterprises.tests.conftest import bearer, login_client

BASE = "/api/v1/enterprises"
CODE_A = "3207961Q43"
CODE_B = "3207962R55"
FACTS = ("customs_code", "kind", "first_cbec_year")
ROW = (*FACTS, "customs_code_source", "kind_source", "first_cbec_year_source", "updated_at")


def _row(enterprise: Enterprise) -> tuple[Any, ...]:
    return tuple(Enterprise.objects.filter(pk=enterprise.pk).values_list(*ROW).get())


def _request(world: Any, **values: Any) -> list[EnterpriseChangeRequest]:
    services.enterprise_update(actor=world.user_a, enterprise=world.a, **values)
    return list(world.a.change_requests.filter(status="pending").order_by("field"))


def _patch(user: Any, pk: int, data: dict[str, Any]) -> Any:
    return Client().patch(
        f"{BASE}/{pk}", json.dumps(data), content_type="application/json", **bearer(user)
    )


# ------------------------------------------------------------------ enterprise asks, nothing moves


def test_enterprise_api_patch_of_facts_is_a_request_and_changes_nothing(world) -> None:
    before = _row(world.a)
    response = _patch(
        world.user_a,
        world.a.pk,
        {"customs_code": CODE_A, "kind": "platform", "first_cbec_year": 2024, "address": "东海"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["customs_code"] == "" and body["kind"] == "manufacturer"
    assert body["first_cbec_year"] is None and body["address"] == "东海"
    assert sorted(c["field"] for c in body["pending_changes"]) == sorted(FACTS)
    assert _row(world.a)[:-1] == before[:-1]  # the facts and their sources are untouched
    assert Enterprise.objects.get(pk=world.a.pk).address == "东海"
    assert EnterpriseChangeRequest.objects.filter(status="pending").count() == 3


def test_enterprise_page_post_of_facts_changes_nothing(world) -> None:
    before = _row(world.a)
    client = login_client(world.user_a)
    response = client.post(
        reverse("enterprises:edit", args=[world.a.pk]),
        {"kind": "platform", "customs_code": CODE_A, "first_cbec_year": 2024},
        follow=True,
    )
    html = response.content.decode()
    assert "待县区核验后生效" in html and "待县区核验：3207961Q43" in html
    assert _row(world.a)[:-1] == before[:-1]  # the facts and their sources
    # The form now offers what was asked; saving it again keeps the one request per fact.
    form = client.get(reverse("enterprises:edit", args=[world.a.pk])).context["form"]
    assert form.initial["customs_code"] == CODE_A and form.initial["kind"] == "platform"
    client.post(
        reverse("enterprises:edit", args=[world.a.pk]),
        {"kind": "platform", "customs_code": CODE_A, "first_cbec_year": 2024, "address": "x"},
    )
    assert EnterpriseChangeRequest.objects.filter(status="pending").count() == 3
    assert _row(world.a)[:-1] == before[:-1]


def test_asking_back_the_value_in_force_withdraws_the_request(world) -> None:
    (change,) = _request(world, kind="platform")
    assert _request(world, kind="manufacturer") == []
    change.refresh_from_db()
    assert change.status == "withdrawn"
    assert Enterprise.objects.get(pk=world.a.pk).kind == "manufacturer"


def test_enterprise_request_is_validated(world) -> None:
    before = _row(world.a)
    with pytest.raises(ValidationError) as info:
        _request(world, customs_code="12", kind="bogus", first_cbec_year=1800)
    assert set(info.value.message_dict) == set(FACTS)
    assert _row(world.a) == before and not EnterpriseChangeRequest.objects.exists()


# ------------------------------------------------------------------ the county decides


def test_county_officer_approves_and_the_value_applies_verified(world) -> None:
    changes = _request(world, customs_code=CODE_A, first_cbec_year=2024)
    for change in changes:
        change_services.change_request_approve(actor=world.donghai_officer, change=change)
    fresh = Enterprise.objects.get(pk=world.a.pk)
    assert fresh.customs_code == CODE_A and fresh.first_cbec_year == 2024
    assert fresh.customs_code_source == "verified" and fresh.first_cbec_year_source == "verified"
    assert fresh.kind_source == "verified"  # created by the loader: untouched
    assert set(EnterpriseChangeRequest.objects.values_list("status", flat=True)) == {"approved"}
    assert AuditEntry.objects.filter(action="enterprises.change_approve").count() == 2
    notes = Notification.objects.filter(user=world.user_a)
    messages = list(notes.values_list("message", flat=True))
    assert len(messages) == 2 and all("已核验通过并生效" in m for m in messages)
    assert not Notification.objects.filter(user=world.user_b).exists()


def test_city_reviewer_may_approve_too(world) -> None:
    (change,) = _request(world, kind="trader")
    change_services.change_request_approve(actor=world.reviewer, change=change)
    fresh = Enterprise.objects.get(pk=world.a.pk)
    assert (fresh.kind, fresh.kind_source) == ("trader", "verified")


def test_reject_needs_a_reason_keeps_the_value_and_notifies(world) -> None:
    (change,) = _request(world, kind="platform")
    before = _row(world.a)
    with pytest.raises(ValidationError):
        change_services.change_request_reject(
            actor=world.donghai_officer, change=change, reason=" "
        )
    change.refresh_from_db()
    assert change.status == "pending"
    change_services.change_request_reject(
        actor=world.donghai_officer, change=change, reason="无平台经营资质"
    )
    change.refresh_from_db()
    assert change.status == "rejected" and change.reason == "无平台经营资质"
    assert _row(world.a) == before
    (note,) = Notification.objects.filter(user=world.user_a)
    assert "未通过核验" in note.message and "无平台经营资质" in note.message
    with pytest.raises(ValidationError):  # decided once
        change_services.change_request_approve(actor=world.donghai_officer, change=change)
    assert _row(world.a) == before


@pytest.mark.parametrize("who", ["ganyu_officer", "user_a", "user_b", "finance", "partner"])
def test_others_cannot_approve_or_reject(world, who: str) -> None:
    (change,) = _request(world, customs_code=CODE_A)
    before, audit = _row(world.a), AuditEntry.objects.count()
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        change_services.change_request_approve(actor=actor, change=change)
    with pytest.raises(PermissionDenied):
        change_services.change_request_reject(actor=actor, change=change, reason="x")
    with pytest.raises(PermissionDenied):
        change_services.enterprise_facts_verify(actor=actor, enterprise=world.a)
    # Through the page and the API: another county's request is not even visible.
    approve = reverse("enterprises:change_approve", args=[change.pk])
    reject = reverse("enterprises:change_reject", args=[change.pk])
    expected = 403 if who == "user_a" else 404
    assert login_client(actor).post(approve).status_code == expected
    assert login_client(actor).post(reject, {"reason": "x"}).status_code == expected
    response = Client().post(f"{BASE}/changes/{change.pk}/approve", **bearer(actor))
    assert response.status_code == expected
    change.refresh_from_db()
    assert change.status == "pending" and change.decided_by is None
    assert _row(world.a) == before and AuditEntry.objects.count() == audit


def test_approval_refused_when_the_code_is_taken_meanwhile(world) -> None:
    (change,) = _request(world, customs_code=CODE_B)
    services.enterprise_update(actor=world.ganyu_officer, enterprise=world.b, customs_code=CODE_B)
    before = _row(world.a)
    with pytest.raises(ValidationError) as info:
        change_services.change_request_approve(actor=world.donghai_officer, change=change)
    assert "已由其他企业使用" in info.value.message_dict["customs_code"][0]
    change.refresh_from_db()
    assert change.status == "pending" and _row(world.a) == before
    # The page says so and changes nothing either.
    response = login_client(world.donghai_officer).post(
        reverse("enterprises:change_approve", args=[change.pk]), follow=True
    )
    assert "已由其他企业使用" in response.content.decode() and _row(world.a) == before


def test_squatting_by_registration_gets_no_code(world) -> None:
    """A self-registered enterprise naming B's code asks for it; approval is refused."""
    services.enterprise_update(actor=world.reviewer, enterprise=world.b, customs_code=CODE_B)
    from enterprises.validators import uscc_check_char

    first17 = "91320722MA1XYW333"
    squatter, _user = services.enterprise_register(
        uscc=first17 + uscc_check_char(first17),
        name="抢注者",
        county=world.counties["donghai"],
        kind="trader",
        username="squatter",
        password="Quartz-Crystal-2026",
        customs_code=CODE_B,
        privacy_consent_version=PRIVACY_VERSION,
    )
    assert Enterprise.objects.get(pk=squatter.pk).customs_code == ""
    change = squatter.change_requests.get()
    with pytest.raises(ValidationError):
        change_services.change_request_approve(actor=world.donghai_officer, change=change)
    assert Enterprise.objects.get(pk=squatter.pk).customs_code == ""
    assert list(Enterprise.objects.filter(customs_code=CODE_B)) == [world.b]


# ------------------------------------------------------------------ the database itself


def test_database_refuses_a_second_active_holder_of_a_code(world) -> None:
    services.enterprise_update(actor=world.reviewer, enterprise=world.b, customs_code=CODE_B)
    before = _row(world.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=world.a.pk).update(customs_code=CODE_B)
    assert _row(world.a) == before
    # Pending and suspended enterprises hold their code too; a deregistered one frees it.
    Enterprise.objects.filter(pk=world.b.pk).update(status="pending")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=world.a.pk).update(customs_code=CODE_B)
    Enterprise.objects.filter(pk=world.b.pk).update(status="deregistered")
    Enterprise.objects.filter(pk=world.a.pk).update(customs_code=CODE_B)
    assert Enterprise.objects.filter(customs_code=CODE_B).count() == 2
    # Any number of enterprises may have no code.
    Enterprise.objects.update(customs_code="")
    assert Enterprise.objects.filter(customs_code="").count() == 2


def test_officer_edit_refuses_a_taken_code_and_changes_nothing(world) -> None:
    services.enterprise_update(actor=world.reviewer, enterprise=world.b, customs_code=CODE_B)
    before = _row(world.a)
    with pytest.raises(ValidationError) as info:
        services.enterprise_update(
            actor=world.donghai_officer, enterprise=world.a, customs_code=CODE_B
        )
    assert "customs_code" in info.value.message_dict and _row(world.a) == before


def test_import_refuses_a_code_twice_in_one_file_or_held_already(world) -> None:
    import io
    import random

    from enterprises.demo import generate_uscc
    from enterprises.tests.test_excel import _row as xlsx_row
    from enterprises.tests.test_excel import _xlsx

    services.enterprise_update(actor=world.reviewer, enterprise=world.b, customs_code=CODE_B)
    rng = random.Random(11)
    count = Enterprise.objects.count()
    twice = _xlsx(
        [
            xlsx_row(generate_uscc(rng), "一号", customs_code=CODE_A),
            xlsx_row(generate_uscc(rng), "二号", customs_code=CODE_A),
        ]
    )
    result = services.enterprises_import(actor=world.reviewer, file=io.BytesIO(twice))
    assert not result.created and any("与第2行重复" in e.message for e in result.errors)
    held = _xlsx([xlsx_row(generate_uscc(rng), "三号", customs_code=CODE_B)])
    result = services.enterprises_import(actor=world.reviewer, file=io.BytesIO(held))
    assert not result.created and any("已由其他企业使用" in e.message for e in result.errors)
    assert Enterprise.objects.count() == count


# ------------------------------------------------------------------ officers: trusted at once


def test_county_officer_edit_applies_at_once_verified_and_closes_the_request(world) -> None:
    (change,) = _request(world, kind="platform")
    services.enterprise_update(actor=world.donghai_officer, enterprise=world.a, kind="trader")
    fresh = Enterprise.objects.get(pk=world.a.pk)
    assert (fresh.kind, fresh.kind_source) == ("trader", "verified")
    change.refresh_from_db()
    assert change.status == "rejected" and change.decided_by == world.donghai_officer
    entry = AuditEntry.objects.filter(action="enterprises.enterprise_update").latest("seq")
    assert entry.before is not None and entry.after is not None
    assert entry.before["kind"] == "manufacturer" and entry.after["kind"] == "trader"


def test_declared_facts_are_confirmed_only_by_an_officer(world, counties) -> None:
    from enterprises.validators import uscc_check_char

    first17 = "91320722MA1XYW555"
    enterprise, user = services.enterprise_register(
        uscc=first17 + uscc_check_char(first17),
        name="自报企业",
        county=counties["donghai"],
        kind="platform",
        first_cbec_year=2025,
        username="selfdeclared",
        password="Quartz-Crystal-2026",
        privacy_consent_version=PRIVACY_VERSION,
    )
    assert (enterprise.kind_source, enterprise.first_cbec_year_source) == ("declared", "declared")
    with pytest.raises(PermissionDenied):
        change_services.enterprise_facts_verify(actor=user, enterprise=enterprise)
    assert Enterprise.objects.get(pk=enterprise.pk).kind_source == "declared"
    client = login_client(world.donghai_officer)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "企业自报，未核验" in html and 'data-testid="verify-facts"' in html
    client.post(reverse("enterprises:facts_verify", args=[enterprise.pk]))
    fresh = Enterprise.objects.get(pk=enterprise.pk)
    assert (fresh.kind_source, fresh.first_cbec_year_source) == ("verified", "verified")
    assert AuditEntry.objects.filter(action="enterprises.facts_verify").count() == 1


# ------------------------------------------------------------------ the county's list page


def test_change_list_shows_own_county_only_and_decides_with_clicks(world) -> None:
    (mine,) = _request(world, kind="trader")
    services.enterprise_update(actor=world.user_b, enterprise=world.b, kind="platform")
    theirs = world.b.change_requests.get()
    client = login_client(world.donghai_officer)
    registry = client.get(reverse("enterprises:list")).content.decode()
    assert reverse("enterprises:changes") in registry
    page = client.get(reverse("enterprises:changes"))
    assert page.status_code == 200
    assert [c.pk for c in page.context["page_obj"]] == [mine.pk]
    assert world.b.name not in page.content.decode()
    response = client.post(
        reverse("enterprises:change_approve", args=[mine.pk]),
        {"next": reverse("enterprises:changes")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:changes")
    assert Enterprise.objects.get(pk=world.a.pk).kind == "trader"
    reject = reverse("enterprises:change_reject", args=[theirs.pk])
    assert client.post(reject, {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    done = client.get(reverse("enterprises:changes"), {"status": "approved"})
    assert [c.pk for c in done.context["page_obj"]] == [mine.pk]


def test_change_list_forbidden_to_enterprises_finance_and_partners(world) -> None:
    for user in (world.user_a, world.finance, world.partner):
        assert login_client(user).get(reverse("enterprises:changes")).status_code == 403
        body = Client().get(f"{BASE}/changes", **bearer(user, f"tok-{user.username}-0123456789"))
        assert body.json() == {"count": 0, "items": []}


def test_api_list_approve_and_reject(world) -> None:
    (change,) = _request(world, first_cbec_year=2023)
    auth = bearer(world.donghai_officer)
    client = Client()
    listed = client.get(BASE, **auth).json()["items"]
    assert [c["new_value"] for c in listed[0]["pending_changes"]] == ["2023"]
    body = client.get(f"{BASE}/changes", **auth).json()
    assert body["count"] == 1 and body["items"][0]["new_value"] == "2023"
    response = client.post(
        f"{BASE}/changes/{change.pk}/reject",
        json.dumps({"reason": "与营业执照不符"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert Enterprise.objects.get(pk=world.a.pk).first_cbec_year is None
    (again,) = _request(world, first_cbec_year=2022)
    response = client.post(f"{BASE}/changes/{again.pk}/approve", **auth)
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert Enterprise.objects.get(pk=world.a.pk).first_cbec_year == 2022


def test_enterprise_page_shows_pending_and_history(world) -> None:
    _request(world, kind="trader")
    html = login_client(world.user_a).get(reverse("enterprises:mine")).content.decode()
    assert "待县区核验：外贸/贸易企业" in html and 'data-testid="change-requests"' in html
    assert 'data-testid="approve-' not in html  # no buttons for the enterprise
