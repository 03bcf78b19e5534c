"""Demo customs data: a realistic year of CEB messages for the demo enterprises, then ingested.

Deterministic (seeded by year and customs code) so that loading twice stores nothing twice.
Export 603 + 604 mostly 9610 (B2C parcels), 9710 (B2B direct) and 9810 (overseas warehouse);
some platform enterprises import under 1210 (621 + 622). Seasons: a dip around the Spring
Festival, a peak before Black Friday / Christmas. A few codes are not in the registry (to map),
and a few retail imports break the limits (for the officers' page).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from customs.ingestion.building import (
    InventorySpec,
    LineSpec,
    ReceiptSpec,
    build_inventories,
    build_receipts,
)

# Month weights: Spring Festival dip (Feb), peak season Sep–Dec.
SEASON = [0.8, 0.5, 0.9, 0.9, 1.0, 1.0, 1.0, 1.1, 1.2, 1.4, 1.8, 1.6]
# Customs country codes with weights: USA, UK, Germany, France, Japan, Korea, Singapore,
# Australia, Canada, Russia, Malaysia, Thailand.
COUNTRIES = [
    ("502", 30),
    ("303", 10),
    ("304", 9),
    ("305", 6),
    ("116", 8),
    ("133", 7),
    ("132", 4),
    ("601", 5),
    ("501", 5),
    ("344", 6),
    ("122", 5),
    ("136", 5),
]
CURRENCY_OF = {"502": "502", "303": "303", "304": "300", "305": "300", "116": "116", "601": "601"}
PRODUCTS = [
    ("7117190000", "水晶手链", "011", (20, 300)),
    ("7018100000", "水晶饰品", "011", (10, 200)),
    ("6204430000", "连衣裙", "011", (60, 400)),
    ("3304990099", "美甲贴片", "125", (8, 60)),
    ("1704900000", "糖果礼盒", "140", (15, 80)),
    ("1212210000", "紫菜", "035", (30, 150)),
    ("9503008900", "玩具", "011", (20, 200)),
]
IMPORT_PRODUCTS = [
    ("3304990099", "面霜", "122", (150, 900)),
    ("1901101000", "婴幼儿配方奶粉", "122", (180, 400)),
    ("2106909090", "保健食品", "142", (120, 600)),
]
UNKNOWN_CODES = ["3207980901", "3207980902"]


def _weighted(rng: random.Random, items: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _w in items], weights=[w for _c, w in items])[0]


def _day(rng: random.Random, year: int, until: dt.date | None) -> dt.date:
    month = rng.choices(range(1, 13), weights=SEASON)[0]
    day = dt.date(year, month, rng.randint(1, 28))
    if until is not None and day > until:
        day = dt.date(year, rng.randint(1, until.month), 1)
    return day


def _export_specs(code: str, name: str, year: int, until: dt.date | None) -> list[InventorySpec]:
    rng = random.Random(f"{year}-{code}")
    profile = rng.random()
    count = rng.randint(15, 120)
    specs = []
    for n in range(count):
        mode = rng.choices(
            ["9610", "9710", "9810"], weights=[6, 2, 2] if profile > 0.3 else [2, 5, 3]
        )[0]
        country = _weighted(rng, COUNTRIES)
        currency = CURRENCY_OF.get(country, "502")
        scale = {"9610": 1, "9710": 60, "9810": 25}[mode]
        lines = []
        for _ in range(rng.choice([1, 1, 2, 3, 4])):
            gcode, gname, unit, (low, high) = rng.choice(PRODUCTS)
            qty = Decimal(rng.randint(1, 5) * scale)
            price = (Decimal(rng.randint(low * 100, high * 100)) / 100 / Decimal(7)).quantize(
                Decimal("0.01")
            )
            if currency == "116":
                price = (price * 20).quantize(Decimal("1"))
            lines.append(
                LineSpec(
                    gcode=gcode,
                    gname=gname,
                    unit=unit,
                    qty=qty,
                    price=price,
                    currency=currency,
                    country=country,
                )
            )
        specs.append(
            InventorySpec(
                cop_no=f"D{year}{code}{n:05d}",
                ebc_code=code,
                ebc_name=name[:100],
                trade_mode=mode,
                declared_on=_day(rng, year, until),
                lines=lines,
                country=country,
            )
        )
    return specs


def _import_specs(code: str, name: str, year: int, until: dt.date | None) -> list[InventorySpec]:
    rng = random.Random(f"imp-{year}-{code}")
    specs = []
    buyers = [
        f"3207{rng.randint(10, 99)}19{rng.randint(70, 99)}0101{rng.randint(1000, 9999)}"
        for _ in range(40)
    ]
    for n in range(rng.randint(40, 120)):
        gcode, gname, unit, (low, high) = rng.choice(IMPORT_PRODUCTS)
        price = Decimal(rng.randint(low, high))
        qty = Decimal(rng.randint(1, 4))
        if n % 57 == 0:
            qty = Decimal(20)  # an occasional order above the single-transaction limit
        specs.append(
            InventorySpec(
                cop_no=f"M{year}{code}{n:05d}",
                ebc_code=code,
                ebc_name=name[:100],
                trade_mode="1210",
                declared_on=_day(rng, year, until),
                country="142",
                buyer_id_number=rng.choice(buyers),
                lines=[
                    LineSpec(
                        gcode=gcode,
                        gname=gname,
                        unit=unit,
                        qty=qty,
                        price=price,
                        currency="142",
                        country=rng.choice(["116", "133", "304", "601"]),
                    )
                ],
            )
        )
    return specs


def _receipts(specs: Sequence[InventorySpec], rng: random.Random) -> list[ReceiptSpec]:
    out = []
    for spec in specs:
        at = dt.datetime.combine(spec.declared_on, dt.time(9), tzinfo=dt.UTC)
        roll = rng.random()
        out.append(ReceiptSpec(spec.cop_no, "120", at, ebc_code=spec.ebc_code))
        if roll < 0.03:
            out.append(
                ReceiptSpec(spec.cop_no, "100", at + dt.timedelta(hours=2), ebc_code=spec.ebc_code)
            )
            continue
        if roll < 0.08:
            out.append(
                ReceiptSpec(spec.cop_no, "500", at + dt.timedelta(hours=3), ebc_code=spec.ebc_code)
            )
        if roll < 0.97:
            out.append(
                ReceiptSpec(spec.cop_no, "800", at + dt.timedelta(hours=6), ebc_code=spec.ebc_code)
            )
    return out


def _write(
    folder: Path, stem: str, direction: str, specs: list[InventorySpec], rng: random.Random
) -> list[Path]:
    """Inventory messages (≤ 100 each) followed by their receipt messages (≤ 100 each)."""
    paths = []
    for start in range(0, len(specs), 100):
        part = specs[start : start + 100]
        declared = folder / f"{stem}-{start // 100:03d}-inv.xml"
        declared.write_bytes(build_inventories(direction, part))
        paths.append(declared)
        receipts = _receipts(part, rng)
        for offset in range(0, len(receipts), 100):
            answered = folder / f"{stem}-{start // 100:03d}-ret{offset // 100}.xml"
            answered.write_bytes(build_receipts(direction, receipts[offset : offset + 100]))
            paths.append(answered)
    return paths


def generate_demo_year(*, year: int, enterprises: Sequence[Any], out_dir: Path) -> list[Path]:
    """Write a year of CEB messages for ``enterprises`` (those with a customs code) to
    ``out_dir``; returns the files in ingestion order. Dates stop at today for the current year."""
    out_dir.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    until = today if year == today.year else None
    if until is not None and until.month == 1 and until.day < 2:
        return []
    paths: list[Path] = []
    rng = random.Random(year)
    coded = [e for e in enterprises if getattr(e, "customs_code", "")]
    for enterprise in coded:
        specs = _export_specs(enterprise.customs_code, enterprise.name, year, until)
        paths += _write(out_dir, f"e-{enterprise.customs_code}", "export", specs, rng)
    platforms = [e for e in coded if getattr(e, "kind", "") == "platform"][:3] or coded[:1]
    for enterprise in platforms:
        specs = _import_specs(enterprise.customs_code, enterprise.name, year, until)
        paths += _write(out_dir, f"i-{enterprise.customs_code}", "import", specs, rng)
    for code in UNKNOWN_CODES:
        specs = _export_specs(code, "未登记的跨境电商企业", year, until)[:20]
        paths += _write(out_dir, f"u-{code}", "export", specs, rng)
    return paths


def load_demo_customs(*, years: Sequence[int] | None = None) -> Any:
    """Generate and ingest the demo years (default: last year and this year to date)."""
    from customs.models import RunSource
    from customs.rates import load_shipped_rates
    from customs.services import ingest_paths
    from enterprises.models import Enterprise

    load_shipped_rates()
    today = timezone.localdate()
    years = list(years or [today.year - 1, today.year])
    enterprises = list(Enterprise.objects.exclude(customs_code="").order_by("pk"))
    with tempfile.TemporaryDirectory(prefix="ddt-demo-customs-") as tmp:
        paths: list[Path] = []
        for year in years:
            paths += generate_demo_year(
                year=year, enterprises=enterprises, out_dir=Path(tmp) / str(year)
            )
        return ingest_paths(actor=None, paths=paths, source=RunSource.DEMO)
