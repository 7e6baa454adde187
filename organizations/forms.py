"""Forms for the organization administrator's screens."""

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from organizations.models import Clock, Membership, Organization, Role, Team

# Administrators manage staff accounts only: a participant's sign-in is set up by the participant
# with their coach's code, never from these screens.
STAFF_ROLES = [(value, label) for value, label in Role.choices if value in Role.staff()]


class TeamChoiceMixin:
    def limit_teams(self, organization: Organization) -> None:
        field = self.fields["team"]  # type: ignore[attr-defined]
        field.queryset = Team.objects.filter(organization=organization)
        field.required = False
        field.empty_label = _("No team")


class InviteForm(TeamChoiceMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. The person signs in with it."),
        validators=[UnicodeUsernameValidator()],
    )
    preferred_name = forms.CharField(label=_("Name they go by"), max_length=120)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_teams(organization)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("That username is taken. Please choose another, for example with an initial.")
            )
        return username


class MembershipForm(TeamChoiceMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "team", "notes_need_cosign"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_teams(organization)
        role: forms.ChoiceField = self.fields["role"]  # type: ignore[assignment]
        role.choices = STAFF_ROLES


class OrganizationSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[])

    class Meta:
        model = Organization
        fields = [
            "name",
            "time_zone",
            "clock",
            "out_of_touch_days",
            "cosign_all_notes",
            "coach_hours",
            "staff_language",
            "reports_suprt",
        ]
        labels = {"name": _("Organization name"), "clock": _("Clock")}
        widgets = {"clock": forms.RadioSelect}
        help_texts = {
            "out_of_touch_days": _(
                "After this many days without a recorded contact, coaches see a gentle "
                "'a while since contact' note. Nothing changes by itself."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
        field: forms.ChoiceField = self.fields["time_zone"]  # type: ignore[assignment]
        field.choices = [(zone, zone.replace("_", " ")) for zone in zones]
        self.fields["coach_hours"].required = False
        self.fields["clock"].required = False
        self.fields["staff_language"].required = False

    def clean_staff_language(self) -> str:
        # Not sent (an older form, a script): the organization keeps what it had.
        code: str = self.cleaned_data.get("staff_language") or ""
        return code or (self.instance.staff_language if self.instance.pk else "en")

    def clean_clock(self) -> str:
        clock: str = self.cleaned_data.get("clock") or ""
        return clock or (self.instance.clock if self.instance.pk else Clock.TWELVE)

    def clean_coach_hours(self) -> str:
        # Left empty, participants still get honest wording: the default hours.
        hours: str = (self.cleaned_data.get("coach_hours") or "").strip()
        return hours or str(Organization._meta.get_field("coach_hours").default)

    def clean_out_of_touch_days(self) -> int:
        days: int = self.cleaned_data["out_of_touch_days"]
        if not 3 <= days <= 365:
            raise forms.ValidationError(_("Choose between 3 and 365 days."))
        return days


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)

    def __init__(
        self, *args: Any, organization: Organization, team: Team | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.team = team

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Team.objects.filter(organization=self.organization, name__iexact=name)
        if self.team is not None:
            clash = clash.exclude(pk=self.team.pk)
        if clash.exists():
            raise forms.ValidationError(_("A team with that name already exists."))
        return name
