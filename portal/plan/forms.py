"""The participant's forms: today's check-in, a goal suggestion, agreeing, a milestone of mine."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import engine
from assessments.forms import OUT_OF_RANGE
from lib.once import OneTimeKeyForm
from plans.forms import MilestoneForm


def check_in_field_name(item: engine.Item) -> str:
    return f"item_{item.key}"


class CheckInForm(OneTimeKeyForm, forms.Form):
    """One group of big choices per question; leaving a question blank is always fine."""

    def __init__(self, *args: Any, instrument: engine.Instrument, language: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.instrument = instrument
        for item in instrument.items:
            field = forms.TypedChoiceField(
                label=item.text(language),
                choices=[(str(o.value), o.label(language)) for o in item.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": OUT_OF_RANGE},
            )
            self.fields[check_in_field_name(item)] = field

    def answers(self) -> dict[str, int | None]:
        return {
            item.key: self.cleaned_data.get(check_in_field_name(item))
            for item in self.instrument.items
        }


class SuggestionForm(OneTimeKeyForm, forms.Form):
    text = forms.CharField(
        label=_("What would you change?"),
        help_text=_("A few words are enough. Your coach will talk it over with you."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a few words about the change first.")},
    )


class AgreeForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("I have read my plan and I agree with it."),
        error_messages={"required": _("Tick the box if you agree with your plan.")},
    )


class MyMilestoneForm(OneTimeKeyForm, MilestoneForm):
    """The plans app's milestone form, in the participant's own voice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].label = _("What happened, in your words")
        # The person's own words are theirs: no language check (it is for staff writing).
        for name in [n for n in self.fields["title"].widget.attrs if n.startswith("hx")]:
            del self.fields["title"].widget.attrs[name]
        self.fields["kind"].label = _("What kind of date is it?")
        self.fields["kind"].help_text = _(
            "A new start date sits beside the ones before. Nothing is erased."
        )
        self.fields["happened_on"].label = _("When")
        self.fields["show_time_since"].label = _("Show how many days it has been")
        self.fields["show_time_since"].help_text = _("Only if you want a count.")


class MyOverdoseForm(OneTimeKeyForm, forms.Form):
    """Telling my coach about an overdose: mine, or one where I helped someone."""

    whose = forms.ChoiceField(
        label=_("What happened?"),
        choices=[
            ("their_own", _("I overdosed")),
            ("they_helped", _("I helped someone who overdosed")),
        ],
        widget=forms.RadioSelect,
    )
    happened_on = forms.DateField(
        label=_("When?"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    naloxone_used = forms.BooleanField(label=_("Naloxone (Narcan) was used"), required=False)
    in_their_words = forms.CharField(
        label=_("Anything you'd like your coach to know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the people who support you see this."),
    )

    def clean_happened_on(self) -> Any:
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Choose a day that has already happened."))
        return day

    def event_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        # Telling us themselves: the person survived their own overdose; someone they helped
        # may or may not have, so that stays "not known" until the coach hears more.
        own = data["whose"] == "their_own"
        return {
            "whose": data["whose"],
            "happened_on": data["happened_on"],
            "place": "",
            "naloxone_used": data["naloxone_used"],
            "reversed": bool(data["naloxone_used"]) and not own,
            "emergency_services": False,
            "outcome": "survived" if own else "not_known",
            "in_their_words": data["in_their_words"].strip(),
        }
