"""Selects are written in Python (`lib.form_rendering.select_html`): to the character what
Django's own templates write, for every kind of select Cairn's forms use."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from lib.form_rendering import CairnFormRenderer

NEEDS = [
    ("", "Any need"),
    ("housing", "Housing & shelter"),
    ("food", 'Food "pantry" <nearby>'),
    ("Health", [("clinic", "Clinic"), ("dental", "Dental care")]),
    (3, mark_safe("<b>Safe</b> label")),
]


class Everything(forms.Form):
    need = forms.ChoiceField(choices=NEEDS, required=False)
    needs = forms.MultipleChoiceField(choices=NEEDS, required=False)
    team = forms.ChoiceField(
        choices=[("a", "Team A"), ("b", "Team B")],
        widget=forms.Select(attrs={"aria-describedby": "team_help", "data-x": 'q"uote'}),
    )
    yes_no = forms.NullBooleanField(required=False)
    off = forms.ChoiceField(choices=[("x", "X")], disabled=True, required=False)


def _both(data: dict | None) -> list[tuple[str, str]]:
    ours = Everything(data, renderer=CairnFormRenderer())
    django = Everything(data, renderer=DjangoTemplates())
    return [(str(ours[name]), str(django[name])) for name in Everything.base_fields]


def test_each_select_is_what_django_writes_empty_and_filled() -> None:
    filled = {"need": "food", "needs": ["housing", "dental", "3"], "team": "b", "yes_no": "true"}
    for data in (None, filled, {"need": "not one of them"}):
        for ours, django in _both(data):
            assert ours == django
    # And it did write selects (the comparison is not of two empty strings).
    [need, needs, *_rest] = _both(filled)
    assert need[0].startswith('<select name="need"') and "selected" in need[0]
    assert 'label="Health"' in needs[0] and "&lt;nearby&gt;" in needs[0]
    assert "<b>Safe</b> label" in needs[0]
