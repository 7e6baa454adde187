"""Recording a consent and asking for a disclosure."""

import re
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import Category, Consent, LegalBasis, SignatureMethod
from consent.services import ScanFile
from lib.once import OneTimeKeyForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_SCAN_BYTES = 5 * 1024 * 1024
# What the file starts with decides what it is, not its name.
SCAN_TYPES = {b"%PDF-": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
DRAWING = re.compile(r"^[ML0-9 .]{4,20000}$")


class ConsentForm(OneTimeKeyForm, forms.ModelForm):
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
            "signature_drawing",
            "revocation_explained",
        ]
        widgets = {
            "expires_on": DATE,
            "signed_on": DATE,
            "signature": forms.TextInput,
            "signature_method": forms.RadioSelect,
        }
        labels = {"signature": _("Their name, as they typed or printed it")}

    signature_drawing = forms.CharField(widget=forms.HiddenInput, required=False)
    scan = forms.FileField(
        label=_("Scan of the signed form (PDF, PNG or JPEG, up to 5 MB)"), required=False
    )

    scan_type = ""

    def __init__(self, *args: Any, participant: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The typed name and date are filled in by the participant when it is sent to the portal.
        self.fields["signature"].required = False
        self.fields["signed_on"].required = False
        method = cast(forms.ChoiceField, self.fields["signature_method"])
        if participant is not None and participant.user_id is not None:
            portal_label = _("Send to %(name)s to sign in Cairn") % {
                "name": participant.preferred_name
            }
            method.choices = [
                (value, portal_label if value == SignatureMethod.PORTAL else label)
                for value, label in SignatureMethod.choices
            ]
            method.help_text = _(
                "If you send it to sign in Cairn, leave the name and date empty: %(name)s reads "
                "it, then signs or says no. Nothing is shared until they sign."
            ) % {"name": participant.preferred_name}
        else:  # no portal account: they can only sign here, on paper or by scan
            method.choices = [c for c in SignatureMethod.choices if c[0] != SignatureMethod.PORTAL]

    def consent_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "scan"}

    def scan_file(self) -> "ScanFile | None":
        scan = self.cleaned_data.get("scan")
        if scan is None:
            return None
        return ScanFile(content=scan.read(), content_type=self.scan_type, filename=scan.name)

    def clean_signature_drawing(self) -> str:
        drawing: str = self.cleaned_data.get("signature_drawing", "").strip()
        if drawing and not DRAWING.match(drawing):
            raise forms.ValidationError(_("The drawing could not be read. Please draw it again."))
        return drawing

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        if scan is None:
            return None
        if scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(_("That file is larger than 5 MB. Scan at a lower size."))
        head = scan.read(8)
        scan.seek(0)
        kind = next((t for magic, t in SCAN_TYPES.items() if head.startswith(magic)), None)
        if kind is None:
            raise forms.ValidationError(_("Upload the scan as a PDF, PNG or JPEG file."))
        self.scan_type = kind
        return scan

    def _clean_for_portal(self, data: dict[str, Any]) -> dict[str, Any]:
        """They read, sign (or say no) in their own Cairn; nothing is in force until then."""
        for name in ("signature", "signed_on", "revocation_explained"):
            self.errors.pop(name, None)
        data["signed_on"] = None
        data["signature"] = ""
        data["signature_drawing"] = ""
        if not data.get("expires_on") and not data.get("expiry_event", "").strip():
            self.add_error("expires_on", _("Give an end date, or the event that ends it."))
        if data.get("expires_on") and data["expires_on"] < timezone.localdate():
            self.add_error("expires_on", _("It ends before it can be signed."))
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("signature_method")
        if method == SignatureMethod.PORTAL:
            return self._clean_for_portal(data)
        if not data.get("signature", "").strip() and "signature" not in self.errors:
            self.add_error("signature", _("This field is required."))
        if not data.get("signed_on") and "signed_on" not in self.errors:
            self.add_error("signed_on", _("This field is required."))
        if method == SignatureMethod.DRAWN and not data.get("signature_drawing"):
            self.add_error(
                "signature_method",
                _("Draw the signature in the box, or choose another way to sign."),
            )
        if method == SignatureMethod.SCAN and not data.get("scan") and "scan" not in self.errors:
            self.add_error("scan", _("Choose the scanned file to upload."))
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


class DisclosureForm(OneTimeKeyForm, forms.Form):
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


class HoldForm(OneTimeKeyForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the hold"),
        max_length=300,
        help_text=_("For example a court order, an investigation or a pending request."),
    )
