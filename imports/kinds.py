"""What each kind of import can fill, and which spreadsheet headers usually mean which field."""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from imports.models import Kind
from organizations.models import Role

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Field:
    name: str
    label: "str | _StrPromise"
    required: bool = False
    synonyms: tuple[str, ...] = ()


SOURCE_ID = "source_id"

PARTICIPANT_FIELDS = [
    Field(
        SOURCE_ID,
        _("Id in the old system (keeps a re-run from adding anyone twice)"),
        synonyms=("participant_id", "id", "client id", "record id", "person id", "source id"),
    ),
    Field(
        "preferred_name",
        _("Name they go by"),
        required=True,
        synonyms=("name", "first name", "preferred name", "goes by", "full name", "client name"),
    ),
    Field("legal_name", _("Legal name"), synonyms=("legal name", "official name")),
    Field("pronouns", _("Pronouns")),
    Field(
        "date_of_birth",
        _("Date of birth"),
        synonyms=("dob", "birth date", "birthdate", "date of birth", "birthday"),
    ),
    Field("age_range", _("Age range"), synonyms=("age band", "age group")),
    Field("preferred_language", _("Preferred language"), synonyms=("language",)),
    Field("gender_identity", _("Gender"), synonyms=("gender",)),
    Field("race_ethnicity", _("Race or ethnicity"), synonyms=("race", "ethnicity")),
    Field("sexual_orientation", _("Sexual orientation"), synonyms=("orientation",)),
    Field("veteran_status", _("Served in the military"), synonyms=("veteran",)),
    Field("referral_source", _("How they heard of us"), synonyms=("referral", "referred by")),
    Field("pathways", _("Recovery pathways"), synonyms=("pathway", "recovery pathway")),
    Field("phone", _("Phone"), synonyms=("phone number", "mobile", "cell", "telephone")),
    Field("email", _("Email"), synonyms=("email address", "e-mail")),
    Field("coach_username", _("Coach (their user name)"), required=True, synonyms=("coach",)),
    Field("status", _("Status")),
    Field("enrolled_on", _("Enrolled on"), synonyms=("enrolled", "enrollment date", "start date")),
]

CONTACT_FIELDS = [
    Field(
        SOURCE_ID,
        _("Id in the old system (keeps a re-run from adding anything twice)"),
        synonyms=("contact_id", "id", "contact id", "encounter id", "source id"),
    ),
    Field(
        "participant_id",
        _("Participant (their id in the old system, or in Cairn)"),
        required=True,
        synonyms=("participant", "client id", "person id"),
    ),
    Field(
        "coach_username",
        _("Coach who made the contact (user name)"),
        required=True,
        synonyms=("coach", "author", "staff"),
    ),
    Field("contact_type", _("Type of contact"), required=True, synonyms=("type", "contact type")),
    Field("outcome", _("Outcome")),
    Field("started_at", _("Date and time"), synonyms=("date", "when", "contact date", "time")),
    Field("occurred_on", _("Date (if there is no time)"), synonyms=("day",)),
    Field("duration_minutes", _("Minutes"), synonyms=("duration", "minutes", "length")),
    Field("service_type", _("Service type"), synonyms=("service",)),
    Field("setting", _("Setting or place"), synonyms=("place", "location")),
]

ASSESSMENT_FIELDS = [
    Field(
        SOURCE_ID,
        _("Id in the old system (keeps a re-run from adding anything twice)"),
        synonyms=("assessment_id", "id", "assessment id", "source id"),
    ),
    Field(
        "participant_id",
        _("Participant (their id in the old system, or in Cairn)"),
        required=True,
        synonyms=("participant", "client id", "person id"),
    ),
    Field("instrument", _("Instrument (e.g. barc10)"), required=True, synonyms=("measure",)),
    Field("language", _("Language it was given in (en, es)")),
    Field(
        "administered_on",
        _("Date"),
        required=True,
        synonyms=("date", "assessment date", "completed on"),
    ),
]
ITEM_PREFIX = "item_"


def item_fields() -> list[Field]:
    """One column per item of every instrument Cairn knows, named as exports name them."""
    from assessments.engine import instruments

    keys: dict[str, None] = {}
    for instrument in instruments():
        for item in instrument.items:
            keys.setdefault(item.key, None)
    return [Field(f"{ITEM_PREFIX}{key}", f"{ITEM_PREFIX}{key}") for key in keys]


def fields_for(kind: str) -> list[Field]:
    if kind == Kind.ASSESSMENTS:
        return [*ASSESSMENT_FIELDS, *item_fields()]
    by_kind: dict[str, list[Field]] = {
        Kind.PARTICIPANTS: PARTICIPANT_FIELDS,
        Kind.CONTACTS: CONTACT_FIELDS,
    }
    return by_kind[kind]


# Managers see the whole program but do not write clinical content: they may bring people in,
# while contacts and assessments are recorded by coaches and supervisors.
KINDS_FOR_ROLE: dict[str, list[str]] = {
    Role.COACH: [Kind.PARTICIPANTS, Kind.CONTACTS, Kind.ASSESSMENTS],
    Role.SUPERVISOR: [Kind.PARTICIPANTS, Kind.CONTACTS, Kind.ASSESSMENTS],
    Role.MANAGER: [Kind.PARTICIPANTS],
}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def suggest(kind: str, headers: list[str]) -> dict[str, str]:
    """Target field -> header: exact field names first, then common synonyms; each header once."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(_key(header), header)
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for rounds in ("exact", "synonym"):
        for target in fields_for(kind):
            if target.name in chosen:
                continue
            names = [target.name] if rounds == "exact" else [*target.synonyms, str(target.label)]
            for name in names:
                found = by_key.get(_key(name))
                if found is not None and found not in used:
                    chosen[target.name] = found
                    used.add(found)
                    break
    return chosen
