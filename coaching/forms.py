"""The administrator's form for an organization's own term."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.models import CustomTerm, Severity
from organizations.models import Organization


class CustomTermForm(forms.Form):
    phrase = forms.CharField(label=_("Word or phrase to notice"), max_length=80)
    suggestion = forms.CharField(label=_("Suggest instead"), max_length=160)
    reason = forms.CharField(
        label=_("Why (shown to coaches)"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    severity = forms.ChoiceField(label=_("How strongly"), choices=Severity.choices)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_phrase(self) -> str:
        phrase = " ".join(self.cleaned_data["phrase"].split())
        if not any(ch.isalpha() for ch in phrase):
            raise forms.ValidationError(_("Use at least one letter."))
        if CustomTerm.objects.filter(
            organization=self.organization, phrase__iexact=phrase
        ).exists():
            raise forms.ValidationError(_("That phrase is already on your list."))
        return phrase
