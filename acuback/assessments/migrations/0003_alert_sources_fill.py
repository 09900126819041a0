"""Existing alerts all come from an assessment: take clinic, patient and who raised them from
it, before 0004 makes the columns required."""

from django.db import migrations


def fill(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    SafetyAlert = apps.get_model("assessments", "SafetyAlert")
    for alert in SafetyAlert.objects.select_related("assessment__episode"):
        alert.clinic_id = alert.assessment.clinic_id
        alert.patient_id = alert.assessment.episode.patient_id
        alert.raised_by_id = alert.assessment.entered_by_user_id
        alert.save(update_fields=["clinic", "patient", "raised_by"])


class Migration(migrations.Migration):

    dependencies = [("assessments", "0002_alert_sources")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
