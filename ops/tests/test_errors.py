"""Branded 404/500 pages, the request id (header, page, JSON log line), debug pages off."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from ops.logging import JsonFormatter, RequestIdFilter

BOOM = "ops.tests.boom_urls"


@pytest.fixture
def failing_client(settings: Any, db: Any) -> Client:
    settings.ROOT_URLCONF = BOOM
    return Client(raise_request_exception=False)


def test_500_page_is_branded_with_the_request_id(failing_client: Client, caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing_client.get("/boom/")
    body = response.content.decode()
    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    assert "服务器错误" in body and "Server error" in body and "点点通" in body
    assert f'<code data-testid="request-id">{request_id}</code>' in body
    assert "secret detail" not in body and "Traceback" not in body
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    # the log line carries the same id and the traceback, as JSON
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == request_id
    assert line["level"] == "ERROR" and "secret detail" in line["exception"]


def test_debug_mode_shows_the_branded_pages(failing_client: Client, settings: Any) -> None:
    settings.DEBUG = True  # the demo
    settings.DDT_DEBUG_PAGES = False
    missing = failing_client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()
    assert "DEBUG = True" not in missing.content.decode()  # not Django's URL listing
    assert "Content-Security-Policy" in missing
    failed = failing_client.get("/boom/")
    assert failed.status_code == 500
    assert "secret detail" not in failed.content.decode()
    assert failed["X-Request-ID"] in failed.content.decode()


def test_debug_pages_come_back_on_request(failing_client: Client, settings: Any) -> None:
    settings.DEBUG = True
    settings.DDT_DEBUG_PAGES = True
    assert "DEBUG = True" in failing_client.get("/no-such-page/").content.decode()


def test_api_errors_stay_json_in_debug_mode(failing_client: Client, settings: Any) -> None:
    settings.DEBUG = True
    response = failing_client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_404_page_in_english(client: Any, db: Any) -> None:
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_request_id_from_a_trusted_proxy_only(client: Any, db: Any, settings: Any) -> None:
    settings.DDT_TRUSTED_PROXIES = ["127.0.0.1"]
    sent = "nginx-0123456789abcdef"
    trusted = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert trusted["X-Request-ID"] == sent
    bad = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert bad["X-Request-ID"] != "<script>alert(1)</script>"
    settings.DDT_TRUSTED_PROXIES = []
    untrusted = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert untrusted["X-Request-ID"] != sent and len(untrusted["X-Request-ID"]) == 32


def test_access_log_line(client: Any, db: Any, settings: Any, caplog: Any) -> None:
    settings.DDT_ACCESS_LOG = True
    with caplog.at_level(logging.INFO, logger="ddt.request"):
        response = client.get("/healthz")
    record = next(r for r in caplog.records if r.name == "ddt.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
