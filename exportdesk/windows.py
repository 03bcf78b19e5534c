"""The export windows of the duty-free return policy for CBEC exports (跨境电商出口退运商品税收
政策), as data: one row per notice. Migration 0002 loads them; a new notice is a new row here
and a migration that calls ``load_windows`` again. Tests whose database was flushed (live-server
journeys) load them the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

MODES = "1210,9610,9710,9810"
WINDOWS = [
    (
        "财政部 海关总署 税务总局公告2023年第34号",
        "关于延续实施跨境电子商务出口退运商品税收政策的公告（含2023年第4号）",
        dt.date(2023, 1, 30),
        dt.date(2025, 12, 31),
    ),
    (
        "财政部 海关总署 税务总局公告2026年第16号",
        "关于延续实施跨境电子商务出口退运商品税收政策的公告",
        dt.date(2026, 1, 1),
        dt.date(2027, 12, 31),
    ),
]


def load_windows(model: Any) -> None:
    """Write every window into ``model`` (the ReturnWindow model, or its migration state)."""
    for document, title, start, end in WINDOWS:
        model.objects.update_or_create(
            document=document,
            defaults={
                "title": title,
                "export_from": start,
                "export_to": end,
                "months": 6,
                "modes": MODES,
            },
        )
