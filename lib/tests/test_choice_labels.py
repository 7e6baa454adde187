"""Every model's choice labels read the same through Cairn's faster lookup as through Django's."""

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import override

from lib.apps import choice_label


def django_label(field: models.Field, value: object) -> object:
    choices = dict(make_hashable(field.flatchoices))
    return force_str(choices.get(make_hashable(value), value), strings_only=True)


def test_every_choice_of_every_model_gets_the_label_django_would_give() -> None:
    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            for value, _label in field.flatchoices:
                instance = model()
                setattr(instance, field.attname, value)
                for language in ("en", "es"):
                    with override(language):
                        assert choice_label(instance, field) == django_label(field, value)
                checked += 1
    assert checked > 100


def test_a_stored_value_that_is_no_longer_a_choice_shows_as_stored() -> None:
    from audit.models import AuditEvent

    event = AuditEvent(action="retired-action")
    assert event.get_action_display() == "retired-action"


def test_models_use_the_faster_lookup() -> None:
    from audit.models import Action, AuditEvent

    assert AuditEvent.__dict__["get_action_display"].func is choice_label
    with override("es"):
        label = AuditEvent(action=Action.VIEW).get_action_display()
    with override("es"):
        assert label == force_str(Action.VIEW.label)
