from django.apps import AppConfig


class TextingConfig(AppConfig):
    name = "texting"
    default_auto_field = "django.db.models.BigAutoField"
