from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "fhir_r4"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fhir_r4 import jobs  # noqa: F401 - registers the bulk export job handler
