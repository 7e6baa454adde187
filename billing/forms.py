"""Forms for payers, their service table, provider numbers, coverage and authorizations."""

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models import Authorization, Coverage, LineState, Payer, PayerService, Reason
from billing.rules import npi_is_valid
from encounters.models import ContactType
from lib.once import OneTimeKeyForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _npi(value: str) -> str:
    value = value.strip()
    if value and not npi_is_valid(value):
        raise forms.ValidationError(
            _("An NPI is ten digits and its last digit is a check digit; check it was typed right.")
        )
    return value


class PayerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Payer
        fields = [
            "name",
            "kind",
            "payer_id",
            "unit_minutes",
            "rounding",
            "daily_unit_cap",
            "needs_authorization",
            "needs_supervising_provider",
            "billing_npi",
            "billing_taxonomy",
            "billing_tax_id",
            "submitter_id",
            "billing_address",
            "billing_city",
            "billing_state",
            "billing_zip",
            "billing_contact_name",
            "billing_contact_phone",
            "needs_diagnosis_codes",
            "diagnosis_code_when_none",
            "is_active",
        ]

    def clean_billing_state(self) -> str:
        state = self.cleaned_data["billing_state"].strip().upper()
        if state and (len(state) != 2 or not state.isalpha()):
            raise forms.ValidationError(_("Two letters, for example MA."))
        return state

    def clean_billing_zip(self) -> str:
        code = self.cleaned_data["billing_zip"].replace("-", "").strip()
        if code and (len(code) != 9 or not code.isdigit()):
            raise forms.ValidationError(_("Claims need the nine-digit ZIP code (ZIP+4)."))
        return code

    def clean_billing_contact_phone(self) -> str:
        digits = "".join(c for c in self.cleaned_data["billing_contact_phone"] if c.isdigit())
        if self.cleaned_data["billing_contact_phone"].strip() and len(digits) != 10:
            raise forms.ValidationError(_("Ten digits, for example 6175550100."))
        return digits

    def clean_billing_tax_id(self) -> str:
        digits = self.cleaned_data["billing_tax_id"].replace("-", "").strip()
        if digits and (len(digits) != 9 or not digits.isdigit()):
            raise forms.ValidationError(_("An employer id (EIN) is nine digits."))
        return digits

    def clean_billing_npi(self) -> str:
        return _npi(self.cleaned_data["billing_npi"])

    def clean_unit_minutes(self) -> int:
        minutes: int = self.cleaned_data["unit_minutes"]
        if not 1 <= minutes <= 240:
            raise forms.ValidationError(_("A unit is between 1 and 240 minutes."))
        return minutes


class NewPayerForm(OneTimeKeyForm, PayerForm):
    """Adding a payer: sent twice, it adds one."""


class ServiceRowForm(OneTimeKeyForm, forms.ModelForm):
    class Meta:
        model = PayerService
        fields = [
            "service_type",
            "contact_type",
            "procedure_code",
            "modifiers",
            "place_of_service",
            "rate",
        ]

    def __init__(self, *args: Any, service_types: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service_type = self.fields["service_type"]
        assert isinstance(service_type, forms.ModelChoiceField)
        service_type.queryset = service_types
        service_type.empty_label = _("Any service type")
        contact_type = self.fields["contact_type"]
        assert isinstance(contact_type, forms.ChoiceField)
        contact_type.choices = [("", _("Any way of meeting")), *ContactType.choices]

    def clean_procedure_code(self) -> str:
        code = self.cleaned_data["procedure_code"].strip().upper()
        if not code.isalnum() or len(code) != 5:
            raise forms.ValidationError(
                _("A procedure code is five letters or digits (for example H0038).")
            )
        return code

    def clean_modifiers(self) -> str:
        parts = self.cleaned_data["modifiers"].upper().split()
        if len(parts) > 4 or any(len(p) != 2 or not p.isalnum() for p in parts):
            raise forms.ValidationError(
                _("Up to four modifiers of two letters or digits, separated by spaces.")
            )
        return " ".join(parts)

    def clean_place_of_service(self) -> str:
        code = self.cleaned_data["place_of_service"].strip()
        if len(code) != 2 or not code.isdigit():
            raise forms.ValidationError(
                _("A place-of-service code is two digits (for example 11).")
            )
        return code


class ProviderNumberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    npi = forms.CharField(label=_("NPI"), max_length=10)
    taxonomy = forms.CharField(label=_("Taxonomy code"), max_length=10, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = people  # type: ignore[attr-defined]

    def clean_npi(self) -> str:
        npi = _npi(self.cleaned_data["npi"])
        if not npi:
            raise forms.ValidationError(_("This field is required."))
        return npi


class CoverageForm(OneTimeKeyForm, forms.ModelForm):
    class Meta:
        model = Coverage
        fields = ["payer", "member_id", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ModelChoiceField)
        payer.queryset = payers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end comes before the start."))
        return data


class AuthorizationForm(OneTimeKeyForm, forms.ModelForm):
    class Meta:
        model = Authorization
        fields = ["number", "procedure_codes", "units", "starts_on", "ends_on", "diagnosis_codes"]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "diagnosis_codes": forms.TextInput(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end comes before the start."))
        if data.get("units") == 0:
            self.add_error("units", _("An authorization has at least one unit."))
        return data


class Claimed(models.TextChoices):
    """What happened to lines sent in claims: the report's columns, as a filter."""

    BILLED = "billed", _("Sent in a claim")
    PAID = "paid", _("Paid, in full or in part")
    DENIED = "denied", _("Denied")
    UNPAID = "unpaid", _("Denied or paid in part")


class LineFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *LineState.choices]
    )
    reason = forms.ChoiceField(
        label=_("Why not billed"), required=False, choices=[("", _("Any reason")), *Reason.choices]
    )
    payer = forms.ModelChoiceField(
        label=_("Payer"), required=False, queryset=Payer.objects.none(), empty_label=_("Any payer")
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    claimed = forms.ChoiceField(
        label=_("In claims"), required=False, choices=[("", _("Any")), *Claimed.choices]
    )
    code = forms.CharField(label=_("Procedure code"), required=False, max_length=10)
    carc = forms.CharField(label=_("Payer's reason code"), required=False, max_length=8)
    # The report's link to one coach's lines (the coach's public id).
    coach = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = payers  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean_carc(self) -> str:
        return str(self.cleaned_data["carc"]).strip().upper()


class ReportFilterForm(forms.Form):
    format_hints = False  # a bar of boxes in one line (lib.form_rendering)

    payer = forms.ModelChoiceField(
        label=_("Payer"), required=False, queryset=Payer.objects.none(), empty_label=_("Any payer")
    )

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = payers  # type: ignore[attr-defined]


class VoidLineForm(OneTimeKeyForm):
    reason = forms.CharField(
        label=_("Why is this line voided?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the line, for the program's records (never sent to the payer)."),
    )
    replace = forms.BooleanField(
        label=_("Work the contact out again as a replacement line"),
        required=False,
        initial=True,
        help_text=_(
            "The replacement names the voided line; sent to the payer, it replaces the earlier "
            "claim."
        ),
    )


class RemittanceForm(OneTimeKeyForm):
    remittance = forms.FileField(
        label=_("The 835 file"),
        help_text=_("The payer's electronic remittance advice, up to 5 MB."),
    )


class BuildBatchForm(forms.Form):
    """Which ready lines to gather: one payer's, optionally within service dates."""

    format_hints = False  # a bar of boxes in one line (lib.form_rendering)

    payer = forms.ModelChoiceField(label=_("Payer"), queryset=Payer.objects.none())
    service_from = forms.DateField(label=_("Services from"), required=False, widget=DATE_WIDGET)
    service_until = forms.DateField(label=_("Services until"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ModelChoiceField)
        payer.queryset = payers
        payer.empty_label = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("service_from"), data.get("service_until")
        if start and end and end < start:
            raise forms.ValidationError(_("The end comes before the start."))
        return data


class ConfirmBatchForm(OneTimeKeyForm, BuildBatchForm):
    """The confirmation: sent twice, it builds one batch."""
