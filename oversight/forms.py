"""Filters for the manager's audit review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Action

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    format_hints = False  # a filter bar (lib.form_rendering)
    # The name is matched on the server (never put into a link); the id comes only from a
    # "this participant's events" link on the page itself.
    name = forms.CharField(
        label=_("Participant's name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    participant = forms.UUIDField(required=False, widget=forms.HiddenInput)
    user = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices]
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE)
