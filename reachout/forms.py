"""Acknowledging a reach-out-soon signal, and the organization's choices of what raises one."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reachout.models import ReachOutSettings, Response


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


class ReachOutSettingsForm(forms.ModelForm):
    class Meta:
        model = ReachOutSettings
        fields = [
            "on_hard_day_and_urges",
            "on_not_supported",
            "on_call_asked",
            "words",
            "acknowledge_within_minutes",
        ]
        labels = {
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
            "words": _(
                "One per line. Whole words, ignoring capitals and accents: “die” matches "
                "“I want to die” but not “diet”. Leave empty to raise nothing from messages."
            ),
            "acknowledge_within_minutes": _(
                "After this long, Today shows the signal as waiting too long."
            ),
        }
        widgets = {"words": forms.Textarea(attrs={"rows": 8})}

    def clean_words(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["words"].splitlines()]
        too_short = [line for line in lines if line and len(line) < 3]
        if too_short:
            raise forms.ValidationError(
                _("Each entry needs at least 3 letters, or it would match too much: %(words)s"),
                params={"words": ", ".join(too_short)},
            )
        return "\n".join(line for line in lines if line)

    def clean_acknowledge_within_minutes(self) -> int:
        minutes: int = self.cleaned_data["acknowledge_within_minutes"]
        if not 5 <= minutes <= 24 * 60:
            raise forms.ValidationError(_("Choose between 5 minutes and 24 hours (1440)."))
        return minutes
