"""The administrator's form for a new API token."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import Level, TokenKind, offered_scopes
from lib.once import OneTimeKeyForm
from organizations.models import Membership, Organization, Role


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.get_role_display()})"


LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]


class TokenForm(OneTimeKeyForm, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What it is for, so others recognise it: “State data warehouse”."),
    )
    kind = forms.ChoiceField(
        label=_("Acts as"), choices=TokenKind.choices, widget=forms.RadioSelect
    )
    person = StaffChoiceField(
        label=_("Staff member (personal tokens)"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("The token never sees more than this person's own pages show them."),
    )
    recipient = forms.CharField(
        label=_("Shares with (service accounts)"),
        max_length=200,
        required=False,
        help_text=_(
            "The outside organization that receives the data, written as participants' "
            "consents name it: only people whose active consent names it are shared."
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose (service accounts)"),
        max_length=300,
        required=False,
        help_text=_("Why it receives the data, as the consents say it: “Program evaluation”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=offered_scopes,
        widget=forms.CheckboxSelectMultiple,
    )
    lifetime = forms.TypedChoiceField(
        label=_("Works for"), choices=LIFETIMES, coerce=int, initial=90
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        named: tuple[list[str], list[str]] = ([], []),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Offer the recipients and purposes consents already name, so the token matches them.
        self.fields["recipient"].widget.attrs["list"] = "consent-recipients"
        self.fields["purpose"].widget.attrs["list"] = "consent-purposes"
        self.recipients, self.purposes = named
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Membership.objects.active()
            .filter(organization=organization, role__in=Role.staff(), user__is_active=True)
            .select_related("user")
            .order_by("user__username")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == TokenKind.PERSONAL and not data.get("person"):
            self.add_error("person", _("Choose whose token this is."))
        if kind == TokenKind.PERSONAL:
            # A staff member's own reading: nothing is shared outside, so no recipient.
            data["recipient"] = data["purpose"] = ""
        if kind == TokenKind.SERVICE:
            data["person"] = None
            if not (data.get("recipient") or "").strip():
                self.add_error(
                    "recipient",
                    _("Name the organization that receives the data, as consents name it."),
                )
            if not (data.get("purpose") or "").strip():
                self.add_error("purpose", _("Say why it receives the data, as consents say it."))
            if any(s.endswith(f":{Level.WRITE}") for s in data.get("scopes", [])):
                self.add_error(
                    "scopes",
                    _(
                        "A service account reads only: records are written by people, who "
                        "sign them."
                    ),
                )
        return data
