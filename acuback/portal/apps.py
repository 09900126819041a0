from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "acuback.portal"
    verbose_name = "Patient portal"
    default_auto_field = "django.db.models.BigAutoField"
