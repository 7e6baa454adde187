"""What a participant writes on their notes, messages and privacy pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import DRAWING
from lib.once import OneTimeKeyForm


class CommentForm(OneTimeKeyForm, forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your coach will read it. It is kept with the note."),
    )


class CorrectionForm(OneTimeKeyForm, forms.Form):
    text = forms.CharField(
        label=_("What is wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    suggested = forms.CharField(
        label=_("What should it say?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RevokeForm(forms.Form):
    note = forms.CharField(
        label=_("Why? You don't have to say."),
        max_length=300,
        required=False,
    )


class SignConsentForm(forms.Form):
    """Signing a consent the coach prepared: type your name, or draw (typing always works)."""

    signature_method = forms.ChoiceField(
        label=_("How do you want to sign?"),
        choices=[("typed", _("Type my name")), ("drawn", _("Draw my signature"))],
        initial="typed",
        widget=forms.RadioSelect,
    )
    signature = forms.CharField(label=_("Type your name"), max_length=200, required=False)
    signature_drawing = forms.CharField(widget=forms.HiddenInput, required=False)
    understood = forms.BooleanField(
        label=_("I know I can stop this at any time. What was already shared can't be taken back."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drawing = (data.get("signature_drawing") or "").strip()
        if drawing and not DRAWING.match(drawing):
            self.add_error(
                "signature_method", _("We could not read the drawing. Please draw again.")
            )
            drawing = ""
        data["signature_drawing"] = drawing if data.get("signature_method") == "drawn" else ""
        if data.get("signature_method") == "drawn" and not data["signature_drawing"]:
            self.add_error(
                "signature_method", _("Draw in the box, or choose to type your name instead.")
            )
        elif data.get("signature_method") != "drawn" and not data.get("signature", "").strip():
            self.add_error("signature", _("Type your name to sign."))
        if not data.get("understood"):
            self.add_error("understood", _("Please tick this box to sign."))
        return data
