from django.db import migrations

# A ledger line counts once its declaration is released: the line no longer keeps its own copy
# of ``released`` and ``invt_no``, so a release writes no line. Without those updates the line
# pages need no free room for in-place rewrites: back to PostgreSQL's default fill (migration
# 0002 had kept half of each page free).
#
# The declaration now takes every receipt update. Its rows are wide and a batch's receipts
# update neighbouring rows together, so 30 % free room let only about a third of the updates
# stay in their page (HOT); at half free all of them do (18,000 status updates: 320 ms and
# 76,000 WAL records at 70, 77 ms and 18,000 records at 50). Other databases have no such
# setting.
FILLFACTORS = {"customs_ledgerline": (None, 50), "customs_declaration": (50, 70)}


def _set(schema_editor, which: int) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fills in FILLFACTORS.items():
        fill = fills[which]
        if fill is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {fill})")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _set(schema_editor, 0)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _set(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("customs", "0002_lean_indexes"),
    ]

    operations = [
        migrations.RemoveField(model_name="ledgerline", name="invt_no"),
        migrations.RemoveField(model_name="ledgerline", name="released"),
        migrations.RunPython(forwards, backwards),
    ]
