from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from participants.extensions import register_merge_step, register_overview_panel
        from plans import selectors, services

        register_overview_panel("plan_panel", selectors.overview_panel)
        register_merge_step("plans", services.file_goals_under_current_plan)
