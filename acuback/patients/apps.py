from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "acuback.patients"
    label = "patients"
    verbose_name = "Patients"
