from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "Supervision and the coach's own space"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from encounters.extensions import register_today_list
        from organizations.extensions import register_on_closed
        from supervision import selectors, services

        register_today_list("credentials", selectors.credentials_ending_for_today)
        # A coach who leaves: their journal goes with the account; the sessions stay.
        register_on_closed(services.forget_journal)
