"""Every registration gets a personal check-in code (issue 15: attendance per registration).

Added nullable, filled for the rows that exist, then made unique and required by 0003 (a
separate migration, so PostgreSQL alters the table outside the transaction that filled it).
"""

from django.db import migrations, models


def fill_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    from events.models import random_code

    Registration = apps.get_model("events", "Registration")
    used: set[str] = set()
    for registration in Registration.objects.filter(check_in_code__isnull=True).only("pk"):
        code = random_code()
        while code in used:
            code = random_code()
        used.add(code)
        Registration.objects.filter(pk=registration.pk).update(check_in_code=code)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="check_in_code",
            field=models.CharField(max_length=8, null=True, verbose_name="个人签到码"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
