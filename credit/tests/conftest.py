"""Fixtures of the finance tests: a fixed day in 2026, two enterprises in two counties, a bank,
a second bank, an insurer and a logistics partner, one user per government role, a published
loan and a published insurance product, and released trade of the first enterprise."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from core.testing import at
from credit import services
from enterprises.demo import generate_uscc

TODAY = at(2026, 6, 15)
PDF = b"%PDF-1.4\n% product terms\n%%EOF\n"


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(TODAY)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> SimpleNamespace:
    from customs.models import LedgerAggregate
    from enterprises.services import enterprise_create, recognition_add

    rng = random.Random(19)
    e1 = enterprise_create(
        actor=None,
        name="东海融资企业",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(rng, "320722"),
    )
    e2 = enterprise_create(
        actor=None,
        name="赣榆融资企业",
        county=counties["ganyu"],
        kind="manufacturer",
        uscc=generate_uscc(rng, "320707"),
    )
    w = SimpleNamespace(
        e1=e1,
        e2=e2,
        ent1=make_user("ent1", "enterprise", enterprise=e1),
        ent2=make_user("ent2", "enterprise", enterprise=e2),
        bank=make_user("bank1", "partner", partner_kind="bank", organisation="示例银行"),
        bank2=make_user("bank2", "partner", partner_kind="bank", organisation="另一银行"),
        insurer=make_user("ins1", "partner", partner_kind="insurer", organisation="示例保险"),
        carrier=make_user(
            "carrier1",
            "partner",
            partner_kind="logistics",
            organisation="物流",
            logistics_code="3207980001",
        ),
        county=make_user("county1", "county_officer", county=counties["donghai"]),
        county2=make_user("county2", "county_officer", county=counties["ganyu"]),
        city=make_user("city1", "city_reviewer"),
        finance=make_user("fin1", "finance_officer"),
    )
    recognition_add(actor=w.city, enterprise=e1, type="brand_pool", year=2025)
    for month, country, fen in ((202603, "502", 1_234_500), (202605, "303", 500_000)):
        LedgerAggregate.objects.create(
            month=month,
            year=month // 100,
            ebc_code="3207960001",
            enterprise=e1,
            county=counties["donghai"],
            mode="9610",
            direction="export",
            country=country,
            lines=3,
            amount_cny_fen=fen,
        )
    w.loan = services.product_save(
        actor=w.bank,
        name="跨境电商信用贷",
        amount_min="100000",
        amount_max="3000000",
        rate_min="3.2",
        rate_max="4.8",
        term_months=12,
        criteria="信用保险+保单融资",
    )
    w.cover = services.product_save(
        actor=w.insurer,
        name="海外仓无忧保",
        amount_min="50000",
        amount_max="5000000",
        rate_min="0.3",
        rate_max="1.2",
        term_months=12,
        insurance_line="overseas_warehouse",
    )
    return w


def apply(w: SimpleNamespace, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": w.ent1,
        "product": w.loan,
        "amount": "500000",
        "term_months": 12,
        "purpose": "备货融资",
        "scopes": ["trade", "registry"],
        "days": 90,
    }
    values.update(overrides)
    return services.application_submit(**values)
