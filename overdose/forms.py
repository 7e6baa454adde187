"""Recording naloxone kits given and an overdose known to the program."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.once import OneTimeKeyForm
from overdose.models import Outcome, Whose

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(day: date) -> date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("Choose a date that has already happened."))
    return day


class KitForm(OneTimeKeyForm, forms.Form):
    given_on = forms.DateField(label=_("Given on"), widget=DATE_WIDGET)
    kits = forms.IntegerField(label=_("How many kits"), min_value=1, max_value=50, initial=1)
    training_given = forms.BooleanField(
        label=_("Showed how to use it (training given)"), required=False
    )

    def clean_given_on(self) -> date:
        return _not_in_future(self.cleaned_data["given_on"])


class OverdoseForm(OneTimeKeyForm, forms.Form):
    whose = forms.ChoiceField(
        label=_("What happened"), choices=Whose.choices, widget=forms.RadioSelect
    )
    happened_on = forms.DateField(label=_("When"), widget=DATE_WIDGET)
    place = forms.CharField(
        label=_("Where, if known"), required=False, max_length=300, help_text=_("Kept private.")
    )
    naloxone_used = forms.BooleanField(label=_("Naloxone was used"), required=False)
    reversed = forms.BooleanField(label=_("The overdose was reversed"), required=False)
    emergency_services = forms.BooleanField(label=_("Emergency services came"), required=False)
    outcome = forms.ChoiceField(
        label=_("How it ended"), choices=Outcome.choices, initial=Outcome.NOT_KNOWN
    )
    in_their_words = forms.CharField(
        label=_("In their words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person said about it, as they said it. Kept private."),
    )

    def clean_happened_on(self) -> date:
        return _not_in_future(self.cleaned_data["happened_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("reversed")
            and not data.get("naloxone_used")
            and not data.get("emergency_services")
        ):
            self.add_error(
                "reversed",
                _("Say how it was reversed: naloxone, emergency services, or both."),
            )
        return data
