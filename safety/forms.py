"""The safety plan form (one page, every step, works without JavaScript) and crisis lines."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coaching.widgets import language_check_attrs
from lib.once import OneTimeKeyForm
from safety.content import PARTS, Kind, Part, Person, PlanContent, display_phone, normalise_phone
from safety.models import CrisisLine

BLANK_ROWS = 2  # empty name + phone rows offered under the people already listed
MIN_ROWS = 3
MAX_ROWS = 30
MAX_TEXT = 4000
ROW_FIELD = re.compile(r"^(?P<part>[a-z_]+)-(?P<index>\d+)-(?:name|phone)$")


class SafetyPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        content: PlanContent,
        number: int,
        check_language: bool,
    ) -> None:
        initial: dict[str, Any] = {"version": number}
        for part in PARTS:
            if part.kind == Kind.LINES:
                initial[part.key] = content.text(part.key)
            else:
                for i, person in enumerate(content.get(part.key)):
                    initial[f"{part.key}-{i}-name"] = person.name
                    initial[f"{part.key}-{i}-phone"] = display_phone(person.phone)
        super().__init__(data, initial=initial)
        self.row_counts: dict[str, int] = {}
        for part in PARTS:
            if part.kind == Kind.LINES:
                self.fields[part.key] = forms.CharField(
                    label=part.prompt,
                    required=False,
                    max_length=MAX_TEXT,
                    help_text=_("One per line."),
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
                if check_language:
                    self.fields[part.key].widget.attrs.update(language_check_attrs(part.key))
            else:
                rows = self._row_count(part, data, len(content.get(part.key)))
                self.row_counts[part.key] = rows
                for i in range(rows):
                    self.fields[f"{part.key}-{i}-name"] = forms.CharField(
                        label=_("Name %(n)s") % {"n": i + 1}, required=False, max_length=120
                    )
                    self.fields[f"{part.key}-{i}-phone"] = forms.CharField(
                        label=_("Phone %(n)s") % {"n": i + 1},
                        required=False,
                        max_length=40,
                        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
                    )

    @staticmethod
    def _row_count(part: Part, data: Any, saved: int) -> int:
        rows = max(MIN_ROWS, saved + BLANK_ROWS)
        if data is not None:
            # Every row that came back is shown again, so nothing typed is lost.
            for key in data:
                match = ROW_FIELD.match(key)
                if match and match["part"] == part.key:
                    rows = max(rows, int(match["index"]) + 1)
        return min(rows, MAX_ROWS)

    def rows(self, key: str) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"{key}-{i}-name"], self[f"{key}-{i}-phone"]) for i in range(self.row_counts[key])
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key, count in self.row_counts.items():
            for i in range(count):
                name_key, phone_key = f"{key}-{i}-name", f"{key}-{i}-phone"
                name = (data.get(name_key) or "").strip()
                phone = (data.get(phone_key) or "").strip()
                if phone:
                    try:
                        data[phone_key] = normalise_phone(phone)
                    except ValidationError as error:
                        self.add_error(phone_key, error)
                        continue
                if phone and not name:
                    self.add_error(name_key, _("Add a name for this number, or clear the number."))
        return data

    def content(self) -> PlanContent:
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for part in PARTS:
            if part.kind == Kind.LINES:
                values[part.key] = data.get(part.key, "")
            else:
                values[part.key] = [
                    Person(
                        (data.get(f"{part.key}-{i}-name") or "").strip(),
                        data.get(f"{part.key}-{i}-phone") or "",
                    )
                    for i in range(self.row_counts[part.key])
                ]
        return PlanContent.from_values(values)


class CrisisLineForm(forms.Form):
    """A local line; a plain form so the saved line stays untouched until the service runs."""

    name = forms.CharField(label=_("Name"), max_length=120)
    phone = forms.CharField(
        label=_("Phone to call"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    text_number = forms.CharField(
        label=_("Number to text"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    hours = forms.CharField(
        label=_("Hours"),
        max_length=120,
        required=False,
        help_text=_("For example 'Every day, 24 hours' or 'Weekdays 9 to 5'."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("For example 'Spanish spoken' or 'For young people up to 24'."),
    )

    @classmethod
    def initial_for(cls, line: CrisisLine) -> dict[str, str]:
        return {
            "name": line.name,
            "phone": line.phone_display,
            "text_number": line.text_display,
            "hours": line.hours,
            "note": line.note,
        }

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_text_number(self) -> str:
        return normalise_phone(self.cleaned_data.get("text_number", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("phone") and not data.get("text_number"):
            self.add_error("phone", _("Give a number to call, a number to text, or both."))
        return data


class NewCrisisLineForm(OneTimeKeyForm, CrisisLineForm):
    """A line added to every plan: added once however often the form is sent."""
