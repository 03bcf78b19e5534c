import events.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0002_registration_check_in_code")]

    operations = [
        migrations.AlterField(
            model_name="registration",
            name="check_in_code",
            field=models.CharField(
                default=events.models.new_registration_code,
                help_text="报名人到场后出示或输入，用于本人签到。",
                max_length=8,
                unique=True,
                verbose_name="个人签到码",
            ),
        ),
    ]
