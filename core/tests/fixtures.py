"""Fixtures shared by the accounts, audit, core and project tests (imported by their conftest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PASSWORD = "Ddt-Test-Pass-1"


@pytest.fixture
def enterprise(counties: dict[str, Any]) -> Any:
    from enterprises.models import Enterprise

    return Enterprise.objects.create(
        uscc="91320700MA1XXXXX0X",
        name="连云港测试跨境电商有限公司",
        county=counties["donghai"],
        kind="trader",
    )


@pytest.fixture
def users(
    make_user: Callable[..., Any], counties: dict[str, Any], enterprise: Any
) -> dict[str, Any]:
    """One user of every role."""
    return {
        "enterprise": make_user("ent1", "enterprise", enterprise=enterprise),
        "county_officer": make_user("county1", "county_officer", county=counties["donghai"]),
        "city_reviewer": make_user("city1", "city_reviewer"),
        "finance_officer": make_user("fin1", "finance_officer"),
        "partner": make_user("bank1", "partner", partner_kind="bank"),
        "administrator": make_user("admin1", "administrator"),
    }
