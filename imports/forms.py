"""The upload form and the column-matching form, one select per field Cairn can fill."""

from typing import Any

from django import forms
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from imports.kinds import fields_for
from imports.limits import MAX_BYTES, MAX_ROWS, SAMPLE_CHARS
from imports.models import DateStyle, ImportBatch, Kind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=format_lazy(
            _(
                "CSV or Excel (.xlsx), up to {size} MB and {rows} rows; the first row names the "
                "columns."
            ),
            size=MAX_BYTES // 1024 // 1024,
            rows=f"{MAX_ROWS:,}",
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, labels[k]) for k in kinds]
        kind.initial = kinds[0]


class MappingForm(forms.Form):
    def __init__(self, *args: Any, batch: ImportBatch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A long column name is cut in the list only; the choice keeps the whole name.
        choices = [("", _("(not in this file)"))] + [
            (h, Truncator(h).chars(SAMPLE_CHARS)) for h in batch.headers if h
        ]
        for target in fields_for(batch.kind):
            self.fields[target.name] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=target.required,
                initial=batch.mapping.get(target.name, ""),
                error_messages={"required": _("Choose the column that holds this.")},
            )
        self.fields["date_style"] = forms.ChoiceField(
            label=_("How dates other than year-month-day are written"),
            choices=DateStyle.choices,
            initial=batch.date_style,
            widget=forms.RadioSelect,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        # A copy: add_error takes the field out of cleaned_data while this walks it.
        for name, header in list(cleaned.items()):
            if name == "date_style" or not header:
                continue
            if header in seen:
                first = self.fields[seen[header]].label
                self.add_error(
                    name,
                    _("This column is already matched to “%(field)s”; choose another one.")
                    % {"field": first},
                )
            else:
                seen[header] = name
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "date_style" and v}
