"""Create the ChainHead singleton so concurrent first appends lock an existing row."""

from django.db import migrations


def create_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    if not ChainHead.objects.filter(pk=1).exists() and not AuditEntry.objects.exists():
        ChainHead.objects.create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
