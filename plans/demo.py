"""Demo plans: goals in a participant's voice with small steps, versions, agreement, milestones,
strengths, and contacts linked to the goals they worked on."""

import json
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import connection

from encounters.models import Encounter, Outcome
from lib.bulk import bulk_insert
from organizations.models import Membership, Organization
from participants.demo import new_uuid
from participants.models import Participant
from plans.models import (
    ActionStep,
    AgreementMethod,
    Goal,
    GoalStatus,
    Milestone,
    MilestoneKind,
    PlanVersion,
    RecoveryPlan,
    StepOwner,
    Strength,
    StrengthKind,
)
from plans.services import StepValues, add_milestone, add_strength, record_agreement, save_goal

# (in their words, domains, why it matters, supports, steps)
GOALS: list[tuple[str, list[str], str, str, list[tuple[str, str]]]] = [
    ("Have my own place by spring", ["housing"], "I want somewhere quiet that is mine",
     "My sister; the housing navigator", [("Fill in the housing application", "participant"),
                                          ("Visit two flats", "together")]),
    ("Get back to work, even part time", ["work_education", "finances"],
     "Having a reason to get up and money of my own", "I'm good with my hands",
     [("Update my CV at the library", "participant"), ("Ask about the job club", "coach")]),
    ("See my kids every weekend", ["relationships"], "They are my why",
     "My mum can drive me", [("Call the family court helpline", "participant")]),
    ("Sleep through the night more often", ["physical_health", "mental_health"],
     "Everything is harder when I'm tired", "Walking in the evening helps",
     [("No phone after ten", "participant"), ("Talk to the clinic about sleep", "participant")]),
    ("Find a meeting or group that feels like mine", ["community"],
     "I do better around people who get it", "My friend from the shelter goes to one",
     [("Try the Tuesday peer circle", "together"), ("Look up SMART meetings nearby", "coach")]),
    ("Sort out the old fines", ["legal", "finances"], "So I can get my licence back",
     "The legal aid clinic", [("Book the legal aid appointment", "participant")]),
    ("Get back to playing music", ["recreation"], "It's when I feel most like me",
     "My old guitar is at my brother's", [("Pick up the guitar from my brother", "participant")]),
    ("Keep my diabetes under control", ["physical_health"], "I want to be around for a long time",
     "The nurse at the clinic is kind", [("Go to the check-up on time", "participant"),
                                         ("Ride to the pharmacy", "coach")]),
    ("Go back to church", ["meaning"], "It gave me peace before", "My aunt still goes",
     [("Go with my aunt on Sunday", "participant")]),
    ("Finish my GED", ["work_education"], "For me and to show my daughter", "I'm stubborn",
     [("Sign up for the evening class", "participant")]),
]  # fmt: skip
MILESTONES = [
    "First month in the new job",
    "Family dinner at my sister's",
    "Moved into my own room",
    "Got my ID back",
    "Finished the first class",
    "A year at the peer circle",
]
STRENGTHS = [
    (StrengthKind.STRENGTH, "Honest, even when it's hard"),
    (StrengthKind.STRENGTH, "Funny; makes others feel at ease"),
    (StrengthKind.SKILL, "Good cook"),
    (StrengthKind.SKILL, "Fixes bikes"),
    (StrengthKind.PROUD, "Kept every appointment this month"),
    (StrengthKind.PROUD, "Helped a neighbour move"),
]
SHARE_WITH_PLAN = 0.6
LINK_SHARE = 0.35
BATCH = 5000


def seed(
    organizations: Sequence[Organization],
    *,
    rng: random.Random,
    anchor: date,
    analyze: bool = True,
) -> int:
    """Plans for about 60% of participants, milestones and strengths for some; Pat's plan is
    written through the services so its history and audit trail look like real use. `analyze`
    False leaves the statistics to the caller (organizations seeded in parallel transactions
    would queue behind each other's ANALYZE lock)."""
    created = 0
    goals_of: dict[Any, list[Any]] = {}
    pat = Participant.objects.filter(organization__in=organizations, user__username="pat").first()
    participants = (
        Participant.objects.filter(organization__in=organizations, coach__isnull=False)
        .exclude(user__username="pat")
        .only("id", "organization_id", "coach_id", "enrolled_on")
        .order_by("id")
        .iterator(chunk_size=BATCH)
    )
    batch: dict[type, list[Any]] = {
        model: [] for model in (RecoveryPlan, Goal, ActionStep, PlanVersion, Milestone, Strength)
    }
    for participant in participants:
        if rng.random() > SHARE_WITH_PLAN:
            continue
        goals_of[participant.id] = _plan_rows(participant, rng, anchor, batch)
        if sum(len(rows) for rows in batch.values()) >= BATCH:
            created += _flush(batch)
    created += _flush(batch)
    if pat is not None:
        goals_of[pat.id] = _pat_plan(pat, anchor)
    created += _link_contacts(organizations, goals_of, rng, analyze=analyze)
    return created


def _plan_rows(
    participant: Participant, rng: random.Random, anchor: date, batch: dict[type, list[Any]]
) -> list[Any]:
    coach_id: int = participant.coach_id  # type: ignore[assignment]  # filtered non-null
    plan = RecoveryPlan(
        id=new_uuid(rng), organization_id=participant.organization_id, participant=participant
    )
    chosen = rng.sample(GOALS, rng.randint(1, 3))
    snapshot_goals: list[dict[str, Any]] = []
    goal_ids = []
    for position, (words, domains, why, supports, steps) in enumerate(chosen):
        status = rng.choice(
            [GoalStatus.NOT_STARTED, GoalStatus.ON_THE_WAY, GoalStatus.ON_THE_WAY, GoalStatus.DONE,
             GoalStatus.SET_ASIDE]
        )  # fmt: skip
        goal = Goal(
            id=new_uuid(rng),
            organization_id=participant.organization_id,
            plan=plan,
            participant=participant,
            position=position,
            in_my_words=words,
            coach_summary="",
            domains=domains,
            why_it_matters=why,
            supports=supports,
            status=status,
            version=1,
        )
        goal_ids.append(goal.id)
        batch[Goal].append(goal)
        step_rows = []
        for step_position, (text, owner) in enumerate(steps):
            done = status == GoalStatus.DONE or rng.random() < 0.3
            step = ActionStep(
                id=new_uuid(rng),
                goal=goal,
                position=step_position,
                text=text,
                owner=owner,
                target_on=anchor + timedelta(days=rng.randint(7, 60)) if not done else None,
                done_on=anchor - timedelta(days=rng.randint(1, 40)) if done else None,
            )
            batch[ActionStep].append(step)
            step_rows.append(step)
        snapshot_goals.append(_snapshot_goal(goal, step_rows))
        batch[PlanVersion].append(
            PlanVersion(
                id=new_uuid(rng),
                organization_id=participant.organization_id,
                plan=plan,
                number=position + 1,
                snapshot_text=json.dumps({"goals": list(snapshot_goals)}, sort_keys=True),
                change="Added a goal",
                changed_by_id=coach_id,
            )
        )
    plan.version = len(chosen)
    if rng.random() < 0.6:
        plan.agreed_version = plan.version
        plan.agreed_on = anchor - timedelta(days=rng.randint(0, 60))
        plan.agreement_method = AgreementMethod.IN_PERSON
        plan.agreement_recorded_by_id = coach_id
    batch[RecoveryPlan].append(plan)
    if rng.random() < 0.5:
        batch[Milestone].append(
            Milestone(
                id=new_uuid(rng),
                organization_id=participant.organization_id,
                participant=participant,
                kind=MilestoneKind.MILESTONE,
                title=rng.choice(MILESTONES),
                happened_on=anchor - timedelta(days=rng.randint(5, 200)),
                added_by_id=coach_id,
            )
        )
    for kind, text in rng.sample(STRENGTHS, rng.randint(0, 2)):
        batch[Strength].append(
            Strength(
                id=new_uuid(rng),
                organization_id=participant.organization_id,
                participant=participant,
                kind=kind,
                text=text,
                noted_on=anchor - timedelta(days=rng.randint(1, 120)),
                added_by_id=coach_id,
            )
        )
    return goal_ids


def _snapshot_goal(goal: Goal, steps: list[ActionStep]) -> dict[str, Any]:
    return {
        "id": str(goal.id),
        "in_my_words": goal.in_my_words,
        "coach_summary": goal.coach_summary,
        "domains": goal.domains,
        "why_it_matters": goal.why_it_matters,
        "supports": goal.supports,
        "status": goal.status,
        "steps": [
            {
                "text": s.text,
                "owner": s.owner,
                "target_on": s.target_on.isoformat() if s.target_on else "",
                "done_on": s.done_on.isoformat() if s.done_on else "",
            }
            for s in steps
        ],
    }


def _flush(batch: dict[type, list[Any]]) -> int:
    """Insert in dependency order (plans before goals before steps) and empty the batch."""
    created = 0
    for model, rows in batch.items():
        # Goal texts come from a short list: one Fernet token per distinct text and batch (each
        # still decrypts to its own text); see lib.bulk.bulk_insert.
        created += bulk_insert(model, rows, repeat_ciphertexts=True)
        rows.clear()
    return created


def _pat_plan(pat: Participant, anchor: date) -> list[Any]:
    """Pat's plan written with ana through the services: three versions, agreed at the second."""
    ana = Membership.objects.select_related("user", "organization").get(
        organization=pat.organization, user=pat.coach
    )
    housing = save_goal(
        acting=ana,
        participant=pat,
        values={
            "in_my_words": "Have a place of my own where my kids can stay over",
            "domains": ["housing", "relationships"],
            "why_it_matters": "Weekends with my kids, without asking anyone",
            "supports": "My sister Dee; the housing navigator at the county",
            "status": GoalStatus.ON_THE_WAY,
        },
        steps=[
            StepValues(text="Fill in the county housing application", owner=StepOwner.PARTICIPANT,
                       done=True),
            StepValues(text="Visit the two flats on Elm Street", owner=StepOwner.TOGETHER,
                       target_on=anchor + timedelta(days=10)),
        ],
    )  # fmt: skip
    music = save_goal(
        acting=ana,
        participant=pat,
        values={
            "in_my_words": "Play guitar again, maybe at the open mic",
            "domains": ["recreation", "community"],
            "why_it_matters": "It's when I feel most like me",
            "supports": "The peer circle's music night",
            "status": GoalStatus.NOT_STARTED,
        },
        steps=[StepValues(text="Get my guitar back from my brother", owner=StepOwner.PARTICIPANT)],
    )
    plan = RecoveryPlan.objects.get(participant=pat)
    record_agreement(
        acting=ana, plan=plan, agreed_on=anchor - timedelta(days=3), method="in_person"
    )
    save_goal(
        acting=ana,
        participant=pat,
        goal=music,
        values={"status": GoalStatus.ON_THE_WAY},
        steps=[
            StepValues(text="Get my guitar back from my brother", owner=StepOwner.PARTICIPANT,
                       done=True),
            StepValues(text="Go to the music night on Friday", owner=StepOwner.PARTICIPANT),
        ],
    )  # fmt: skip
    add_milestone(
        acting=ana,
        participant=pat,
        values={"kind": MilestoneKind.START_DATE, "title": "My start date",
                "happened_on": anchor - timedelta(days=220), "show_time_since": False},
    )  # fmt: skip
    add_milestone(
        acting=ana,
        participant=pat,
        values={"kind": MilestoneKind.START_DATE, "title": "A new start",
                "happened_on": anchor - timedelta(days=75), "show_time_since": True},
    )  # fmt: skip
    add_milestone(
        acting=ana,
        participant=pat,
        values={"kind": MilestoneKind.MILESTONE, "title": "Dinner with my kids at Dee's",
                "happened_on": anchor - timedelta(days=20), "show_time_since": False},
    )  # fmt: skip
    add_strength(
        acting=ana,
        participant=pat,
        kind=StrengthKind.STRENGTH,
        text="Keeps going when things get hard",
        noted_on=anchor - timedelta(days=40),
    )
    add_strength(
        acting=ana,
        participant=pat,
        kind=StrengthKind.SKILL,
        text="Plays guitar by ear",
        noted_on=anchor - timedelta(days=12),
    )
    return [housing.id, music.id]


def _link_contacts(
    organizations: Sequence[Organization],
    goals_of: dict[Any, list[Any]],
    rng: random.Random,
    *,
    analyze: bool,
) -> int:
    """About a third of the contacts that reached someone with a plan worked on one goal."""
    through = Encounter.goals_addressed.through
    rows: list[Any] = []
    created = 0
    contacts = (
        Encounter.objects.filter(organization__in=organizations, outcome=Outcome.REACHED)
        .values_list("id", "participant_id")
        .order_by("id")
        .iterator(chunk_size=BATCH)
    )
    for encounter_id, participant_id in contacts:
        goals = goals_of.get(participant_id)
        if goals and rng.random() < LINK_SHARE:
            rows.append(through(encounter_id=encounter_id, goal_id=rng.choice(goals)))
        if len(rows) >= BATCH:
            created += bulk_insert(through, rows)
            rows = []
    created += bulk_insert(through, rows)
    if analyze and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # COPY leaves planner statistics stale
            cursor.execute("ANALYZE plans_goal, encounters_encounter_goals_addressed")
    return created
