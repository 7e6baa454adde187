from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.extensions import register_shared_device_choice
        from encounters.extensions import register_today_list
        from portal import selectors

        register_today_list("call_requests", selectors.call_requests_for_today)
        register_shared_device_choice(selectors.chose_shared_device)
