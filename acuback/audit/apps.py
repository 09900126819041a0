from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "acuback.audit"
    label = "audit"
    verbose_name = "Audit trail"
