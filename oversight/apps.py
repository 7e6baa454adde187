from django.apps import AppConfig


class OversightConfig(AppConfig):
    """The pages and commands people use to look at the audit trail: the review for managers and
    `verify_audit`. The trail itself (`audit`) sits below `organizations` and `accounts`."""

    name = "oversight"
    default_auto_field = "django.db.models.BigAutoField"
