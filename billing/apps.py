from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing: payers, coverage and billable lines"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing import services
        from encounters.extensions import register_on_signed

        register_on_signed(services.on_signed)
