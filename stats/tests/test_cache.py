"""The dashboard cache: same scope within the cache time → same figures; 0 turns it off."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from stats.cache import cached

pytestmark = pytest.mark.django_db  # the cache lives in the database


def test_cached_value_is_reused_within_the_ttl(settings: Any) -> None:
    settings.DDT_STATS_CACHE_SECONDS = 60
    cache.clear()
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    assert cached(("t", 2026), compute) == [1]
    assert cached(("t", 2026), compute) == [1]
    assert cached(("t", 2025), compute) == [2]
    settings.DDT_STATS_CACHE_SECONDS = 0
    assert cached(("t", 2026), compute) == [3]
    cache.clear()
