"""Fixtures of the customs tests: two enterprises in two counties, users per role, and helpers
that write CEB messages (built with the message library through ``customs.ingestion.building``)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from customs.ingestion.building import (
    InventorySpec,
    LineSpec,
    ReceiptSpec,
    build_inventories,
    build_receipts,
)
from enterprises.demo import generate_uscc
from enterprises.models import Enterprise

CODE_A = "3207960001"
CODE_B = "3207960002"
UTC = dt.UTC


def line(
    qty: str = "2",
    price: str = "10.00",
    *,
    currency: str = "502",
    country: str = "502",
    gname: str = "水晶手链",
    total: str | None = None,
) -> LineSpec:
    return LineSpec(
        gcode="7117190000",
        gname=gname,
        unit="011",
        qty=Decimal(qty),
        price=Decimal(price),
        currency=currency,
        country=country,
        total_price=Decimal(total) if total is not None else None,
    )


def inventory(
    cop_no: str,
    *,
    code: str = CODE_A,
    mode: str = "9610",
    day: dt.date = dt.date(2025, 3, 15),
    lines: Sequence[LineSpec] | None = None,
    country: str = "502",
    buyer: str = "",
    freight: str = "0",
) -> InventorySpec:
    return InventorySpec(
        cop_no=cop_no,
        ebc_code=code,
        ebc_name="测试电商企业",
        trade_mode=mode,
        declared_on=day,
        lines=list(lines) if lines is not None else [line()],
        country=country,
        buyer_id_number=buyer,
        freight=Decimal(freight),
    )


def receipt(
    cop_no: str, status: str = "800", at: dt.datetime | None = None, *, code: str = CODE_A
) -> ReceiptSpec:
    return ReceiptSpec(
        cop_no=cop_no,
        return_status=status,
        return_time=at or dt.datetime(2025, 3, 16, 2, 0, tzinfo=UTC),
        ebc_code=code,
    )


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(name, bytes) or write(name, direction=…, inventories=[…] | receipts=[…])."""

    def _write(
        name: str,
        data: bytes | None = None,
        *,
        direction: str = "export",
        inventories: Sequence[InventorySpec] = (),
        receipts: Sequence[ReceiptSpec] = (),
    ) -> Path:
        if data is None:
            data = (
                build_inventories(direction, inventories)
                if inventories
                else build_receipts(direction, receipts)
            )
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture
def make_enterprise(counties: dict[str, Any]) -> Callable[..., Enterprise]:
    from enterprises.services import enterprise_create

    rng = random.Random(11)

    def _make(name: str, county: str = "donghai", **values: Any) -> Enterprise:
        c = counties[county]
        values.setdefault("uscc", generate_uscc(rng, c.code))
        values.setdefault("kind", "trader")
        return enterprise_create(actor=None, name=name, county=c, **values)

    return _make


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any], make_enterprise: Any) -> Any:
    w = SimpleNamespace()
    w.counties = counties
    w.a = make_enterprise("甲水晶跨境电商有限公司", "donghai", customs_code=CODE_A)
    w.b = make_enterprise("乙海产贸易有限公司", "ganyu", customs_code=CODE_B)
    w.user_a = make_user("ent_a", "enterprise", enterprise=w.a)
    w.user_b = make_user("ent_b", "enterprise", enterprise=w.b)
    w.donghai_officer = make_user("officer_dh", "county_officer", county=counties["donghai"])
    w.ganyu_officer = make_user("officer_gy", "county_officer", county=counties["ganyu"])
    w.reviewer = make_user("reviewer", "city_reviewer")
    w.admin = make_user("admin1", "administrator")
    w.partner = make_user("bank1", "partner", partner_kind="bank")
    return w


def login_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
