"""Fixtures of the mandates tests: a fixed day in 2026, two enterprises with their customs codes
and users, two service platforms (晶贸通 and another), a bank, a city reviewer, API clients
with each partner's own bearer token, and a helper that builds a CEB export message."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from core.testing import at
from customs.ingestion.building import build_inventories
from customs.tests.conftest import inventory
from enterprises.demo import generate_uscc

TODAY = at(2026, 6, 15)
CODE_A = "3207960001"
CODE_B = "3207960002"


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(TODAY)


def export_xml(cop_no: str, code: str = CODE_A) -> bytes:
    """One export inventory (9610) of the enterprise with customs code ``code``."""
    return build_inventories("export", [inventory(cop_no, code=code, day=dt.date(2026, 6, 1))])


def token_client(user: Any, scope: str = "write") -> Client:
    from accounts.services import api_token_create

    _token, raw = api_token_create(actor=user, user=user, name="t", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def login_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> SimpleNamespace:
    from enterprises.services import enterprise_create

    rng = random.Random(9)
    a = enterprise_create(
        actor=None,
        name="东海水晶跨境电商有限公司",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(rng, "320722"),
        customs_code=CODE_A,
    )
    b = enterprise_create(
        actor=None,
        name="赣榆海产贸易有限公司",
        county=counties["ganyu"],
        kind="trader",
        uscc=generate_uscc(rng, "320707"),
        customs_code=CODE_B,
    )
    return SimpleNamespace(
        a=a,
        b=b,
        ent_a=make_user("ent_a", "enterprise", enterprise=a),
        ent_b=make_user("ent_b", "enterprise", enterprise=b),
        platform=make_user(
            "jmt", "partner", partner_kind="service_platform", organisation="晶贸通"
        ),
        platform2=make_user(
            "other_sp", "partner", partner_kind="service_platform", organisation="另一服务平台"
        ),
        bank=make_user("bank1", "partner", partner_kind="bank", organisation="示例银行"),
        city=make_user("city1", "city_reviewer"),
    )


@pytest.fixture
def grant(world: SimpleNamespace) -> Callable[..., Any]:
    """grant(enterprise_user, platform, scopes=all, days=180) through the service."""
    from mandates.models import MandateScope
    from mandates.services import mandate_grant

    def _grant(actor: Any = None, platform: Any = None, scopes: Any = None, days: int = 180) -> Any:
        return mandate_grant(
            actor=actor or world.ent_a,
            platform=platform or world.platform,
            scopes=scopes if scopes is not None else MandateScope.values,
            days=days,
        )

    return _grant
