from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "Supervision and the coach's own space"
    default_auto_field = "django.db.models.BigAutoField"
