from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "acuback.screening"
    verbose_name = "Red-flag screening"
    default_auto_field = "django.db.models.BigAutoField"
