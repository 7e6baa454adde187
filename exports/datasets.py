"""What each export contains: one declarative definition per dataset drives the files and the
data dictionary, so the two can never disagree."""

import builtins
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.enums import Choices

from assessments.engine import instrument
from assessments.models import BARC10, Assessment, ItemResponse, Language
from encounters.models import ContactType, Encounter, Outcome
from participants.models import (
    AgeRange,
    Participant,
    ParticipantStatus,
    Pathway,
    ReferralSource,
    VeteranStatus,
)
from plans.models import Goal, GoalStatus, LifeDomain

CHUNK = 2000
LIST_SEPARATOR = "; "


class Kind(StrEnum):
    """What a column is, which decides what the de-identified export does with it."""

    RECORD_ID = "record_id"  # the row's own UUID: left out (it exists elsewhere)
    PARTICIPANT = "participant"  # the person's UUID: replaced by a per-export pseudonym
    IDENTIFYING = "identifying"  # names, phone, email, staff usernames: left out
    FREE_TEXT = "free_text"  # words someone wrote, incl. self-described identity: left out
    BIRTH_DATE = "birth_date"  # replaced by an age band
    DATE = "date"  # shifted per person, or reduced to the month
    DATETIME = "datetime"  # same
    VALUE = "value"  # kept as is


class Type(StrEnum):
    UUID = "uuid"
    TEXT = "text"
    DATE = "date (YYYY-MM-DD)"
    DATETIME = "date and time (ISO 8601 with offset)"
    MONTH = "month (YYYY-MM)"
    INTEGER = "integer"
    CHOICE = "one of the allowed values"
    LIST = 'allowed values joined with "; "'


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    type: Type
    kind: Kind = Kind.VALUE
    source: str = ""  # the ORM path read with values_list; empty for computed columns
    choices: builtins.type[Choices] | None = None
    allowed_note: str = ""

    @property
    def allowed(self) -> str:
        if self.choices is not None:
            return LIST_SEPARATOR.join(f"{v} = {label}" for v, label in self.choices.choices)
        return self.allowed_note


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str
    model: type[Model]
    columns: tuple[Column, ...]
    # Turns the scoped participant queryset into this dataset's queryset.
    scope: Callable[[QuerySet[Participant]], QuerySet[Any]]
    # Fills computed columns for a chunk of rows (one query per chunk, never per row).
    complete: Callable[[list[dict[str, Any]]], None] = lambda rows: None
    consent_categories: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("pk",)
    extra_columns: Callable[[], tuple[Column, ...]] = field(default=lambda: ())

    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.extra_columns()


def export_rows(dataset: Dataset, queryset: QuerySet[Any]) -> Iterator[dict[str, Any]]:
    """One dict per record, keyed by column name, holding Python values (dates stay dates).

    Reads only the columns the dataset outputs (so only those are decrypted), streams with a
    server-side cursor, and completes computed columns one chunk at a time.
    """
    sourced = [c for c in dataset.all_columns() if c.source]
    names = [c.name for c in sourced]
    values = queryset.order_by(*dataset.order_by).values_list(*[c.source for c in sourced])
    chunk: list[dict[str, Any]] = []
    for record in values.iterator(chunk_size=CHUNK):
        chunk.append(dict(zip(names, record, strict=True)))
        if len(chunk) >= CHUNK:
            dataset.complete(chunk)
            yield from chunk
            chunk = []
    if chunk:
        dataset.complete(chunk)
        yield from chunk


def _join_list(column: str) -> Callable[[list[dict[str, Any]]], None]:
    def complete(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            row[column] = LIST_SEPARATOR.join(row[column] or [])

    return complete


# --- participants -------------------------------------------------------------------------

PARTICIPANT_COLUMNS = (
    Column("participant_id", "Cairn's stable id for the person", Type.UUID, Kind.PARTICIPANT, "id"),
    Column("preferred_name", "The name they go by", Type.TEXT, Kind.IDENTIFYING, "preferred_name"),
    Column("legal_name", "Legal name, if given", Type.TEXT, Kind.IDENTIFYING, "legal_name"),
    Column("pronouns", "Pronouns, in their words", Type.TEXT, Kind.FREE_TEXT, "pronouns"),
    Column("date_of_birth", "Date of birth, if given", Type.DATE, Kind.BIRTH_DATE, "date_of_birth"),
    Column(
        "age_range",
        "Age range, when no birth date was given",
        Type.CHOICE,
        source="age_range",
        choices=AgeRange,
    ),
    Column(
        "preferred_language",
        "Preferred language: an ISO 639 code (es, vi, ase...), or a name typed before codes",
        Type.TEXT,
        Kind.FREE_TEXT,  # left out of de-identified files: a rare language can tell who it is
        "preferred_language",
    ),
    Column(
        "needs_interpreter",
        "Wants an interpreter: True or False",
        Type.TEXT,
        Kind.VALUE,
        "needs_interpreter",
    ),
    Column(
        "interpreter_language",
        "The interpreter's language, an ISO 639 code; empty: their preferred language",
        Type.TEXT,
        Kind.FREE_TEXT,
        "interpreter_language",
    ),
    Column(
        "gender_identity", "Gender, in their words", Type.TEXT, Kind.FREE_TEXT, "gender_identity"
    ),
    Column(
        "race_ethnicity",
        "Race, ethnicity or culture, in their words",
        Type.TEXT,
        Kind.FREE_TEXT,
        "race_ethnicity",
    ),
    Column(
        "sexual_orientation",
        "Sexual orientation, in their words",
        Type.TEXT,
        Kind.FREE_TEXT,
        "sexual_orientation",
    ),
    Column(
        "veteran_status",
        "Served in the military",
        Type.CHOICE,
        source="veteran_status",
        choices=VeteranStatus,
    ),
    Column(
        "referral_source",
        "How they heard of the program",
        Type.CHOICE,
        source="referral_source",
        choices=ReferralSource,
    ),
    Column(
        "pathways", "Recovery pathways they named", Type.LIST, source="pathways", choices=Pathway
    ),
    Column(
        "phone", "Phone number (E.164, e.g. +15551234567)", Type.TEXT, Kind.IDENTIFYING, "phone"
    ),
    Column("email", "Email address", Type.TEXT, Kind.IDENTIFYING, "email"),
    Column(
        "coach_username",
        "Username of the primary coach",
        Type.TEXT,
        Kind.IDENTIFYING,
        "coach__username",
    ),
    Column(
        "status",
        "Where they are with the program",
        Type.CHOICE,
        source="status",
        choices=ParticipantStatus,
    ),
    Column("enrolled_on", "Date of enrolment", Type.DATE, Kind.DATE, "enrolled_on"),
)

PARTICIPANTS = Dataset(
    key="participants",
    title="Participants",
    description="One row per participant: who they are, in the words and choices they gave.",
    model=Participant,
    columns=PARTICIPANT_COLUMNS,
    scope=lambda people: people,
    complete=_join_list("pathways"),
    consent_categories=("contact",),
)


def participant_ref(source: str) -> Column:
    """The column every dataset uses to point at its participant (by Cairn's stable id)."""
    return Column(
        "participant_id",
        "The participant (the same id as in the Participants export)",
        Type.UUID,
        Kind.PARTICIPANT,
        source,
    )


SERVICE_TYPE = Column(
    "service_type",
    "The organization's service type (its name)",
    Type.TEXT,
    source="service_type__name",
    allowed_note="The organization's own list of service types",
)


# --- contacts -----------------------------------------------------------------------------

CONTACTS = Dataset(
    key="contacts",
    title="Contacts",
    description="One row per contact with a participant (the facts, never the note's words).",
    model=Encounter,
    columns=(
        Column("contact_id", "Cairn's stable id for the contact", Type.UUID, Kind.RECORD_ID, "id"),
        participant_ref("participant_id"),
        Column(
            "coach_username",
            "Username of the person who wrote the note",
            Type.TEXT,
            Kind.IDENTIFYING,
            "author__username",
        ),
        Column(
            "contact_type",
            "How the contact happened",
            Type.CHOICE,
            source="contact_type",
            choices=ContactType,
        ),
        Column(
            "outcome",
            "For calls and texts: whether they were reached",
            Type.CHOICE,
            source="outcome",
            choices=Outcome,
        ),
        Column("started_at", "When it started", Type.DATETIME, Kind.DATETIME, "started_at"),
        Column("occurred_on", "The local date of the contact", Type.DATE, Kind.DATE, "occurred_on"),
        Column("duration_minutes", "Length in minutes", Type.INTEGER, source="duration_minutes"),
        SERVICE_TYPE,
        Column(
            "setting",
            "Setting or place, in the coach's words",
            Type.TEXT,
            Kind.FREE_TEXT,
            "setting",
        ),
    ),
    scope=lambda people: Encounter.objects.filter(participant__in=people),
    consent_categories=("attendance",),
    order_by=("started_at", "pk"),
)


# --- assessments --------------------------------------------------------------------------


def _item_keys() -> list[str]:
    # The BARC-10's own item keys (q1..q10), so the columns follow the instrument file.
    return [item.key for item in instrument(BARC10).items]


def item_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            f"item_{key}",
            f"BARC-10 statement {key[1:]} (1 strongly disagree to 6 strongly agree)",
            Type.INTEGER,
            allowed_note="1 to 6; empty when skipped or another instrument",
        )
        for key in _item_keys()
    )


def complete_items(rows: list[dict[str, Any]]) -> None:
    keys = set(_item_keys())
    by_assessment: dict[Any, dict[str, int | None]] = {row["assessment_id"]: {} for row in rows}
    responses = ItemResponse.objects.filter(assessment_id__in=list(by_assessment)).values_list(
        "assessment_id", "item_key", "value"
    )
    for assessment_id, key, value in responses:
        by_assessment[assessment_id][key] = value
    for row in rows:
        answers = by_assessment[row["assessment_id"]]
        for key in keys:
            row[f"item_{key}"] = answers.get(key)


ASSESSMENTS = Dataset(
    key="assessments",
    title="Assessments",
    description="One row per assessment (e.g. BARC-10), with its total and each item's answer.",
    model=Assessment,
    columns=(
        Column(
            "assessment_id",
            "Cairn's stable id for the assessment",
            Type.UUID,
            Kind.RECORD_ID,
            "id",
        ),
        participant_ref("participant_id"),
        Column(
            "instrument",
            "Which instrument",
            Type.TEXT,
            source="instrument",
            allowed_note="barc10 = BARC-10; checkin = weekly check-in",
        ),
        Column(
            "instrument_version",
            "Version of the instrument's wording",
            Type.TEXT,
            source="instrument_version",
        ),
        Column(
            "language",
            "Language it was answered in",
            Type.CHOICE,
            source="language",
            choices=Language,
        ),
        Column("administered_on", "Date it was answered", Type.DATE, Kind.DATE, "administered_on"),
        Column(
            "schedule_point",
            "Point in the reassessment schedule",
            Type.TEXT,
            source="schedule_point",
            allowed_note="baseline; day-N (N days after enrolment, e.g. day-30); extra",
        ),
        Column(
            "total",
            "Total score (empty when any item was skipped: no imputation)",
            Type.INTEGER,
            source="total",
            allowed_note="BARC-10: 10 to 60",
        ),
        Column("answered", "Number of items answered", Type.INTEGER, source="answered"),
        Column(
            "item_count", "Number of items in the instrument", Type.INTEGER, source="item_count"
        ),
    ),
    extra_columns=item_columns,
    scope=lambda people: Assessment.objects.filter(participant__in=people),
    complete=complete_items,
    consent_categories=("assessments",),
    order_by=("administered_on", "pk"),
)


# --- plans --------------------------------------------------------------------------------

PLANS = Dataset(
    key="plans",
    title="Recovery plan goals",
    description="One row per goal on a recovery plan, with its life areas and step counts.",
    model=Goal,
    columns=(
        Column("goal_id", "Cairn's stable id for the goal", Type.UUID, Kind.RECORD_ID, "id"),
        participant_ref("participant_id"),
        Column(
            "plan_version",
            "Version of the plan the goal is on now",
            Type.INTEGER,
            source="plan__version",
        ),
        Column(
            "life_area",
            "Life areas the goal touches",
            Type.LIST,
            source="domains",
            choices=LifeDomain,
        ),
        Column("status", "Where the goal stands", Type.CHOICE, source="status", choices=GoalStatus),
        Column("created_on", "Date the goal was added", Type.DATE, Kind.DATE, "created_at__date"),
        Column(
            "updated_on", "Date the goal last changed", Type.DATE, Kind.DATE, "updated_at__date"
        ),
        Column(
            "steps_total", "Number of steps toward the goal", Type.INTEGER, source="steps_total"
        ),
        Column("steps_done", "Number of those steps done", Type.INTEGER, source="steps_done"),
        Column(
            "goal_in_their_words",
            "The goal, in the participant's own words",
            Type.TEXT,
            Kind.FREE_TEXT,
            "in_my_words",
        ),
    ),
    scope=lambda people: Goal.objects.filter(
        participant__in=people, removed_at__isnull=True
    ).annotate(
        steps_total=Count("steps"),
        steps_done=Count("steps", filter=Q(steps__done_on__isnull=False)),
    ),
    complete=_join_list("life_area"),
    consent_categories=("plans",),
    order_by=("participant_id", "position", "created_at"),
)


def registry() -> dict[str, Dataset]:
    from exports.funder import FUNDER_ASSESSMENTS, FUNDER_SERVICES

    return {
        d.key: d
        for d in (PARTICIPANTS, CONTACTS, ASSESSMENTS, PLANS, FUNDER_SERVICES, FUNDER_ASSESSMENTS)
    }


def dictionary_rows(columns: Iterable[Column]) -> list[list[str]]:
    """The data dictionary: the header row, then one row per column of the export."""
    rows = [["column", "meaning", "type", "allowed values"]]
    rows += [[c.name, c.meaning, str(c.type), c.allowed] for c in columns]
    return rows
