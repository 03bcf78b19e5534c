"""Property-based API tests generated from our own OpenAPI document (schemathesis).

Every operation is called with generated inputs by an authenticated city reviewer: the server
must never answer 5xx, responses must match the documented schemas, and errors stay JSON.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection() -> Any:
    """Calling the raw WSGI app fires request_finished, which would close the test transaction's
    connection (PostgreSQL); Django's own test client disconnects the same handler."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(
    keep_test_connection: None, db: Any, counties: dict[str, Any], make_user: Any
) -> dict[str, str]:
    from accounts.services import api_token_create

    reviewer = make_user("fuzz_reviewer", "city_reviewer")
    _token, raw = api_token_create(actor=reviewer, user=reviewer, name="schemathesis")
    return {"Authorization": f"Bearer {raw}", "Host": "127.0.0.1"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi(case: Any, bearer: dict[str, str]) -> None:
    # A 400 for a well-formed but domain-invalid request (e.g. a date whose holiday table is not
    # loaded) is by design: its message says why. Everything else is checked.
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
