"""Fixtures of the voucher tests: a fixed day in 2026, two enterprises in two counties, one user
per role (a logistics partner bound to its company), a 2026 pool with capacity bought from one
logistics company, a published batch and a contract helper."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from time_machine import TimeMachineFixture

from core.testing import at
from enterprises.demo import generate_uscc
from vouchers import services
from vouchers.models import LogisticsContract

TODAY = at(2026, 6, 15)
CARRIER = "3207980001"
OTHER_CARRIER = "3207980002"
PDF = b"%PDF-1.4\n% contract\n"


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(TODAY)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    """A fresh file-system storage per test, so 'nothing stored' can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def pdf(name: str = "contract.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> SimpleNamespace:
    from enterprises.services import enterprise_create

    rng = random.Random(7)
    e1 = enterprise_create(
        actor=None,
        name="东海运力企业",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(rng, "320722"),
    )
    e2 = enterprise_create(
        actor=None,
        name="赣榆运力企业",
        county=counties["ganyu"],
        kind="manufacturer",
        uscc=generate_uscc(rng, "320707"),
    )
    w = SimpleNamespace(
        e1=e1,
        e2=e2,
        ent1=make_user("ent1", "enterprise", enterprise=e1),
        ent2=make_user("ent2", "enterprise", enterprise=e2),
        county=make_user("county1", "county_officer", county=counties["donghai"]),
        city=make_user("city1", "city_reviewer"),
        finance=make_user("fin1", "finance_officer"),
        carrier=make_user(
            "carrier1",
            "partner",
            partner_kind="logistics",
            logistics_code=CARRIER,
            organisation="连云港快运",
        ),
        other_carrier=make_user(
            "carrier2", "partner", partner_kind="logistics", logistics_code=OTHER_CARRIER
        ),
        bank=make_user("bank1", "partner", partner_kind="bank"),
    )
    w.pool = services.pool_set(actor=w.city, year=2026, amount="1000000")
    w.purchase = services.purchase_record(
        actor=w.city,
        pool=w.pool,
        logistics_code=CARRIER,
        company_name="连云港快运有限公司",
        contract_no="CG-2026-01",
        amount="500000",
        valid_from="2026-01-01",
        valid_to="2026-12-31",
    )
    services.purchase_record(
        actor=w.city,
        pool=w.pool,
        logistics_code=OTHER_CARRIER,
        company_name="港城物流",
        contract_no="CG-2026-02",
        amount="100000",
        valid_from="2026-01-01",
        valid_to="2026-12-31",
    )
    w.batch = services.batch_create(
        actor=w.city,
        pool=w.pool,
        name="2026 年第一批运力券",
        amount="300000",
        face_values=["1000", "500", "100"],
        valid_from="2026-06-01",
        valid_to="2026-09-30",
        per_enterprise_limit="100000",
    )
    w.batch = services.batch_publish(actor=w.city, batch=w.batch)
    return w


@pytest.fixture
def make_contract() -> Callable[..., LogisticsContract]:
    counter = iter(range(1, 10_000))

    def _make(
        user: Any, amount: str = "500000", code: str = CARRIER, **kw: Any
    ) -> LogisticsContract:
        return services.contract_record(
            actor=user,
            logistics_code=code,
            contract_no=kw.pop("contract_no", f"WL-{next(counter):04d}"),
            amount=amount,
            starts_on=kw.pop("starts_on", "2026-03-01"),
            ends_on=kw.pop("ends_on", "2026-12-31"),
            file=pdf(),
        )

    return _make


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
