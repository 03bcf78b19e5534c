"""The platform answers in Chinese unless the user chose English with the switch."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_chinese_by_default_even_for_an_english_browser(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录点点通" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_switch_to_english_is_remembered_and_back(client: Client) -> None:
    response: Any = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in to Diandiantong" in page
    assert 'lang="en"' in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "登录点点通" in client.get("/accounts/login/").content.decode()


def test_unknown_language_cookie_falls_back_to_chinese(client: Client) -> None:
    client.cookies["django_language"] = "fr"
    assert "登录点点通" in client.get("/accounts/login/").content.decode()
