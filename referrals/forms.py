"""The coach's referral form, the partner's code and the partner's answers."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Need
from lib.once import OneTimeKeyForm
from referrals.models import SHAREABLE, ReferralState

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


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *ReferralState.choices]
    )


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
