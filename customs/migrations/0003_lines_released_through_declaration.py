from django.db import migrations

# A ledger line counts once its declaration is released: the line no longer keeps its own copy
# of ``released`` and ``invt_no``, so a release writes no line. Without those updates the line
# pages need no free room for in-place rewrites: back to PostgreSQL's default fill (migration
# 0002 had kept half of each page free). Other databases have no such setting.


def reset_line_fillfactor(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customs_ledgerline RESET (fillfactor)")


def keep_half_free(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customs_ledgerline SET (fillfactor = 50)")


class Migration(migrations.Migration):
    dependencies = [
        ("customs", "0002_lean_indexes"),
    ]

    operations = [
        migrations.RemoveField(model_name="ledgerline", name="invt_no"),
        migrations.RemoveField(model_name="ledgerline", name="released"),
        migrations.RunPython(reset_line_fillfactor, keep_half_free),
    ]
