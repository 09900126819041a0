"""The filter columns on each measure row (issue 11: a filtered report at 230,000 patients read
its measures through `episode_id IN (filtered summaries)`, 1.1-1.5 s on SQLite), filled from the
episode's summary, which holds the same values; the report index then covers them."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DIMENSIONS = ("practitioner_id", "opened_on", "days_open", "startback_band", "plan_estim")


def fill_statement(quote, measure: str, summary: str) -> str:  # noqa: ANN001 - quote_name
    """Each measure's filter columns set from its episode's summary."""
    columns = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in DIMENSIONS)
    return (f"UPDATE {quote(measure)} SET {columns} FROM {quote(summary)} s "  # noqa: S608
            f"WHERE s.episode_id = {quote(measure)}.episode_id")  # names from the models


def fill(apps, schema_editor):  # noqa: ANN001, ANN201 - a migration's signature
    schema_editor.execute(fill_statement(
        schema_editor.connection.ops.quote_name,
        apps.get_model("cohort", "EpisodeMeasure")._meta.db_table,
        apps.get_model("cohort", "EpisodeSummary")._meta.db_table))


class Migration(migrations.Migration):

    dependencies = [
        ('cohort', '0002_measure_report_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='episodemeasure',
            name='cohort_measure_report',
        ),
        migrations.AlterField(
            model_name='episodesummary',
            name='practitioner',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='episodemeasure',
            name='practitioner',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='episodemeasure',
            name='opened_on',
            field=models.DateField(default=datetime.date(1970, 1, 1)),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='episodemeasure',
            name='days_open',
            field=models.IntegerField(default=0, help_text="days from the pain's onset to opening"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='episodemeasure',
            name='startback_band',
            field=models.CharField(blank=True, default='', help_text='band of the first scored STarT Back; empty: not screened', max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='episodemeasure',
            name='plan_estim',
            field=models.BooleanField(help_text='e-stim in the current plan; NULL: no plan', null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='episodemeasure',
            index=models.Index(fields=['clinic', 'instrument', 'baseline', 'latest', 'followed', 'opened_on', 'days_open', 'startback_band', 'plan_estim', 'practitioner'], name='cohort_measure_report'),
        ),
    ]
