"""Objections get a reference number (受理编号 ``YY-NNNNNN``); existing ones are numbered."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import migrations, models
from django.utils import timezone


def number_existing(apps: Any, schema_editor: Any) -> None:
    Objection = apps.get_model("funds", "Objection")
    taken: set[str] = set()
    for objection in Objection.objects.order_by("pk"):
        year = timezone.localtime(objection.created_at).strftime("%y")
        while True:
            reference = f"{year}-{secrets.randbelow(1_000_000):06d}"
            if reference not in taken:
                break
        taken.add(reference)
        Objection.objects.filter(pk=objection.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="reference",
            field=models.CharField(max_length=9, null=True, verbose_name="受理编号"),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="objection",
            name="reference",
            field=models.CharField(max_length=9, unique=True, verbose_name="受理编号"),
        ),
    ]
