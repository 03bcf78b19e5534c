"""Demo data: a year of messages for the demo enterprises, ingested idempotently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from customs.demo import load_demo_customs
from customs.models import Declaration, LedgerAggregate, RetailImportCheck
from customs.stats import cbec_trade, customs_stats


def test_demo_year_is_ingested_once(world: Any) -> None:
    world.a.kind = "platform"
    world.a.save(update_fields=["kind"])
    first = load_demo_customs(years=[2025])
    assert first.files_rejected == 0, first.errors[:3]
    assert first.new > 100 and first.released > 50
    # Through the customs channel: the releases are confirmed ones.
    assert first.origin == "customs"
    assert not Declaration.objects.exclude(origin="customs").exists()
    modes = set(Declaration.objects.values_list("trade_mode", flat=True))
    assert {"9610", "9710", "9810", "1210"} <= modes
    assert Declaration.objects.filter(enterprise__isnull=True).exists()  # codes to map
    assert RetailImportCheck.objects.exists()
    data = customs_stats(year=2025)
    assert Decimal(data["total_cny"]) > 0
    assert data["by_month"]["2025-11"] != "0.00"
    assert cbec_trade(world.a, 2025) > 0 and cbec_trade(world.b, 2025) > 0
    before = (
        Declaration.objects.count(),
        list(LedgerAggregate.objects.values_list("amount_cny_fen", flat=True).order_by("pk")),
    )
    second = load_demo_customs(years=[2025])
    assert second.new == 0
    after = (
        Declaration.objects.count(),
        list(LedgerAggregate.objects.values_list("amount_cny_fen", flat=True).order_by("pk")),
    )
    assert after == before
