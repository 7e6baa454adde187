"""The demo world of DESIGN.md's demo contract, built deterministically and in bulk."""

import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import User
from appointments import demo as appointments_demo
from assessments import demo as assessments_demo
from audit.models import Action
from audit.services import Target, record_event
from billing import demo as billing_demo
from cairn import demo_audit as audit_demo
from cairn import demo_network
from consent import demo as consent_demo
from directory import demo as directory_demo
from encounters import demo as encounter_demo
from inbox import demo as inbox_demo
from lib.progress import Progress
from organizations.models import Membership, Organization, Role, Team
from organizations.services import create_organization, invite_person
from overdose import demo as overdose_demo
from participants import demo as participant_demo
from participants.models import Participant
from plans import demo as plans_demo
from portal import demo as portal_demo
from reachout import demo as reachout_demo
from referrals import demo as referrals_demo
from reports import demo as reports_demo
from safety import demo as safety_demo
from supervision import demo as supervision_demo

DEMO_PASSWORD = "cairn-demo-pass"  # noqa: S105 - published in DESIGN.md for the demo only
BATCH = 5000
PARTICIPANTS_PER_COACH = 35
COACHES_PER_TEAM = 8


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    pronouns: str
    org: str
    role: Role
    note: str


DEMO_ACCOUNTS = [
    DemoAccount("ana", "Ana Torres", "she/her", "harbor", Role.COACH, "caseload includes Pat"),
    DemoAccount("ben", "Ben Okafor", "he/him", "harbor", Role.COACH, "a separate caseload"),
    DemoAccount("sam", "Sam Lee", "they/them", "harbor", Role.SUPERVISOR, "supervises ana, ben"),
    DemoAccount("mia", "Mia Novak", "she/her", "harbor", Role.MANAGER, "organization-wide"),
    DemoAccount("max", "Max Brennan", "he/him", "harbor", Role.ADMIN, "users, roles, teams"),
    DemoAccount("rio", "Rio Alvarez", "he/they", "riverside", Role.COACH, "another organization"),
    DemoAccount("pat", "Pat", "they/them", "harbor", Role.PARTICIPANT, "portal of participant Pat"),
]
# Made by seed_demo's tour (portal.demo.seed_spanish_speaker), not by build_demo.
TOUR_ACCOUNTS = [
    DemoAccount("luz", "Luz", "ella", "harbor", Role.PARTICIPANT, "portal in Spanish (ben's)"),
]
ORGANIZATIONS = {
    "harbor": "Harbor Recovery Community",
    "riverside": "Riverside Peer Center",
}
# Further organizations of a statewide network (--organizations N, for the benchmark's scales).
NETWORK = [
    ("northfield", "Northfield Peer Recovery"),
    ("lakeside", "Lakeside Recovery Hub"),
    ("millbrook", "Millbrook Recovery Center"),
    ("eastgate", "Eastgate Peer Support"),
    ("pinecrest", "Pinecrest Recovery Collective"),
    ("bayview", "Bayview Peer Network"),
    ("cedarville", "Cedarville Recovery Cafe"),
    ("stonebridge", "Stonebridge Peer Program"),
]


@dataclass(frozen=True)
class Scale:
    """A named data-set shape for `seed_demo --scale` (and `make bench SCALE=...`)."""

    participants: int
    organizations: int = 2
    coaches: int | None = None
    contact_months: int = 4
    contact_density: float = 1.0
    audit_events: int = 0


SCALES = {
    # Harbor holds two thirds; Riverside stays as the demo contract's other organization.
    "small": Scale(participants=2_000, audit_events=60_000),
    # Ten organizations, 200 coaches (about 250 people each), three years of contacts at about
    # two a month (about 2 million) and 3 million audit events.
    "state": Scale(
        participants=50_000,
        organizations=10,
        coaches=200,
        contact_months=36,
        contact_density=2.0,
        audit_events=3_000_000,
    ),
}


@dataclass
class DemoWorld:
    organizations: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    participants_created: int = 0
    contacts_created: int = 0
    audit_events_created: int = 0
    plans_created: int = 0
    assessments_created: int = 0
    safety_plans_created: int = 0
    messages_created: int = 0


def demo_exists() -> bool:
    return Organization.objects.filter(slug__in=ORGANIZATIONS).exists()


def build_demo(
    *,
    participants: int = 60,
    seed: int = 1,
    anchor: date | None = None,
    contact_months: int = 4,
    organizations: int = 2,
    coaches: int | None = None,
    contact_density: float = 1.0,
    audit_events: int = 0,
    workers: int = 1,
    progress_stream: TextIO | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> DemoWorld:
    """Create both demo organizations, the seven demo accounts and `participants` participants.

    The same seed and anchor date always give the same rows (UUIDs included). Beyond the demo
    contract, `organizations` (2 to 10) adds organizations of a statewide network, `coaches`
    sets the number of coaches in all (default: one per 35 people), `contact_density`
    multiplies how often contacts happen, and `audit_events` bulk-loads that much audit history.

    A network (more than the two demo organizations) seeds each organization from its own
    random streams, so `workers` > 1 can seed them in that many processes and still give the
    same rows; it then commits in steps (accounts, each organization, the rest) instead of
    in one transaction.
    """
    if not 2 <= organizations <= len(ORGANIZATIONS) + len(NETWORK):
        raise ValueError("organizations must be between 2 and 10")
    rng = random.Random(seed)
    anchor = anchor or timezone.localdate()
    fakers = {"en": Faker("en_US"), "es": Faker("es_MX")}
    for offset, faker in enumerate(fakers.values()):
        faker.seed_instance(seed * 1000 + offset)
    network = organizations > len(ORGANIZATIONS)
    parallel = network and workers > 1
    world = DemoWorld()

    with nullcontext() if parallel else transaction.atomic():
        with transaction.atomic():
            share, coaches_by_org = _accounts(
                world, participants, organizations, coaches, rng=rng, fakers=fakers, anchor=anchor
            )
        if network:
            steps = demo_network.seed_organizations(
                {
                    slug: (count, [c.pk for c in coaches_by_org[slug]])
                    for slug, count in share.items()
                },
                seed=seed,
                anchor=anchor,
                contact_months=contact_months,
                contact_density=contact_density,
                audit_events=audit_events // organizations,
                workers=workers,
                log=log,
            )
            world.audit_events_created = steps.get("audit events", 0)
            world.contacts_created = steps.get("contacts", 0) + steps.get("earlier contacts", 0)
            world.plans_created = steps.get("plan rows", 0)
            world.assessments_created = steps.get("assessments", 0)
            world.safety_plans_created = steps.get("safety-plan rows", 0)
        else:
            _seed_together(
                world,
                share,
                coaches_by_org,
                seed=seed,
                rng=rng,
                fakers=fakers,
                anchor=anchor,
                contact_months=contact_months,
                contact_density=contact_density,
                audit_events=audit_events,
                progress=Progress(participants, "participants", progress_stream),
                log=log,
            )
        with transaction.atomic():
            orgs = list(world.organizations.values())
            world.messages_created = inbox_demo.seed(
                orgs, rng=random.Random(seed * 179424 + 11), anchor=anchor
            )
            portal_demo.seed(orgs, rng=random.Random(seed * 180181 + 11), anchor=anchor)
            world.participants_created = participants
            for slug, org in world.organizations.items():
                record_event(
                    action=Action.CREATE,
                    actor=None,
                    organization=org,
                    target=Target(type="demo", id=f"seed-{seed}"),
                    changed_fields=["organization", "memberships", "participants"],
                )
                log(f"{org.name}: {share[slug] + (1 if slug == 'harbor' else 0)} participants")
    return world


def _accounts(
    world: DemoWorld,
    participants: int,
    organizations: int,
    coaches: int | None,
    *,
    rng: random.Random,
    fakers: dict[str, Faker],
    anchor: date,
) -> tuple[dict[str, int], dict[str, list[User]]]:
    """The organizations, demo accounts, extra staff and Pat; returns each organization's
    share of the other participants and its coaches."""
    password_hash = make_password(DEMO_PASSWORD)
    names = list(ORGANIZATIONS.items()) + NETWORK[: organizations - len(ORGANIZATIONS)]
    for slug, name in names:
        world.organizations[slug] = create_organization(name=name, slug=slug)
    harbor = world.organizations["harbor"]
    team_a = Team.objects.create(
        id=participant_demo.new_uuid(rng),
        organization=harbor,
        name="Harbor Team A",
    )
    for account in DEMO_ACCOUNTS:
        first, _, last = account.name.partition(" ")
        user = User.objects.create(
            username=account.username,
            first_name=first,
            last_name=last,
            preferred_name=first,
            pronouns=account.pronouns,
            password=password_hash,
            credentials="CPRS" if account.role == Role.COACH else "",
            public_id=participant_demo.new_uuid(rng),
        )
        Membership.objects.create(
            organization=world.organizations[account.org],
            user=user,
            role=account.role,
            team=team_a if account.username in {"ana", "ben", "sam"} else None,
        )
        world.users[account.username] = user

    share = _shares(list(world.organizations), participants)
    coaches_by_org: dict[str, list[User]] = {slug: [] for slug in share}
    coaches_by_org["harbor"] = [world.users["ana"], world.users["ben"]]
    coaches_by_org["riverside"] = [world.users["rio"]]
    for slug, count in share.items():
        wanted = (
            max(1, count // PARTICIPANTS_PER_COACH)  # a small network still needs a coach
            if coaches is None
            else max(1, round(coaches * count / participants))
        )
        extra = max(0, wanted - len(coaches_by_org[slug]))
        coaches_by_org[slug] += _extra_staff(
            world.organizations[slug], extra, rng, fakers["en"], password_hash
        )
    pat = participant_demo.pat(
        org=harbor, coach=world.users["ana"], user=world.users["pat"], rng=rng, anchor=anchor
    )
    participant_demo.save_batch([pat])
    share["harbor"] -= 1
    return share, coaches_by_org


def _seed_together(
    world: DemoWorld,
    share: dict[str, int],
    coaches_by_org: dict[str, list[User]],
    *,
    seed: int,
    rng: random.Random,
    fakers: dict[str, Faker],
    anchor: date,
    contact_months: int,
    contact_density: float,
    audit_events: int,
    progress: Progress,
    log: Callable[[str], None],
) -> None:
    """The demo contract's two organizations: each step for both, one random stream per step."""
    clock = _Clock(log)
    progress.advance(1)  # Pat
    for slug, count in share.items():
        org = world.organizations[slug]
        org_coaches = coaches_by_org[slug]
        batch: list[Participant] = []
        for index in range(count):
            coach = org_coaches[index % len(org_coaches)]
            batch.append(
                participant_demo.generate(
                    org=org, coach=coach, rng=rng, fakers=fakers, anchor=anchor
                )
            )
            if len(batch) >= BATCH:
                participant_demo.save_batch(batch)
                progress.advance(len(batch))
                batch = []
        if batch:
            participant_demo.save_batch(batch)
            progress.advance(len(batch))
    clock.lap("participants", sum(share.values()) + 1)
    # Audit history first: it is dated in the past, and each chain's links are in time order.
    world.audit_events_created = audit_demo.seed(
        list(world.organizations.values()),
        events=audit_events,
        rng=random.Random(seed * 7817 + 9),
        anchor=anchor,
        history_days=contact_months * 30,
    )
    clock.lap("audit events", world.audit_events_created)
    # A separate random stream, so adding contact histories left the participants unchanged.
    world.contacts_created = encounter_demo.seed(
        list(world.organizations.values()),
        rng=random.Random(seed * 7919 + 1),
        anchor=anchor,
        history_days=contact_months * 30,
        density=contact_density,
    )
    clock.lap("contacts", world.contacts_created)
    # The rest of the year's contacts, so the reports dashboard shows twelve months.
    earlier = reports_demo.seed(
        list(world.organizations.values()), rng=random.Random(seed * 199999 + 13), anchor=anchor
    )
    world.contacts_created += earlier
    clock.lap("contacts for the rest of the year", earlier)
    # Each domain app seeds its own rows, each from its own random stream.
    orgs = list(world.organizations.values())
    world.plans_created = plans_demo.seed(orgs, rng=random.Random(seed * 104729 + 3), anchor=anchor)
    clock.lap("plan rows", world.plans_created)
    world.assessments_created = assessments_demo.seed(
        orgs, rng=random.Random(seed * 130363 + 5), anchor=anchor
    )
    clock.lap("assessments", world.assessments_created)
    world.safety_plans_created = safety_demo.seed(
        orgs, rng=random.Random(seed * 155921 + 7), anchor=anchor
    )
    clock.lap("safety-plan rows", world.safety_plans_created)


class _Clock:
    """Logs how long each seeding step took, in rows per second."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log, self.last = log, time.perf_counter()

    def lap(self, label: str, rows: int) -> None:
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        if rows:
            self.log(f"  {label}: {rows:,} in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")


def _shares(slugs: list[str], participants: int) -> dict[str, int]:
    """The demo contract's split (two thirds in Harbor); a network shares people evenly."""
    if len(slugs) == len(ORGANIZATIONS):
        harbor = (participants * 2 + 2) // 3
        return {"harbor": harbor, "riverside": participants - harbor}
    share = {slug: participants // len(slugs) for slug in slugs}
    share["harbor"] += participants - sum(share.values())
    return share


def _extra_staff(
    org: Organization, coaches: int, rng: random.Random, faker: Faker, password_hash: str
) -> list[User]:
    """Extra coaches (and a supervisor per team of eight) so large demos have real caseloads."""
    if coaches == 0:
        return []
    users: list[User] = []
    memberships: list[Membership] = []
    team: Team | None = None
    created: list[User] = []
    for index in range(coaches):
        if index % COACHES_PER_TEAM == 0:
            team = Team.objects.create(
                id=participant_demo.new_uuid(rng),
                organization=org,
                name=f"{org.name.split()[0]} Team {index // COACHES_PER_TEAM + 2}",
            )
            supervisor = _staff_user(
                f"{org.slug}-sup{index // COACHES_PER_TEAM + 1:03d}", rng, faker, password_hash
            )
            users.append(supervisor)
            memberships.append(
                Membership(organization=org, user=supervisor, role=Role.SUPERVISOR, team=team)
            )
        coach = _staff_user(f"{org.slug}-coach{index + 1:04d}", rng, faker, password_hash)
        users.append(coach)
        created.append(coach)
        memberships.append(Membership(organization=org, user=coach, role=Role.COACH, team=team))
    User.objects.bulk_create(users, batch_size=BATCH)
    saved = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    for membership in memberships:
        membership.user = saved[membership.user.username]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return [saved[c.username] for c in created]


def _staff_user(username: str, rng: random.Random, faker: Faker, password_hash: str) -> User:
    first, last = faker.first_name(), faker.last_name()
    return User(
        username=username,
        first_name=first,
        last_name=last,
        preferred_name=first,
        pronouns=participant_demo.pick(rng, participant_demo.PRONOUNS),
        password=password_hash,
        public_id=participant_demo.new_uuid(rng),
    )


def seed_tour(world: DemoWorld, *, anchor: date) -> None:
    """What the README's tour shows beyond `build_demo` (kept out of it so the test personas
    start without consents): the consent and emergency-access scenario, and Luz, who reads
    her portal in Spanish."""
    harbor = world.organizations["harbor"]
    consent_demo.seed(harbor, anchor=anchor)
    luz = portal_demo.seed_spanish_speaker(harbor, anchor=anchor, password=DEMO_PASSWORD)
    if luz is not None and luz.user is not None:
        world.users[luz.user.username] = luz.user
    _seed_waiting_invitation(harbor)
    _seed_cosign_queue(harbor)
    appointments_demo.seed(harbor, anchor=anchor)
    directory_demo.seed(harbor, anchor=anchor)
    referrals_demo.seed(harbor, anchor=anchor)
    supervision_demo.seed(harbor, anchor=anchor)
    billing_demo.seed(harbor, anchor=anchor)
    overdose_demo.seed(harbor, anchor=anchor)
    reachout_demo.seed(harbor, anchor=anchor)


# How many of Ben's latest signed notes wait for Sam's co-signature in the tour.
TOUR_NOTES_TO_COSIGN = 2


def _seed_cosign_queue(harbor: Organization) -> None:
    """Ben is new, so his notes need a supervisor's co-signature: his two latest signed notes
    wait in Sam's "Notes to co-sign" (the same two for the same seed and anchor)."""
    ben = Membership.objects.get(organization=harbor, user__username="ben")
    if ben.notes_need_cosign:
        return
    ben.notes_need_cosign = True
    ben.save(update_fields=["notes_need_cosign", "updated_at"])
    encounter_demo.wait_for_cosign(harbor, author=ben.user, count=TOUR_NOTES_TO_COSIGN)


def _seed_waiting_invitation(harbor: Organization) -> None:
    """Max has invited Noor as a coach: her new account waits for Mia's approval, so Who has
    access shows a change waiting and Max's people list shows it too. No team, so Sam's team
    stays Ana and Ben, as the demo contract says."""
    if User.objects.filter(username="noor").exists():
        return
    invite_person(
        acting=Membership.objects.get(organization=harbor, user__username="max"),
        username="noor",
        preferred_name="Noor",
        email="",
        role=Role.COACH,
        team=None,
    )
