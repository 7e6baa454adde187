from django.apps import AppConfig


class EncountersConfig(AppConfig):
    name = "encounters"
    default_auto_field = "django.db.models.BigAutoField"
