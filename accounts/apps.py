from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 - connects the audit receivers
        from accounts.notices import tell_about_organization_news
        from organizations.extensions import register_teller

        register_teller(tell_about_organization_news)
