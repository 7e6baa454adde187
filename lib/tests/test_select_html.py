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


class Boxes(forms.Form):
    name = forms.CharField(max_length=40, widget=forms.TextInput(attrs={"data-x": 'q"u&o<te'}))
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    count = forms.IntegerField(min_value=0, required=False)
    email = forms.EmailField(required=False, help_text="We write only about the program.")
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    agreed = forms.BooleanField(required=False)
    file = forms.FileField(required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    off = forms.CharField(disabled=True, required=False, initial="fixed & <kept>")
    flags = forms.CharField(required=False, widget=forms.TextInput(attrs={"autofocus": True}))


class DjangoWithHints(DjangoTemplates):
    """Django's own templates with Cairn's bound field (the date hints), to compare inputs."""

    bound_field_class = CairnFormRenderer.bound_field_class


def test_each_input_is_what_django_writes_empty_filled_and_invalid() -> None:
    filled = {
        "name": 'Ana "Sunny" & <co>',
        "when": "2026-12-04",
        "at": "17:05",
        "count": "3",
        "email": "ana@example.org",
        "secret": "hidden",
        "search": "ho",
        "agreed": "on",
        "key": "k-1",
        "flags": "x",
    }
    for data in (None, filled, {"count": "many", "when": "not a day", "email": "no"}):
        ours = Boxes(data, renderer=CairnFormRenderer())
        django = Boxes(data, renderer=DjangoWithHints())
        if data:
            ours.is_valid(), django.is_valid()
        for name in Boxes.base_fields:
            assert str(ours[name]) == str(django[name]), name
    written = str(Boxes(filled, renderer=CairnFormRenderer())["name"])
    assert written.startswith('<input type="text" name="name" value="Ana &quot;Sunny&quot;')
    assert 'data-x="q&quot;u&amp;o&lt;te"' in written


def test_the_input_templates_written_in_python_are_still_djangos_plain_include() -> None:
    from pathlib import Path

    from lib.form_rendering import INPUTS

    folder = Path(forms.__file__).parent / "templates"
    for name in INPUTS - {"django/forms/widgets/input.html"}:
        assert (folder / name).read_text().strip() == (
            '{% include "django/forms/widgets/input.html" %}'
        ), name
