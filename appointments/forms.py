"""The forms a coach books, moves, cancels and records appointments with, and the feed choices."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from appointments.models import CalendarFeed, CancelledBy, Mode, Status
from lib.once import OneTimeKeyForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

REPEAT_CHOICES = [
    ("0", _("Just once")),
    ("1", _("Every week")),
    ("2", _("Every 2 weeks")),
    ("3", _("Every 3 weeks")),
    ("4", _("Every 4 weeks")),
]


class WhenForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=5, max_value=480, initial=60
    )


class BookForm(OneTimeKeyForm, WhenForm):
    mode = forms.ChoiceField(
        label=_("How you will meet"),
        choices=Mode.choices,
        initial=Mode.IN_PERSON,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label=_("Where"),
        max_length=200,
        required=False,
        help_text=_("A room, an address or a link. Kept private."),
    )
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, initial="0")
    until = forms.DateField(label=_("Until"), required=False, widget=DATE_WIDGET)
    count = forms.IntegerField(
        label=_("Or this many times"), min_value=2, max_value=52, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, until = data.get("day"), data.get("until")
        if data.get("repeat", "0") != "0" and until and day and until < day:
            self.add_error("until", _("The last date comes after the first."))
        return data


class CalendarBookForm(BookForm):
    """Booking from the calendar: with whom is chosen from the coach's people and groups."""

    who = forms.ChoiceField(label=_("With"), choices=[])

    field_order = ["who"]

    def __init__(self, *args: Any, people: Any = (), groups: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["who"]  # type: ignore[assignment]
        field.choices = [
            ("", _("Choose a person or a group")),
            (_("People"), [(f"p:{p.id}", p.preferred_name) for p in people]),
            (_("Groups"), [(f"g:{g.id}", g.name) for g in groups]),
        ]


class MoveForm(WhenForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    following = forms.BooleanField(
        label=_("Also move the later appointments of this series"), required=False
    )


class CancelForm(forms.Form):
    cancelled_by = forms.ChoiceField(
        label=_("Who cancelled?"), choices=CancelledBy.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    following = forms.BooleanField(
        label=_("Also cancel the later appointments of this series"), required=False
    )


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Status.ATTENDED.value, Status.ATTENDED.label),
            (Status.NO_SHOW, Status.NO_SHOW.label),
        ]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FeedChoicesForm(forms.ModelForm):
    class Meta:
        model = CalendarFeed
        fields = ["title_style", "show_place"]
        widgets = {"title_style": forms.RadioSelect}
