"""Demo safety plans: gentle, plausible words for about half of the participants, Pat included."""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lib.bulk import bulk_insert
from organizations.models import Organization, Role
from participants.demo import new_uuid
from participants.models import Participant
from safety.content import Person, PlanContent
from safety.models import CrisisLine, SafetyPlan, SafetyPlanVersion

SHARE = 0.5
BATCH = 5000

EN = {
    "warning_signs": [
        "I stop answering texts",
        "Sleeping all day, or not at all",
        "Thinking nobody would notice if I was gone",
        "Sunday evenings on my own",
        "Skipping meals",
        "Going past the old corner on the way home",
        "Feeling like a burden",
        "Getting short with people I love",
    ],
    "coping": [
        "Walk around the block, twice",
        "Cold water on my face",
        "Play guitar for ten minutes",
        "Write three lines in my notebook",
        "Breathing: in for four, out for six",
        "Make a cup of tea and sit by the window",
        "Listen to my calm playlist",
        "Shower and put on clean clothes",
    ],
    "distraction_places": [
        "The library on Main Street",
        "The recovery center drop-in",
        "The park by the harbor",
        "Coffee shop on Elm",
        "Saturday meeting at St. Mark's",
        "The gym",
    ],
    "safer_surroundings": [
        "Keep only a week of medication at home; the rest with my sister",
        "No alcohol in the apartment",
        "Ask Sam to hold on to my car keys on bad nights",
        "Naloxone in the kitchen drawer",
        "Stay at Mom's if the night feels long",
    ],
    "reasons": [
        "My daughter",
        "My dog, Biscuit",
        "Finishing my GED",
        "Fishing with my uncle this summer",
        "Being there for my little brother",
        "The garden I started",
        "Seeing what next year brings",
        "My friends at the Tuesday group",
    ],
}
ES = {
    "warning_signs": [
        "Dejo de contestar los mensajes",
        "Duermo todo el día, o nada",
        "Los domingos por la noche, a solas",
        "Siento que soy una carga",
        "Me salto las comidas",
    ],
    "coping": [
        "Caminar alrededor de la cuadra",
        "Agua fría en la cara",
        "Escuchar música tranquila",
        "Respirar: cuatro para adentro, seis para afuera",
        "Escribir tres líneas en mi cuaderno",
    ],
    "distraction_places": [
        "La biblioteca",
        "El centro de recuperación",
        "El parque junto al puerto",
        "La iglesia los domingos",
    ],
    "safer_surroundings": [
        "Mi hermana guarda mis medicinas",
        "Nada de alcohol en casa",
        "Naloxona en el cajón de la cocina",
    ],
    "reasons": [
        "Mis hijos",
        "Mi mamá",
        "Terminar mis estudios",
        "Mi perro",
        "Volver a cocinar para mi familia",
    ],
}
PEOPLE = [
    "Maria (sister)",
    "Jordan (sponsor)",
    "Uncle Ray",
    "Keisha (friend from group)",
    "Mom",
    "Luis (neighbor)",
    "Dee (peer from the center)",
    "Tomás (cousin)",
    "Grandma Ruth",
]
PROFESSIONALS = [
    "Dr. Okafor, Harbor Health clinic",
    "Ms. Lin, counselor",
    "Recovery center front desk",
    "Case manager, county housing",
]
AREA_CODES = ["617", "508", "413", "978", "774", "857"]


def _phone(rng: random.Random) -> str:
    return f"+1{rng.choice(AREA_CODES)}5550{rng.randrange(100, 200)}"


def _people(rng: random.Random, pool: Sequence[str], low: int, high: int) -> list[Person]:
    return [Person(name, _phone(rng)) for name in rng.sample(pool, rng.randint(low, high))]


def first_content(rng: random.Random, *, spanish: bool) -> dict[str, list[Any]]:
    words = ES if spanish else EN
    values: dict[str, list[Any]] = {
        key: rng.sample(pool, rng.randint(1, min(3, len(pool)))) for key, pool in words.items()
    }
    values["distraction_people"] = _people(rng, PEOPLE, 0, 1)
    values["help_people"] = _people(rng, PEOPLE, 1, 2)
    values["professionals"] = _people(rng, PROFESSIONALS, 0, 1)
    if rng.random() < 0.5:
        values["professionals"].insert(0, Person("988 Suicide and Crisis Lifeline", "988"))
    return values


def next_content(
    rng: random.Random, before: dict[str, list[Any]], *, spanish: bool
) -> dict[str, list[Any]]:
    """A later conversation: something added, sometimes something let go of."""
    words = ES if spanish else EN
    after = {key: list(items) for key, items in before.items()}
    key = rng.choice(list(words))
    fresh = [line for line in words[key] if line not in after[key]]
    if fresh:
        after[key].append(rng.choice(fresh))
    if rng.random() < 0.4 and len(after["coping"]) > 1:
        after["coping"].pop(0)
    if rng.random() < 0.5:
        after["help_people"].append(Person(rng.choice(PEOPLE), _phone(rng)))
    return after


PAT_FIRST: dict[str, list[Any]] = {
    "warning_signs": ["I stop answering texts", "Sunday evenings on my own"],
    "coping": ["Play guitar for ten minutes", "Walk to the harbor and back"],
    "distraction_places": ["The library on Main Street", "Fishing at the pier"],
    "distraction_people": [Person("Uncle Ray", "+16175550161")],
    "help_people": [Person("Maria (sister)", "+16175550123")],
    "professionals": [Person("988 Suicide and Crisis Lifeline", "988")],
    "safer_surroundings": ["No alcohol in the apartment"],
    "reasons": ["Fishing with my uncle this summer", "My family"],
}
PAT_SECOND: dict[str, list[Any]] = {
    **PAT_FIRST,
    "warning_signs": [*PAT_FIRST["warning_signs"], "Skipping meals"],
    "coping": ["Play guitar for ten minutes", "Cold water on my face"],
    "help_people": [
        Person("Maria (sister)", "+16175550123"),
        Person("Jordan (sponsor)", "+16175550177"),
    ],
    "professionals": [
        Person("988 Suicide and Crisis Lifeline", "988"),
        Person("Dr. Okafor, Harbor Health clinic", "+16175550110"),
    ],
}


def _moment(day: date, rng: random.Random, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 18), rng.choice([0, 15, 30, 45])), zone)


def seed(organizations: Sequence[Organization], *, rng: random.Random, anchor: date) -> int:
    """Local crisis lines, and safety plans of 1 to 3 versions for about half of the
    participants (Pat always, with two); returns the number of plans created."""
    for org in organizations:
        CrisisLine.objects.create(
            id=new_uuid(rng),
            organization=org,
            name=f"{org.name.split()[0]} County Crisis Line",
            phone=_phone(rng),
            text_number=_phone(rng),
            hours="Every day, 24 hours",
            note="Spanish spoken; mobile crisis team can come to you",
        )
    zone = ZoneInfo(organizations[0].time_zone) if organizations else ZoneInfo("UTC")
    pat_id = (
        Participant.objects.filter(organization__in=organizations, user__username="pat")
        .values_list("id", flat=True)
        .first()
    )
    participants = (
        Participant.objects.filter(organization__in=organizations, coach__isnull=False)
        .only("id", "organization_id", "coach_id", "preferred_language", "enrolled_on")
        .order_by("id")
        .iterator(chunk_size=BATCH)
    )
    plans: list[SafetyPlan] = []
    versions: list[SafetyPlanVersion] = []
    created = 0
    for person in participants:
        assert person.coach_id is not None  # filtered above
        is_pat = person.id == pat_id
        if not is_pat and rng.random() >= SHARE:
            continue
        spanish = person.preferred_language == "es"
        if is_pat:
            drafts = [PAT_FIRST, PAT_SECOND]
        else:
            drafts = [first_content(rng, spanish=spanish)]
            for _ in range(rng.choice([0, 0, 1, 2])):
                drafts.append(next_content(rng, drafts[-1], spanish=spanish))
        plan = SafetyPlan(
            id=new_uuid(rng),
            organization_id=person.organization_id,
            participant_id=person.id,
            updated_by_id=person.coach_id,
            updated_by_role=Role.COACH,
        )
        day = min(anchor, person.enrolled_on + timedelta(days=rng.randint(3, 30)))
        for number, values in enumerate(drafts, start=1):
            moment = _moment(day, rng, zone)
            versions.append(
                SafetyPlanVersion(
                    id=new_uuid(rng),
                    organization_id=person.organization_id,
                    plan_id=plan.id,
                    number=number,
                    content=PlanContent.from_values(values).to_json(),
                    changed_by_id=person.coach_id,
                    changed_by_role=Role.COACH,
                    created_at=moment,
                )
            )
            if number == 1:
                plan.created_at = moment
            plan.updated_at, plan.current_number = moment, number
            day = min(anchor, day + timedelta(days=rng.randint(10, 60)))
        plans.append(plan)
        if len(versions) >= BATCH:
            created += _flush(plans, versions)
    return created + _flush(plans, versions)


def _flush(plans: list[SafetyPlan], versions: list[SafetyPlanVersion]) -> int:
    count = bulk_insert(SafetyPlan, plans)
    bulk_insert(SafetyPlanVersion, versions)
    plans.clear()
    versions.clear()
    return count
