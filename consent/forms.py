"""Recording a consent and asking for a disclosure."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import Category, Consent, LegalBasis

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("What information may be shared"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Consent
        fields = [
            "disclosing_party",
            "categories",
            "counselling_notes",
            "recipient",
            "purpose",
            "treatment_payment_operations",
            "expires_on",
            "expiry_event",
            "signed_on",
            "signature_method",
            "signature",
            "revocation_explained",
        ]
        widgets = {"expires_on": DATE, "signed_on": DATE, "signature": forms.TextInput}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("expires_on") and not data.get("expiry_event", "").strip():
            self.add_error("expires_on", _("Give an end date, or the event that ends it."))
        signed = data.get("signed_on")
        if signed and signed > timezone.localdate():
            self.add_error("signed_on", _("A consent can't be signed in the future."))
        if data.get("expires_on") and signed and data["expires_on"] < signed:
            self.add_error("expires_on", _("It ends before it was signed."))
        if not data.get("revocation_explained"):
            self.add_error(
                "revocation_explained",
                _("Explain the right to revoke, and its limits, before signing."),
            )
        return data


class DisclosureForm(forms.Form):
    recipient = forms.CharField(label=_("To whom"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    categories = forms.MultipleChoiceField(
        label=_("What to share"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    legal_basis = forms.ChoiceField(
        label=_("On what basis"), choices=LegalBasis.choices, initial=LegalBasis.CONSENT
    )
    basis_reason = forms.CharField(
        label=_("Reason (needed without consent)"), max_length=300, required=False
    )


class RevokeForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RetentionForm(forms.Form):
    keep_closed_years = forms.IntegerField(
        label=_("Keep closed records for (years)"),
        min_value=1,
        max_value=50,
        help_text=_(
            "Counted from the day a record was closed, completed or marked moved on. Check your "
            "state's rules and funder contracts; many programs keep records 6 to 10 years."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the hold"),
        max_length=300,
        help_text=_("For example a court order, an investigation or a pending request."),
    )
