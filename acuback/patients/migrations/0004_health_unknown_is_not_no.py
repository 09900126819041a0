"""Before tri-state answers an unticked box meant "no" and "never asked" alike, so a stored
"no" cannot be trusted: every stored no becomes "not asked" (the practitioner asks again), every
yes stays yes. Each history gets its first version row, made by this migration (no user)."""

from django.db import migrations

QUESTIONS = ("pregnant", "anticoagulant", "bleeding_disorder", "needle_phobia",
             "immunosuppressed", "diabetes", "epilepsy", "metal_allergy")
KEYS = (*QUESTIONS, "implanted_device", "skin_lesion_regions", "pregnancy_weeks",
        "skin_conditions", "medications")


def unknown_is_not_no(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    HealthHistory = apps.get_model("patients", "HealthHistory")
    Version = apps.get_model("patients", "HealthHistoryVersion")
    for health in HealthHistory.objects.all():
        for name in QUESTIONS:
            if getattr(health, name) is False:
                setattr(health, name, None)
        if health.implanted_device == "none":
            health.implanted_device = ""
        if not health.skin_lesion_regions:
            health.skin_lesion_regions = None
        health.version = 1
        health.save()
        answers = {k: getattr(health, k) for k in KEYS}
        answers["implanted_device"] = answers["implanted_device"] or None
        Version.objects.create(history=health, version=1, answers=answers, asked=[],
                               changed={}, source="", recorded_by=None)


class Migration(migrations.Migration):

    dependencies = [("patients", "0003_health_tri_state")]

    operations = [migrations.RunPython(unknown_is_not_no, migrations.RunPython.noop)]
