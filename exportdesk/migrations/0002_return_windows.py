"""The export windows of the duty-free return policy for CBEC exports (跨境电商出口退运商品税收
政策), as data: one row per notice. A new notice is a new migration adding its row."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from exportdesk.windows import WINDOWS, load_windows


def load(apps: Any, schema_editor: Any) -> None:
    load_windows(apps.get_model("exportdesk", "ReturnWindow"))


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("exportdesk", "ReturnWindow").objects.filter(
        document__in=[w[0] for w in WINDOWS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("exportdesk", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
