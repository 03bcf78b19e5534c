"""A declaration shows customs codes with their names (issue 15): units, currencies, countries
and the supervision mode by name with the code after, in the page's language; no server path."""

from __future__ import annotations

from typing import Any

import pytest

from codes.loaders import load_all
from customs.models import Declaration
from customs.services import ingest_paths

from .conftest import inventory, login_client, receipt

pytestmark = pytest.mark.django_db


def test_declaration_shows_code_names_and_no_server_path(world: Any, write: Any) -> None:
    load_all()
    path = write("v/d.xml", inventories=[inventory("A1")])
    ingest_paths(actor=None, paths=[write("v/r.xml", receipts=[receipt("A1")]).parent])
    declaration = Declaration.objects.get(cop_no="A1")
    assert str(path.parent) in declaration.source_file  # stored with its path …
    client = login_client(world.user_a)
    html = client.get(f"/customs/declarations/{declaration.pk}/").content.decode()
    assert str(path.parent) not in html and "d.xml" in html  # … shown by name only
    for shown in ("件 (011)", "美元 (502)", "美国 (502)", "(9610)"):
        assert shown in html, shown
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get(f"/customs/declarations/{declaration.pk}/").content.decode()
    for shown in ("Piece (article) (011)", "US dollar (502)", "United States (502)"):
        assert shown in html, shown
    assert "美国" not in html and "美元" not in html
