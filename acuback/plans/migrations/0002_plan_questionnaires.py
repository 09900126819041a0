from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="questionnaires",
            field=models.JSONField(
                blank=True, default=list,
                help_text='[{"instrument": "isi", "moment": "before_visit", "n": 4}]; moments: '
                "baseline, before_visit (n: the visit), every (n: the interval), discharge, "
                "after_discharge (n: months)",
            ),
        ),
    ]
