"""Retail import limits (财关税〔2018〕49号): 5,000 CNY a transaction, 26,000 a buyer a year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from customs.models import BuyerYearTotal, Declaration, RetailCheckKind, RetailImportCheck
from customs.retail import buyer_hash, limits_on
from customs.services import ingest_paths

from .conftest import inventory, line

BUYER = "320706199001011234"


def _import(
    write: Any,
    name: str,
    cop: str,
    amount: str,
    *,
    buyer: str = BUYER,
    day: dt.date = dt.date(2025, 5, 1),
    freight: str = "0",
) -> Any:
    spec = inventory(
        cop,
        mode="1210",
        day=day,
        country="142",
        buyer=buyer,
        freight=freight,
        lines=[line("1", amount, currency="142", country="116")],
    )
    return ingest_paths(actor=None, paths=[write(name, direction="import", inventories=[spec])])


def test_limits_are_data_with_their_document() -> None:
    limits = limits_on(dt.date(2025, 1, 1))
    assert limits is not None
    assert limits.document == "财关税〔2018〕49号"
    assert (str(limits.single), str(limits.annual)) == ("5000", "26000")
    old = limits_on(dt.date(2018, 6, 1))
    assert old is not None and old.document == "财关税〔2016〕18号"


def test_exactly_5000_is_within_the_limit(world: Any, write: Any) -> None:
    run = _import(write, "a.xml", "I1", "5000.00")
    assert run.retail_breaches == 0
    assert not RetailImportCheck.objects.exists()


def test_5000_01_is_flagged(world: Any, write: Any) -> None:
    run = _import(write, "a.xml", "I1", "5000.01")
    assert run.retail_breaches == 1
    check = RetailImportCheck.objects.get()
    assert check.kind == RetailCheckKind.SINGLE
    assert str(check.amount) == "5000.01" and str(check.limit) == "5000.00"
    assert check.document == "财关税〔2018〕49号"


def test_freight_counts_towards_the_transaction_value(world: Any, write: Any) -> None:
    run = _import(write, "a.xml", "I1", "4990.00", freight="10.01")
    assert run.retail_breaches == 1


def test_annual_limit_per_buyer(world: Any, write: Any) -> None:
    for n in range(5):
        assert _import(write, f"{n}.xml", f"I{n}", "5000.00").retail_breaches == 0
    # 25,000 so far: 1,000 more is exactly 26,000 (allowed), one fen more is flagged.
    assert _import(write, "5.xml", "I5", "1000.00").retail_breaches == 0
    run = _import(write, "6.xml", "I6", "0.01")
    assert run.retail_breaches == 1
    check = RetailImportCheck.objects.get()
    assert check.kind == RetailCheckKind.ANNUAL and str(check.year_total) == "26000.01"
    # Another buyer and another year start from zero.
    assert _import(write, "7.xml", "I7", "100.00", buyer="110101199202020000").retail_breaches == 0
    assert _import(write, "8.xml", "I8", "100.00", day=dt.date(2026, 1, 2)).retail_breaches == 0


def test_buyer_identity_is_stored_only_as_keyed_hash(world: Any, write: Any) -> None:
    _import(write, "a.xml", "I1", "100.00")
    declaration = Declaration.objects.get()
    assert declaration.buyer_hash == buyer_hash("1", BUYER)
    assert BUYER not in declaration.buyer_hash and len(declaration.buyer_hash) == 64
    total = BuyerYearTotal.objects.get()
    assert total.total_fen == 10000 and total.transactions == 1
    for model in (Declaration, BuyerYearTotal):
        for row in model.objects.values():
            assert BUYER not in str(row)


def test_hash_key_comes_from_settings(settings: Any) -> None:
    settings.DDT_BUYER_HASH_KEY = "one"
    first = buyer_hash("1", BUYER)
    settings.DDT_BUYER_HASH_KEY = "two"
    assert buyer_hash("1", BUYER) != first
