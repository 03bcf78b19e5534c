"""The mandates pages in English: every string of the app has its translation."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.test import Client


def test_every_message_is_translated() -> None:
    po = (Path(__file__).resolve().parents[1] / "locale/en/LC_MESSAGES/django.po").read_text(
        encoding="utf-8"
    )
    entries = po.split("\n\n")[1:]  # the header's empty msgstr is not a message

    def translation(entry: str) -> str:  # the msgstr, its continuation lines joined
        tail = entry[entry.index("\nmsgstr ") :]
        return "".join(re.findall(r'"(.*)"', tail))

    empty = [e for e in entries if "#~" not in e and not translation(e)]
    assert empty == []
    assert "#, fuzzy" not in po


def test_pages_in_english(world: SimpleNamespace, grant: Any) -> None:
    mandate = grant()
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    client.force_login(world.ent_a)
    home = client.get("/").content.decode()
    assert "Service platform mandates" in home
    page = client.get("/mandates/").content.decode()
    assert "Authorise a service platform" in page and "Send customs data for us" in page
    assert "代办授权" not in page
    detail = client.get(f"/mandates/{mandate.pk}/").content.decode()
    assert "Revoke now" in detail and "Acts by the platform" in detail and "Active" in detail
    client.force_login(world.platform)
    assert "Authorising enterprises" in client.get("/").content.decode()
