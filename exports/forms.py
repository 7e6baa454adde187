"""Choosing an export: which data, which file format, and for whom."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exports.datasets import registry
from exports.deidentify import DateMode
from exports.services import ExportKind, ExportRequest, Format
from lib.once import OneTimeKeyForm


class ExportForm(OneTimeKeyForm, forms.Form):
    dataset = forms.ChoiceField(label=_("Which data"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label=_("Who it is for"), choices=ExportKind.choices, widget=forms.RadioSelect
    )
    fmt = forms.ChoiceField(
        label=_("File format"), choices=Format.choices, widget=forms.RadioSelect
    )
    date_mode = forms.ChoiceField(
        label=_("Dates in a de-identified export"),
        choices=DateMode.choices,
        initial=DateMode.SHIFT,
        widget=forms.RadioSelect,
        required=False,
    )
    recipient = forms.CharField(
        label=_("Recipient outside the organization"),
        max_length=200,
        required=False,
        help_text=_("As written on the participants' consents, e.g. the funder's name."),
    )
    purpose = forms.CharField(
        label=_("Purpose of sharing"),
        max_length=300,
        required=False,
        help_text=_(
            "As written on the consents. Only people whose active consent covers it are "
            "included; Cairn lists the others and why."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, may_disclose: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_disclose = may_disclose
        dataset: forms.ChoiceField = self.fields["dataset"]  # type: ignore[assignment]
        dataset.choices = [(d.key, d.title) for d in registry().values()]
        if not may_disclose:
            kind: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
            kind.choices = [c for c in ExportKind.choices if c[0] != ExportKind.DISCLOSURE]
            del self.fields["recipient"], self.fields["purpose"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ExportKind.DISCLOSURE:
            for name in ("recipient", "purpose"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Sharing outside the organization needs this."))
        if not data.get("date_mode"):
            data["date_mode"] = DateMode.SHIFT
        return data

    def export_request(self) -> ExportRequest:
        data = self.cleaned_data
        return ExportRequest(
            dataset=data["dataset"],
            fmt=data["fmt"],
            kind=data["kind"],
            date_mode=data["date_mode"],
            recipient=(data.get("recipient") or "").strip(),
            purpose=(data.get("purpose") or "").strip(),
        )
