from django.apps import AppConfig


class OverdoseConfig(AppConfig):
    name = "overdose"
    verbose_name = "Overdose response and naloxone"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from encounters.extensions import register_today_list
        from overdose import selectors

        register_today_list("overdose_outreach", selectors.outreach_for_today)
        register_today_list("deaths_recorded", selectors.deaths_for_today)
