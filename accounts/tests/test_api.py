from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_me_with_bearer_token(client: Client, users: dict[str, Any], enterprise: Any) -> None:
    user = users["enterprise"]
    _token, raw = api_token_create(actor=user, user=user, name="t")
    response = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "ent1"
    assert data["role"] == "enterprise" and data["role_label"] == "企业用户"
    assert data["enterprise_id"] == enterprise.pk and data["enterprise_name"] == enterprise.name
    assert data["county_code"] is None


def test_me_for_county_officer_with_session(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["county_officer"])
    data = client.get("/api/v1/accounts/me").json()
    assert data["role"] == "county_officer"
    assert (data["county_code"], data["county_name"]) == ("320722", "东海县")
    assert data["enterprise_id"] is None


def test_me_without_auth_is_401(client: Client) -> None:
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
