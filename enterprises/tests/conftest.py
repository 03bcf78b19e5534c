"""Fixtures of the registry tests: enterprises in two counties and one user per role."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken
from enterprises.demo import generate_uscc
from enterprises.models import Enterprise


@pytest.fixture
def make_enterprise(counties: dict[str, Any]) -> Callable[..., Enterprise]:
    from enterprises.services import enterprise_create

    rng = random.Random(7)

    def _make(name: str, county: str = "donghai", **values: Any) -> Enterprise:
        c = counties[county]
        values.setdefault("uscc", generate_uscc(rng, c.code))
        values.setdefault("kind", "manufacturer")
        return enterprise_create(actor=None, name=name, county=c, **values)

    return _make


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any], make_enterprise: Any) -> Any:
    """Enterprise A (东海) and B (赣榆), their users, and officers of each role."""

    w = SimpleNamespace()
    w.counties = counties
    w.a = make_enterprise("甲水晶跨境电商有限公司", "donghai", contact_phone="0518-1")
    w.b = make_enterprise("乙贸易有限公司", "ganyu", contact_phone="0518-2")
    w.user_a = make_user("ent_a", "enterprise", enterprise=w.a)
    w.user_b = make_user("ent_b", "enterprise", enterprise=w.b)
    w.donghai_officer = make_user("officer_dh", "county_officer", county=counties["donghai"])
    w.ganyu_officer = make_user("officer_gy", "county_officer", county=counties["ganyu"])
    w.reviewer = make_user("reviewer", "city_reviewer")
    w.finance = make_user("finance", "finance_officer")
    w.admin = make_user("admin1", "administrator")
    w.partner = make_user("bank1", "partner", partner_kind="bank")
    return w


def login_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user: Any, raw: str | None = None) -> dict[str, Any]:
    """Create an API token row for ``user`` and return the Authorization header kwargs."""
    raw = raw or f"test-token-{user.username}-0123456789"
    ApiToken.objects.create(user=user, name="test", digest=ApiToken.digest_of(raw), prefix=raw[:8])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
