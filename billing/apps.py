from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing: payers, coverage and billable lines"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing import remaining, services
        from encounters.extensions import (
            register_editor_notice,
            register_on_signed,
            register_today_list,
        )

        register_on_signed(services.on_signed)
        register_today_list("billing", remaining.for_today)
        register_editor_notice(remaining.editor_notice)
