"""The export windows of the duty-free return policy for CBEC exports (跨境电商出口退运商品税收
政策), as data: one row per notice. A new notice is a new migration adding its row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

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


def load(apps: Any, schema_editor: Any) -> None:
    ReturnWindow = apps.get_model("exportdesk", "ReturnWindow")
    for document, title, start, end in WINDOWS:
        ReturnWindow.objects.update_or_create(
            document=document,
            defaults={
                "title": title,
                "export_from": start,
                "export_to": end,
                "months": 6,
                "modes": MODES,
            },
        )


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("exportdesk", "ReturnWindow").objects.filter(
        document__in=[w[0] for w in WINDOWS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("exportdesk", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
