"""The directory as Open Referral HSDS 3.0: the tables and field names Cairn writes and reads,
the two taxonomies that carry Cairn's need and cost, and the export in both forms (the JSON list
of services with their objects nested, and the tabular CSV data package in a zip).

Ids: organizations and services keep the id they were imported with (else Cairn's own), so an
import of the same data updates them. Cairn keeps one place per service and no ids of its own
for phones, hours and the like, so their ids are derived from the service's id and position:
the same listings always export the same file.
"""

import hashlib
import io
import json
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from django.db import models

from directory.models import Cost, Need, Phone, Schedule, Service, ServiceLanguage
from lib.spreadsheet import CsvWriter
from organizations.models import Organization

# A fixed namespace, so derived ids are the same in every export.
NAMESPACE = uuid.UUID("6c0d3b8e-3f4a-5d0e-9a55-2f1c4a7b9e10")
_NAMESPACE_BYTES = NAMESPACE.bytes
NEED_TAXONOMY = "cairn-need"
COST_TAXONOMY = "cairn-cost"
TAXONOMIES: dict[str, tuple[str, type[models.TextChoices]]] = {
    NEED_TAXONOMY: ("Cairn need categories", Need),
    COST_TAXONOMY: ("Cairn cost", Cost),
}
COUNTRY = "US"

# The tables of the CSV data package, in HSDS's order, with the fields Cairn writes and reads.
TABLES: dict[str, list[str]] = {
    "organizations": ["id", "name", "description", "website", "email"],
    "services": [
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees_description",
        "eligibility_description",
        "application_process",
        "accreditations",
        "assured_date",
        "last_modified",
    ],
    "locations": ["id", "location_type", "name", "latitude", "longitude"],
    "addresses": [
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "accessibility": ["id", "location_id", "description"],
    "service_at_locations": ["id", "service_id", "location_id"],
    "phones": ["id", "service_id", "number", "type", "description"],
    "schedules": ["id", "service_id", "freq", "byday", "opens_at", "closes_at"],
    "languages": ["id", "service_id", "code"],
    "service_areas": ["id", "service_id", "name"],
    "taxonomies": ["id", "name", "description"],
    "taxonomy_terms": ["id", "code", "name", "description", "taxonomy", "taxonomy_id"],
    "attributes": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"],
}
NUMBER_FIELDS = {"latitude", "longitude"}
DATE_FIELDS = {"assured_date"}


def derived_id(*parts: object) -> str:
    """uuid5(NAMESPACE, parts joined by "/"), written out directly: an export makes about fifteen
    per listing, and building UUID objects took a third of its time."""
    name = _NAMESPACE_BYTES + "/".join(map(str, parts)).encode()
    # SHA-1 is what uuid5 is defined with; an id, not a secret.
    digest = bytearray(hashlib.sha1(name, usedforsecurity=False).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def taxonomy_id(taxonomy: str) -> str:
    return derived_id("taxonomy", taxonomy)


def term_id(taxonomy: str, code: str) -> str:
    return derived_id("term", taxonomy, code)


def clock(value: time) -> str:
    """A time as HSDS writes it (HH:MM), for a file rather than for people to read."""
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _taxonomy_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    taxonomies, terms = [], []
    for name, (description, choices) in TAXONOMIES.items():
        taxonomies.append({"id": taxonomy_id(name), "name": name, "description": description})
        choice: models.TextChoices
        for choice in choices:
            terms.append(
                {
                    "id": term_id(name, choice.value),
                    "code": choice.value,
                    "name": str(choice.label),
                    "description": str(choice.label),
                    "taxonomy": name,
                    "taxonomy_id": taxonomy_id(name),
                }
            )
    return taxonomies, terms


@dataclass
class Parts:
    """A listing's phones, weekly hours and languages, as plain values."""

    phones: list[tuple[str, str, str]] = field(default_factory=list)
    hours: list[tuple[str, time, time]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def listings(organization: Organization) -> Iterator[tuple[Service, Parts]]:
    """Every listing of the organization, archived ones too, with its provider, place and parts.
    The parts are read as plain values in one query each for the whole organization (building a
    model instance per phone and hour took most of an export of 5,000 listings)."""
    parts: dict[Any, Parts] = defaultdict(Parts)
    phones = Phone.objects.filter(organization=organization).order_by("service_id", "id")
    for service_id, number, kind, description in phones.values_list(
        "service_id", "number", "type", "description"
    ):
        parts[service_id].phones.append((number, kind, description))
    hours = Schedule.objects.filter(organization=organization).order_by("service_id", "id")
    for service_id, day, opens, closes in hours.values_list(
        "service_id", "byday", "opens_at", "closes_at"
    ):
        parts[service_id].hours.append((day, opens, closes))
    languages = ServiceLanguage.objects.filter(organization=organization).order_by("code")
    for service_id, code in languages.values_list("service_id", "code"):
        parts[service_id].languages.append(code)
    services = (
        Service.objects.of(organization)
        .select_related("provider", "location")
        .order_by("name_sort", "id")
        .iterator(chunk_size=2000)
    )
    for service in services:
        yield service, parts.get(service.id) or Parts()


def service_objects(service: Service, parts: Parts) -> dict[str, Any]:
    """One service as HSDS objects: the service row, and its rows for every other table."""
    key = service.hsds_key
    provider = service.provider
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["services"].append(
        {
            "id": key,
            "organization_id": provider.hsds_key,
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "fees_description": service.fees_description,
            "eligibility_description": service.eligibility_description,
            "application_process": service.application_process,
            "accreditations": service.accreditations,
            "assured_date": service.last_verified.isoformat() if service.last_verified else "",
            "last_modified": service.updated_at.isoformat(timespec="milliseconds"),
        }
    )
    place = getattr(service, "location", None)
    if place is not None:
        location_id = derived_id(key, "location")
        rows["locations"].append(
            {
                "id": location_id,
                "location_type": "physical",
                "name": place.name,
                "latitude": place.latitude,
                "longitude": place.longitude,
            }
        )
        if place.address_1 or place.city or place.postal_code:
            rows["addresses"].append(
                {
                    "id": derived_id(key, "address"),
                    "location_id": location_id,
                    "address_1": place.address_1,
                    "city": place.city,
                    "state_province": place.state_province,
                    "postal_code": place.postal_code,
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            )
        if place.accessibility:
            rows["accessibility"].append(
                {
                    "id": derived_id(key, "accessibility"),
                    "location_id": location_id,
                    "description": place.accessibility,
                }
            )
        rows["service_at_locations"].append(
            {
                "id": derived_id(key, "at", location_id),
                "service_id": key,
                "location_id": location_id,
            }
        )
    for index, (number, kind, description) in enumerate(parts.phones):
        rows["phones"].append(
            {
                "id": derived_id(key, "phone", index),
                "service_id": key,
                "number": number,
                "type": kind,
                "description": description,
            }
        )
    for index, (day, opens, closes) in enumerate(parts.hours):
        rows["schedules"].append(
            {
                "id": derived_id(key, "schedule", index),
                "service_id": key,
                "freq": "WEEKLY",
                "byday": day,
                "opens_at": clock(opens),
                "closes_at": clock(closes),
            }
        )
    for code in parts.languages:
        rows["languages"].append(
            {"id": derived_id(key, "language", code), "service_id": key, "code": code}
        )
    if service.service_area:
        rows["service_areas"].append(
            {"id": derived_id(key, "area"), "service_id": key, "name": service.service_area}
        )
    for taxonomy, code in ((NEED_TAXONOMY, service.need), (COST_TAXONOMY, service.cost)):
        rows["attributes"].append(
            {
                "id": derived_id(key, taxonomy),
                "link_id": key,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term_id(taxonomy, code),
            }
        )
    return rows


def _organization_row(service: Service) -> dict[str, Any]:
    provider = service.provider
    return {
        "id": provider.hsds_key,
        "name": provider.name,
        "description": provider.description,
        "website": provider.website,
        "email": provider.email,
    }


def export_json(organization: Organization) -> bytes:
    """HSDS 3.0's compiled form: a list of services, each with its objects nested."""
    _taxonomies, terms = _taxonomy_rows()
    term_by_id = {term["id"]: term for term in terms}
    services = []
    for service, parts in listings(organization):
        rows = service_objects(service, parts)
        item = rows["services"][0]
        item["organization"] = _organization_row(service)
        item["phones"] = _without(rows["phones"], "service_id")
        item["schedules"] = _without(rows["schedules"], "service_id")
        item["languages"] = _without(rows["languages"], "service_id")
        item["service_areas"] = _without(rows["service_areas"], "service_id")
        item["service_at_locations"] = [
            {
                "id": link["id"],
                "location": {
                    **location,
                    "addresses": _without(rows["addresses"], "location_id"),
                    "accessibility": _without(rows["accessibility"], "location_id"),
                },
            }
            for link, location in zip(rows["service_at_locations"], rows["locations"], strict=True)
        ]
        item["attributes"] = [
            {**attribute, "taxonomy_term": term_by_id[attribute["taxonomy_term_id"]]}
            for attribute in rows["attributes"]
        ]
        services.append(item)
    return json.dumps(services, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _without(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != key} for row in rows]


def export_zip(organization: Organization) -> bytes:
    """The tabular data package: one CSV per table and datapackage.json describing them. Text
    that starts like a formula is neutralised (as in every CSV Cairn writes); Cairn's import
    restores it."""
    writers = {name: CsvWriter(fields) for name, fields in TABLES.items()}
    taxonomies, terms = _taxonomy_rows()
    writers["taxonomies"].rows([row[f] for f in TABLES["taxonomies"]] for row in taxonomies)
    writers["taxonomy_terms"].rows([row[f] for f in TABLES["taxonomy_terms"]] for row in terms)
    providers_seen: set[str] = set()
    for service, parts in listings(organization):
        provider_row = _organization_row(service)
        if provider_row["id"] not in providers_seen:
            providers_seen.add(provider_row["id"])
            writers["organizations"].row([provider_row[f] for f in TABLES["organizations"]])
        for name, rows in service_objects(service, parts).items():
            fields = TABLES[name]
            writers[name].rows([row[f] for f in fields] for row in rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(datapackage(), indent=1))
        for name, writer in writers.items():
            archive.writestr(f"{name}.csv", writer.content())
    return out.getvalue()


def datapackage() -> dict[str, Any]:
    def kind(field: str) -> str:
        if field in NUMBER_FIELDS:
            return "number"
        return "date" if field in DATE_FIELDS else "string"

    return {
        "name": "cairn-resource-directory",
        "title": "Resource directory (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "description": (
            "Exported by Cairn. Text cells that would start with = + - or @ carry one leading "
            "apostrophe so that no spreadsheet runs them as formulas; Cairn's import removes it. "
            "Opening and closing times are local to the program's time zone."
        ),
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": field, "type": kind(field)} for field in fields],
                    "primaryKey": "id",
                },
            }
            for name, fields in TABLES.items()
        ],
    }
