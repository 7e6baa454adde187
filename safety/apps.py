from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.extensions import register_crisis_help_lines
        from participants.extensions import register_overview_panel
        from safety import selectors

        register_overview_panel("safety_panel", selectors.overview_panel)
        register_crisis_help_lines(selectors.crisis_help_lines)
