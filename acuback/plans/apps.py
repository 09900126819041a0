from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "acuback.plans"
    verbose_name = "Treatment plans"
    default_auto_field = "django.db.models.BigAutoField"
