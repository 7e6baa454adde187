"""Starting a group and recording one of its sessions."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.widgets import language_check_attrs
from encounters.models import MAX_DURATION_MINUTES, ServiceType
from groups.models import Group
from lib.once import OneTimeKeyForm
from organizations.models import Organization

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class GroupForm(OneTimeKeyForm, forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "name",
            "meets",
            "default_duration",
            "service_type",
            "facilitator",
            "about",
            "open_to_participants",
        ]
        widgets = {"about": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        coaches: Any,
        facilitator_fixed: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        service: forms.ModelChoiceField = self.fields["service_type"]  # type: ignore[assignment]
        service.queryset = ServiceType.objects.filter(organization=organization, is_active=True)
        service.empty_label = _("Not chosen")
        facilitator: forms.ModelChoiceField = self.fields["facilitator"]  # type: ignore[assignment]
        facilitator.queryset = coaches
        if facilitator_fixed:
            del self.fields["facilitator"]

    def clean_default_duration(self) -> int:
        minutes: int = self.cleaned_data["default_duration"]
        if not 1 <= minutes <= MAX_DURATION_MINUTES:
            raise forms.ValidationError(_("A session lasts between 1 minute and 12 hours."))
        return minutes


class GroupSessionForm(OneTimeKeyForm, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=MAX_DURATION_MINUTES
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    shared_note = forms.CharField(
        label=_("Group note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Written once; it goes on the record of everyone who came."),
    )
    sign_now = forms.BooleanField(label=_("Sign the notes now"), required=False, initial=True)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(organization.time_zone)
        self.fields["shared_note"].widget.attrs.update(language_check_attrs("shared_note"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start"):
            started_at = datetime.combine(data["day"], data["start"], tzinfo=self.zone)
            if started_at > timezone.now() + timedelta(minutes=5):
                self.add_error("day", _("That is in the future. Record a session once it happens."))
            data["started_at"] = started_at
        return data


class GroupListingForm(forms.ModelForm):
    """What participants are told about the group in their own Cairn."""

    class Meta:
        model = Group
        fields = ["about", "open_to_participants"]
        widgets = {"about": forms.Textarea(attrs={"rows": 3})}
