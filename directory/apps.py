from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Community resource directory"

    def ready(self) -> None:
        from directory import jobs  # noqa: F401 - registers the background job handlers
