"""The participant's own choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import PortalPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = PortalPreference
        fields = ["language", "discreet_title", "shared_device"]
        widgets = {"language": forms.RadioSelect}
        # Written here rather than taken from the model: the model's labels are lower-case
        # column names, and its \u201c escapes never match a catalogue entry, so the page
        # showed English whatever the language.
        labels = {
            "language": _("Language"),
            "discreet_title": _("Use a plain page title (“Notes”) instead of Cairn and my name"),
            "shared_device": _("This phone or computer is shared with someone else"),
        }
