from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "acuback.scheduling"
    verbose_name = "Scheduling"
    default_auto_field = "django.db.models.BigAutoField"
