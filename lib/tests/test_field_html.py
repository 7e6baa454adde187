"""`includes/field.html` written in Python reads exactly as the template it replaced."""

from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# The template as it was, kept here to compare against.
ORIGINAL = (Path(__file__).parent / "field_template.html").read_text()


class Everything(forms.Form):
    name = forms.CharField(label="Name <they go by>", help_text="What we call them & how")
    note = forms.CharField(required=False, widget=forms.Textarea, help_text=mark_safe("<b>ok</b>"))
    agree = forms.BooleanField(label="Agrees", required=False)
    channels = forms.MultipleChoiceField(
        choices=[("call", "Call"), ("text", "Text")], widget=forms.CheckboxSelectMultiple
    )
    pathway = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False
    )
    pick = forms.ChoiceField(choices=[("", "—"), ("x", 'X "quoted"')], required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    words = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"hx_lang": "1", "hx-post": "/x/"})
    )


@pytest.mark.parametrize("bound", [False, True])
def test_every_kind_of_field_reads_as_the_template_wrote_it(bound: bool) -> None:
    form = Everything(
        {"name": "", "channels": ["nope"], "pick": "zz", "day": "bad"} if bound else None
    )
    if bound:
        assert not form.is_valid()
        form.add_error("name", "Two <errors> & more")
    original = Template(ORIGINAL)
    for field in form:
        expected = original.render(Context({"field": field}))
        assert render_to_string("includes/field.html", {"field": field}) == expected, field.name
