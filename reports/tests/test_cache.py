"""A manager's dashboard figures are kept until the organization's data changes, and never
longer: a new contact, a changed outcome, a status step or an assessment shows up at once."""

import pickle
from datetime import date, timedelta
from importlib import import_module
from unittest import mock

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cairn.demo import DemoWorld
from encounters.models import Encounter, Outcome, ServiceType
from participants.models import EmergencyAccess, Participant, StatusChange
from reports import cache, selectors
from reports.models import DataChange
from reports.selectors import Dashboard, Filters
from reports.tests.test_dashboard import barc, contact, enrol

COUNTED = import_module("reports.migrations.0001_data_changes").COUNTED
# Tables of the apps that keep their dashboard figures beside the dashboard's own.
ADDED = [import_module("referrals.migrations.0003_dashboard_changes").TABLE]

YEAR = Filters(start=date(2025, 11, 1), end=date(2026, 10, 31))


def figures_for(demo: DemoWorld, username: str, filters: Filters = YEAR) -> Dashboard:
    return selectors.dashboard(
        user=demo.users[username], organization=demo.organizations["harbor"], filters=filters
    )


def counted_afresh(demo: DemoWorld, username: str, filters: Filters = YEAR) -> Dashboard:
    django_cache.clear()
    return figures_for(demo, username, filters)


def test_a_managers_second_view_is_kept_and_gives_the_same_figures(demo: DemoWorld) -> None:
    with CaptureQueriesContext(connection) as first:
        counted = figures_for(demo, "mia")
    with CaptureQueriesContext(connection) as second:
        kept = figures_for(demo, "mia")
    assert kept == counted
    assert len(second) == 2  # the data version and the caseload by coach
    assert len(first) >= 10


def test_a_new_contact_shows_up_at_once(demo: DemoWorld) -> None:
    before = figures_for(demo, "mia")
    person = Participant.objects.filter(organization=demo.organizations["harbor"]).first()
    assert person is not None
    contact(person, date(2026, 6, 10), outcome=Outcome.REACHED)
    after = figures_for(demo, "mia")
    assert after.contacts == before.contacts + 1
    assert after == counted_afresh(demo, "mia")


def test_a_bulk_update_of_contacts_shows_up_at_once(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    before = figures_for(demo, "mia")
    reached = Encounter.objects.filter(
        organization=harbor, occurred_on__range=(YEAR.start, YEAR.end), outcome=Outcome.REACHED
    )
    assert reached.exists()
    reached.update(outcome=Outcome.NO_ANSWER)  # no save(), no signal: the trigger still sees it
    after = figures_for(demo, "mia")
    assert after.served == 0 < before.served
    assert after == counted_afresh(demo, "mia")


def test_enrolment_a_step_to_a_break_and_an_assessment_show_up_at_once(
    demo: DemoWorld,
) -> None:
    before = figures_for(demo, "mia")
    person = enrol(demo, "Kept Cache", "ana", date(2026, 3, 2))
    after_enrolment = figures_for(demo, "mia")
    assert after_enrolment.enrolled == before.enrolled + 1
    StatusChange.objects.create(
        organization=person.organization,
        participant=person,
        from_status="active",
        to_status="paused",
        effective_on=person.enrolled_on + timedelta(days=10),
        changed_by=demo.users["ana"],
    )
    Participant.objects.filter(pk=person.pk).update(status="paused")
    assert figures_for(demo, "mia") == counted_afresh(demo, "mia")
    barc(person, person.enrolled_on, 30)
    barc(person, person.enrolled_on + timedelta(days=40), 41)
    after = figures_for(demo, "mia")
    assert after.change.n == after_enrolment.change.n + 1
    assert after == counted_afresh(demo, "mia")


def test_another_organizations_writes_leave_the_kept_figures_alone(demo: DemoWorld) -> None:
    figures_for(demo, "mia")
    elsewhere = Participant.objects.exclude(organization=demo.organizations["harbor"]).first()
    assert elsewhere is not None
    contact(elsewhere, date(2026, 6, 10))
    with CaptureQueriesContext(connection) as again:
        figures_for(demo, "mia")
    assert len(again) == 2


def test_a_supervisors_figures_are_kept_until_their_emergency_access_ends(
    demo: DemoWorld,
) -> None:
    harbor = demo.organizations["harbor"]
    team = figures_for(demo, "sam")
    with CaptureQueriesContext(connection) as again:
        assert figures_for(demo, "sam") == team
    assert len(again) == 3  # the data version, the open grants and the caseload by coach
    person = enrol(demo, "Outside Team", "mia", date(2026, 3, 2))  # nobody on sam's team
    assert figures_for(demo, "sam") == team
    grant = EmergencyAccess(
        organization=harbor,
        participant=person,
        user=demo.users["sam"],
        reason="Crisis call while the coach is away",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    grant.save()
    assert figures_for(demo, "sam").enrolled == team.enrolled + 1
    with mock.patch.object(timezone, "now", return_value=grant.expires_at + timedelta(seconds=1)):
        assert figures_for(demo, "sam") == team  # ended by time alone: no write to the tables


def test_what_is_kept_holds_counts_and_no_names(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    figures = figures_for(demo, "mia")
    assert figures.caseload  # the page shows coaches by name; the kept value does not
    name = cache.key(user=demo.users["mia"], organization=harbor, filters=YEAR)
    kept = django_cache.get(name)
    assert kept is not None and kept.caseload == []
    stored = pickle.dumps(kept)
    for person in Participant.objects.filter(organization=harbor):
        assert person.preferred_name.encode() not in stored
    for username in ("ana", "ben", "mia"):
        assert demo.users[username].display_name.encode() not in stored


def test_folding_the_change_log_keeps_the_total_and_the_figures_right(
    demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    harbor = demo.organizations["harbor"]
    rows = DataChange.objects.filter(organization_id=harbor.pk)
    total = sum(rows.values_list("weight", flat=True))
    figures_for(demo, "mia")
    monkeypatch.setattr(cache, "FOLD_AFTER", 1)
    cache.version(harbor.pk)
    assert rows.count() == 1 and rows.get().weight == total
    person = Participant.objects.filter(organization=harbor).first()
    assert person is not None
    contact(person, date(2026, 6, 10))
    assert figures_for(demo, "mia") == counted_afresh(demo, "mia")


def test_renaming_a_service_shows_up_at_once(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    before = figures_for(demo, "mia")
    assert before.by_service[0]
    service = ServiceType.objects.get(organization=harbor, name=before.by_service[0][0])
    ServiceType.objects.filter(pk=service.pk).update(name="Renamed support")
    assert "Renamed support" in figures_for(demo, "mia").by_service[0]


# The same question of each database's catalogue: which tables have which change triggers.
TRIGGERS_BY_TABLE = {
    "postgresql": "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c "
    "ON c.oid = t.tgrelid WHERE t.tgname LIKE 'reports_change_%%' AND t.tgenabled <> 'D' "
    "GROUP BY c.relname",
    "sqlite": "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' "
    "AND name LIKE 'reports_change_%%' GROUP BY tbl_name",
}


def test_every_table_the_dashboard_counts_reports_its_writes(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(TRIGGERS_BY_TABLE[connection.vendor])
        found = dict(cursor.fetchall())
    assert found == dict.fromkeys([*COUNTED, *ADDED], 3)  # insert, update and delete
