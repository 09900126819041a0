from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "acuback.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from acuback.audit.guard import register_sqlite_switch

        connection_created.connect(register_sqlite_switch, dispatch_uid="acuback_audit_guard")
