"""The administrator's form for an organization's own term."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.language import too_broad
from coaching.models import CustomTerm, Severity
from lib.once import OneTimeKeyForm
from organizations.models import Organization


class TranscriptForm(OneTimeKeyForm, forms.Form):
    # Reviewing stores nothing; the key is here because this form posts to the same view as
    # saving, and every form a person fills in for such a view carries one (the demo walk checks).
    transcript = forms.CharField(
        label=_("Paste a conversation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Start each turn with 'Coach:' or 'Participant:' (or C: / P:)."),
    )
    upload = forms.FileField(label=_("Or upload a transcript (.txt, .vtt or .srt)"), required=False)
    coach_name = forms.CharField(
        label=_("Your name in the file (for .vtt or .srt)"), required=False, max_length=60
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("transcript") and not data.get("upload"):
            raise forms.ValidationError(_("Paste a conversation or choose a file."))
        return data


class SaveReviewForm(OneTimeKeyForm, forms.Form):
    title = forms.CharField(label=_("Title for your records"), max_length=120)
    share = forms.BooleanField(label=_("Share with my supervisor"), required=False)
    transcript = forms.CharField(widget=forms.HiddenInput)
    coach_name = forms.CharField(widget=forms.HiddenInput, required=False)


class CustomTermForm(OneTimeKeyForm, forms.Form):
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
        reason = too_broad(phrase)
        if reason:
            raise forms.ValidationError(reason)
        if CustomTerm.objects.filter(
            organization=self.organization, phrase__iexact=phrase
        ).exists():
            raise forms.ValidationError(_("That phrase is already on your list."))
        return phrase


class ReviewCommentForm(OneTimeKeyForm, forms.Form):
    line = forms.TypedChoiceField(label=_("About"), coerce=int, empty_value=None, required=False)
    text = forms.CharField(
        label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, utterances: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("The whole conversation")))]
        for number, utterance in enumerate(utterances, start=1):
            words = str(utterance.get("text", ""))
            short = words if len(words) <= 60 else words[:57] + "…"
            choices.append((str(number), f"{_('Line')} {number}: {short}"))
        line = self.fields["line"]
        assert isinstance(line, forms.TypedChoiceField)
        line.choices = choices
