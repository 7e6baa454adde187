from django.apps import AppConfig

from lib.sqlite import keep_triggers


class SafetyConfig(AppConfig):
    name = "safety"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        keep_triggers(
            "safety_safetyplanversion", "safety.migrations.0004_sqlite_versions_are_immutable"
        )
        from accounts.extensions import register_crisis_help_lines
        from participants.extensions import register_overview_panel
        from safety import selectors

        register_overview_panel("safety_panel", selectors.overview_panel)
        register_crisis_help_lines(selectors.crisis_help_lines)
