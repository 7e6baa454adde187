"""Demo assessments: a BARC-10 baseline at enrolment, reassessments at the scheduled points up to
the anchor date with plausible trajectories, and a few check-ins; Pat's chart shows change."""

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from assessments import engine
from assessments.models import (
    BARC10,
    CHECKIN,
    EXTRA,
    SUPRT_A,
    Assessment,
    ItemResponse,
    Language,
    Respondent,
)
from assessments.schedule import label_for, offsets
from assessments.selectors import default_rule
from assessments.windows import refresh_organizations
from lib.bulk import bulk_insert, uses_copy
from organizations.models import Organization
from participants.demo import new_uuid
from participants.models import Participant, ParticipantStatus

BATCH = 5000
M = TypeVar("M", Assessment, ItemResponse)
# Pat's four BARC-10s (baseline, day 30, day 60, day 90): 31, 33, 36, 39.
PAT_ANSWERS = [
    [4, 3, 3, 2, 3, 3, 3, 4, 3, 3],
    [4, 3, 3, 3, 3, 3, 3, 4, 3, 4],
    [5, 3, 4, 3, 3, 4, 3, 4, 3, 4],
    [5, 4, 4, 3, 4, 4, 3, 5, 3, 4],
]
# Chance per item and reassessment of moving one step up / down, by the person's trajectory;
# about +1.3 points per reassessment on average once clipping to 1-6 is counted.
TRAJECTORIES = [((0.26, 0.04), 70), ((0.08, 0.08), 20), ((0.04, 0.12), 10)]


@dataclass
class _Batch:
    assessments: list[Assessment]
    responses: list[ItemResponse]

    def flush(self) -> int:
        bulk_insert(Assessment, self.assessments)
        bulk_insert(ItemResponse, self.responses)
        done = len(self.assessments)
        self.assessments, self.responses = [], []
        return done


def seed(organizations: Sequence[Organization], *, rng: random.Random, anchor: date) -> int:
    """Create demo rows for these organizations; returns the number of assessments created."""
    barc10, checkin = engine.instrument(BARC10), engine.instrument(CHECKIN)
    people = (
        Participant.objects.filter(organization__in=organizations)
        .only(
            "id", "organization_id", "coach_id", "user_id", "enrolled_on", "status", "status_since"
        )
        .order_by("id")
        .iterator(chunk_size=BATCH)
    )
    pat_user = Participant.objects.filter(
        organization__in=organizations, user__username="pat"
    ).values_list("user_id", flat=True)
    pat_user_id = next(iter(pat_user), None)
    batch = _Batch([], [])
    created = 0
    for person in people:
        if person.coach_id is None:
            continue
        is_pat = pat_user_id is not None and person.user_id == pat_user_id
        for assessment, answers in _history(person, rng=rng, anchor=anchor, pat=is_pat):
            instrument = barc10 if assessment.instrument == BARC10 else checkin
            result = engine.score(instrument, answers)
            assessment.total = result.total
            assessment.is_complete = result.is_complete
            assessment.answered = result.answered
            assessment.item_count = result.item_count
            batch.assessments.append(assessment)
            batch.responses += [
                _unsaved(
                    ItemResponse,
                    organization_id=person.organization_id,
                    assessment_id=assessment.id,
                    item_key=item.key,
                    value=answers.get(item.key),
                    skipped=answers.get(item.key) is None,
                )
                for item in instrument.items
            ]
        if len(batch.assessments) >= BATCH:
            created += batch.flush()
    created += batch.flush()
    refresh_organizations([org.pk for org in organizations])
    # Harbor reports SUPRT (a SAMHSA-funded program); Riverside does not.
    for org in organizations:
        if org.slug == "harbor":
            Organization.objects.filter(pk=org.pk).update(reports_suprt=True)
            org.reports_suprt = True
            created += _suprt_baselines(org, anchor=anchor, skip_user_id=pat_user_id, rng=rng)
    return created


SUPRT_DEMO_PEOPLE = 5


def _suprt_baselines(
    org: Organization, *, anchor: date, skip_user_id: int | None, rng: random.Random
) -> int:
    """A few SUPRT-A baselines from the record (Pat's is left for the demo to record)."""
    instrument = engine.instrument(SUPRT_A)
    people = (
        Participant.objects.filter(
            organization=org, coach__isnull=False, enrolled_on__lte=anchor - timedelta(days=10)
        )
        .exclude(user_id=skip_user_id or 0)
        .only("id", "coach_id", "enrolled_on")
        .order_by("id")[:SUPRT_DEMO_PEOPLE]
    )
    made = 0
    for person in people:
        day = person.enrolled_on + timedelta(days=10)
        answers = engine.check_answers(
            instrument,
            {
                "assessment_type": engine.Answer(value=1),
                "first_services_on": engine.Answer(text=person.enrolled_on.isoformat()),
                "suprt_c_status": engine.Answer(value=4),
                "services": engine.Answer(text="1"),
            },
        )
        assessment = Assessment.objects.create(
            id=new_uuid(rng),
            organization=org,
            participant=person,
            instrument=SUPRT_A,
            instrument_version=instrument.version,
            administered_on=day,
            schedule_point="baseline",
            respondent=Respondent.STAFF,
            recorded_by_id=person.coach_id or 0,
            is_complete=True,
            answered=sum(1 for a in answers.values() if not a.is_blank),
            item_count=len(instrument.items),
        )
        ItemResponse.objects.bulk_create(
            ItemResponse(
                organization=org,
                assessment=assessment,
                item_key=key,
                value=answer.value,
                text=answer.text,
            )
            for key, answer in answers.items()
        )
        made += 1
    return made


def _history(
    person: Participant, *, rng: random.Random, anchor: date, pat: bool
) -> Iterator[tuple[Assessment, dict[str, int | None]]]:
    barc10 = engine.instrument(BARC10)
    keys = [item.key for item in barc10.items]
    coach_id = person.coach_id
    if coach_id is None:
        return
    stop = anchor
    if person.status != ParticipantStatus.ACTIVE and person.status_since:
        stop = min(anchor, person.status_since)

    def made(day: date, instrument: str, point: str) -> Assessment:
        return _unsaved(
            Assessment,
            id=new_uuid(rng),
            organization_id=person.organization_id,
            participant_id=person.id,
            instrument=instrument,
            instrument_version=engine.instrument(instrument).version,
            language=Language.ES if rng.random() < 0.12 else Language.EN,
            administered_on=day,
            schedule_point=point,
            recorded_by_id=coach_id,
            note="",
        )

    if pat:
        for offset, values in zip(offsets(default_rule()), PAT_ANSWERS, strict=False):
            day = person.enrolled_on + timedelta(days=offset + (1 if offset else 0))
            assessment = made(day, BARC10, label_for(offset))
            assessment.language = Language.EN
            yield assessment, dict(zip(keys, values, strict=True))
        yield _checkin(made(anchor - timedelta(days=6), CHECKIN, EXTRA), rng, call=1)
        return
    yield from _barc10_course(person, made=made, keys=keys, rng=rng, stop=stop)


def _barc10_course(
    person: Participant,
    *,
    made: Callable[[date, str, str], Assessment],
    keys: list[str],
    rng: random.Random,
    stop: date,
) -> Iterator[tuple[Assessment, dict[str, int | None]]]:
    """A generated person's BARC-10s on the default schedule until `stop`, and a few check-ins."""
    if rng.random() < 0.08:
        return  # no baseline yet: some records start without one
    level = rng.uniform(2.2, 4.2)
    values = [min(6, max(1, round(rng.gauss(level, 0.8)))) for _ in keys]
    up, down = _pick_trajectory(rng)
    for count, offset in enumerate(offsets(default_rule())):
        due = person.enrolled_on + timedelta(days=offset)
        if due > stop:
            break
        if count:
            if rng.random() > _follow_up_chance(offset):
                continue  # not every reassessment happens, less so as time goes on
            values = [_step(v, rng, up, down) for v in values]
        day = due + timedelta(days=rng.randint(0, 3) if not count else rng.randint(-5, 5))
        day = min(max(day, person.enrolled_on), stop)
        answers: dict[str, int | None] = dict(zip(keys, values, strict=True))
        if rng.random() < 0.04:
            answers[rng.choice(keys)] = None  # a statement they preferred not to answer
        yield made(day, BARC10, label_for(offset)), answers
    if person.status in ParticipantStatus.open() and rng.random() < 0.15:
        for _ in range(rng.randint(1, 3)):
            day = stop - timedelta(days=rng.randint(0, 60))
            if day >= person.enrolled_on:
                yield _checkin(made(day, CHECKIN, EXTRA), rng)


def _unsaved(model: type[M], **values: object) -> M:
    """An unsaved row for bulk_insert without Model.__init__: item answers are most of the demo's
    rows, and __init__ was a large share of the seeding time (figures:
    bench/results/2026-12-04-measured-design-choices.md). bulk_insert's COPY only reads the
    field attributes set here; other databases go through bulk_create, which needs a real model
    instance."""
    if not uses_copy():
        return model(**values)
    row = model.__new__(model)
    row.__dict__.update(values)
    return row


def _follow_up_chance(offset_days: int) -> float:
    return 0.85 if offset_days <= 90 else 0.7 if offset_days <= 360 else 0.5


def _pick_trajectory(rng: random.Random) -> tuple[float, float]:
    total = sum(weight for _, weight in TRAJECTORIES)
    roll = rng.uniform(0, total)
    for chances, weight in TRAJECTORIES:
        roll -= weight
        if roll <= 0:
            return chances
    return TRAJECTORIES[0][0]


def _step(value: int, rng: random.Random, up: float, down: float) -> int:
    roll = rng.random()
    if roll < up:
        return min(6, value + 1)
    if roll < up + down:
        return max(1, value - 1)
    return value


def _checkin(
    assessment: Assessment, rng: random.Random, call: int | None = None
) -> tuple[Assessment, dict[str, int | None]]:
    answers: dict[str, int | None] = {
        "today": rng.randint(2, 5),
        "urges": rng.choice([0, 0, 1, 1, 2, 3]),
        "supported": rng.randint(2, 5),
        "call": call if call is not None else rng.choice([0, 0, 1]),
    }
    if rng.random() < 0.2:
        answers["urges"] = None  # every check-in question is optional
    return assessment, answers
