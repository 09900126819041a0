# Phone numbers are stored in E.164 from now on (acuback.patients.contact). Numbers typed
# before that are rewritten when they read as a valid number of the clinic's country; any
# other is kept as it was typed (shown as is), never thrown away.

from django.db import migrations

from acuback.patients import contact, search


def phones_to_e164(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    Term = apps.get_model("patients", "PatientSearchTerm")
    for p in (Patient.objects.exclude(phone="").select_related("clinic")
              .only("pk", "clinic__region", "clinic_id", "given_name", "family_name", "phone",
                    "email").iterator(chunk_size=2000)):
        try:
            e164 = contact.phone_normalised(p.phone, p.clinic.region)
        except ValueError:
            continue
        if e164 == p.phone:
            continue
        Patient.objects.filter(pk=p.pk).update(phone=e164)
        Term.objects.filter(patient_id=p.pk).delete()
        Term.objects.bulk_create(
            Term(clinic_id=p.clinic_id, patient_id=p.pk, kind=k, term=t)
            for k, t in sorted(search.terms(p.given_name, p.family_name, e164, p.email)))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_clinic_region'),
        ('patients', '0004_health_unknown_is_not_no'),
    ]

    operations = [
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop),
    ]
