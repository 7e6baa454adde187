from django.apps import AppConfig

from lib.sqlite import keep_triggers


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        keep_triggers("reports_datachange", "reports.migrations.0002_sqlite_data_changes")
