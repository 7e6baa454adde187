"""The forms a coach books, moves, cancels and records appointments with, and the feed choices."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from appointments.models import (
    CalendarFeed,
    CancelledBy,
    Mode,
    ReminderChoice,
    ReminderLead,
    ReminderWay,
    Status,
)
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


class ReminderChoiceForm(forms.Form):
    """The person's reminder choice, as their coach records it with them."""

    wanted = forms.TypedChoiceField(
        label=_("Appointment reminders"),
        choices=[("yes", _("Yes, send reminders")), ("no", _("No reminders"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    lead = forms.ChoiceField(
        label=_("When"),
        choices=ReminderLead.choices,
        widget=forms.RadioSelect,
        initial=ReminderLead.DAY_BEFORE,
    )
    way = forms.ChoiceField(
        label=_("How"), choices=ReminderWay.choices, widget=forms.RadioSelect, initial="text"
    )
    groups = forms.BooleanField(
        label=_("Also the sessions of the groups they belong to"), required=False, initial=True
    )

    @classmethod
    def initial_from(cls, choice: ReminderChoice | None) -> dict[str, Any]:
        if choice is None:
            return {}
        return {
            "wanted": "yes" if choice.wanted else "no",
            "lead": choice.lead,
            "way": choice.way,
            "groups": choice.groups,
        }


class MyRemindersForm(ReminderChoiceForm):
    """The same choice in the participant's own words, with the hours texts may arrive."""

    texts_from = forms.TimeField(label=_("Texts from"), required=False, widget=TIME_WIDGET)
    texts_until = forms.TimeField(label=_("Texts until"), required=False, widget=TIME_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wanted"].label = _("Do you want reminders of your appointments?")
        self.fields["wanted"].choices = [  # type: ignore[attr-defined]
            ("yes", _("Yes, remind me")),
            ("no", _("No, thank you")),
        ]
        self.fields["lead"].label = _("When should we remind you?")
        self.fields["way"].label = _("How?")
        self.fields["groups"].label = _("Remind me of my group's sessions too")
        self.fields["way"].choices = [  # type: ignore[attr-defined]
            (ReminderWay.TEXT.value, _("By text message")),
            (ReminderWay.PORTAL.value, _("Only here in my portal, no texts")),
        ]
        self.fields["texts_from"].help_text = _(
            "The hours a text may arrive. A reminder that falls outside them waits for the "
            "next start. Leave both empty if any time is fine."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("texts_from") is None) != (data.get("texts_until") is None):
            self.add_error("texts_until", _("Give both times, or leave both empty."))
        return data
