"""The dry run of an HSDS import: every row of every table checked (required fields, Cairn's need,
cost, status, weekday and language codes, times, ZIP codes, phone numbers, and references
between tables), each problem named by file, row and field; what would be added, updated or left
unchanged is counted against the organization's listings. Nothing is written here."""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, time
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.hsds import COST_TAXONOMY, NEED_TAXONOMY, Parts
from directory.hsds_reading import Row, Tables
from directory.models import (
    Cost,
    Language,
    Location,
    Need,
    Phone,
    ResourceOrganization,
    Service,
    ServiceStatus,
    Weekday,
)
from directory.selectors import zip_centroid
from lib.phones import to_e164

# The first this many problems are kept to show; all are counted.
MAX_SHOWN = 1000

STATUSES = {
    "active": ServiceStatus.ACTIVE,
    "inactive": ServiceStatus.INACTIVE,
    "defunct": ServiceStatus.INACTIVE,
    "temporarily closed": ServiceStatus.INACTIVE,
}
PHONE_TYPES = {
    "": Phone.Kind.VOICE,
    "voice": Phone.Kind.VOICE,
    "cell": Phone.Kind.VOICE,
    "text": Phone.Kind.TEXT,
    "hotline": Phone.Kind.HOTLINE,
}
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
ZIP = re.compile(r"^\d{5}(-\d{4})?$")
STATE = re.compile(r"^[A-Za-z]{2}$")
SERVICE_TEXT = [
    "name",
    "description",
    "url",
    "email",
    "fees_description",
    "eligibility_description",
    "application_process",
    "accreditations",
]
WEEKDAYS = list(Weekday.values)
DAYS = frozenset(Weekday.values)
LANGUAGES = frozenset(Language.values)
# Said only when a reference does not resolve (translated then, not for every row read).
NO_SERVICE = gettext_lazy("No service in the file has this id.")
NO_LOCATION = gettext_lazy("No location in the file has this id.")
NO_TERM = gettext_lazy("No taxonomy term in the file has this id.")
PLACE_TEXT = ["name", "address_1", "city", "state_province", "postal_code", "accessibility"]


@dataclass
class Problem:
    file: str
    row: int
    field: str
    value: str
    message: str


@dataclass
class Listing:
    """One service as Cairn would keep it: comparable with a listing already here."""

    key: str
    provider_key: str
    provider: dict[str, str]
    service: dict[str, Any]
    location: dict[str, Any] | None
    phones: list[tuple[str, str, str]]
    hours: list[tuple[str, time, time]]
    languages: list[str]


@dataclass
class Check:
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    listings: list[Listing] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, row: Row, name: str, message: str, value: str | None = None) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_SHOWN:
            shown = row.get(name) if value is None else value
            self.problems.append(Problem(row.file, row.row, row.where(name), shown[:200], message))

    def stored_problems(self) -> list[dict[str, Any]]:
        return [asdict(p) for p in self.problems]


@lru_cache(maxsize=64)
def _limit(model: Any, name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


_URL = URLValidator(schemes=["http", "https"])
_EMAIL = EmailValidator()


class Checker:
    """One pass over the tables; `check()` returns the findings and, when there are none, the
    listings ready to write."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.result = Check()

    # --- small readers, each noting a problem and returning a usable value --------------------

    def required(self, row: Row, name: str) -> str:
        value = row.get(name).strip()
        if not value:
            self.result.add(row, name, _("This is required and is empty."), "")
        return value

    def text(self, row: Row, name: str, model: Any, field_name: str | None = None) -> str:
        value = row.get(name).strip()
        limit = _limit(model, field_name or name)
        if limit and len(value) > limit:
            self.result.add(
                row,
                name,
                _("This is %(length)s characters long; up to %(limit)s fit here.")
                % {"length": len(value), "limit": limit},
            )
        return value

    def url(self, row: Row, name: str, model: Any, field_name: str) -> str:
        value = self.text(row, name, model, field_name)
        if value:
            try:
                _URL(value)
            except ValidationError:
                self.result.add(
                    row, name, _("This is not a web address; it should start with https://.")
                )
        return value

    def email(self, row: Row, name: str, model: Any) -> str:
        value = self.text(row, name, model)
        if value:
            try:
                _EMAIL(value)
            except ValidationError:
                self.result.add(row, name, _("This is not an email address."))
        return value

    def clock(self, row: Row, name: str) -> time | None:
        value = self.required(row, name)
        if not value:
            return None
        match = TIME.match(value)
        if match:
            hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
            if hour < 24 and minute < 60 and second < 60:
                return time(hour, minute, second)
        self.result.add(row, name, _("Write the time as hours and minutes, like 09:00 or 17:30."))
        return None

    def unique(self, table: str) -> dict[str, Row]:
        """The table's rows by id, with a problem for a missing or repeated id."""
        found: dict[str, Row] = {}
        for row in self.tables.rows[table]:
            key = self.required(row, "id")
            if not key:
                continue
            if key in found:
                if self.tables.form == "json" and found[key].values == row.values:
                    continue  # the same object nested under two services
                first = found[key]
                self.result.add(
                    row,
                    "id",
                    _("The same id is already used by %(file)s row %(row)s.")
                    % {"file": first.file, "row": first.row},
                )
                continue
            found[key] = row
        return found

    def refers(self, row: Row, name: str, known: dict[str, Any], missing: Promise) -> str | None:
        value = row.get(name).strip()
        if not value:
            return None
        if value not in known:
            self.result.add(row, name, str(missing))
            return None
        return value

    # --- the whole file -------------------------------------------------------------------------

    def check(self, progress: Callable[[int, int | None, str], None] | None = None) -> Check:
        rows = self.tables.rows
        providers = {key: self.provider(row) for key, row in self.unique("organizations").items()}
        services = self.unique("services")
        locations = {key: self.place(row) for key, row in self.unique("locations").items()}
        taxonomy_names = {
            key: row.get("name").strip() for key, row in self.unique("taxonomies").items()
        }
        terms = {
            key: self.term(row, taxonomy_names)
            for key, row in self.unique("taxonomy_terms").items()
        }
        self.location_parts(rows, locations)
        by_service = self.service_parts(rows, services, locations)
        categories = self.categories(rows, services, terms)
        total = len(services)
        message = _("Checking each service")
        for done, (key, row) in enumerate(services.items()):
            if progress is not None and done % 1000 == 0:
                progress(done, total, message)
            listing = self.listing(key, row, providers, by_service, categories)
            if listing is not None:
                self.result.listings.append(listing)
        if progress is not None:
            progress(total, total, message)
        return self.result

    def provider(self, row: Row) -> dict[str, str]:
        model = ResourceOrganization
        name = self.required(row, "name")
        self.text(row, "name", model)
        return {
            "name": name,
            "description": row.get("description").strip(),
            "website": self.url(row, "website", model, "website"),
            "email": self.email(row, "email", model),
        }

    def place(self, row: Row) -> dict[str, Any]:
        spot: dict[str, Any] = {"name": self.text(row, "name", Location)}
        for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            raw = row.get(name).strip()
            spot[name] = None
            if raw:
                try:
                    number = float(raw)
                except ValueError:
                    number = float("nan")
                if not low <= number <= high:
                    self.result.add(
                        row,
                        name,
                        _("This should be a number of degrees between %(low)s and %(high)s.")
                        % {"low": low, "high": high},
                    )
                else:
                    spot[name] = number
        return spot

    def term(self, row: Row, taxonomy_names: dict[str, str]) -> tuple[str, str]:
        """(taxonomy, code) of a term; Cairn's own taxonomies must use Cairn's codes."""
        taxonomy = row.get("taxonomy").strip() or taxonomy_names.get(row.get("taxonomy_id"), "")
        code = row.get("code").strip().lower()
        if taxonomy == NEED_TAXONOMY and code not in Need.values:
            self.result.add(
                row,
                "code",
                _("This is not one of Cairn's needs: %(codes)s.")
                % {"codes": ", ".join(Need.values)},
            )
        if taxonomy == COST_TAXONOMY and code not in Cost.values:
            self.result.add(
                row,
                "code",
                _("This is not one of Cairn's costs: %(codes)s.")
                % {"codes": ", ".join(Cost.values)},
            )
        return taxonomy, code

    def location_parts(self, rows: dict[str, list[Row]], locations: dict[str, Any]) -> None:
        for row in rows["addresses"]:
            key = self.refers(row, "location_id", locations, NO_LOCATION)
            if key is None:
                if not row.get("location_id").strip():
                    self.required(row, "location_id")
                continue
            spot = locations[key]
            if "address_1" in spot:
                continue  # the first address is the place's; a postal one may follow
            self.address(row, spot)
        for row in rows["accessibility"]:
            key = self.refers(row, "location_id", locations, NO_LOCATION)
            if key is not None:
                spot = locations[key]
                spot["accessibility"] = "; ".join(
                    p for p in (spot.get("accessibility", ""), row.get("description").strip()) if p
                )
                if len(spot["accessibility"]) > (_limit(Location, "accessibility") or 0):
                    self.result.add(
                        row,
                        "description",
                        _(
                            "The accessibility notes of this place are longer than %(limit)s "
                            "characters in all."
                        )
                        % {"limit": _limit(Location, "accessibility")},
                    )

    def address(self, row: Row, spot: dict[str, Any]) -> None:
        spot["address_1"] = self.text(row, "address_1", Location)
        spot["city"] = self.text(row, "city", Location)
        state = row.get("state_province").strip()
        if state and not STATE.match(state):
            self.result.add(
                row, "state_province", _("Write the state as its two letters, like MD.")
            )
        spot["state_province"] = state.upper()[:2]
        postal = row.get("postal_code").strip()
        if postal and not ZIP.match(postal):
            self.result.add(
                row,
                "postal_code",
                _("A ZIP code is five digits, or five digits, a dash and four (21201-1234)."),
            )
        spot["postal_code"] = postal
        country = row.get("country").strip().upper()
        if country and country not in ("US", "USA"):
            self.result.add(
                row, "country", _("Cairn's directory keeps places in the United States (US).")
            )

    def service_parts(
        self, rows: dict[str, list[Row]], services: dict[str, Row], locations: dict[str, Any]
    ) -> dict[str, dict[str, list[Any]]]:
        parts: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for row in rows["service_at_locations"]:
            service = self.refers(row, "service_id", services, NO_SERVICE)
            place = self.refers(row, "location_id", locations, NO_LOCATION)
            if service and place:
                parts[service]["places"].append((row, locations[place]))
        readers: dict[str, Callable[[Row], list[Any]]] = {
            "phones": self.phone,
            "schedules": self.hours,
            "languages": self.language,
        }
        for table, reader in readers.items():
            for row in rows[table]:
                if (service := self.refers(row, "service_id", services, NO_SERVICE)) is None:
                    continue
                parts[service][table].extend(reader(row))
        for row in rows["service_areas"]:
            if (service := self.refers(row, "service_id", services, NO_SERVICE)) is None:
                continue
            if name := row.get("name").strip():
                parts[service]["areas"].append((row, name))
        return parts

    def phone(self, row: Row) -> list[tuple[str, str, str]]:
        number = self.required(row, "number")
        self.text(row, "number", Phone)
        try:
            to_e164(number)
        except ValidationError as error:
            self.result.add(row, "number", " ".join(error.messages))
        kind = row.get("type").strip().lower()
        if kind not in PHONE_TYPES:
            self.result.add(
                row,
                "type",
                _("Cairn keeps voice, cell, text and hotline numbers; this type is not one."),
            )
        description = self.text(row, "description", Phone)
        return [(number, PHONE_TYPES.get(kind, ""), description)]

    def language(self, row: Row) -> list[str]:
        code = self.required(row, "code").lower()
        if code and code not in LANGUAGES:
            self.result.add(
                row,
                "code",
                _("Cairn knows these language codes: %(codes)s.")
                % {"codes": ", ".join(Language.values)},
            )
            return []
        return [code] if code else []

    def hours(self, row: Row) -> list[tuple[str, time, time]]:
        freq = row.get("freq").strip().upper()
        if freq and freq != "WEEKLY":
            self.result.add(
                row, "freq", _("Cairn keeps weekly hours only (freq WEEKLY, or empty).")
            )
        days_text = self.required(row, "byday").upper()
        days = [d.strip() for d in days_text.split(",") if d.strip()]
        wrong = [d for d in days if d not in DAYS]
        if wrong:
            self.result.add(
                row,
                "byday",
                _("Days are written MO, TU, WE, TH, FR, SA, SU, separated by commas."),
            )
        opens, closes = self.clock(row, "opens_at"), self.clock(row, "closes_at")
        if wrong or opens is None or closes is None:
            return []
        return [(day, opens, closes) for day in days]

    def categories(
        self, rows: dict[str, list[Row]], services: dict[str, Row], terms: dict[str, Any]
    ) -> dict[str, dict[str, list[tuple[Row, str]]]]:
        found: dict[str, dict[str, list[tuple[Row, str]]]] = defaultdict(lambda: defaultdict(list))
        for row in rows["attributes"]:
            entity = (row.get("link_type") or row.get("link_entity")).strip().lower()
            if entity not in ("", "service"):
                continue
            service = self.refers(row, "link_id", services, NO_SERVICE)
            term = self.refers(row, "taxonomy_term_id", terms, NO_TERM)
            if service and term:
                taxonomy, code = terms[term]
                if taxonomy in (NEED_TAXONOMY, COST_TAXONOMY):
                    found[service][taxonomy].append((row, code))
        return found

    def listing(
        self,
        key: str,
        row: Row,
        providers: dict[str, dict[str, str]],
        parts: dict[str, dict[str, list[Any]]],
        categories: dict[str, dict[str, list[tuple[Row, str]]]],
    ) -> Listing | None:
        before = self.result.problem_count
        provider_key = self.required(row, "organization_id")
        if provider_key and provider_key not in providers:
            self.result.add(row, "organization_id", _("No organization in the file has this id."))
        self.required(row, "name")
        values: dict[str, Any] = {}
        for name in SERVICE_TEXT:
            if name == "url":
                values[name] = self.url(row, name, Service, name)
            elif name == "email":
                values[name] = self.email(row, name, Service)
            else:
                values[name] = self.text(row, name, Service)
        status = self.required(row, "status").lower()
        if status and status not in STATUSES:
            self.result.add(
                row,
                "status",
                _("The status should be active, inactive, defunct or temporarily closed."),
            )
        values["status"] = STATUSES.get(status, ServiceStatus.ACTIVE)
        values["last_verified"] = self.day(row, "assured_date")
        mine = parts.get(key, {})
        values["need"] = self.category(row, categories, key, NEED_TAXONOMY, required=True)
        values["cost"] = self.category(row, categories, key, COST_TAXONOMY) or Cost.FREE
        areas = "; ".join(name for _row, name in mine.get("areas", []))
        if len(areas) > (_limit(Service, "service_area") or 0):
            first = mine["areas"][0][0]
            self.result.add(
                first,
                "name",
                _("The areas served by this service are longer than %(limit)s characters in all.")
                % {"limit": _limit(Service, "service_area")},
            )
        values["service_area"] = areas
        places = mine.get("places", [])
        if len(places) > 1:
            self.result.add(
                places[1][0],
                "location_id",
                _("Cairn keeps one place per service, and this service has %(count)s.")
                % {"count": len(places)},
            )
        location = dict(places[0][1]) if places else None
        if location is not None:
            self.locate(location)
        if self.result.problem_count != before:
            return None
        hours = sorted(set(mine.get("schedules", [])), key=lambda h: (WEEKDAYS.index(h[0]), h[1]))
        return Listing(
            key=key,
            provider_key=provider_key,
            provider=providers[provider_key],
            service=values,
            location=location,
            phones=mine.get("phones", []),
            hours=hours,
            languages=sorted(set(mine.get("languages", []))),
        )

    def day(self, row: Row, name: str) -> date | None:
        value = row.get(name).strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.result.add(row, name, _("Write the date as year-month-day, like 2026-03-04."))
            return None

    def category(
        self,
        row: Row,
        categories: dict[str, dict[str, list[tuple[Row, str]]]],
        key: str,
        taxonomy: str,
        *,
        required: bool = False,
    ) -> str:
        found = categories.get(key, {}).get(taxonomy, [])
        codes = {code for _row, code in found}
        if len(codes) > 1:
            self.result.add(
                found[1][0],
                "taxonomy_term_id",
                _("A service has one %(taxonomy)s term in Cairn, and this one has %(count)s.")
                % {"taxonomy": taxonomy, "count": len(codes)},
            )
        if not codes and required:
            self.result.add(
                row,
                "attributes",
                _("Give the service one need from the taxonomy %(taxonomy)s (%(codes)s).")
                % {"taxonomy": taxonomy, "codes": ", ".join(Need.values)},
                "",
            )
        return min(codes) if codes else ""

    @staticmethod
    def locate(location: dict[str, Any]) -> None:
        for name in PLACE_TEXT:
            location.setdefault(name, "")
        if location.get("latitude") is None or location.get("longitude") is None:
            centroid = zip_centroid(location.get("postal_code") or "")
            location["latitude"], location["longitude"] = centroid or (None, None)


def snapshot(service: Service, parts: Parts) -> Listing:
    """A listing already here, in the same shape as one read from a file."""
    place = getattr(service, "location", None)
    location = None
    if place is not None:
        location = {name: getattr(place, name) for name in PLACE_TEXT}
        location["latitude"], location["longitude"] = place.latitude, place.longitude
    values = {name: getattr(service, name) for name in SERVICE_TEXT}
    values.update(
        status=service.status,
        last_verified=service.last_verified,
        need=service.need,
        cost=service.cost,
        service_area=service.service_area,
    )
    provider = service.provider
    return Listing(
        key=service.hsds_key,
        provider_key=provider.hsds_key,
        provider={
            "name": provider.name,
            "description": provider.description,
            "website": provider.website,
            "email": provider.email,
        },
        service=values,
        location=location,
        phones=parts.phones,
        hours=sorted(parts.hours, key=lambda h: (WEEKDAYS.index(h[0]), h[1])),
        languages=sorted(parts.languages),
    )


__all__ = ["Check", "Checker", "Listing", "Problem", "snapshot"]
