"""Project-wide adjustments that must wait until Django has loaded its models."""

import inspect
from functools import partialmethod
from typing import Any

from django.apps import AppConfig, apps
from django.db import models
from django.utils.encoding import force_str


def choice_label(instance: models.Model, field: Any) -> Any:
    """What `get_<field>_display()` returns, found by walking the choices.

    Django's own version builds a dictionary of every choice on each call, hashing each lazily
    translated label, which translates all of them: 25 translations for one audit row's action.
    On the audit review (50 rows) that was about a quarter of the page's time. Walking the
    choices compares values only and translates the one label it returns.
    """
    value = getattr(instance, field.attname)
    for choice, label in field.flatchoices:
        if choice == value:
            return force_str(label, strings_only=True)
    return force_str(value, strings_only=True)


class LibConfig(AppConfig):
    name = "lib"
    label = "cairn_lib"
    verbose_name = "Cairn shared code"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from lib import lookups  # noqa: F401 - registers the lookups on their fields
        from lib.sqlite import add_sqlite_functions, restore_triggers

        connection_created.connect(add_sqlite_functions, dispatch_uid="cairn_sqlite_functions")
        post_migrate.connect(restore_triggers, dispatch_uid="cairn_sqlite_triggers")
        # Django binds each `get_<field>_display` to its own lookup as the class is built, so
        # the bound methods are replaced here, after every model exists (a model's own
        # `get_<field>_display`, were one written, is a plain function and stays).
        for model in apps.get_models():
            for field in model._meta.fields:
                name = f"get_{field.name}_display"
                bound = inspect.getattr_static(model, name, None)
                if field.choices and isinstance(bound, partialmethod):
                    setattr(model, name, partialmethod(choice_label, field=field))
