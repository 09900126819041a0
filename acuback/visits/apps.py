from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "acuback.visits"
    verbose_name = "Visits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES
        from acuback.web.start import Section, register

        # Needles in: first, for everyone on staff, so that no patient is forgotten.
        register(Section(
            name="rooms", title="Patients with needles in", template="visits/_start_rooms.html",
            build="acuback.visits.start.rooms_for_start", roles=STAFF_ROLES, order=5,
        ))
        register(Section(
            name="unsigned_visits", title="Your unsigned visits, oldest first",
            template="visits/_start_unsigned.html", build="acuback.visits.start.unsigned_for_start",
            roles=CLINICAL_ROLES, order=20,
        ))
