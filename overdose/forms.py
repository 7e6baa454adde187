"""Recording naloxone kits given and an overdose known to the program."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.once import OneTimeKeyForm
from overdose.models import OUTREACH_HOURS, Outcome, OutreachPlan, Whose

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


MAX_STEPS = 10


class OutreachPlanForm(forms.ModelForm):
    class Meta:
        model = OutreachPlan
        fields = ["within_hours", "steps"]
        labels = {
            "within_hours": _("First contact within (hours)"),
            "steps": _("Steps of the outreach"),
        }
        help_texts = {
            "within_hours": _("Between 24 and 72 hours after the program learns of it."),
            "steps": _(
                "One step per line, in your program's words; they show on the coach's Today "
                "with the outreach. Leave empty for the default steps."
            ),
        }
        widgets = {"steps": forms.Textarea(attrs={"rows": 6})}

    def clean_within_hours(self) -> int:
        hours: int = self.cleaned_data["within_hours"]
        low, high = OUTREACH_HOURS
        if not low <= hours <= high:
            raise forms.ValidationError(
                _("Choose between %(low)d and %(high)d hours.") % {"low": low, "high": high}
            )
        return hours

    def clean_steps(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]
        if len(lines) > MAX_STEPS:
            raise forms.ValidationError(
                _("Keep it to %(n)d steps or fewer, so Today stays readable.") % {"n": MAX_STEPS}
            )
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("Keep each step under 200 characters."))
        return "\n".join(lines)
