"""The data migration that lets the customs code become unique on data that already exists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("enterprises", "0003_fact_sources_and_change_requests")]
AFTER = [("enterprises", "0005_customs_code_unique_active")]


@pytest.fixture
def back_to_latest() -> Iterator[None]:
    """Migrating enterprises back unapplies every later migration that depends on it (other
    apps' too): the test database must be whole again for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_duplicate_codes_are_resolved_before_the_constraint(back_to_latest: None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    County = apps.get_model("codes", "County")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    county = County.objects.create(code="320722", name="东海县", kind="county", sort_order=4)

    def make(n: int, code: str, status: str) -> int:
        return Enterprise.objects.create(
            uscc=f"9132072200000000{n:02d}",
            name=f"企业{n}",
            county=county,
            kind="trader",
            customs_code=code,
            status=status,
        ).pk

    squatter = make(1, "3207961Q43", "pending")  # registered first, never verified
    owner = make(2, "3207961Q43", "active")
    later = make(3, "3207961Q43", "active")
    gone = make(4, "3207961Q43", "deregistered")
    alone = make(5, "3207962R55", "active")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Enterprise = apps.get_model("enterprises", "Enterprise")
    ChangeRequest = apps.get_model("enterprises", "EnterpriseChangeRequest")
    codes = dict(Enterprise.objects.values_list("pk", "customs_code"))
    # The active, earliest holder keeps the code; a deregistered one keeps its record.
    assert codes == {
        squatter: "",
        owner: "3207961Q43",
        later: "",
        gone: "3207961Q43",
        alone: "3207962R55",
    }
    asked = ChangeRequest.objects.filter(status="pending").values_list(
        "enterprise_id", "field", "new_value"
    )
    assert sorted(asked) == [
        (squatter, "customs_code", "3207961Q43"),
        (later, "customs_code", "3207961Q43"),
    ]
