"""Forms for goals and their steps, agreement, milestones and strengths."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.widgets import language_check_attrs
from lib.once import OneTimeKeyForm
from plans.models import Goal, LifeDomain, Milestone, StepOwner, StrengthKind
from plans.services import StepValues

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK_STEP_ROWS = 2


class GoalForm(forms.ModelForm):
    domains = forms.MultipleChoiceField(
        label=_("Life areas it touches"),
        choices=LifeDomain.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = ["in_my_words", "coach_summary", "domains", "why_it_matters", "supports", "status"]
        widgets = {
            "in_my_words": forms.Textarea(attrs={"rows": 2}),
            "coach_summary": forms.Textarea(attrs={"rows": 2}),
            "why_it_matters": forms.Textarea(attrs={"rows": 2}),
            "supports": forms.Textarea(attrs={"rows": 2}),
        }
        # No "(optional)" in labels: the field partial adds it to every optional field.
        labels = {
            "in_my_words": _("The goal, in their own words"),
            "coach_summary": _("Coach's summary"),
        }
        help_texts = {
            "in_my_words": _("Write it the way they say it. The language checker leaves this."),
            "coach_summary": _("Only if a short summary helps you; their words come first."),
            "supports": _("People, places, skills and strengths they can lean on."),
        }
        error_messages = {
            "in_my_words": {"required": _("Write the goal in their words before saving.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The participant's own words are theirs; only the coach's summary gets suggestions.
        self.fields["coach_summary"].widget.attrs.update(language_check_attrs("coach_summary"))
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

    def goal_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NewGoalForm(OneTimeKeyForm, GoalForm):
    """A goal added to the plan: added once however often the form is sent."""


class StepForm(forms.Form):
    id = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Step"), max_length=500, required=False)
    owner = forms.ChoiceField(
        label=_("Who does it"), choices=StepOwner.choices, initial=StepOwner.PARTICIPANT
    )
    target_on = forms.DateField(label=_("Aiming for"), required=False, widget=DATE_WIDGET)
    done = forms.BooleanField(label=_("Done"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Steps are often the coach's words: the same gentle check as the goal's summary.
        self.fields["text"].widget.attrs.update(language_check_attrs(self.add_prefix("text")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and (data.get("target_on") or data.get("done")):
            self.add_error("text", _("Write the step, or clear the date and the tick."))
        return data


StepFormSet = forms.formset_factory(StepForm, extra=BLANK_STEP_ROWS, max_num=20, validate_max=True)


def step_initial(goal: Goal | None) -> list[dict[str, Any]]:
    if goal is None:
        return []
    return [
        {
            "id": str(step.id),
            "text": step.text,
            "owner": step.owner,
            "target_on": step.target_on,
            "done": step.done_on is not None,
        }
        for step in goal.steps.all()
    ]


def step_values(formset: Any) -> list[StepValues]:
    """The filled-in step rows, in order; blank rows are left out."""
    return [
        StepValues(
            text=form.cleaned_data["text"].strip(),
            owner=form.cleaned_data["owner"],
            target_on=form.cleaned_data.get("target_on"),
            done=form.cleaned_data.get("done", False),
            id=form.cleaned_data.get("id") or "",
        )
        for form in formset.forms
        if form.cleaned_data.get("text", "").strip()
    ]


class AgreementForm(forms.Form):
    agreed_on = forms.DateField(label=_("Date they agreed"), widget=DATE_WIDGET)
    confirmed = forms.BooleanField(
        label=_("They have read this version of the plan (or had it read to them) and agree."),
        error_messages={"required": _("Tick the box once they have agreed.")},
    )

    def clean_agreed_on(self) -> date:
        agreed_on: date = self.cleaned_data["agreed_on"]
        if agreed_on > timezone.localdate():
            raise forms.ValidationError(_("That date has not come yet."))
        return agreed_on


class MilestoneForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Milestone
        fields = ["kind", "title", "happened_on", "show_time_since"]
        widgets = {"happened_on": DATE_WIDGET, "title": forms.TextInput}
        help_texts = {
            "kind": _("A new start date sits beside earlier ones; nothing is erased or reset."),
            "show_time_since": _("Leave unticked unless they want to see a count of days."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update(language_check_attrs("title"))
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 1

    def clean_happened_on(self) -> date:
        happened_on: date = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise forms.ValidationError(_("Milestones are dates that have already come."))
        return happened_on

    def milestone_values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["title"] = values["title"].strip()
        return values


class NewMilestoneForm(OneTimeKeyForm, MilestoneForm):
    """A milestone noted for the first time: noted once however often the form is sent."""


class StrengthForm(OneTimeKeyForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StrengthKind.choices)
    text = forms.CharField(label=_("In their words"), max_length=300)
    noted_on = forms.DateField(label=_("Noted on"), widget=DATE_WIDGET)
