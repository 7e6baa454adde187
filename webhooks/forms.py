"""The administrator's webhook forms: a new subscription, and the organization's address choice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.once import OneTimeKeyForm
from webhooks.models import EventType


class SubscriptionForm(OneTimeKeyForm, forms.Form):
    description = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What receives these events, for example “County data warehouse”."),
    )
    url = forms.URLField(
        label=_("Receiver address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Must start with https://. Events are sent here as signed JSON."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=EventType.subscribable,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send.")},
    )


class WebhookSettingsForm(forms.Form):
    allow_private_addresses = forms.BooleanField(
        label=_("Allow receivers at private addresses"),
        required=False,
        help_text=_(
            "Only for a receiver inside your own network. Allows loopback and private addresses, "
            "and http:// addresses. Link-local, multicast and reserved addresses stay refused."
        ),
    )
