"""Demo participants with varied, realistic intake answers (used by seed_demo)."""

import random
import uuid
from bisect import bisect
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import TypeVar

from faker import Faker

from accounts.models import User
from lib.bulk import bulk_insert
from organizations.models import Organization
from participants.models import (
    CoachAssignment,
    CoachRole,
    ContactChannel,
    Participant,
    ParticipantStatus,
    Pathway,
    ReferralSource,
    StatusChange,
    VeteranStatus,
)

PRONOUNS = [
    ("she/her", 40),
    ("he/him", 40),
    ("they/them", 8),
    ("she/they", 3),
    ("he/they", 3),
    ("", 6),
]
CHANNELS = [
    (ContactChannel.TEXT, 55),
    (ContactChannel.CALL, 25),
    (ContactChannel.IN_PERSON, 10),
    (ContactChannel.EMAIL, 7),
    (ContactChannel.NONE, 3),
]
STATUSES = [
    (ParticipantStatus.REFERRED, 6),
    (ParticipantStatus.ACTIVE, 70),
    (ParticipantStatus.PAUSED, 8),
    (ParticipantStatus.COMPLETED, 6),
    (ParticipantStatus.MOVED_ON, 6),
    (ParticipantStatus.CLOSED, 4),
]
AREA_CODES = ["617", "508", "413", "978", "774", "857"]
SAFE_TIMES = [
    "Weekday mornings",
    "After 5 pm",
    "Weekends only",
    "Lunchtime, 12 to 1",
    "Not before 10 am",
    "Tuesday and Thursday afternoons",
    "",
]
HELPS = [
    "Knowing what the call is about before we start.",
    "A quiet place to talk, not a waiting room.",
    "Walking while we talk.",
    "Text first, then call.",
    "Having my sister on speaker.",
    "Plain words, no jargon.",
    "",
]
AVOID = [
    "Please don't call at work.",
    "Loud group rooms.",
    "Being touched on the shoulder.",
    "Talking about my family before I bring it up.",
    "Closed doors with no window.",
    "",
]
SUPPORT_STYLE = [
    "Check in by text once a week.",
    "Tell me straight, kindly.",
    "Help me find the next step.",
    "Listen first, ideas later.",
    "",
]
STRENGTHS = [
    "Honest", "Good cook", "Great with kids", "Keeps going", "Funny", "Handy with tools",
    "Musician", "Loyal friend", "Organized", "Creative", "Patient", "Brave",
]  # fmt: skip
INTERESTS = [
    "Fishing", "Basketball", "Painting", "Gardening", "Church choir", "Cooking", "Hiking",
    "Video games", "Poetry", "Cars", "Knitting", "Soccer",
]  # fmt: skip
VALUES = ["Family", "Faith", "Independence", "Honesty", "Community", "Being a good parent"]
SUBSTANCES = ["Alcohol", "Opioids", "Stimulants", "Cannabis", "Gambling", "Alcohol, opioids", ""]
GENDERS = ["", "", "Woman", "Man", "Non-binary", "Trans woman", "Trans man", "Two-Spirit"]


def pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


T = TypeVar("T")


def picker(weighted: Sequence[tuple[T, int]]) -> Callable[[random.Random], T]:
    """`pick` for one list, with its cumulative weights worked out once: the same draws from
    the same stream (this is what rng.choices does for one pick), for loops over millions."""
    values, weights = zip(*weighted, strict=True)
    cumulative = list(accumulate(weights))
    total, last = cumulative[-1] + 0.0, len(cumulative) - 1
    return lambda rng: values[bisect(cumulative, rng.random() * total, 0, last)]


def _sample(rng: random.Random, pool: Sequence[str], low: int, high: int) -> list[str]:
    return rng.sample(list(pool), rng.randint(low, high))


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def pat(
    *, org: Organization, coach: User, user: User, rng: random.Random, anchor: date
) -> Participant:
    """Participant Pat of the demo contract: on ana's caseload, with a portal account."""
    return Participant(
        id=new_uuid(rng),
        organization=org,
        preferred_name="Pat",
        pronouns="they/them",
        date_of_birth=date(1991, 5, 14),
        preferred_language="en",
        contact_channels=[ContactChannel.TEXT, ContactChannel.CALL],
        phone="+16175550142",
        safe_times="Weekday evenings after 6",
        voicemail_ok=False,
        organization_name_ok=False,
        contact_note="If someone else answers, say it's Ana from the library.",
        helps_feel_safe="Knowing what the call is about before we start.",
        please_avoid="Please don't call during work hours.",
        support_style="Text first, then call.",
        strengths=["Honest", "Good cook", "Keeps going"],
        interests=["Fishing", "Guitar"],
        values=["Family", "Independence"],
        pathways=[Pathway.TWELVE_STEP, Pathway.MEDICATION],
        referral_source=ReferralSource.HOSPITAL,
        coach=coach,
        user=user,
        status=ParticipantStatus.ACTIVE,
        enrolled_on=anchor - timedelta(days=120),
        status_since=anchor - timedelta(days=120),
        last_contact_on=anchor - timedelta(days=3),
        next_contact_on=anchor + timedelta(days=4),
    )


def generate(
    *, org: Organization, coach: User, rng: random.Random, fakers: dict[str, Faker], anchor: date
) -> Participant:
    spanish = rng.random() < 0.25
    faker = fakers["es" if spanish else "en"]
    pronouns = pick(rng, PRONOUNS)
    if pronouns.startswith("she"):
        name = faker.first_name_female()
    elif pronouns.startswith("he"):
        name = faker.first_name_male()
    else:
        name = faker.first_name_nonbinary()
    age = int(rng.triangular(18, 80, 38))
    enrolled_on = anchor - timedelta(days=rng.randrange(3 * 365))
    since_enrolled = (anchor - enrolled_on).days
    status = pick(rng, STATUSES)
    channels = [pick(rng, CHANNELS)]
    if channels[0] != ContactChannel.NONE and rng.random() < 0.6:
        second = pick(rng, CHANNELS)
        if second not in channels and second != ContactChannel.NONE:
            channels.append(second)
    declined = [
        field
        for field in ("race_ethnicity", "sexual_orientation", "veteran_status")
        if rng.random() < 0.15
    ]
    last_contact = anchor - timedelta(days=rng.randrange(min(since_enrolled, 60) + 1))
    person = Participant(
        id=new_uuid(rng),
        organization=org,
        preferred_name=name,
        pronouns=pronouns,
        date_of_birth=anchor - timedelta(days=age * 365 + rng.randrange(365))
        if rng.random() < 0.9
        else None,
        preferred_language=rng.choice(["es", "es", "en"]) if spanish else "en",
        gender_identity=rng.choice(GENDERS),
        veteran_status=pick(rng, [(VeteranStatus.YES, 8), (VeteranStatus.NO, 70), ("", 22)]),
        referral_source=rng.choice(list(ReferralSource.values)),
        contact_channels=channels,
        phone=f"+1{rng.choice(AREA_CODES)}5550{rng.randrange(100, 200)}"
        if rng.random() < 0.85
        else "",
        safe_times=rng.choice(SAFE_TIMES),
        voicemail_ok=rng.random() < 0.4,
        organization_name_ok=rng.random() < 0.3,
        helps_feel_safe=rng.choice(HELPS),
        please_avoid=rng.choice(AVOID),
        support_style=rng.choice(SUPPORT_STYLE),
        strengths=_sample(rng, STRENGTHS, 1, 3),
        interests=_sample(rng, INTERESTS, 0, 3),
        values=_sample(rng, VALUES, 0, 2),
        pathways=_sample(rng, [p for p in Pathway.values if p != Pathway.OTHER], 0, 3),
        substances_of_concern=rng.choice(SUBSTANCES),
        declined=declined,
        coach=coach,
        status=status,
        status_since=enrolled_on + timedelta(days=rng.randrange(since_enrolled + 1))
        if status != ParticipantStatus.ACTIVE
        else enrolled_on,
        enrolled_on=enrolled_on,
        last_contact_on=last_contact if status in ParticipantStatus.open() else None,
        next_contact_on=anchor + timedelta(days=rng.randrange(-5, 15))
        if status == ParticipantStatus.ACTIVE
        else None,
    )
    if ContactChannel.NONE in channels:
        # Asked at enrolment, as their coach wrote down; no outreach is planned for them.
        person.no_contact_since = datetime.combine(enrolled_on, time(12), tzinfo=UTC)
        person.no_contact_recorded_by = coach
        person.next_contact_on = None
    _languages_beyond_english(person)
    return person


def save_batch(participants: list[Participant]) -> None:
    """Insert participants with the enrolment step and coach assignment each record starts with."""
    # Demo answers come from short lists: one Fernet token per distinct text and batch (each
    # still decrypts to its own text); see lib.bulk.bulk_insert.
    bulk_insert(Participant, participants, repeat_ciphertexts=True)
    steps = [
        StatusChange(
            organization_id=p.organization_id,
            participant=p,
            from_status="",
            to_status=ParticipantStatus.ACTIVE,
            effective_on=p.enrolled_on,
            reason="Enrolled",
        )
        for p in participants
    ]
    steps += [
        StatusChange(
            organization_id=p.organization_id,
            participant=p,
            from_status=ParticipantStatus.ACTIVE,
            to_status=p.status,
            effective_on=p.status_since or p.enrolled_on,
        )
        for p in participants
        if p.status != ParticipantStatus.ACTIVE
    ]
    bulk_insert(StatusChange, steps)
    bulk_insert(
        CoachAssignment,
        [
            CoachAssignment(
                organization_id=p.organization_id,
                participant=p,
                coach_id=p.coach_id,
                role=CoachRole.PRIMARY,
                started_on=p.enrolled_on,
            )
            for p in participants
            if p.coach_id
        ],
    )


# Some people speak other languages, and some want an interpreter: chosen from the record's id,
# not from the seeded random draws, so the rest of the demo world stays as it was.
OTHER_LANGUAGES = ("vi", "ht", "zh", "ar", "so", "ase", "pt", "ru")


def _languages_beyond_english(person: Participant) -> None:
    key = person.id.int
    if person.preferred_language == "es" and key % 4 == 0:
        person.needs_interpreter = True
    elif person.preferred_language == "en" and key % 30 == 0:
        person.preferred_language = OTHER_LANGUAGES[key // 30 % len(OTHER_LANGUAGES)]
        person.needs_interpreter = True
