"""Security headers and cookies on pages served by the platform."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from core.tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/openapi.json"])
def test_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_logged_in_pages_have_csp_too(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["administrator"])
    for path in ["/", "/audit/", "/accounts/tokens/", "/accounts/password/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Security-Policy"] == settings.DDT_CSP


def test_pages_have_no_inline_script_or_external_assets(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "<script>" not in html and "onclick=" not in html and "style=" not in html
    assert "http://" not in html and "https://" not in html


def test_session_cookie_is_httponly(client: Client, users: dict[str, Any]) -> None:
    response = client.post("/accounts/login/", {"username": "city1", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_session_is_rotated_on_login(client: Client, users: dict[str, Any]) -> None:
    client.get("/accounts/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    client.post("/accounts/login/", {"username": "city1", "password": PASSWORD})
    assert client.session.session_key != before


def test_csrf_is_enforced_on_login_and_logout(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "city1", "password": PASSWORD})
    assert response.status_code == 403
    client.force_login(users["city_reviewer"])
    assert client.post("/accounts/logout/").status_code == 403
    assert "_auth_user_id" in client.session


def test_huge_id_in_url_is_404_not_500(client: Any, db: Any) -> None:
    from accounts.services import user_create

    user = user_create(
        actor=None, username="rev_big", password="Ddt-Test-Pass-1", role="city_reviewer"
    )
    client.force_login(user)
    response = client.get("/enterprises/99999999999999999999999/")
    assert response.status_code == 404


def test_forbidden_and_not_found_pages_use_the_platform_layout(client: Any, db: Any) -> None:
    from accounts.services import user_create

    user = user_create(
        actor=None, username="rev_403", password="Ddt-Test-Pass-1", role="city_reviewer"
    )
    client.force_login(user)
    forbidden = client.get("/audit/")  # administrators only
    assert forbidden.status_code == 403
    assert "无权访问" in forbidden.content.decode() and "点点通" in forbidden.content.decode()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
