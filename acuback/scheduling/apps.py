from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "acuback.scheduling"
    verbose_name = "Scheduling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from acuback.accounts.models import STAFF_ROLES
        from acuback.web.start import Section, register

        register(Section(
            name="today", title="Today's appointments", template="scheduling/_start_today.html",
            build="acuback.scheduling.selectors.today_section", roles=STAFF_ROLES, order=10,
        ))
