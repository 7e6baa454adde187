"""The coach's referral form, the partner's code and the partner's answers."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Need, ResourceOrganization
from lib.once import OneTimeKeyForm
from organizations.models import Organization
from referrals.models import SHAREABLE, ReferralSettings, ReferralState

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(OneTimeKeyForm, forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=Need.choices)
    categories = forms.MultipleChoiceField(
        label=_("What the partner may see"),
        choices=[(c.value, c.label) for c in SHAREABLE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Share only what the partner needs to help. Contact information is usually enough."
        ),
    )
    note = forms.CharField(
        label=_("Note for the partner"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A short, plain note: what the person is looking for and how they like to be reached."
        ),
    )

    def __init__(self, *args: Any, need: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("need", need)
            self.initial.setdefault("categories", ["contact"])


class PeriodForm(forms.Form):
    """The figures page's period: referrals sent from one day to another."""

    sent_from = forms.DateField(label=_("Sent from"), required=False, widget=DATE_WIDGET)
    sent_to = forms.DateField(label=_("Sent until"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("sent_from"), data.get("sent_to")
        if start and end and start > end:
            self.add_error("sent_to", _("Choose a day on or after the first day."))
        return data


class ReferralFilterForm(PeriodForm):
    """The list's filters; the figures page links to the rows behind each count through them."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *ReferralState.choices]
    )
    need = forms.ChoiceField(
        label=_("Need"), required=False, choices=[("", _("Any need")), *Need.choices]
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=ResourceOrganization.objects.none(),
        empty_label=_("Any partner"),
    )
    field_order = ["state", "need", "partner", "sent_from", "sent_to"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ResourceOrganization.objects.filter(organization=organization).order_by(
            "name", "id"
        )


class ReferralSettingsForm(forms.ModelForm):
    class Meta:
        model = ReferralSettings
        fields = ["answer_within_days"]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SeenForm(forms.Form):
    first_service_on = forms.DateField(label=_("First service on"), widget=DATE_WIDGET)
