from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.extensions import register_participant_names
        from organizations.extensions import register_access_page_part
        from participants import selectors

        register_participant_names(
            names_for=selectors.names_for_audit, ids_named=selectors.ids_named_for_audit
        )
        register_access_page_part("emergency", selectors.open_emergency_access)
