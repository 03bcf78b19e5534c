"""Parallel claims never overdraw the pool, the batch or an enterprise's annual cap, and
parallel redemptions never redeem a voucher twice (PostgreSQL row locks on the pool)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from enterprises.demo import generate_uscc
from vouchers import services
from vouchers.models import Redemption, Voucher, VoucherClaim, VoucherPool
from vouchers.tests.conftest import CARRIER, pdf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(jobs: Sequence[Callable[..., Any]]) -> list[str]:
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            job()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_parallel_claims_and_redemptions(counties: dict[str, Any], make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL (sqlite serialises writes)")
    from enterprises.services import enterprise_create

    rng = random.Random(5)
    city = make_user("city", "city_reviewer")
    carrier = make_user("carrier", "partner", partner_kind="logistics", logistics_code=CARRIER)
    # a pool of 25,000 for six enterprises asking 10,000 each: two and a half fit
    pool = services.pool_set(actor=city, year=2026, amount="25000")
    services.purchase_record(
        actor=city,
        pool=pool,
        logistics_code=CARRIER,
        company_name="快运",
        contract_no="CG-1",
        amount="25000",
        valid_from="2026-01-01",
        valid_to="2026-12-31",
    )
    batch = services.batch_create(
        actor=city,
        pool=pool,
        name="b",
        amount="25000",
        face_values=["1000"],
        valid_from="2026-06-01",
        valid_to="2026-09-30",
        per_enterprise_limit="100000",
    )
    batch = services.batch_publish(actor=city, batch=batch)
    contracts = []
    for i in range(6):
        e = enterprise_create(
            actor=None,
            name=f"并发企业{i}",
            county=counties["donghai"],
            kind="trader",
            uscc=generate_uscc(rng, "320722"),
        )
        u = make_user(f"e{i}", "enterprise", enterprise=e)
        c = services.contract_record(
            actor=u,
            logistics_code=CARRIER,
            contract_no=f"WL-{i}",
            amount="500000",
            starts_on="2026-01-01",
            ends_on="2026-12-31",
            file=pdf(),
        )
        contracts.append((u, c))
    # the same enterprise racing itself on one contract: once only
    twice = [
        lambda u=contracts[0][0], c=contracts[0][1]: services.claim_create(
            actor=u, batch=batch, contract=c
        )
        for _ in range(3)
    ]
    others = [
        lambda u=u, c=c: services.claim_create(actor=u, batch=batch, contract=c)
        for u, c in contracts[1:]
    ]
    outcomes = _race(twice + others)
    p = VoucherPool.objects.get(pk=pool.pk)
    issued = sum(v.face_value for v in Voucher.objects.all())
    assert p.committed == issued <= p.amount == Decimal("25000")
    assert p.committed == Decimal("25000")  # 10,000 + 10,000 + 5,000 (what was left)
    assert outcomes.count("ok") == 3
    # the enterprise racing itself holds at most one claim; which three enterprises win,
    # and which of them gets the 5,000 that is left, depends on the order the rows lock
    assert VoucherClaim.objects.filter(contract=contracts[0][1]).count() <= 1
    assert Voucher.objects.filter(claim__contract=contracts[0][1]).count() in (0, 5, 10)
    assert sorted(
        sum(v.face_value for v in Voucher.objects.filter(claim__contract=c)) for _, c in contracts
    ) == [0, 0, 0, Decimal("5000"), Decimal("10000"), Decimal("10000")]

    # eight redemptions of the whole of one voucher at once: exactly one succeeds
    voucher = Voucher.objects.order_by("pk").first()
    assert voucher is not None
    outcomes = _race(
        [
            lambda n=n: services.voucher_redeem(
                actor=carrier,
                voucher=voucher,
                invoice_no=f"FP{n}",
                invoice_amount="1000",
                invoice_date="2026-06-10",
                amount="1000",
            )
            for n in range(8)
        ]
    )
    assert outcomes.count("ok") == 1
    assert Redemption.objects.filter(voucher=voucher).count() == 1
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("1000")
    assert VoucherPool.objects.get(pk=pool.pk).redeemed == Decimal("1000")
