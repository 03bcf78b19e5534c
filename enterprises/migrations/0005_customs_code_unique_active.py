from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_resolve_duplicate_customs_codes")]

    operations = [
        migrations.AddConstraint(
            model_name="enterprise",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("customs_code", ""), _negated=True),
                    models.Q(("status", "deregistered"), _negated=True),
                ),
                fields=("customs_code",),
                name="enterprise_customs_code_unique_active",
            ),
        ),
    ]
