"""Prepared queries (lib.prepared) give what the same queryset gives, for any values, and refuse
a query whose values are not all passed in."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User
from cairn.demo import DemoWorld
from encounters.models import CheckInSchedule, Encounter
from lib.prepared import NotPrepared, Prepared, Text, prepared
from participants.models import Participant


def _people(*, organization_id: int, coach_id: int, since: date) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(organization_id=organization_id, enrolled_on__gte=since)
        .filter(coach_id=coach_id)
        .select_related("coach", "organization")
        .order_by("preferred_name", "id")
    )


def _ids(rows: list[Any]) -> list[object]:
    return [p.id for p in rows]


@pytest.mark.parametrize("verify", [True, False])
def test_a_prepared_query_gives_each_persons_own_rows_for_any_values(
    demo: DemoWorld, settings, verify: bool
) -> None:
    settings.CAIRN_PREPARED_VERIFY = verify
    query = prepared(_people)
    harbor, riverside = demo.organizations["harbor"], demo.organizations["riverside"]
    cases = [
        (harbor.id, demo.users["ana"].pk, date(2000, 1, 1)),
        (harbor.id, demo.users["ben"].pk, date(2000, 1, 1)),
        (riverside.id, demo.users["rio"].pk, date(2000, 1, 1)),
        (harbor.id, demo.users["ana"].pk, date(2100, 1, 1)),  # nobody enrolled after
        (riverside.id, demo.users["ana"].pk, date(2000, 1, 1)),  # ana has nobody there
    ]
    for organization_id, coach_id, since in cases * 2:  # the second round reuses the plan
        rows = query.fetch(organization_id=organization_id, coach_id=coach_id, since=since)
        built = _people(organization_id=organization_id, coach_id=coach_id, since=since)
        assert _ids(rows) == _ids(list(built))
        assert all(p.coach_id == coach_id and p.organization_id == organization_id for p in rows)
    assert len(query._plans) == 1  # one compilation served every call
    ana_rows = query.fetch(
        organization_id=harbor.id, coach_id=demo.users["ana"].pk, since=date(2000, 1, 1)
    )
    assert ana_rows and ana_rows[0].coach.username == "ana"  # select_related came along
    assert ana_rows[0].organization.slug == "harbor"


def test_values_rows_annotations_and_a_string_shape(demo: DemoWorld) -> None:
    def signed(*, organization_id: int, state: str) -> QuerySet[Any]:
        return (
            Encounter.objects.filter(organization_id=organization_id, state=state)
            .annotate(author_name=F("author__username"))
            .values("id", "author_name")
            .order_by("id")
        )

    query = prepared(signed)
    harbor = demo.organizations["harbor"]
    for state in ("signed", "draft", "signed"):
        rows = query.fetch(organization_id=harbor.id, state=state)
        assert rows == list(signed(organization_id=harbor.id, state=state))
    assert len(query._plans) == 2  # one per state: a string is part of the shape
    assert any(
        row["author_name"] == "ana"
        for row in query.fetch(organization_id=harbor.id, state="signed")
    )


def test_a_query_that_can_match_nothing_gives_nothing(demo: DemoWorld) -> None:
    query: Prepared[Participant] = prepared(
        lambda *, organization_id: Participant.objects.filter(
            organization_id=organization_id
        ).none()
    )
    assert query.fetch(organization_id=demo.organizations["harbor"].id) == []


def test_a_value_computed_inside_the_query_is_refused(demo: DemoWorld) -> None:
    def since_yesterday(*, organization_id: int, today: date) -> QuerySet[Participant]:
        return Participant.objects.filter(
            organization_id=organization_id, enrolled_on__gte=today - timedelta(days=1)
        )

    def on_weekday(*, organization_id: int, today: date) -> QuerySet[Participant]:
        return Participant.objects.filter(organization_id=organization_id, coach_id=today.weekday())

    def now_inside(*, organization_id: int) -> QuerySet[Participant]:
        return Participant.objects.filter(
            organization_id=organization_id, created_at__lte=timezone.now()
        )

    harbor = demo.organizations["harbor"].id
    for build, values in (
        (since_yesterday, {"today": date(2026, 12, 6)}),
        (on_weekday, {"today": date(2026, 12, 6)}),
        (now_inside, {}),
    ):
        with pytest.raises(NotPrepared, match="computed inside the query"):
            prepared(build).fetch(organization_id=harbor, **values)


def test_a_day_read_off_the_clock_inside_the_query_is_refused(demo: DemoWorld) -> None:
    """`timezone.localdate()` inside the function is the same in every build, so it looks like
    a constant; kept, it would stay the first call's day for the life of the process (the
    consent overview's "in force" did, until it was passed in)."""
    from consent.models import Consent

    def today_inside(*, organization_id: int) -> QuerySet[Participant]:
        return Participant.objects.filter(
            organization_id=organization_id, enrolled_on__lte=timezone.localdate()
        )

    def in_force_today(*, organization_id: int) -> QuerySet[Consent]:
        return Consent.objects.active_or_waiting().filter(organization_id=organization_id)

    def in_force_on(*, organization_id: int, today: date) -> QuerySet[Consent]:
        return Consent.objects.active_or_waiting(today).filter(organization_id=organization_id)

    harbor = demo.organizations["harbor"].id
    for build in (today_inside, in_force_today):
        with pytest.raises(NotPrepared, match="reads the clock"):
            prepared(build).fetch(organization_id=harbor)
    today = timezone.localdate()
    pat = Participant.objects.get(user__username="pat")
    consent = Consent.objects.create(
        organization=pat.organization,
        participant=pat,
        disclosing_party="Harbor",
        categories=["attendance"],
        recipient="Clinic",
        purpose="coordinating care",
        signed_on=today - timedelta(days=30),
        expires_on=today + timedelta(days=10),
        signature_method="typed",
        signature="Pat",
        created_by=demo.users["ana"],
    )
    query = prepared(in_force_on)
    for day, in_force in ((today, True), (today + timedelta(days=11), False), (today, True)):
        rows = query.fetch(organization_id=harbor, today=day)
        assert _ids(rows) == _ids(list(in_force_on(organization_id=harbor, today=day)))
        assert (consent.id in _ids(rows)) is in_force  # the day asked for, not the first one


def test_a_value_that_changes_the_sql_must_be_a_shape(demo: DemoWorld) -> None:
    def by_count(*, organization_id: int, limit: int) -> QuerySet[Participant]:
        return Participant.objects.filter(organization_id=organization_id).order_by("id")[:limit]

    with pytest.raises(NotPrepared, match="changes the SQL"):
        prepared(by_count).fetch(organization_id=demo.organizations["harbor"].id, limit=3)


def test_a_small_integer_column_is_a_parameter_too(demo: DemoWorld) -> None:
    """Django compiles a value outside a column's range as "matches nothing": the stand-ins are
    small enough for a weekday."""

    def on_weekday(*, organization_id: int, weekday: int) -> QuerySet[CheckInSchedule]:
        return CheckInSchedule.objects.filter(organization_id=organization_id, weekday=weekday)

    query = prepared(on_weekday)
    harbor = demo.organizations["harbor"].id
    found = 0
    for weekday in range(7):
        rows = query.fetch(organization_id=harbor, weekday=weekday)
        assert [s.id for s in rows] == [
            s.id for s in on_weekday(organization_id=harbor, weekday=weekday)
        ]
        found += len(rows)
    assert found == CheckInSchedule.objects.filter(organization_id=harbor).count()
    assert all(plan.compiler is not None for plan in query._plans.values())  # not "nothing"


def test_a_text_parameter_is_put_in_and_a_rewritten_one_refused(demo: DemoWorld) -> None:
    """`Text` marks a string as a parameter: each call reads its own value from one plan; a
    string the query rewrites (a LIKE pattern) cannot be prepared."""
    query = prepared(lambda *, username: User.objects.filter(username=username))
    for name in ("ana", "ben", "mia", "nobody"):
        found = query.fetch(username=Text(name))
        assert [user.username for user in found] == ([name] if name != "nobody" else [])
    assert len(query._plans) == 1  # one plan for every username

    like = prepared(lambda *, start: Participant.objects.filter(preferred_name__startswith=start))
    with pytest.raises(NotPrepared):
        like.fetch(start=Text("Pa"))


def test_sessions_read_by_the_prepared_query(client_for, demo: DemoWorld) -> None:
    """A signed-in session is found; an expired or unknown one is not, and its key is dropped."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.session_store import SessionStore

    ana = client_for("ana")
    key = ana.cookies["sessionid"].value
    assert SessionStore(key).load()["_auth_user_id"] == str(demo.users["ana"].pk)
    assert ana.get("/today/").status_code == 200
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    assert ana.get("/today/").status_code == 302  # signed out: to the sign-in page
    assert SessionStore("no-such-session-key-000000000000").load() == {}


def test_converted_values_are_the_querysets_on_every_call(demo: DemoWorld) -> None:
    """Decrypted text, JSON lists, dates and ids come out as the ordinary queryset gives them,
    on the first call and the later ones, which reuse the plan's converters."""
    harbor = demo.organizations["harbor"]
    columns = ("id", "preferred_name", "pronouns", "strengths", "enrolled_on", "coach_id")

    def build(*, organization_id: int) -> QuerySet[Any]:
        return Participant.objects.filter(organization_id=organization_id).order_by("id")

    query = prepared(lambda *, organization_id: build(organization_id=organization_id))
    rows = prepared(
        lambda *, organization_id: build(organization_id=organization_id).values_list(*columns)
    )
    wanted = list(build(organization_id=harbor.id).values_list(*columns))
    assert any(row[2] for row in wanted) and any(row[3] for row in wanted)  # something to decrypt
    for _ in range(3):
        assert rows.fetch(organization_id=harbor.id) == wanted
        people = query.fetch(organization_id=harbor.id)
        assert [(p.id, p.preferred_name, p.pronouns, p.strengths) for p in people] == [
            (row[0], row[1], row[2], row[3]) for row in wanted
        ]


def _loaded(instance: Any, depth: int = 2) -> tuple[Any, ...]:
    """What a loaded instance holds: its columns, how it was loaded, and the related rows that
    came with it (select_related or prefetch_related), each loaded the same way; a prefetched
    row points back to its parent, so only two levels are compared."""
    columns = {
        k: v for k, v in vars(instance).items() if k not in ("_state", "_prefetched_objects_cache")
    }
    if depth == 0:
        return columns, instance._state.adding, instance._state.db
    cached = instance._state.fields_cache
    related = {
        name: _loaded(row, depth - 1) if row is not None else None for name, row in cached.items()
    }
    prefetched = {
        name: [_loaded(row, depth - 1) for row in rows]
        for name, rows in getattr(instance, "_prefetched_objects_cache", {}).items()
    }
    return columns, instance._state.adding, instance._state.db, related, prefetched


def test_rows_read_off_the_cursor_are_what_the_queryset_gives(demo: DemoWorld) -> None:
    """Each kind of result goes through the reader (no cloned queryset): instances with related
    rows that may be missing, annotations, deferred columns and prefetched rows; values dicts;
    tuples; flat values. Named rows keep Django's own path, and give the same."""
    from plans.models import Goal

    harbor = demo.organizations["harbor"]

    def people(*, organization_id: int) -> QuerySet[Any]:
        return Participant.objects.filter(organization_id=organization_id).order_by("id")

    shapes: dict[str, Any] = {
        "instances": lambda q: q.select_related("coach", "secondary_coach").annotate(
            coach_login=F("coach__username")
        ),
        "deferred": lambda q: q.only("id", "preferred_name", "coach_id"),
        "values": lambda q: q.values("id", "preferred_name").annotate(login=F("coach__username")),
        "tuples": lambda q: q.values_list("id", "pronouns", "enrolled_on"),
        "flat": lambda q: q.values_list("preferred_name", flat=True),
        "named": lambda q: q.values_list("id", "preferred_name", named=True),
    }
    for kind, shape in shapes.items():
        query = prepared(
            lambda *, organization_id, s=shape: s(people(organization_id=organization_id))
        )
        wanted = list(shape(people(organization_id=harbor.id)))
        assert wanted, kind
        for _ in range(2):
            got = query.fetch(organization_id=harbor.id)
            (plan,) = query._plans.values()
            assert plan.reader is not None and plan.reader.fits == (kind != "named"), kind
            if kind in ("instances", "deferred"):
                assert [_loaded(p) for p in got] == [_loaded(p) for p in wanted], kind
                if kind == "instances":  # a missing related row came through as None
                    assert any(p.secondary_coach is None for p in got)
                    assert {p.coach_login for p in got} == {p.coach.username for p in wanted}
            else:
                assert got == wanted, kind

    def goals(*, organization_id: int) -> QuerySet[Goal]:
        return (
            Goal.objects.filter(organization_id=organization_id)
            .prefetch_related("steps")
            .order_by("id")
        )

    query_goals = prepared(goals)
    wanted_goals = list(goals(organization_id=harbor.id))
    assert any(goal.steps.all() for goal in wanted_goals)
    got_goals = query_goals.fetch(organization_id=harbor.id)
    assert [_loaded(g) for g in got_goals] == [_loaded(g) for g in wanted_goals]
    assert query_goals.fetch(organization_id=demo.organizations["riverside"].id + 10_000) == []
