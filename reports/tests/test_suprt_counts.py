"""SUPRT completion counted in SQL (`reports.suprt_counts`) is the completion the Python rules give
(`reports.suprt_figures` over `assessments.suprt_points`), on many generated episodes whose
dates sit on the windows' edges, over ranges that start and end on those edges."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from assessments import suprt
from assessments.models import SUPRT_A, Assessment
from assessments.suprt_points import anniversary, windows
from cairn.demo import DemoWorld
from participants.models import Participant, ParticipantStatus
from reports import suprt_counts, suprt_figures
from reports.figures import Range, Rate

pytestmark = pytest.mark.django_db

ENDED = (ParticipantStatus.COMPLETED, ParticipantStatus.MOVED_ON, ParticipantStatus.CLOSED)
OPEN = ParticipantStatus.open()
LEAP_DAY = date(2024, 2, 29)


@dataclass
class Episode:
    enrolled_on: date
    status: str = ParticipantStatus.ACTIVE
    status_since: date | None = None
    records: tuple[tuple[str, date], ...] = ()


def store(demo: DemoWorld, episodes: list[Episode]) -> "list[Participant]":
    harbor, ana = demo.organizations["harbor"], demo.users["ana"]
    people = Participant.objects.bulk_create(
        Participant(
            organization=harbor,
            preferred_name=f"Episode {index}",
            coach=ana,
            enrolled_on=episode.enrolled_on,
            status=episode.status,
            status_since=episode.status_since,
        )
        for index, episode in enumerate(episodes)
    )
    Assessment.objects.bulk_create(
        Assessment(
            organization=harbor,
            participant=person,
            instrument=SUPRT_A,
            instrument_version="1",
            administered_on=day,
            schedule_point=point,
            recorded_by=ana,
            is_complete=True,
        )
        for person, episode in zip(people, episodes, strict=True)
        for point, day in episode.records
    )
    return people


def both(
    demo: DemoWorld, people: "list[Participant]", period: Range
) -> tuple[dict[str, Rate], dict[str, Rate]]:
    harbor = demo.organizations["harbor"]
    scope = Participant.objects.filter(organization=harbor, pk__in=[p.pk for p in people])
    counted = suprt_counts.completion(organization=harbor, people=scope, period=period)
    rows = suprt.episodes(
        organization_id=harbor.pk, people=scope, start=period.start, end=period.end
    )
    return counted, suprt_figures.completion(rows, period)


def generated(rng: random.Random) -> Episode:
    """One episode with its dates on or beside the edges of its windows."""
    enrolled = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1100))
    baseline: date | None = enrolled + timedelta(days=rng.choice([-5, 0, 29, 30, 31, 60]))
    if rng.random() < 0.2:
        baseline = None
    elif rng.random() < 0.1:  # a 29 February baseline: its anniversaries fall on 28 February
        enrolled, baseline = date(2024, 2, 10), LEAP_DAY
    elif rng.random() < 0.05:
        enrolled, baseline = LEAP_DAY, None
    records: list[tuple[str, date]] = []
    if baseline is not None:
        records.append(("baseline", baseline))
        if rng.random() < 0.1:  # a second baseline: the first one anchors the windows
            records.append(("baseline", baseline + timedelta(days=40)))
    anchor = baseline or enrolled
    if rng.random() < 0.75:
        day = anchor + timedelta(days=rng.choice([149, 150, 180, 210, 211]))
        records.append(("annual-1" if rng.random() < 0.1 else "reassessment", day))
    for year in (1, 2, 3, 4):
        if rng.random() < 0.6:
            day = anniversary(anchor, year) + timedelta(days=rng.choice([-31, -30, 0, 30, 31]))
            label = year + 1 if rng.random() < 0.1 else year
            records.append((f"annual-{label}", day))
    if rng.random() < 0.55:
        return Episode(enrolled, rng.choice(OPEN), None, tuple(records))
    ended: date | None = rng.choice(
        [
            None,  # an ended status without its date: care ended on the enrolment
            anchor + timedelta(days=rng.choice([120, 150, 209, 210, 211, 240])),
            anniversary(anchor, rng.choice([1, 2])) + timedelta(days=rng.choice([-31, 29, 30, 31])),
            enrolled + timedelta(days=rng.randint(0, 900)),
        ]
    )
    if rng.random() < 0.7:
        end = ended or enrolled
        records.append(("closeout", end + timedelta(days=rng.choice([-1, 0, 15, 30, 31]))))
    return Episode(enrolled, rng.choice(ENDED), ended, tuple(records))


def edge_ranges(episodes: list[Episode], rng: random.Random) -> list[Range]:
    """Ranges that start on, end on, or stop a day short of windows' last days."""
    found = []
    for episode in rng.sample(episodes, 12):
        baselines = [day for point, day in episode.records if point == "baseline"]
        ended = episode.status_since or episode.enrolled_on if episode.status in ENDED else None
        for window in windows(
            enrolled_on=episode.enrolled_on,
            baseline_on=min(baselines, default=None),
            ended_on=ended,
            until=date(2030, 1, 1),
        )[:5]:
            closes, year = window.end, timedelta(days=365)
            found += [
                Range(closes, closes),
                Range(closes + timedelta(days=1), closes + year),
                Range(closes - year, closes - timedelta(days=1)),
            ]
    return found


RANGES = [
    Range(date(2025, 11, 1), date(2026, 10, 31)),  # the dashboard's default year
    Range(date(2024, 1, 1), date(2028, 12, 31)),  # several annual assessments of one episode
    Range(date(2025, 2, 1), date(2025, 4, 30)),  # 28 February anniversaries of a leap day
    Range(date(2028, 2, 1), date(2028, 4, 30)),  # and 29 February in the next leap year
    Range(date(2026, 8, 15), date(2026, 8, 15)),  # one day
]


def test_counted_completion_equals_the_python_rules_on_generated_edge_days(
    demo: DemoWorld,
) -> None:
    rng = random.Random(29)
    episodes = [generated(rng) for _ in range(400)]
    people = store(demo, episodes)
    ranges = RANGES + edge_ranges(episodes, rng)
    due = dict.fromkeys(map(str, suprt_figures.POINTS), 0)
    for period in ranges:
        counted, by_episode = both(demo, people, period)
        assert counted == by_episode, period
        for point, rate in by_episode.items():
            due[point] += rate.of
    # Every time point was counted somewhere, done and not done.
    assert all(due.values()), due
    whole, _ = both(demo, people, RANGES[1])
    assert all(0 < rate.done < rate.of for rate in whole.values()), whole


def test_the_people_behind_each_point_are_those_of_the_python_rules(demo: DemoWorld) -> None:
    rng = random.Random(31)
    episodes = [generated(rng) for _ in range(200)]
    people = store(demo, episodes)
    harbor = demo.organizations["harbor"]
    scope = Participant.objects.filter(organization=harbor, pk__in=[p.pk for p in people])
    listed = 0
    for period in RANGES + edge_ranges(episodes, rng)[:30]:
        rows = suprt.episodes(
            organization_id=harbor.pk, people=scope, start=period.start, end=period.end
        )
        for point in suprt_figures.POINTS:
            wanted: dict[object, bool] = {}
            for person, at, was_done in suprt_figures.points(rows, period):
                if at == point:  # every window of the point done (two annual ones, say)
                    wanted[person] = wanted.get(person, True) and was_done
            found = suprt_counts.people_at(point, organization=harbor, people=scope, period=period)
            assert found == wanted, (point, period)
            listed += len(found)
    assert listed


def test_window_edges_count_as_the_suprt_rules_say(demo: DemoWorld) -> None:
    period = Range(date(2025, 3, 1), date(2025, 12, 31))
    episodes = [
        # Baseline on 29 February 2024: the first annual window is 28 February 2025 ±30, and a
        # record on its first day does it.
        Episode(
            date(2024, 2, 10),
            records=(("baseline", LEAP_DAY), ("annual-1", date(2025, 1, 29))),
        ),
        # Baseline on day 31: late. Its 6-month window closes on 13 October 2025; a record the
        # day after is outside it.
        Episode(
            date(2025, 2, 14),
            records=(("baseline", date(2025, 3, 17)), ("reassessment", date(2025, 10, 14))),
        ),
        # Baseline window closing on the range's first day, done on day 30; care ended on the
        # last day of the 6-month window (none asked), closeout on its day 30.
        Episode(
            date(2025, 1, 30),
            ParticipantStatus.CLOSED,
            date(2025, 9, 27),
            (("baseline", date(2025, 3, 1)), ("closeout", date(2025, 10, 27))),
        ),
        # No baseline: the 6-month window runs from the enrolment (28 June to 27 August); care
        # ended the day after it closed, so it counts; no closeout recorded.
        Episode(
            date(2025, 1, 29),
            ParticipantStatus.COMPLETED,
            date(2025, 8, 28),
            (("reassessment", date(2025, 6, 28)),),
        ),
    ]
    counted, by_episode = both(demo, store(demo, episodes), period)
    expected = {
        "baseline": Rate(1, 2),
        "reassessment": Rate(1, 2),
        "annual": Rate(1, 1),
        "closeout": Rate(1, 2),
    }
    assert counted == by_episode == expected
