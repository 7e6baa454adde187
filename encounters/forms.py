"""The brief check-in and the full note: same record, more questions."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from coaching.widgets import language_check_attrs
from encounters.models import (
    MAX_DURATION_MINUTES,
    CheckInSchedule,
    ContactType,
    Encounter,
    FeedbackKind,
    Outcome,
    ServiceType,
    WithheldReason,
)
from encounters.open_notes import Decision
from lib.once import KEY_FIELD, OneTimeKeyForm
from organizations.models import Organization
from participants.models import Participant

# Coach-written fields get the inline language checker; "in their own words" never does.
LANGUAGE_CHECKED = ("summary", "topics", "coach_actions", "participant_response", "next_steps")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

BRIEF_FIELDS = ["contact_type", "outcome", "day", "start", "duration_minutes", "summary",
                "next_contact_on"]  # fmt: skip
FULL_FIELDS = [
    "contact_type", "outcome", "day", "start", "duration_minutes", "end", "setting",
    "service_type", "goals_addressed", "topics", "summary", "coach_actions",
    "participant_response", "own_words", "next_steps", "next_contact_on",
]  # fmt: skip


class EncounterForm(forms.ModelForm):
    """Date and time are asked in the organization's time zone and stored in UTC."""

    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    end = forms.TimeField(
        label=_("End time"),
        widget=TIME_WIDGET,
        required=False,
        help_text=_("Or give the minutes above."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Encounter
        fields = [
            "contact_type", "outcome", "duration_minutes", "setting", "service_type", "summary",
            "topics", "coach_actions", "participant_response", "own_words", "next_steps",
            "next_contact_on", "goals_addressed",
        ]  # fmt: skip
        widgets = {
            "summary": forms.TextInput,
            "topics": forms.TextInput,
            "next_contact_on": DATE_WIDGET,
            "goals_addressed": forms.CheckboxSelectMultiple,
            "coach_actions": forms.Textarea(attrs={"rows": 4}),
            "participant_response": forms.Textarea(attrs={"rows": 3}),
            "own_words": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "own_words": _("Their words as they said them; the language checker leaves these."),
            "summary": _("What happened, in a line."),
        }

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        brief: bool,
        participant: Participant | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.brief = brief
        self.zone = ZoneInfo(organization.time_zone)
        service: forms.ModelChoiceField = self.fields["service_type"]  # type: ignore[assignment]
        service.queryset = ServiceType.objects.filter(organization=organization, is_active=True)
        service.empty_label = _("Not chosen")
        if "goals_addressed" in self.fields:
            goals: forms.ModelMultipleChoiceField = self.fields["goals_addressed"]  # type: ignore[assignment]
            # The plan's goals, read through the field (plans sits above encounters).
            plan_goals = Encounter.goals_addressed.field.related_model._default_manager  # type: ignore[union-attr]
            goals.queryset = plan_goals.filter(
                participant=participant or self.instance.participant, removed_at__isnull=True
            )
            goals.help_text = _("The goals from their plan this contact worked on, if any.")
        keep = BRIEF_FIELDS if brief else FULL_FIELDS
        for name in list(self.fields):
            if name not in keep and name not in ("version", KEY_FIELD):
                del self.fields[name]
        for name in LANGUAGE_CHECKED:
            if name in self.fields:
                self.fields[name].widget.attrs.update(language_check_attrs(name))
        instance: Encounter = self.instance
        if not self.is_bound:
            saved = not instance._state.adding
            moment = (instance.started_at if saved else timezone.now()).astimezone(self.zone)
            self.initial.setdefault("day", moment.date())
            self.initial.setdefault("start", moment.time().replace(second=0, microsecond=0))
            self.initial["version"] = instance.version if saved else 1

    @property
    def field_order_for_page(self) -> list[forms.BoundField]:
        keep = BRIEF_FIELDS if self.brief else FULL_FIELDS
        return [self[name] for name in keep if name in self.fields]

    def clean_duration_minutes(self) -> int | None:
        minutes: int | None = self.cleaned_data.get("duration_minutes")
        if minutes is not None and not 1 <= minutes <= MAX_DURATION_MINUTES:
            raise forms.ValidationError(_("A contact lasts between 1 minute and 12 hours."))
        return minutes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start = data.get("day"), data.get("start")
        if day is None or start is None:
            return data
        started_at = datetime.combine(day, start, tzinfo=self.zone)
        if started_at > timezone.now() + timedelta(minutes=5):
            self.add_error("day", _("That is in the future. Record contacts once they happen."))
        end: time | None = data.get("end")
        if end is not None:
            minutes = (datetime.combine(day, end) - datetime.combine(day, start)).seconds // 60
            if end <= start:
                self.add_error("end", _("The end time is before the start time."))
            elif data.get("duration_minutes") is None:
                data["duration_minutes"] = minutes
        if (
            data.get("contact_type") == ContactType.OUTREACH
            and data.get("outcome") == Outcome.REACHED
        ):
            self.add_error(
                "outcome", _("An outreach attempt did not reach the person; pick how it went.")
            )
        next_on = data.get("next_contact_on")
        if next_on is not None and next_on < started_at.date():
            self.add_error("next_contact_on", _("The next contact comes after this one."))
        data["started_at"] = started_at
        return data

    def encounter_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [n for n in self.Meta.fields if n in self.fields]
        values = {name: data.get(name) for name in names}
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = value.strip()
        values["started_at"] = data["started_at"]
        if "duration_minutes" not in values or values["duration_minutes"] is None:
            values["duration_minutes"] = data.get("duration_minutes")
        return values


class NewEncounterForm(OneTimeKeyForm, EncounterForm):
    """A new contact note: the same questions, sent once however often the button is pressed."""


class AddendumForm(OneTimeKeyForm, forms.Form):
    text = forms.CharField(
        label=_("Addendum"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dated and signed with your name; the note above stays as it was."),
    )


class ServiceTypeForm(OneTimeKeyForm, forms.Form):
    name = forms.CharField(label=_("Service name"), max_length=80)
    needs_cosign = forms.BooleanField(label=_("Notes need a co-signature"), required=False)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the coach"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Start with what went well; then what to add in an addendum."),
    )


class OutcomeForm(OneTimeKeyForm, forms.Form):
    outcome = forms.ChoiceField(label=_("How did it go?"), choices=Outcome.choices)
    next_contact_on = forms.DateField(label=_("Next try"), widget=DATE_WIDGET, required=False)

    def clean_next_contact_on(self) -> Any:
        next_on = self.cleaned_data.get("next_contact_on")
        if next_on is not None and next_on < timezone.localdate():
            raise forms.ValidationError(_("Pick today or a later day."))
        return next_on


class ScheduleForm(OneTimeKeyForm, forms.ModelForm):
    class Meta:
        model = CheckInSchedule
        fields = ["every_weeks", "weekday", "window_start", "window_end", "starts_on"]
        widgets = {"window_start": TIME_WIDGET, "window_end": TIME_WIDGET, "starts_on": DATE_WIDGET}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The window ends after it starts."))
        return data


class WithholdForm(forms.Form):
    """Why a note is kept out of the participant's portal; they will read the reason."""

    reason = forms.ChoiceField(
        label=_("Why not share this note with them?"),
        choices=WithheldReason.choices,
        widget=forms.RadioSelect,
    )
    # Named like the other checked fields so the inline language checker looks at it.
    comment = forms.CharField(
        label=_("A few words for them"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("They will see this next to the reason."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason: forms.ChoiceField = self.fields["reason"]  # type: ignore[assignment]
        reason.choices = [(value, capfirst(label)) for value, label in WithheldReason.choices]
        self.fields["comment"].widget.attrs.update(language_check_attrs("comment"))


ANSWERS_TO_CORRECTION = [(d.value, d.label) for d in (Decision.ACCEPT, Decision.DECLINE)]
ANSWERS_TO_COMMENT = [(Decision.SEEN.value, Decision.SEEN.label)]


class AnswerForm(forms.Form):
    """The coach's answer to a participant's comment or correction request."""

    decision = forms.ChoiceField(
        label=_("Your answer"), choices=ANSWERS_TO_CORRECTION, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What you write back"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a correction, the corrected words. They will read this."),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision: forms.ChoiceField = self.fields["decision"]  # type: ignore[assignment]
        if kind == FeedbackKind.CORRECTION:
            decision.choices = ANSWERS_TO_CORRECTION
        else:
            decision.choices = ANSWERS_TO_COMMENT
            decision.initial = Decision.SEEN
            self.fields["text"].help_text = _("Optional. They will read this.")
        self.fields["text"].widget.attrs.update(language_check_attrs("text"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("decision") in (Decision.ACCEPT, Decision.DECLINE)
            and not data.get("text", "").strip()
        ):
            self.add_error("text", _("Write the corrected words, or why it stays as it is."))
        return data
