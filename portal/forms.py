"""The participant's own choices."""

from django import forms

from portal.models import PortalPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = PortalPreference
        fields = ["language", "discreet_title", "shared_device"]
        widgets = {"language": forms.RadioSelect}
