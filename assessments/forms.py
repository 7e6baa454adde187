"""The assessment form, built from an instrument definition, and the schedule settings form."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import engine
from assessments.models import Language, ReassessmentSchedule
from coaching.widgets import language_check_attrs
from lib.once import OneTimeKeyForm

SKIP = "skip"
# In the language of the statements, which may differ from the interface language.
SKIP_LABELS = {"en": "Prefer not to answer", "es": "Prefiero no responder"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OUT_OF_RANGE = _(
    "That answer isn't one of the choices for this statement. Please choose again; "
    "your other answers are kept."
)


def item_field_name(item: engine.Item) -> str:
    return f"item_{item.key}"


class AssessmentForm(OneTimeKeyForm, forms.Form):
    """One radio group per item, every option labelled, plus "prefer not to answer"."""

    administered_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(
        self, *args: Any, instrument: engine.Instrument, language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        if not self.is_bound:
            self.fields["administered_on"].initial = timezone.localdate()
        skip_label = SKIP_LABELS.get(language, SKIP_LABELS["en"])
        for item in instrument.items:
            choices = [(str(o.value), o.label(language)) for o in item.options]
            field = forms.ChoiceField(
                label=f"{item.number}. {item.text(language)}",
                choices=[*choices, (SKIP, skip_label)],
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": OUT_OF_RANGE},
            )
            field.item = item  # type: ignore[attr-defined]
            self.fields[item_field_name(item)] = field
        note = forms.CharField(
            label=_("Anything they want noted, in their words"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        note.widget.attrs.update(language_check_attrs("note"))
        self.fields["note"] = note

    def item_fields(self) -> list[forms.BoundField]:
        return [self[item_field_name(item)] for item in self.instrument.items]

    def other_fields(self) -> list[forms.BoundField]:
        return [self["administered_on"]]

    def clean_administered_on(self) -> Any:
        day = self.cleaned_data["administered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An assessment can't be dated in the future."))
        return day

    def answers(self) -> tuple[dict[str, int | None], set[str]]:
        """Answers by item key (None = not answered) and the items marked "prefer not to answer"."""
        answers: dict[str, int | None] = {}
        skipped: set[str] = set()
        for item in self.instrument.items:
            raw = self.cleaned_data.get(item_field_name(item)) or ""
            if raw == SKIP:
                skipped.add(item.key)
            answers[item.key] = int(raw) if raw and raw != SKIP else None
        return answers, skipped


class ChooseForm(forms.Form):
    """Which instrument and which language (a GET form above the assessment form)."""

    instrument = forms.ChoiceField(label=_("Instrument"))
    language = forms.ChoiceField(label=_("Language of the statements"), choices=Language.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(i.key, i.title("en")) for i in engine.instruments()]


def _parse_offsets(text: str) -> list[int]:
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise forms.ValidationError(_("Write whole numbers of days, separated by commas."))
    values = sorted({int(p) for p in parts})
    if values[0] < 1 or values[-1] > 3650:
        raise forms.ValidationError(_("Each offset is between 1 and 3650 days."))
    return values


class ScheduleForm(forms.ModelForm):
    offsets = forms.CharField(
        label=_("Reassess this many days after enrolment"),
        help_text=_(
            "Comma-separated, for example 30, 60, 90. The baseline is always at enrolment."
        ),
        max_length=200,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReassessmentSchedule
        fields = ["repeat_every_days", "window_days"]
        labels = {
            "repeat_every_days": _("Then every this many days (0 for no repeats)"),
            "window_days": _("Window: days before or after the due date that still count"),
        }

    field_order = ["offsets", "repeat_every_days", "window_days", "version"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["offsets"].initial = ", ".join(str(o) for o in self.instance.offsets_days)
            self.fields["version"].initial = self.instance.version

    def clean_offsets(self) -> list[int]:
        return _parse_offsets(self.cleaned_data["offsets"])

    def clean_repeat_every_days(self) -> int:
        value = self.cleaned_data["repeat_every_days"]
        if value > 730:
            raise forms.ValidationError(_("At most 730 days."))
        return value

    def clean_window_days(self) -> int:
        value = self.cleaned_data["window_days"]
        if value > 60:
            raise forms.ValidationError(_("At most 60 days."))
        return value

    def schedule_values(self) -> dict[str, Any]:
        return {
            "offsets_days": self.cleaned_data["offsets"],
            "repeat_every_days": self.cleaned_data["repeat_every_days"],
            "window_days": self.cleaned_data["window_days"],
        }
