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


def test_logged_in_responses_are_not_stored(client: Client, users: dict[str, Any]) -> None:
    """Issue 13: logged-in pages sent no Cache-Control at all."""
    client.force_login(users["city_reviewer"])
    for path in ["/", "/enterprises/", "/accounts/password/", "/api/v1/accounts/me"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path


def test_token_api_responses_are_not_stored(client: Client, users: dict[str, Any]) -> None:
    from accounts.services import api_token_create

    user = users["city_reviewer"]
    _token, raw = api_token_create(actor=user, user=user, name="t")
    response = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_anonymous_public_pages_keep_their_caching(client: Client) -> None:
    response = client.get("/stats/open/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "no-store" not in client.get("/api/v1/openapi.json").get("Cache-Control", "")


def test_a_view_that_sets_its_own_caching_keeps_it(users: dict[str, Any]) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from core.middleware import NoStoreForAuthenticatedMiddleware

    def view(request: Any) -> HttpResponse:
        response = HttpResponse("x")
        response["Cache-Control"] = "private, max-age=60"
        return response

    request = RequestFactory().get("/x")
    request.user = users["city_reviewer"]
    assert NoStoreForAuthenticatedMiddleware(view)(request)["Cache-Control"] == (
        "private, max-age=60"
    )
    plain = NoStoreForAuthenticatedMiddleware(lambda r: HttpResponse("y"))(request)
    assert "no-store" in plain["Cache-Control"]


def test_api_400_handler_is_json_under_api_only() -> None:
    from django.test import RequestFactory

    from diandiantong.api import handler400

    api = handler400(RequestFactory().get("/api/v1/x"), Exception())
    assert api.status_code == 400 and api["Content-Type"].startswith("application/json")
    page = handler400(RequestFactory().get("/x"), Exception())
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
