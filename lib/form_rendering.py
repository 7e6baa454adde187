"""Every date and time field says, in its help text, how Cairn writes what is typed there.

Date and time inputs stay native (`<input type="date">`, `<input type="time">`): the browser gives
a keyboard- and screen-reader-friendly picker, but shows it in the browser's own order, which no
page can change. So the field's help text (announced through `aria-describedby`) names the one
style the pages use, on the organization's clock. Set as the form renderer's bound field."""

from datetime import date, time
from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext

from lib.when import show_date, show_time

_SAMPLE_DAY = date(2026, 12, 4)
_SAMPLE_TIME = time(17, 5)


def format_hint(input_type: str | None) -> str:
    if input_type == "date":
        return gettext(
            "Your browser may show the date its own way; Cairn writes it as %(example)s."
        ) % {"example": show_date(_SAMPLE_DAY)}
    if input_type == "time":
        return gettext(
            "Your browser may show the time its own way; Cairn writes it as %(example)s."
        ) % {"example": show_time(_SAMPLE_TIME)}
    return ""


class FormatHintBoundField(BoundField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = format_hint(getattr(self.field.widget, "input_type", None))
        # A filter bar sets `format_hints = False`: a sentence under one of its boxes would
        # push that box out of line with the others.
        if hint and getattr(self.form, "format_hints", True):
            self.help_text = f"{self.help_text} {hint}".strip() if self.help_text else hint


class CairnFormRenderer(DjangoTemplates):
    bound_field_class = FormatHintBoundField
