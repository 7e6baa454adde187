from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent import selectors
        from encounters.extensions import register_today_list
        from participants.extensions import register_overview_panel

        register_overview_panel("active_consents", selectors.active_consents)
        register_today_list("expiring_consents", selectors.expiring_for_today)
        register_today_list("answered_consents", selectors.answered_for_today)
