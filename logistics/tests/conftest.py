"""Fixtures of the logistics tests: two enterprises in two counties, two logistics companies
with a partner user each, one user per other role, and message files for customs ingestion."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from enterprises.demo import generate_uscc

CODE_A = "3207960001"  # enterprise A's customs code
CODE_B = "3207960002"
LOG_X = "3207980001"  # logistics company X
LOG_Y = "3207980002"
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> Any:
    from enterprises.services import enterprise_create

    rng = random.Random(18)
    w = SimpleNamespace(counties=counties)
    w.a = enterprise_create(
        actor=None,
        name="甲水晶跨境电商有限公司",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(rng, "320722"),
        customs_code=CODE_A,
    )
    w.b = enterprise_create(
        actor=None,
        name="乙海产贸易有限公司",
        county=counties["ganyu"],
        kind="trader",
        uscc=generate_uscc(rng, "320707"),
        customs_code=CODE_B,
    )
    w.user_a = make_user("ent_a", "enterprise", enterprise=w.a)
    w.user_b = make_user("ent_b", "enterprise", enterprise=w.b)
    w.carrier_x = make_user("log_x", "partner", partner_kind="logistics", logistics_code=LOG_X)
    w.carrier_y = make_user("log_y", "partner", partner_kind="logistics", logistics_code=LOG_Y)
    w.carrier_unbound = make_user("log_z", "partner", partner_kind="logistics")
    w.bank = make_user("bank1", "partner", partner_kind="bank")
    w.donghai_officer = make_user("officer_dh", "county_officer", county=counties["donghai"])
    w.ganyu_officer = make_user("officer_gy", "county_officer", county=counties["ganyu"])
    w.reviewer = make_user("reviewer", "city_reviewer")
    return w


def event(
    no: str,
    key: str,
    code: str = "picked_up",
    *,
    company: str = LOG_X,
    at: Any = None,
    text: str = "已揽收",
) -> dict[str, Any]:
    return {
        "logistics_no": no,
        "logistics_code": company,
        "at": (at or T0).isoformat(),
        "code": code,
        "text": text,
        "idempotency_key": key,
    }


def login_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write
