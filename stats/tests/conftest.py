"""Known data for the statistics tests: every figure below is counted by hand in the tests."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_stats_cache(settings: Any) -> None:
    """Figures are computed afresh in every test (the cache has its own test)."""
    settings.DDT_STATS_CACHE_SECONDS = 0


@pytest.fixture
def make_enterprise(counties: dict[str, Any]) -> Callable[..., Any]:
    from enterprises.demo import generate_uscc
    from enterprises.models import Enterprise

    rng = random.Random(11)

    def _make(county: Any = None, **kwargs: Any) -> Any:
        county = county or counties["donghai"]
        n = next(_seq)
        created_at = kwargs.pop("created_at", None)
        kwargs.setdefault("status", "active")
        kwargs.setdefault("kind", "trader")
        ent = Enterprise.objects.create(
            uscc=generate_uscc(rng, region=county.code),
            customs_code=f"3207{n:06d}",
            name=f"测试企业{n:04d}有限公司",
            county=county,
            **kwargs,
        )
        if created_at is not None:
            Enterprise.objects.filter(pk=ent.pk).update(created_at=created_at)
            ent.refresh_from_db()
        return ent

    return _make


@pytest.fixture
def add_trade() -> Callable[..., Any]:
    """Add one pre-aggregate row (what the customs ledger keeps for released lines)."""
    from customs.models import LedgerAggregate

    def _add(
        enterprise: Any,
        month: int,
        yuan: str,
        *,
        mode: str = "9610",
        direction: str = "export",
        country: str = "502",
        code: str | None = None,
    ) -> Any:
        return LedgerAggregate.objects.create(
            month=month,
            year=month // 100,
            ebc_code=code or (enterprise.customs_code if enterprise else "UNKNOWN01"),
            enterprise=enterprise,
            county=enterprise.county if enterprise else None,
            mode=mode,
            direction=direction,
            country=country,
            lines=1,
            amount_cny_fen=int(Decimal(yuan) * 100),
        )

    return _add


@pytest.fixture
def make_event(counties: dict[str, Any]) -> Callable[..., Any]:
    from events.models import Event

    def _make(
        kind: str,
        starts: dt.datetime,
        *,
        county: Any = None,
        status: str = "published",
        attended: list[Any] | None = None,
        absent: int = 0,
    ) -> Any:
        from events.models import Registration

        n = next(_seq)
        event = Event.objects.create(
            title=f"活动{n}",
            kind=kind,
            starts_at=starts,
            county=county,
            organiser="市商务局",
            capacity=100,
            status=status,
            check_in_code=f"C{n:06d}",
        )
        for i, ent in enumerate(attended or []):
            Registration.objects.create(
                event=event,
                enterprise=ent,
                name=f"学员{i}",
                phone=f"138{n:04d}{i:04d}",
                attended=True,
            )
        for i in range(absent):
            Registration.objects.create(event=event, name=f"缺席{i}", phone=f"139{n:04d}{i:04d}")
        return event

    return _make


def aware(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime(y, m, d, h))
