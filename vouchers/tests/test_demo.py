"""The demo vouchers: made through the services, relative to the day, idempotent."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from core.testing import at
from enterprises.demo import generate_uscc
from vouchers.demo import load_demo
from vouchers.models import (
    BatchStatus,
    LogisticsContract,
    Redemption,
    Settlement,
    VoucherBatch,
    VoucherClaim,
    VoucherPool,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(counties: dict[str, Any], make_user: Callable[..., Any]) -> None:
    from enterprises.services import enterprise_create

    rng = random.Random(3)
    make_user("city", "city_reviewer")
    make_user("logistics", "partner", partner_kind="logistics")
    for name, county, code in (
        ("enterprise_a", "donghai", "320722"),
        ("enterprise_b", "ganyu", "320707"),
    ):
        e = enterprise_create(
            actor=None,
            name=f"{name} 公司",
            county=counties[county],
            kind="trader",
            uscc=generate_uscc(rng, code),
        )
        make_user(name, "enterprise", enterprise=e)


@pytest.mark.parametrize("day", [at(2026, 12, 7), at(2027, 3, 2)])
def test_demo_vouchers_are_relative_to_the_day_and_idempotent(
    demo_users: None, time_machine: TimeMachineFixture, day: Any
) -> None:
    time_machine.move_to(day)
    created = load_demo()
    assert created > 0
    pool = VoucherPool.objects.get()
    assert pool.year == day.year
    assert VoucherBatch.objects.get().status == BatchStatus.PUBLISHED
    assert LogisticsContract.objects.count() == 2
    assert VoucherClaim.objects.count() == 2
    assert Redemption.objects.count() == 4
    settlement = Settlement.objects.get()
    assert settlement.count == 2 and settlement.month.month != day.month
    assert Redemption.objects.filter(settlement__isnull=True).count() == 2  # this month's
    pool.refresh_from_db()
    assert pool.redeemed > 0 and pool.committed > pool.redeemed
    assert load_demo() == 0
    assert Redemption.objects.count() == 4 and Settlement.objects.count() == 1


def test_no_demo_vouchers_without_a_guide(
    demo_users: None, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(at(2028, 5, 1))  # no 2028 guide is shipped
    assert load_demo() == 0
    assert not VoucherPool.objects.exists()
