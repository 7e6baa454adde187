from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from appointments import reminder_services, selectors
        from encounters.extensions import register_today_list
        from groups.extensions import register_group_panel, register_on_members_changed
        from participants.extensions import register_overview_panel

        register_overview_panel("appointment_panel", selectors.overview_panel)
        register_today_list("missed_appointments", selectors.missed_for_today)
        register_group_panel("group_calendar", selectors.group_calendar_panel)
        register_on_members_changed(reminder_services.group_members_changed)
