"""Choosing whose text it is."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Participant

SET_ASIDE = "aside"


class PlaceTextForm(forms.Form):
    choice = forms.ChoiceField(label=_("Whose text is this?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, people: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(person.id), person.preferred_name) for person in people]
        choices.append((SET_ASIDE, str(_("Nobody here: set it aside (its words are removed)"))))
        choice: forms.ChoiceField = self.fields["choice"]  # type: ignore[assignment]
        choice.choices = choices
