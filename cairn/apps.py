from django.apps import AppConfig


class CairnConfig(AppConfig):
    """The project itself, as the top layer: what composes every app (the URL map, the demo world
    and `seed_demo`). No app imports it."""

    name = "cairn"
    default_auto_field = "django.db.models.BigAutoField"
