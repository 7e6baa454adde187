from django.apps import AppConfig


class ReachOutConfig(AppConfig):
    name = "reachout"
    verbose_name = "Reach out soon"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from encounters.extensions import register_today_list
        from reachout import selectors

        register_today_list("reach_out", selectors.open_for_today)
