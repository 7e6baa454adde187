"""Writing a message."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.widgets import language_check_attrs
from inbox.models import MAX_MESSAGE_CHARS
from lib.once import OneTimeKeyForm


class MessageForm(OneTimeKeyForm, forms.Form):
    # "text" is one of the fields the inline language checker looks at.
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, language_check: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if language_check:
            self.fields["text"].widget.attrs.update(language_check_attrs("text"))

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write a message first."))
        return text
