from django.apps import AppConfig


class OverdoseConfig(AppConfig):
    name = "overdose"
    verbose_name = "Overdose response and naloxone"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from encounters.extensions import register_today_list
        from overdose import selectors

        register_today_list("overdose", selectors.for_today)
