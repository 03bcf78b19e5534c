"""The finance pages in English: every string of the app has its translation."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client

from credit.tests.conftest import apply

pytestmark = pytest.mark.django_db


def test_every_message_is_translated() -> None:
    po = (Path(__file__).resolve().parents[1] / "locale/en/LC_MESSAGES/django.po").read_text(
        encoding="utf-8"
    )
    entries = po.split("\n\n")[1:]  # the header's empty msgstr is not a message
    empty = [e for e in entries if re.search(r'^msgstr ""$', e, re.M) and "#~" not in e]
    assert empty == []
    assert "#, fuzzy" not in po


def test_pages_in_english(world: SimpleNamespace) -> None:
    application = apply(world)
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    client.force_login(world.ent1)
    home = client.get("/").content.decode()
    assert "Finance &amp; insurance" in home and "Data consents" in home
    products = client.get("/credit/products/").content.decode()
    assert "Finance and insurance products" in products and "金融保险产品" not in products
    consent = client.get(f"/credit/consents/{application.consent_id}/").content.decode()
    assert "Revoke now" in consent and "Accesses by the institution" in consent
    client.force_login(world.bank)
    page = client.get(f"/credit/applications/{application.pk}/").content.decode()
    assert "Data the enterprise consented to" in page and "Start review" in page


def test_county_names_terms_and_amounts_in_english(world: SimpleNamespace) -> None:
    """The county (registry data, volumes) is named in English, the consent terms are in days,
    amounts carry thousands separators, and revoking a consent asks first."""
    application = apply(world)
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    client.force_login(world.ent1)
    form = client.get(f"/credit/products/{world.loan.pk}/apply/").content.decode()
    assert "90 days" in form and "天" not in form
    consent = client.get(f"/credit/consents/{application.consent_id}/").content.decode()
    assert re.search(r'class="btn danger" data-confirm data-testid="revoke"', consent)
    client.force_login(world.bank)
    page = client.get(f"/credit/applications/{application.pk}/").content.decode()
    assert "Donghai County" in page and "东海县" not in page
    assert f"{application.amount:,.2f}" in page
    client.force_login(world.city)
    volumes = client.get("/credit/volumes/").content.decode()
    assert "Donghai County" in volumes and "东海县" not in volumes
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    assert "东海县" in client.get("/credit/volumes/").content.decode()
