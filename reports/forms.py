"""The dashboard's filters: a GET form, so a view can be bookmarked (no names in the URL)."""

import uuid
from datetime import date
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership
from participants.models import AgeRange, Pathway, VeteranStatus
from reports.selectors import Filters, coach_choices, service_choices, team_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ANY = [("", _("Any"))]
MAX_DAYS = 5 * 366


class View(models.TextChoices):
    IDENTIFIED = "identified", _("Exact counts (inside the organization)")
    DEIDENTIFIED = "deidentified", _("De-identified: counts from 1 to 10 shown as <11")


def default_range(today: date) -> tuple[date, date]:
    """The last twelve months up to today: this month so far and the eleven before it whole."""
    month, year = today.month - 11, today.year
    if month < 1:
        month, year = month + 12, year - 1
    return date(year, month, 1), today


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("To"), widget=DATE, required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    coach = forms.ChoiceField(label=_("Coach"), required=False)
    service_type = forms.TypedChoiceField(
        label=_("Service type"), required=False, coerce=int, empty_value=None
    )
    pathway = forms.ChoiceField(
        label=_("Recovery pathway"), required=False, choices=ANY + list(Pathway.choices)
    )
    age_range = forms.ChoiceField(
        label=_("Age range"), required=False, choices=ANY + list(AgeRange.choices)
    )
    gender_identity = forms.CharField(
        label=_("Gender identity (as they describe it)"), required=False, max_length=120
    )
    race_ethnicity = forms.CharField(
        label=_("Race, ethnicity or culture (as they describe it)"),
        required=False,
        max_length=200,
    )
    veteran_status = forms.ChoiceField(
        label=_("Served in the military"), required=False, choices=ANY + list(VeteranStatus.choices)
    )
    view = forms.ChoiceField(
        label=_("Numbers"),
        required=False,
        choices=View.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, membership: Membership, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["team"].choices = ANY + team_choices(membership)  # type: ignore[attr-defined]
        self.fields["coach"].choices = ANY + coach_choices(membership)  # type: ignore[attr-defined]
        services = service_choices(membership.organization_id)
        self.fields["service_type"].choices = ANY + services  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = default_range(self.today)
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        if data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        elif (data["end"] - data["start"]).days > MAX_DAYS:
            self.add_error("start", _("Choose a range of five years or less."))
        return data

    def filters(self) -> Filters:
        """The chosen filters, or the defaults (the last twelve months) when the form is invalid."""
        if not self.is_valid():
            start, end = default_range(self.today)
            return Filters(start=start, end=end)
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            team_id=_uuid(data.get("team") or ""),
            coach=_uuid(data.get("coach") or ""),
            service_type_id=data.get("service_type"),
            pathway=data.get("pathway") or "",
            age_range=data.get("age_range") or "",
            gender_identity=data.get("gender_identity") or "",
            race_ethnicity=data.get("race_ethnicity") or "",
            veteran_status=data.get("veteran_status") or "",
        )

    def coach_ids(self) -> dict[str, str]:
        """Coach display name → public id, for links from the caseload table (no names in URLs)."""
        return {name: public_id for public_id, name in self.fields["coach"].choices[1:]}  # type: ignore[attr-defined]

    def service_names(self) -> list[tuple[int, str]]:
        """The organization's service types (id, name), already read for the choices."""
        return [(int(pk), name) for pk, name in self.fields["service_type"].choices[1:]]  # type: ignore[attr-defined]

    @property
    def deidentified(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("view") == View.DEIDENTIFIED


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None
