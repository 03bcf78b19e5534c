from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_default_language_is_chinese(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in html
    assert "连云港跨境电商公共服务平台" in html and "登录" in html


def test_switch_to_english_and_back(client: Client, users: dict[str, Any]) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to Diandiantong" in html and "Username" in html
    assert "Lianyungang Cross-border E-commerce Public Service Platform" in html
    assert "登录点点通" not in html

    client.force_login(users["administrator"])
    home = client.get("/").content.decode()
    assert "Audit log" in home and "Change password" in home and "Sign out" in home
    assert "Platform administrator" in home  # role label
    audit = client.get("/audit/").content.decode()
    assert "Hash chain check" in audit and "审计日志" not in audit

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "审计日志" in client.get("/").content.decode()


def test_lockout_message_in_english(client: Client, users: dict[str, Any], settings: Any) -> None:
    settings.DDT_LOGIN_MAX_FAILURES = 1
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post("/accounts/login/", {"username": "city1", "password": "nope"})
    assert "temporarily locked" in response.content.decode()


def test_sheet_reader_errors_are_translated_by_core() -> None:
    """The reader's messages live in core/locale (read_sheet is core's, whichever app calls it)."""
    import io

    from django.utils import translation

    from core.excel import SheetError, read_sheet

    with translation.override("en"), pytest.raises(SheetError) as info:
        read_sheet(
            io.BytesIO(b"not a sheet"),
            filename="list.csv",
            headers={},
            required=(),
            missing_message="",
        )
    assert str(info.value) == "Only Excel files in .xlsx format can be imported."
    root = Path(__file__).resolve().parents[2]
    msgid = 'msgid "只能导入 .xlsx 格式的 Excel 文件。"'
    assert msgid in (root / "core/locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    for app in ("enterprises", "events"):
        po = root / app / "locale/en/LC_MESSAGES/django.po"
        assert msgid not in po.read_text(encoding="utf-8")  # one translation, in core
