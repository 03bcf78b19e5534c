"""Declarations are stored once per (message type, e-commerce enterprise code, copNo) and
receipts are matched by the enterprise code too (copNo is unique only within the enterprise
that declares it: see docs/customs-ledger.md, "Trust").

Existing data is kept: declarations unique by (type, copNo) are unique by the finer key. Each
stored receipt linked to a declaration takes that declaration's ``ebc_code`` and the new
business key ``ebcCode|copNo|returnStatus|returnTime`` (so re-ingesting its file still finds it
a duplicate). A receipt still waiting for its declaration keeps an empty code and its old key:
its file did not record whose it is, so it matches nothing; re-ingesting the channel's receipt
file stores it again with its code."""

from typing import Any

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, StrIndex, Substr


def receipts_take_their_code(apps: Any, schema_editor: Any) -> None:
    Declaration = apps.get_model("customs", "Declaration")
    Receipt = apps.get_model("customs", "Receipt")
    code = Declaration.objects.filter(pk=OuterRef("declaration_id")).values("ebc_code")[:1]
    Receipt.objects.filter(declaration__isnull=False).update(ebc_code=Subquery(code))
    Receipt.objects.exclude(ebc_code="").update(
        business_key=Concat(F("ebc_code"), Value("|"), F("business_key"))
    )


def receipts_drop_their_code(apps: Any, schema_editor: Any) -> None:
    Receipt = apps.get_model("customs", "Receipt")
    Receipt.objects.exclude(ebc_code="").update(
        business_key=Substr(F("business_key"), StrIndex(F("business_key"), Value("|")) + 1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customs", "0007_message_origin"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="declaration",
            name="customs_declaration_once",
        ),
        migrations.AddField(
            model_name="receipt",
            name="ebc_code",
            field=models.CharField(blank=True, max_length=18, verbose_name="电商企业代码"),
        ),
        migrations.RunPython(receipts_take_their_code, receipts_drop_their_code, elidable=False),
        migrations.AddConstraint(
            model_name="declaration",
            constraint=models.UniqueConstraint(
                fields=("message_type", "ebc_code", "cop_no"), name="customs_declaration_once"
            ),
        ),
    ]
