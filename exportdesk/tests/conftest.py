"""Fixtures of the export desk tests: a fixed day in 2026, two enterprises in two counties with
one user each, a county officer per county, a city reviewer, a bank partner, the currencies, and
released customs exports of the first enterprise (ledger lines in USD, the pre-aggregate in CNY)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from time_machine import TimeMachineFixture

from core.testing import at
from enterprises.demo import generate_uscc

TODAY = at(2026, 6, 15)
PDF = b"%PDF-1.4\n% overseas warehouse invoice\n%%EOF\n"


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(TODAY)


@pytest.fixture(autouse=True)
def _return_windows(db: None) -> None:
    """The windows migration 0002 loads (gone after a transactional test's flush)."""
    from exportdesk.models import ReturnWindow
    from exportdesk.windows import load_windows

    load_windows(ReturnWindow)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def pdf(name: str = "invoice.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def export(
    w: SimpleNamespace,
    *,
    cop: str,
    on: dt.date,
    mode: str = "9610",
    customs: str = "2305",
    currency: str = "502",
    amount: str = "1000",
    enterprise: Any = None,
    released: bool = True,
    goods_name: str = "蓝牙耳机",
) -> Any:
    """A released export inventory with one ledger line (and its pre-aggregate row)."""
    from customs.models import Declaration, LedgerAggregate, LedgerLine

    ent = enterprise or w.e1
    rate = Decimal("7.100000") if currency == "502" else Decimal("1")
    fen = int(Decimal(amount) * rate * 100)
    d = Declaration.objects.create(
        message_type="CEB603Message",
        direction="export",
        cop_no=cop,
        invt_no=f"2305{cop}",
        ebc_code=ent.customs_code or "3207960001",
        enterprise=ent,
        county=ent.county,
        trade_mode=mode,
        customs_code=customs,
        country="502",
        declared_on=on,
        lines_count=1,
        total_cny_fen=fen,
        released=released,
    )
    LedgerLine.objects.create(
        declaration=d,
        line_no=1,
        enterprise=ent,
        county=ent.county,
        ebc_code=d.ebc_code,
        mode=mode,
        direction="export",
        date=on,
        month=on.year * 100 + on.month,
        country="502",
        hs_code="8518300000",
        goods_name=goods_name,
        unit="011",
        quantity=Decimal("10"),
        unit_price=Decimal(amount) / 10,
        currency=currency,
        amount=Decimal(amount),
        rate=rate,
        amount_cny_fen=fen,
    )
    if released:
        month = on.year * 100 + on.month
        agg, _created = LedgerAggregate.objects.get_or_create(
            month=month,
            ebc_code=d.ebc_code,
            mode=mode,
            direction="export",
            country="502",
            defaults={"year": on.year, "enterprise": ent, "county": ent.county},
        )
        agg.lines += 1
        agg.amount_cny_fen += fen
        agg.save()
    return d


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> SimpleNamespace:
    from codes.models import Currency
    from enterprises.services import enterprise_create

    for code, iso, name in (
        ("502", "USD", "美元"),
        ("300", "EUR", "欧元"),
        ("142", "CNY", "人民币"),
    ):
        Currency.objects.get_or_create(
            customs_code=code, defaults={"name": name, "name_en": iso, "iso_alpha": iso}
        )
    rng = random.Random(15)
    e1 = enterprise_create(
        actor=None,
        name="东海出口企业",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(rng, "320722"),
    )
    e2 = enterprise_create(
        actor=None,
        name="赣榆出口企业",
        county=counties["ganyu"],
        kind="trader",
        uscc=generate_uscc(rng, "320707"),
    )
    return SimpleNamespace(
        e1=e1,
        e2=e2,
        ent1=make_user("ent1", "enterprise", enterprise=e1),
        ent2=make_user("ent2", "enterprise", enterprise=e2),
        county=make_user("county1", "county_officer", county=counties["donghai"]),
        county2=make_user("county2", "county_officer", county=counties["ganyu"]),
        city=make_user("city1", "city_reviewer"),
        bank=make_user("bank1", "partner", partner_kind="bank", organisation="示例银行"),
    )
