"""What each export contains: one declarative definition per dataset drives the files and the
data dictionary, so the two can never disagree."""

import builtins
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.enums import Choices
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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


# What the data dictionary calls each type, in the reader's language.
TYPE_WORDS = {
    Type.UUID: pgettext_lazy("data type", "uuid"),
    Type.TEXT: pgettext_lazy("data type", "text"),
    Type.DATE: pgettext_lazy("data type", "date (YYYY-MM-DD)"),
    Type.DATETIME: pgettext_lazy("data type", "date and time (ISO 8601 with offset)"),
    Type.MONTH: pgettext_lazy("data type", "month (YYYY-MM)"),
    Type.INTEGER: pgettext_lazy("data type", "integer"),
    Type.CHOICE: pgettext_lazy("data type", "one of the allowed values"),
    Type.LIST: pgettext_lazy("data type", 'allowed values joined with "; "'),
}


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str | Promise  # in the reader's language when the dictionary is written
    type: Type
    kind: Kind = Kind.VALUE
    source: str = ""  # the ORM path read with values_list; empty for computed columns
    choices: builtins.type[Choices] | None = None
    allowed_note: str | Promise = ""

    @property
    def allowed(self) -> str:
        if self.choices is not None:
            return LIST_SEPARATOR.join(f"{v} = {label}" for v, label in self.choices.choices)
        return str(self.allowed_note)


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str | Promise
    description: str | Promise
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
    Column(
        "participant_id", _("Cairn's stable id for the person"), Type.UUID, Kind.PARTICIPANT, "id"
    ),
    Column(
        "preferred_name", _("The name they go by"), Type.TEXT, Kind.IDENTIFYING, "preferred_name"
    ),
    Column("legal_name", _("Legal name, if given"), Type.TEXT, Kind.IDENTIFYING, "legal_name"),
    Column("pronouns", _("Pronouns, in their words"), Type.TEXT, Kind.FREE_TEXT, "pronouns"),
    Column(
        "date_of_birth", _("Date of birth, if given"), Type.DATE, Kind.BIRTH_DATE, "date_of_birth"
    ),
    Column(
        "age_range",
        _("Age range, when no birth date was given"),
        Type.CHOICE,
        source="age_range",
        choices=AgeRange,
    ),
    Column(
        "preferred_language",
        _("Preferred language: an ISO 639 code (es, vi, ase...), or a name typed before codes"),
        Type.TEXT,
        Kind.FREE_TEXT,  # left out of de-identified files: a rare language can tell who it is
        "preferred_language",
    ),
    Column(
        "needs_interpreter",
        _("Wants an interpreter: True or False"),
        Type.TEXT,
        Kind.VALUE,
        "needs_interpreter",
    ),
    Column(
        "interpreter_language",
        _("The interpreter's language, an ISO 639 code; empty: their preferred language"),
        Type.TEXT,
        Kind.FREE_TEXT,
        "interpreter_language",
    ),
    Column(
        "gender_identity", _("Gender, in their words"), Type.TEXT, Kind.FREE_TEXT, "gender_identity"
    ),
    Column(
        "race_ethnicity",
        _("Race, ethnicity or culture, in their words"),
        Type.TEXT,
        Kind.FREE_TEXT,
        "race_ethnicity",
    ),
    Column(
        "sexual_orientation",
        _("Sexual orientation, in their words"),
        Type.TEXT,
        Kind.FREE_TEXT,
        "sexual_orientation",
    ),
    Column(
        "veteran_status",
        _("Served in the military"),
        Type.CHOICE,
        source="veteran_status",
        choices=VeteranStatus,
    ),
    Column(
        "referral_source",
        _("How they heard of the program"),
        Type.CHOICE,
        source="referral_source",
        choices=ReferralSource,
    ),
    Column(
        "pathways", _("Recovery pathways they named"), Type.LIST, source="pathways", choices=Pathway
    ),
    Column(
        "phone", _("Phone number (E.164, e.g. +15551234567)"), Type.TEXT, Kind.IDENTIFYING, "phone"
    ),
    Column("email", _("Email address"), Type.TEXT, Kind.IDENTIFYING, "email"),
    Column(
        "coach_username",
        _("Username of the primary coach"),
        Type.TEXT,
        Kind.IDENTIFYING,
        "coach__username",
    ),
    Column(
        "status",
        _("Where they are with the program"),
        Type.CHOICE,
        source="status",
        choices=ParticipantStatus,
    ),
    Column("enrolled_on", _("Date of enrolment"), Type.DATE, Kind.DATE, "enrolled_on"),
)

PARTICIPANTS = Dataset(
    key="participants",
    title=_("Participants"),
    description=_("One row per participant: who they are, in the words and choices they gave."),
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
        _("The participant (the same id as in the Participants export)"),
        Type.UUID,
        Kind.PARTICIPANT,
        source,
    )


SERVICE_TYPE = Column(
    "service_type",
    _("The organization's service type (its name)"),
    Type.TEXT,
    source="service_type__name",
    allowed_note=_("The organization's own list of service types"),
)


# --- contacts -----------------------------------------------------------------------------

CONTACTS = Dataset(
    key="contacts",
    title=_("Contacts"),
    description=_("One row per contact with a participant (the facts, never the note's words)."),
    model=Encounter,
    columns=(
        Column(
            "contact_id", _("Cairn's stable id for the contact"), Type.UUID, Kind.RECORD_ID, "id"
        ),
        participant_ref("participant_id"),
        Column(
            "coach_username",
            _("Username of the person who wrote the note"),
            Type.TEXT,
            Kind.IDENTIFYING,
            "author__username",
        ),
        Column(
            "contact_type",
            _("How the contact happened"),
            Type.CHOICE,
            source="contact_type",
            choices=ContactType,
        ),
        Column(
            "outcome",
            _("For calls and texts: whether they were reached"),
            Type.CHOICE,
            source="outcome",
            choices=Outcome,
        ),
        Column("started_at", _("When it started"), Type.DATETIME, Kind.DATETIME, "started_at"),
        Column(
            "occurred_on", _("The local date of the contact"), Type.DATE, Kind.DATE, "occurred_on"
        ),
        Column("duration_minutes", _("Length in minutes"), Type.INTEGER, source="duration_minutes"),
        SERVICE_TYPE,
        Column(
            "setting",
            _("Setting or place, in the coach's words"),
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
            format_lazy(
                _("BARC-10 statement {number} (1 strongly disagree to 6 strongly agree)"),
                number=key[1:],
            ),
            Type.INTEGER,
            allowed_note=_("1 to 6; empty when skipped or another instrument"),
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
    title=_("Assessments"),
    description=_("One row per assessment (e.g. BARC-10), with its total and each item's answer."),
    model=Assessment,
    columns=(
        Column(
            "assessment_id",
            _("Cairn's stable id for the assessment"),
            Type.UUID,
            Kind.RECORD_ID,
            "id",
        ),
        participant_ref("participant_id"),
        Column(
            "instrument",
            _("Which instrument"),
            Type.TEXT,
            source="instrument",
            allowed_note=_("barc10 = BARC-10; checkin = weekly check-in"),
        ),
        Column(
            "instrument_version",
            _("Version of the instrument's wording"),
            Type.TEXT,
            source="instrument_version",
        ),
        Column(
            "language",
            _("Language it was answered in"),
            Type.CHOICE,
            source="language",
            choices=Language,
        ),
        Column(
            "administered_on", _("Date it was answered"), Type.DATE, Kind.DATE, "administered_on"
        ),
        Column(
            "schedule_point",
            _("Point in the reassessment schedule"),
            Type.TEXT,
            source="schedule_point",
            allowed_note=_("baseline; day-N (N days after enrolment, e.g. day-30); extra"),
        ),
        Column(
            "total",
            _("Total score (empty when any item was skipped: no imputation)"),
            Type.INTEGER,
            source="total",
            allowed_note=_("BARC-10: 10 to 60"),
        ),
        Column("answered", _("Number of items answered"), Type.INTEGER, source="answered"),
        Column(
            "item_count", _("Number of items in the instrument"), Type.INTEGER, source="item_count"
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
    title=_("Recovery plan goals"),
    description=_("One row per goal on a recovery plan, with its life areas and step counts."),
    model=Goal,
    columns=(
        Column("goal_id", _("Cairn's stable id for the goal"), Type.UUID, Kind.RECORD_ID, "id"),
        participant_ref("participant_id"),
        Column(
            "plan_version",
            _("Version of the plan the goal is on now"),
            Type.INTEGER,
            source="plan__version",
        ),
        Column(
            "life_area",
            _("Life areas the goal touches"),
            Type.LIST,
            source="domains",
            choices=LifeDomain,
        ),
        Column(
            "status", _("Where the goal stands"), Type.CHOICE, source="status", choices=GoalStatus
        ),
        Column(
            "created_on", _("Date the goal was added"), Type.DATE, Kind.DATE, "created_at__date"
        ),
        Column(
            "updated_on", _("Date the goal last changed"), Type.DATE, Kind.DATE, "updated_at__date"
        ),
        Column(
            "steps_total", _("Number of steps toward the goal"), Type.INTEGER, source="steps_total"
        ),
        Column("steps_done", _("Number of those steps done"), Type.INTEGER, source="steps_done"),
        Column(
            "goal_in_their_words",
            _("The goal, in the participant's own words"),
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
    from exports.suprt import FUNDER_SUPRT

    return {
        d.key: d
        for d in (
            PARTICIPANTS,
            CONTACTS,
            ASSESSMENTS,
            PLANS,
            FUNDER_SERVICES,
            FUNDER_ASSESSMENTS,
            FUNDER_SUPRT,
        )
    }


def dictionary_rows(columns: Iterable[Column]) -> list[list[str]]:
    """The data dictionary: the header row, then one row per column of the export."""
    rows = [[gettext("column"), gettext("meaning"), gettext("type"), gettext("allowed values")]]
    rows += [[c.name, str(c.meaning), str(TYPE_WORDS[c.type]), c.allowed] for c in columns]
    return rows
