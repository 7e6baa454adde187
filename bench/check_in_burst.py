"""python -m bench.check_in_burst [DATABASE_URL]: 1,000 check-ins in a burst, with their signals.

Issue 24 asks that 1,000 check-ins arriving in a minute raise their signals and escalations on
time on this machine. A fresh SQLite file (or the database given, migrated) gets one program with
1,000 participants who each have their own Cairn; each sends one check-in through the portal's
own service (`portal.plan.services.record_check_in`), half of them on a hard day with very
strong urges, so 500 raise a reach-out-soon signal. Measured in the same run:

- the burst with signals on, against the same burst with signals switched off (the baseline):
  the ratio is what raising signals costs, and the burst's total must stay under a minute;
- the coach's and the supervisor's Today reads of waiting signals (`open_for_today`) with 500
  waiting, against the same read with none: escalation is computed when Today is read, so a
  signal is escalated on time exactly when this read is fast.
"""

import os
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from bench import given_or_fresh_sqlite, setup_django

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("BENCH_CHECK_INS", "1000"))
HARD_DAY = {"today": 1, "urges": 4, "supported": 3, "call": None}
OKAY_DAY = {"today": 3, "urges": 1, "supported": 4, "call": None}


def seed(count: int) -> dict[str, Any]:
    """One program, a supervisor and ten coaches on one team, and `count` participants each with
    their own Cairn, spread over the coaches."""
    from accounts.models import User
    from organizations.models import Membership, Organization, Role, Team
    from participants.models import Participant

    org = Organization.objects.create(slug="bench-burst", name="Burst Program")
    team = Team.objects.create(organization=org, name="Team")
    supervisor = User.objects.create(username="burst-sup", preferred_name="Sup")
    Membership.objects.create(organization=org, user=supervisor, role=Role.SUPERVISOR, team=team)
    coaches = []
    for i in range(10):
        coach = User.objects.create(username=f"burst-coach-{i}", preferred_name=f"Coach {i}")
        Membership.objects.create(organization=org, user=coach, role=Role.COACH, team=team)
        coaches.append(coach)
    users = User.objects.bulk_create(
        User(username=f"burst-person-{i}", preferred_name=f"Person {i}") for i in range(count)
    )
    users = list(User.objects.filter(username__startswith="burst-person-").order_by("id"))
    Membership.objects.bulk_create(
        Membership(organization=org, user=user, role=Role.PARTICIPANT) for user in users
    )
    Participant.objects.bulk_create(
        Participant(
            organization=org,
            preferred_name=user.preferred_name,
            user=user,
            coach=coaches[i % len(coaches)],
            enrolled_on=timezone.localdate() - timedelta(days=30),
        )
        for i, user in enumerate(users)
    )
    return {"org": org, "coaches": coaches, "supervisor": supervisor}


def burst(org: Any) -> tuple[float, list[float]]:
    """Every participant checks in once; returns the total seconds and each check-in's seconds."""
    from organizations.models import Membership, Role
    from participants.models import Participant
    from portal.plan.services import record_check_in

    people = list(Participant.objects.filter(organization=org).select_related("user"))
    members = {
        m.user_id: m
        for m in Membership.objects.filter(organization=org, role=Role.PARTICIPANT).select_related(
            "organization", "user"
        )
    }
    each: list[float] = []
    started = time.perf_counter()
    for i, person in enumerate(people):
        assert person.user_id is not None
        begun = time.perf_counter()
        record_check_in(
            acting=members[person.user_id],
            participant=person,
            language="en",
            answers=dict(HARD_DAY if i % 2 == 0 else OKAY_DAY),
        )
        each.append(time.perf_counter() - begun)
    return time.perf_counter() - started, each


def _today_read(org: Any, user: Any, rounds: int = 20) -> float:
    """Median seconds of Today's read of waiting signals for this member."""
    from organizations.models import Membership
    from reachout.selectors import open_for_today

    membership = Membership.objects.select_related("organization", "user").get(
        organization=org, user=user
    )
    today = timezone.localdate()
    open_for_today(membership=membership, today=today)  # warm up
    times = []
    for _ in range(rounds):
        begun = time.perf_counter()
        open_for_today(membership=membership, today=today)
        times.append(time.perf_counter() - begun)
    return statistics.median(times)


def _clear(org: Any) -> None:
    from assessments.models import Assessment
    from reachout.models import Signal

    Signal.objects.filter(organization=org).delete()
    Assessment.objects.filter(organization=org).delete()


def main() -> None:
    setup_django(given_or_fresh_sqlite("bench-check-ins"))
    from reachout.models import ReachOutSettings, Signal

    world = seed(PEOPLE)
    org, coach, supervisor = world["org"], world["coaches"][0], world["supervisor"]
    empty_coach, empty_sup = _today_read(org, coach), _today_read(org, supervisor)

    ReachOutSettings.objects.create(
        organization=org, on_hard_day_and_urges=False, on_not_supported=False, words=""
    )
    base_total, base_each = burst(org)
    assert not Signal.objects.filter(organization=org).exists()
    _clear(org)
    ReachOutSettings.objects.filter(organization=org).delete()  # the defaults: signals on
    total, each = burst(org)
    raised = Signal.objects.filter(organization=org).count()
    Signal.objects.filter(organization=org).update(
        raised_at=Signal.objects.order_by("raised_at").values_list("raised_at", flat=True)[0]
        - timedelta(hours=1)
    )
    full_coach, full_sup = _today_read(org, coach), _today_read(org, supervisor)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    q = statistics.quantiles
    print(f"check-ins: {PEOPLE} through record_check_in, half on a hard day with very strong urges")
    base_p50, base_p95 = ms(statistics.median(base_each)), ms(q(base_each, n=20)[18])
    print(f"  baseline (signals off): {base_total:.1f} s in all, p50 {base_p50}, p95 {base_p95}")
    print(
        f"  signals on:             {total:.1f} s in all, p50 {ms(statistics.median(each))}"
        f", p95 {ms(q(each, n=20)[18])}; {raised} signals raised"
    )
    print(
        f"  ratio on/off: {total / base_total:.2f}; {PEOPLE} check-ins per {total:.1f} s "
        f"({'within' if total < 60 else 'OVER'} the minute)"
    )
    print(
        f"Today's read of waiting signals, median of 20: coach {ms(full_coach)} with "
        f"{raised // 10} waiting vs {ms(empty_coach)} with none "
        f"(ratio {full_coach / empty_coach:.2f});"
        f" supervisor {ms(full_sup)} with {raised} escalated vs {ms(empty_sup)} "
        f"(ratio {full_sup / empty_sup:.2f})"
    )


if __name__ == "__main__":
    main()
