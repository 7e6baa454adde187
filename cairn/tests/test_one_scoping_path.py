"""One way to open what belongs to a participant (issue 19): views never look a participant-owned
row up by an id themselves; `participants.access` (`participant_or_404`, `owned_or_404`) scopes
it, answers 404 with an audit event, flags emergency use and writes the page's view event."""

import re
from pathlib import Path

from django.apps import apps

from participants.models import ParticipantQuerySet
from participants.owned import ParticipantOwnedQuerySet

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"node_modules", ".venv", "var", "migrations", "tests", ".git", "bench"}


def _participant_models() -> set[str]:
    owned = set()
    for model in apps.get_models():
        queryset = type(model._default_manager.get_queryset())
        if issubclass(queryset, ParticipantOwnedQuerySet | ParticipantQuerySet):
            owned.add(model.__name__)
    return owned


def _view_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED & set(path.relative_to(ROOT).parts)
        and (path.name == "views.py" or path.name.endswith("_views.py"))
    ]


def test_participant_data_has_owned_querysets() -> None:
    """The check below knows the models it guards: the record, notes, goals and consents."""
    assert {"Participant", "Encounter", "Goal", "Consent"} <= _participant_models()


def test_views_open_participant_rows_only_through_participants_access() -> None:
    names = "|".join(sorted(_participant_models()))
    # `Model.objects.get(pk=...)` / `.filter(public_id=...)` with anything but a re-read of a row
    # the view already opened (`x.pk`), and `get_object_or_404` on any model.
    by_hand = re.compile(
        rf"\b({names})\.objects(\.\w+\(\))*\.(get|filter)\(\s*(pk|id|public_id)=(?!\w+\.pk\b)"
        r"|\bget_object_or_404\("
    )
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for path in _view_modules()
        for text in [path.read_text(encoding="utf-8")]
        for match in by_hand.finditer(text)
    ]
    assert not found, f"open these through participants.access instead: {found}"
