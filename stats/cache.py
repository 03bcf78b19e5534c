"""A short-lived cache of dashboard figures (``DDT_STATS_CACHE_SECONDS``, default 120 s; 0 = off).

Dashboards read the exact pre-aggregates, but a page needs dozens of grouped queries; within the
cache time a second viewer of the same scope, year and language gets the same figures without
them. The cache is Django's (``CACHES``): per process by default, shared when a shared cache
backend is configured. Figures are therefore at most that many seconds old.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

T = TypeVar("T")


def ttl() -> int:
    return int(getattr(settings, "DDT_STATS_CACHE_SECONDS", 120))


def cached(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or its value cached under ``parts`` + the active language."""
    seconds = ttl()
    if seconds <= 0:
        return compute()
    key = "stats:" + hashlib.sha256(repr((*parts, get_language())).encode()).hexdigest()
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(key, value, seconds)
    return value
