"""What a participant writes on their notes, messages and privacy pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your coach will read it. It is kept with the note."),
    )


class CorrectionForm(forms.Form):
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
