"""`ddt demo load` builds a realistic, valid data set and can be run twice without duplicates."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from audit.services import audit_verify
from demo.data import USERS, generate
from enterprises.models import Enterprise, Recognition
from enterprises.validators import is_valid_uscc, validate_customs_code

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    from events.models import Event
    from warehouses.models import OverseasWarehouse

    return {
        "enterprises": Enterprise.objects.count(),
        "recognitions": Recognition.objects.count(),
        "users": User.objects.count(),
        "events": Event.objects.count(),
        "warehouses": OverseasWarehouse.objects.count(),
    }


def test_generated_enterprises_are_valid_and_cover_every_county_and_kind() -> None:
    rows = generate(200)
    assert len({r.uscc for r in rows}) == 200
    assert all(is_valid_uscc(r.uscc) for r in rows)
    for row in rows:
        if row.customs_code:
            validate_customs_code(row.customs_code)
    counties = {r.county for r in rows}
    assert {
        "320703",
        "320706",
        "320707",
        "320722",
        "320723",
        "320724",
        "320771",
        "320772",
    } <= counties
    assert {r.kind for r in rows} == {
        "manufacturer", "trader", "platform", "service_provider", "park_operator",
        "warehouse_operator",
    }  # fmt: skip
    assert generate(200) == rows  # deterministic


def test_demo_load_twice_creates_no_duplicates(settings: Any) -> None:
    out = StringIO()
    call_command("demo_load", count=200, stdout=out)
    first = _counts()
    assert first["enterprises"] == 200
    assert first["users"] == len(USERS)
    assert first["recognitions"] > 20 and first["events"] > 0 and first["warehouses"] > 0
    for username, _role, _binding, _display in USERS:
        assert username in out.getvalue()
    call_command("demo_load", count=200, stdout=StringIO())
    assert _counts() == first
    assert audit_verify().ok


def test_every_role_has_a_demo_login() -> None:
    roles = {role for _u, role, _b, _d in USERS}
    assert roles == set(Role.values)
