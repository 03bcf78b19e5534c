"""The API framework: JSON errors, token and session authentication, CSRF, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db
ME = "/api/v1/accounts/me"
TOKENS = "/api/v1/accounts/tokens"


def _is_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert {"code", "message"} <= set(body) and body["message"]
    if code is not None:
        assert body["code"] == code
    return body


def test_no_auth_is_401_json(client: Client) -> None:
    _is_error(client.get(ME), 401, "unauthenticated")


def test_bad_token_is_401(client: Client, users: dict[str, Any]) -> None:
    _is_error(client.get(ME, headers={"Authorization": "Bearer ddt_not-a-token"}), 401)


def test_bearer_token_works_and_marks_last_use(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    token, raw = api_token_create(actor=user, user=user, name="t")
    response = client.get(ME, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "city1"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    token, raw = api_token_create(actor=user, user=user, name="t")
    api_token_revoke(actor=user, token=token)
    _is_error(client.get(ME, headers={"Authorization": f"Bearer {raw}"}), 401)


def test_token_of_inactive_user_is_refused(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    _token, raw = api_token_create(actor=user, user=user, name="t")
    user.is_active = False
    user.save()
    _is_error(client.get(ME, headers={"Authorization": f"Bearer {raw}"}), 401)


def test_session_auth_works_for_reads(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["finance_officer"])
    assert client.get(ME).json()["role"] == "finance_officer"


def test_unsafe_method_over_session_needs_csrf(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["city_reviewer"])
    response = client.post(TOKENS, {"name": "x"}, content_type="application/json")
    _is_error(response, 403)
    assert not ApiToken.objects.exists()
    # With the CSRF cookie and header, the same request passes.
    client.get("/accounts/tokens/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        TOKENS, {"name": "x"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201, response.content
    assert ApiToken.objects.count() == 1


def test_unsafe_method_with_bearer_token_needs_no_csrf(users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    _token, raw = api_token_create(actor=user, user=user, name="first")
    second, _raw2 = api_token_create(actor=user, user=user, name="second")
    client = Client(enforce_csrf_checks=True)
    response = client.delete(f"{TOKENS}/{second.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200, response.content
    second.refresh_from_db()
    assert second.revoked_at is not None
    listed = client.get(TOKENS, headers={"Authorization": f"Bearer {raw}"}).json()
    assert {t["name"] for t in listed} == {"first", "second"}
    assert all("token" not in t and "digest" not in t for t in listed)


def test_unknown_endpoint_is_404_json(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])
    _is_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    _is_error(client.get("/api/v1/accounts/no-such-thing"), 404, "not_found")


def test_other_users_token_is_404_json_and_unchanged(client: Client, users: dict[str, Any]) -> None:
    owner = users["city_reviewer"]
    token, _raw = api_token_create(actor=owner, user=owner, name="mine")
    other = users["finance_officer"]
    _t, other_raw = api_token_create(actor=other, user=other, name="theirs")
    response = client.delete(
        f"{TOKENS}/{token.pk}", headers={"Authorization": f"Bearer {other_raw}"}
    )
    _is_error(response, 404, "not_found")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_bad_body_is_422_json(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    _token, raw = api_token_create(actor=user, user=user, name="t")
    auth = {"Authorization": f"Bearer {raw}"}
    for body in ({}, {"name": ""}, {"name": ["x"]}):
        response = client.post(TOKENS, body, content_type="application/json", headers=auth)
        _is_error(response, 422, "invalid_request")
    response = client.post(TOKENS, "{not json", content_type="application/json", headers=auth)
    assert response.status_code in {400, 422} and "message" in response.json()
    assert ApiToken.objects.count() == 1


def test_service_validation_error_is_400_json(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])  # tokens are created with the session only
    response = client.post(TOKENS, {"name": "   "}, content_type="application/json")
    body = _is_error(response, 400, "invalid")
    assert "name" in body["fields"]


def test_openapi_lists_the_routers(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/accounts/me" in schema["paths"]
    tags = {
        tag for op in schema["paths"].values() for m in op.values() for tag in m.get("tags", [])
    }
    assert {"accounts"} <= tags
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}


def test_docs_page_uses_only_local_assets(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html.lower() and "https://" not in html and "//unpkg" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/ninja/swagger-ui.css").status_code == 200


def test_nul_characters_are_refused_at_the_edge(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    _token, raw = api_token_create(actor=user, user=user, name="t")
    auth = {"Authorization": f"Bearer {raw}"}
    before = ApiToken.objects.count()
    body = client.post(
        "/api/v1/accounts/tokens", {"name": "a\x00b"}, content_type="application/json", headers=auth
    )
    _is_error(body, 400, "invalid")
    assert ApiToken.objects.count() == before
    query = client.get("/api/v1/enterprises", {"q": "x\x00"}, headers=auth)
    _is_error(query, 400, "invalid")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_multipart_without_boundary_is_a_json_400(
    settings: Any, users: dict[str, Any], debug: bool, content_type: str
) -> None:
    """Issue 13: was 500 with DEBUG and an HTML 400 page without; now the API's JSON error."""
    from customs.models import IngestRun

    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(users["city_reviewer"])
    response = client.generic(
        "POST", "/api/v1/customs/uploads", b"--x\r\nbroken\r\n", content_type=content_type
    )
    body = _is_error(response, 400, "invalid")
    assert "Traceback" not in body["message"]
    assert not IngestRun.objects.exists()  # nothing started


def test_last_use_is_written_at_most_once_a_minute(client: Client, users: dict[str, Any]) -> None:
    import datetime as dt

    import time_machine
    from django.utils import timezone

    user = users["city_reviewer"]
    token, raw = api_token_create(actor=user, user=user, name="t")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(ME, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        assert client.get(ME, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert client.get(ME, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == later
