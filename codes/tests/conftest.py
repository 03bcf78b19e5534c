"""Fixtures for the code-table tests: the real shipped data files, and one user per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from codes.loaders import LoadResult, load_all
from codes.workdays import clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def code_tables(db: Any) -> list[LoadResult]:
    """Every table loaded from codes/data/ (the real files)."""
    return load_all()


@pytest.fixture
def users(code_tables: list[LoadResult], make_user: Callable[..., Any]) -> dict[str, Any]:
    from codes.models import County
    from enterprises.models import Enterprise

    donghai = County.objects.get(code="320722")
    enterprise = Enterprise.objects.create(
        uscc="91320703670106912A", name="连云港代码表测试企业", county=donghai, kind="trader"
    )
    return {
        "enterprise": make_user("ent1", "enterprise", enterprise=enterprise),
        "county_officer": make_user("county1", "county_officer", county=donghai),
        "city_reviewer": make_user("city1", "city_reviewer"),
        "finance_officer": make_user("fin1", "finance_officer"),
        "partner": make_user("bank1", "partner", partner_kind="bank"),
        "administrator": make_user("admin1", "administrator"),
    }
