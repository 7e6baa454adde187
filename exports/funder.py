"""The funder-style layouts: services by date and type, and BARC-10 by assessment point, each row
carrying the demographics a recovery data platform or state system usually asks for (FUNDER.md)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.models import BARC10, Assessment
from encounters.models import ContactType, Encounter, Outcome
from exports.datasets import (
    SERVICE_TYPE,
    Column,
    Dataset,
    Kind,
    Type,
    complete_items,
    item_columns,
    participant_ref,
)
from participants.models import AgeRange, Participant, VeteranStatus

# The points funders schedule recovery capital at; "day-N" is how Cairn names a reassessment.
POINTS = {"baseline": "baseline", "day-30": "30", "day-60": "60", "day-90": "90", "day-180": "180"}


def _demographics(prefix: str) -> tuple[Column, ...]:
    return (
        participant_ref(f"{prefix}id"),
        Column(
            "date_of_birth",
            _("Date of birth, if given"),
            Type.DATE,
            Kind.BIRTH_DATE,
            f"{prefix}date_of_birth",
        ),
        Column(
            "age_range",
            _("Age range, when no birth date was given"),
            Type.CHOICE,
            source=f"{prefix}age_range",
            choices=AgeRange,
        ),
        Column(
            "gender_identity",
            _("Gender, in their words"),
            Type.TEXT,
            Kind.FREE_TEXT,
            f"{prefix}gender_identity",
        ),
        Column(
            "race_ethnicity",
            _("Race, ethnicity or culture, in their words"),
            Type.TEXT,
            Kind.FREE_TEXT,
            f"{prefix}race_ethnicity",
        ),
        Column(
            "veteran_status",
            _("Served in the military"),
            Type.CHOICE,
            source=f"{prefix}veteran_status",
            choices=VeteranStatus,
        ),
        Column("enrolled_on", _("Date of enrolment"), Type.DATE, Kind.DATE, f"{prefix}enrolled_on"),
    )


def _services(people: QuerySet[Participant]) -> QuerySet[Encounter]:
    # A service is a contact that happened: outreach attempts and unanswered calls are left out.
    return (
        Encounter.objects.filter(participant__in=people)
        .exclude(contact_type=ContactType.OUTREACH)
        .filter(Q(outcome="") | Q(outcome=Outcome.REACHED))
    )


FUNDER_SERVICES = Dataset(
    key="funder_services",
    title=_("Funder layout: services"),
    description=_(
        "One row per service delivered (date, type, length), with the person's "
        "demographics on every row."
    ),
    model=Encounter,
    columns=(
        *_demographics("participant__"),
        Column("service_date", _("Date of the service"), Type.DATE, Kind.DATE, "occurred_on"),
        SERVICE_TYPE,
        Column(
            "contact_type",
            _("How the service was delivered"),
            Type.CHOICE,
            source="contact_type",
            choices=ContactType,
        ),
        Column("duration_minutes", _("Length in minutes"), Type.INTEGER, source="duration_minutes"),
    ),
    scope=_services,
    consent_categories=("attendance",),
    order_by=("participant_id", "started_at", "pk"),
)


def _points(people: QuerySet[Participant]) -> QuerySet[Assessment]:
    later = Assessment.objects.filter(
        participant_id=OuterRef("participant_id"),
        instrument=BARC10,
        schedule_point=OuterRef("schedule_point"),
        administered_on__gt=OuterRef("administered_on"),
    )
    # One row per person per point: when a point was answered twice, the later answer counts.
    return Assessment.objects.filter(
        participant__in=people, instrument=BARC10, schedule_point__in=list(POINTS)
    ).exclude(Exists(later))


def _complete_points(rows: list[dict[str, Any]]) -> None:
    complete_items(rows)
    for row in rows:
        row["assessment_point"] = POINTS.get(row["assessment_point"], row["assessment_point"])


FUNDER_ASSESSMENTS = Dataset(
    key="funder_assessments",
    title=_("Funder layout: recovery capital by assessment point"),
    description=_(
        "One row per person per BARC-10 point (baseline, 30, 60, 90, 180 days), with "
        "the total, each item and the person's demographics."
    ),
    model=Assessment,
    columns=(
        *_demographics("participant__"),
        Column(
            "assessment_id",
            _("Cairn's stable id for the assessment"),
            Type.UUID,
            Kind.RECORD_ID,
            "id",
        ),
        Column(
            "assessment_point",
            _("Days after enrolment the point stands for"),
            Type.TEXT,
            source="schedule_point",
            allowed_note=_("baseline; 30; 60; 90; 180"),
        ),
        Column(
            "administered_on", _("Date it was answered"), Type.DATE, Kind.DATE, "administered_on"
        ),
        Column(
            "total",
            _("BARC-10 total (empty when any item was skipped: no imputation)"),
            Type.INTEGER,
            source="total",
            allowed_note=_("10 to 60"),
        ),
    ),
    extra_columns=item_columns,
    scope=_points,
    complete=_complete_points,
    consent_categories=("assessments",),
    order_by=("participant_id", "administered_on", "pk"),
)
