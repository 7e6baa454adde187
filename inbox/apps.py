from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox import jobs  # noqa: F401 - registers the waiting-text job handler
        from inbox.services import out_of_hours_reply
        from reachout.services import register_on_raised

        register_on_raised(out_of_hours_reply)
