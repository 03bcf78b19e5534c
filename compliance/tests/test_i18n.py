"""The compliance pages in English: every string of the app has its translation."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.test import Client


def test_every_message_is_translated() -> None:
    po = (Path(__file__).resolve().parents[1] / "locale/en/LC_MESSAGES/django.po").read_text(
        encoding="utf-8"
    )
    entries = po.split("\n\n")[1:]

    def translation(entry: str) -> str:
        tail = entry[entry.index("\nmsgstr ") :]
        return "".join(re.findall(r'"(.*)"', tail))

    assert [e for e in entries if "#~" not in e and not translation(e)] == []
    assert "#, fuzzy" not in po


def test_pages_in_english(world: SimpleNamespace, ask: Callable[..., Any]) -> None:
    question = ask()
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    client.force_login(world.ent_a)
    assert "Compliance knowledge base" in client.get("/").content.decode()
    page = client.get("/compliance/").content.decode()
    assert "Upcoming compliance trainings" in page and "Customs clearance abroad" in page
    assert "合规知识库" not in page
    detail = client.get(f"/compliance/questions/{question.pk}/").content.decode()
    assert "Awaiting answer" in detail and "Answer due" in detail
    client.force_login(world.advisor)
    assert "Topics covered" in client.get("/compliance/questions/").content.decode()
