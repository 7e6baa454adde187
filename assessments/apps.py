from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assessments import selectors, windows
        from participants.extensions import register_overview_panel

        windows.connect()
        register_overview_panel("assessment_panel", selectors.overview_panel)
