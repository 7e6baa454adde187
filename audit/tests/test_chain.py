"""The audit trail: append-only, chained per organization, verifiable, and unforked."""

import threading
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from audit.models import Action, AuditEvent
from audit.selectors import verify_chain
from audit.services import Target, record_event
from cairn.demo import DemoWorld


def _mixed_actions(demo: DemoWorld, client_for) -> None:
    ana = client_for("ana")
    for participant in demo.users["ana"].caseload.all()[:3]:
        ana.get(f"/participants/{participant.id}/")
    pat = demo.users["ana"].caseload.get(preferred_name="Pat")
    client_for("rio").get(f"/participants/{pat.id}/")
    max_client = client_for("max")
    max_client.post("/organization/teams/", {"name": "Evening outreach"})
    max_client.post(
        "/organization/people/invite/",
        {"username": "lee", "preferred_name": "Lee", "email": "", "role": "coach", "team": ""},
    )


def test_chain_verifies_after_mixed_actions(demo: DemoWorld, client_for) -> None:
    _mixed_actions(demo, client_for)
    harbor = demo.organizations["harbor"]
    report = verify_chain(harbor.pk)
    assert report.ok
    assert report.events_checked == AuditEvent.objects.filter(chain=harbor.pk).count() >= 6
    actions = set(AuditEvent.objects.filter(chain=harbor.pk).values_list("action", flat=True))
    assert {Action.VIEW, Action.CREATE} <= actions


def test_verify_audit_command_reports_intact_chains(demo: DemoWorld, client_for, capsys) -> None:
    _mixed_actions(demo, client_for)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "ok      harbor" in out
    assert "ok      riverside" in out


def test_each_event_links_to_the_one_before(demo: DemoWorld, client_for) -> None:
    _mixed_actions(demo, client_for)
    events = list(AuditEvent.objects.filter(chain=demo.organizations["harbor"].pk))
    for before, after in pairwise(events):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1


def _tamper(sql: str, params: list[int]) -> None:
    """Change a row behind the application's back, as an attacker with database access would
    (someone who can also switch off or drop the refusing trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
            return
        triggers = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'audit_auditevent'"
        ).fetchall()
        assert triggers, "SQLite keeps audit events append-only by triggers"
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(sql, params)
        for _name, create in triggers:
            cursor.execute(create)


def test_tampered_row_is_detected_at_that_row(demo: DemoWorld, client_for) -> None:
    _mixed_actions(demo, client_for)
    harbor = demo.organizations["harbor"]
    victim = AuditEvent.objects.filter(chain=harbor.pk).order_by("seq")[3]
    _tamper(
        "UPDATE audit_auditevent SET target_type = target_type || '-x' WHERE id = %s", [victim.pk]
    )
    report = verify_chain(harbor.pk)
    assert not report.ok
    assert report.first_broken_id == victim.pk
    assert "changed" in report.problem
    with pytest.raises(CommandError):
        call_command("verify_audit", "--org", "harbor")


def test_removed_row_is_detected(demo: DemoWorld, client_for) -> None:
    _mixed_actions(demo, client_for)
    harbor = demo.organizations["harbor"]
    victim = AuditEvent.objects.filter(chain=harbor.pk).order_by("seq")[2]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    report = verify_chain(harbor.pk)
    assert report.first_broken_seq == victim.seq + 1
    assert "missing" in report.problem


def test_the_database_refuses_update_and_delete(demo: DemoWorld) -> None:
    """A trigger on each database (PostgreSQL: audit 0002; SQLite: audit 0004)."""
    event = record_event(
        action=Action.VIEW, actor=demo.users["mia"], organization=demo.organizations["harbor"]
    )
    for statement in (
        "UPDATE audit_auditevent SET action = 'delete' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.action == Action.VIEW


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    from cairn.demo import build_demo

    world = build_demo(participants=3, seed=11)
    harbor = world.organizations["harbor"]
    before = AuditEvent.objects.filter(chain=harbor.pk).count()
    threads_count, per_thread = 8, 25
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                record_event(
                    action=Action.VIEW,
                    actor=world.users["mia"],
                    organization=harbor,
                    target=Target(type="test", id=f"{index}-{n}"),
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    events = AuditEvent.objects.filter(chain=harbor.pk)
    assert events.count() == before + threads_count * per_thread
    seqs = list(events.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify_chain(harbor.pk).ok


def test_events_without_organization_form_their_own_chain(db) -> None:
    first = record_event(action=Action.SIGN_IN_FAILED, actor=None, organization=None)
    second = record_event(action=Action.SIGN_IN_FAILED, actor=None, organization=None)
    assert (first.chain, second.chain) == (0, 0)
    assert second.prev_hash == first.hash
    assert verify_chain(0).ok
