"""Acknowledging a reach-out-soon signal, and the organization's choices of what raises one."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lib.phones import to_e164
from organizations.models import Membership, Organization, Role, Team
from reachout.models import ReachOutSettings, Response

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AcknowledgeForm(forms.Form):
    response = forms.ChoiceField(
        label=_("What you did"), choices=Response.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("A few words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you called emergency services: say briefly why. Kept private."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("response") == Response.EMERGENCY and not data.get("note", "").strip():
            self.add_error("note", _("Say briefly why emergency services were called."))
        return data


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ReachOutSettingsForm(forms.ModelForm):
    work_days = forms.TypedMultipleChoiceField(
        label=_("Days coaches work"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day.")},
    )

    class Meta:
        model = ReachOutSettings
        fields = [
            "on_hard_day_and_urges",
            "on_not_supported",
            "on_call_asked",
            "words",
            "acknowledge_within_minutes",
            "work_days",
            "work_starts",
            "work_ends",
        ]
        labels = {
            "work_starts": _("Work hours start"),
            "work_ends": _("Work hours end"),
            "on_hard_day_and_urges": _(
                "A check-in that says “Having a hard day” with “Very strong” urges"
            ),
            "on_not_supported": _("A check-in that says they feel supported “Not at all”"),
            "on_call_asked": _(
                "Every “I'd like a call” (it is also listed under Asked for a call)"
            ),
            "words": _("Words or phrases in a participant's message"),
            "acknowledge_within_minutes": _("Reach out within (minutes)"),
        }
        help_texts = {
            "work_ends": _(
                "In the program's time zone. Outside these hours, a person who raises a signal "
                "is told at once when their coach is back, with 988 and your crisis lines."
            ),
            "words": _(
                "One per line. Whole words, ignoring capitals and accents: “die” matches "
                "“I want to die” but not “diet”. Leave empty to raise nothing from messages."
            ),
            "acknowledge_within_minutes": _(
                "After this long, Today shows the signal as waiting too long."
            ),
        }
        widgets = {
            "words": forms.Textarea(attrs={"rows": 8}),
            "work_starts": TIME_WIDGET,
            "work_ends": TIME_WIDGET,
        }

    def clean_words(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["words"].splitlines()]
        too_short = [line for line in lines if line and len(line) < 3]
        if too_short:
            raise forms.ValidationError(
                _("Each entry needs at least 3 letters, or it would match too much: %(words)s"),
                params={"words": ", ".join(too_short)},
            )
        return "\n".join(line for line in lines if line)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("work_starts"), data.get("work_ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("work_ends", _("Work hours end after they start."))
        return data

    def clean_acknowledge_within_minutes(self) -> int:
        minutes: int = self.cleaned_data["acknowledge_within_minutes"]
        if not 5 <= minutes <= 24 * 60:
            raise forms.ValidationError(_("Choose between 5 minutes and 24 hours (1440)."))
        return minutes


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ShiftForm(forms.Form):
    person = PersonChoiceField(label=_("Who is on call"), queryset=User.objects.none())
    team = forms.ModelChoiceField(
        label=_("For which team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("The whole program"),
    )
    starts_on = forms.DateField(label=_("From (date)"), widget=DATE_WIDGET)
    starts_at = forms.TimeField(label=_("From (time)"), widget=TIME_WIDGET)
    ends_on = forms.DateField(label=_("Until (date)"), widget=DATE_WIDGET)
    ends_at = forms.TimeField(label=_("Until (time)"), widget=TIME_WIDGET)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(organization.time_zone)
        people = Membership.objects.active().filter(
            organization=organization, role__in=Role.care_team()
        )
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = User.objects.filter(pk__in=people.values("user_id")).order_by(
            "preferred_name", "username"
        )
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = Team.objects.filter(organization=organization)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get(name) for name in ("starts_on", "starts_at", "ends_on", "ends_at")]
        if all(part is not None for part in parts):
            # In UTC: two datetimes sharing one zone subtract and compare by wall clock, which is
            # an hour wrong across a daylight-saving change.
            start = datetime.combine(parts[0], parts[1], self.zone).astimezone(UTC)  # type: ignore[arg-type]
            end = datetime.combine(parts[2], parts[3], self.zone).astimezone(UTC)  # type: ignore[arg-type]
            if end <= start:
                self.add_error("ends_at", _("The shift ends after it starts."))
            elif end - start > timedelta(days=7):
                self.add_error("ends_on", _("A shift lasts at most 7 days; add another after it."))
            data["start"], data["end"] = start, end
        return data


class TextChoiceForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Only for these texts. Nobody else sees it."),
    )
    on_own_signals = forms.BooleanField(
        label=_("Text me when someone I support asks to be reached"), required=False
    )
    on_escalations = forms.BooleanField(
        label=_(
            "Text me when a signal comes to me because nobody answered in time "
            "(while I am on call, or as a supervisor)"
        ),
        required=False,
    )

    def clean_phone(self) -> str:
        return to_e164(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants = data.get("on_own_signals") or data.get("on_escalations")
        if wants and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Add the number to text, or choose no texts."))
        return data
