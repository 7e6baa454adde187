"""Finding help, and the listing form a directory keeper fills in."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Cost, Language, Need, Service, Weekday
from directory.services import Hours, ListingValues
from lib.once import OneTimeKeyForm

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DISTANCES = [
    ("", _("Any distance")),
    ("1", _("1 mile")),
    ("5", _("5 miles")),
    ("10", _("10 miles")),
    ("25", _("25 miles")),
]


def _any(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class FindForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    need = forms.ChoiceField(
        label=_("Need"), required=False, choices=_any(_("Any need"), Need.choices)
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_any(_("Any language"), Language.choices)
    )
    cost = forms.ChoiceField(
        label=_("Cost"), required=False, choices=_any(_("Any cost"), Cost.choices)
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    zip = forms.CharField(
        label=_("Near ZIP code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    within = forms.ChoiceField(label=_("Within"), required=False, choices=DISTANCES)


LISTING_SERVICE_FIELDS = [
    "name",
    "description",
    "need",
    "cost",
    "fees_description",
    "eligibility_description",
    "application_process",
    "url",
    "email",
    "accreditations",
    "service_area",
]
LOCATION_FIELDS = ["address_1", "city", "state_province", "postal_code", "accessibility"]


class ListingForm(OneTimeKeyForm, forms.ModelForm):
    provider_name = forms.CharField(label=_("Offered by (organization)"), max_length=200)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    address_1 = forms.CharField(label=_("Street address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    state_province = forms.CharField(label=_("State"), max_length=2, required=False)
    postal_code = forms.CharField(label=_("ZIP code"), max_length=10, required=False)
    accessibility = forms.CharField(label=_("Accessibility"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Service
        fields = LISTING_SERVICE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service: Service | None = None if self.instance._state.adding else self.instance
        hours = {s.byday: s for s in service.schedules.all()} if service else {}
        for day in Weekday:
            row = hours.get(day.value)
            self.fields[f"opens_{day.value}"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": day.label},
                required=False,
                widget=TIME_WIDGET,
                initial=row.opens_at if row else None,
            )
            self.fields[f"closes_{day.value}"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": day.label},
                required=False,
                widget=TIME_WIDGET,
                initial=row.closes_at if row else None,
            )
        if service is not None:
            place = getattr(service, "location", None)
            self.fields["provider_name"].initial = service.provider.name
            for name in LOCATION_FIELDS:
                self.fields[name].initial = getattr(place, name, "") if place else ""
            phone = service.phones.first()
            self.fields["phone"].initial = phone.number if phone else ""
            self.fields["languages"].initial = [lang.code for lang in service.languages.all()]
            self.fields["version"].initial = service.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in Weekday:
            opens, closes = data.get(f"opens_{day.value}"), data.get(f"closes_{day.value}")
            if (opens is None) != (closes is None):
                self.add_error(
                    f"closes_{day.value}" if closes is None else f"opens_{day.value}",
                    _("Give both the opening and the closing time, or neither."),
                )
        return data

    def day_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"opens_{d.value}"], self[f"closes_{d.value}"]) for d in Weekday]

    def listing_values(self, centroid: tuple[float, float] | None) -> ListingValues:
        data = self.cleaned_data
        location = {name: data.get(name) or "" for name in LOCATION_FIELDS}
        location["state_province"] = location["state_province"].upper()
        if centroid is not None:
            location["latitude"], location["longitude"] = centroid
        return ListingValues(
            service={name: data[name] for name in LISTING_SERVICE_FIELDS},
            provider_name=data["provider_name"].strip(),
            location=location,
            phone=data.get("phone") or "",
            languages=list(data.get("languages") or []),
            hours=[
                Hours(
                    byday=d.value,
                    opens_at=data[f"opens_{d.value}"],
                    closes_at=data[f"closes_{d.value}"],
                )
                for d in Weekday
                if data.get(f"opens_{d.value}") is not None
                and data.get(f"closes_{d.value}") is not None
            ],
        )


class HsdsUploadForm(OneTimeKeyForm):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "An HSDS 3.0 JSON file (a list of services) or a zipped CSV data package, up to "
            "200 MB. Nothing is imported until you have seen the check and chosen Import."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip"}),
    )
