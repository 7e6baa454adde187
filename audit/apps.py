from django.apps import AppConfig

from lib.sqlite import keep_triggers


class AuditConfig(AppConfig):
    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        keep_triggers("audit_auditevent", "audit.migrations.0004_sqlite_append_only_trigger")
