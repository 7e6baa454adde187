"""Instances loaded through lib.model_loading hold what Django's own loading gives them: the same
values, the same deferred columns, related rows, and a save that updates rather than inserts."""

from typing import Any

import pytest
from django.db.models import Model
from django.db.models.signals import post_init

from cairn.demo import DemoWorld
from encounters.models import Encounter
from lib.model_loading import fast_from_db
from participants.models import Participant


def _state(instance: Model) -> dict[str, Any]:
    return {key: value for key, value in instance.__dict__.items() if key != "_state"}


def _django_loaded(model: type[Model], rows: Any) -> list[Model]:
    """The same query loaded by Django's `Model.from_db`."""
    model.from_db = Model.__dict__["from_db"]  # type: ignore[method-assign]
    try:
        return list(rows.all())
    finally:
        model.from_db = fast_from_db  # type: ignore[method-assign]


@pytest.mark.parametrize(
    "shape",
    [
        lambda rows: rows,
        lambda rows: rows.only("id", "preferred_name", "pronouns", "coach_id"),
        lambda rows: rows.defer("legal_name", "strengths"),
        lambda rows: rows.select_related("coach", "organization"),
    ],
    ids=["every column", "only", "defer", "select_related"],
)
def test_participants_load_as_django_loads_them(demo: DemoWorld, shape: Any) -> None:
    rows = shape(
        Participant.objects.filter(organization=demo.organizations["harbor"]).order_by("id")
    )
    fast, slow = list(rows.all()), _django_loaded(Participant, rows)
    assert fast and len(fast) == len(slow)
    for mine, django in zip(fast, slow, strict=True):
        assert _state(mine) == _state(django)
        assert mine._state.adding is False and mine._state.db == django._state.db == "default"
        assert mine.get_deferred_fields() == django.get_deferred_fields()
        if "coach" in django._state.fields_cache:
            assert mine.coach == django.coach  # type: ignore[attr-defined]  # a participant


def test_a_deferred_column_loads_on_first_use_and_a_save_updates(demo: DemoWorld) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    loaded = Participant.objects.only("id", "preferred_name").get(pk=pat.pk)
    assert "legal_name" in loaded.get_deferred_fields()
    assert loaded.legal_name == Participant.objects.get(pk=pat.pk).legal_name  # one query
    count = Participant.objects.count()
    loaded.preferred_name = "Pat R."
    loaded.save(update_fields=["preferred_name"])
    assert Participant.objects.count() == count
    assert Participant.objects.get(pk=pat.pk).preferred_name == "Pat R."


def test_a_model_with_a_post_init_receiver_is_loaded_by_django(demo: DemoWorld) -> None:
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Encounter)
    try:
        notes = list(Encounter.objects.filter(organization=demo.organizations["harbor"])[:3])
    finally:
        post_init.disconnect(receiver, sender=Encounter)
    assert notes and seen == [note.pk for note in notes]
