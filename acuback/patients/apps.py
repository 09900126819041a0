from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "acuback.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from acuback.accounts.models import STAFF_ROLES
        from acuback.web.start import Section, register

        register(Section(
            name="find", title="Find a patient", template="patients/_start_find.html",
            build="acuback.patients.selectors.find_section", roles=STAFF_ROLES, order=90,
        ))
