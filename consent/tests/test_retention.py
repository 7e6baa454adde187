"""Retention: closed records past the period are purged with everything they hold, unless held."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from assessments.models import Assessment
from audit.models import Action, AuditEvent
from consent.models import LegalHold, RetentionPolicy
from consent.retention import expired_records, purge_expired
from encounters.models import Encounter
from organizations.models import Membership
from participants.models import Participant
from plans.models import Goal
from safety.models import SafetyPlanVersion

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


def _close(participant: Participant, on: date) -> None:
    Participant.objects.filter(pk=participant.pk).update(status="closed", status_since=on)


def _pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def test_an_expired_record_is_purged_with_all_it_holds(demo) -> None:
    pat = _pat()
    encounter_ids = list(Encounter.objects.filter(participant=pat).values_list("id", flat=True))
    assert encounter_ids and Goal.objects.filter(participant=pat).exists()
    assert SafetyPlanVersion.objects.filter(plan__participant=pat).exists()
    assert Assessment.objects.filter(participant=pat).exists()
    _close(pat, TODAY - timedelta(days=365 * 8))
    purged = purge_expired(demo.organizations["harbor"], today=TODAY)
    assert [p.participant_id for p in purged] == [str(pat.id)]
    assert not Participant.objects.filter(pk=pat.pk).exists()
    assert not Encounter.objects.filter(id__in=encounter_ids).exists()
    assert not Goal.objects.filter(participant_id=pat.id).exists()
    assert not Assessment.objects.filter(participant_id=pat.id).exists()
    assert not SafetyPlanVersion.objects.filter(plan__participant_id=pat.id).exists()
    event = AuditEvent.objects.get(action=Action.DELETE, participant_id=pat.id)
    assert "encounters.Encounter:" in " ".join(event.changed_fields)
    assert "Pat" not in str(event.changed_fields)  # what went, never what it said
    pat_user = demo.users["pat"]
    pat_user.refresh_from_db()
    assert not pat_user.is_active
    assert not Membership.objects.filter(user=pat_user, is_active=True).exists()


def test_recently_closed_and_open_records_are_kept(demo) -> None:
    pat = _pat()
    _close(pat, TODAY - timedelta(days=365 * 6))
    assert purge_expired(demo.organizations["harbor"], today=TODAY) == []
    RetentionPolicy.objects.create(organization=demo.organizations["harbor"], keep_closed_years=5)
    assert [p.participant_id for p in purge_expired(demo.organizations["harbor"], today=TODAY)] == [
        str(pat.id)
    ]


def test_a_legal_hold_stops_the_purge_until_released(demo, client_for) -> None:
    pat = _pat()
    _close(pat, TODAY - timedelta(days=365 * 9))
    mia = client_for("mia")
    page = mia.post(f"/consent/participant/{pat.id}/hold/", {"reason": ""}).content.decode()
    assert "This field is required" in page
    mia.post(f"/consent/participant/{pat.id}/hold/", {"reason": "Court order 26-114"})
    assert purge_expired(demo.organizations["harbor"], today=TODAY) == []
    assert Participant.objects.filter(pk=pat.pk).exists()
    listing = mia.get(f"/consent/participant/{pat.id}/").content.decode()
    assert "A legal hold is in place: Court order 26-114" in listing
    mia.post(f"/consent/participant/{pat.id}/hold/", {"action": "release"})
    assert LegalHold.objects.get().released_at is not None
    assert AuditEvent.objects.filter(target_type="consent.legalhold").count() >= 2
    assert len(purge_expired(demo.organizations["harbor"], today=TODAY)) == 1


def test_a_merged_duplicate_goes_with_the_record_it_was_merged_into(demo) -> None:
    pat = _pat()
    duplicate = Participant.objects.create(
        organization=pat.organization,
        preferred_name="Patty",
        enrolled_on=date(2018, 1, 1),
        merged_into=pat,
        status="closed",
        status_since=date(2018, 2, 1),
    )
    _close(pat, TODAY - timedelta(days=365 * 8))
    assert list(expired_records(pat.organization, TODAY)) == [pat]
    purge_expired(pat.organization, today=TODAY)
    assert not Participant.objects.filter(pk__in=[pat.pk, duplicate.pk]).exists()


def test_saved_safety_plan_versions_still_refuse_deletion_outside_the_purge(demo) -> None:
    """A trigger on each database (safety 0002-0003 on PostgreSQL, 0004 on SQLite)."""
    version = SafetyPlanVersion.objects.filter(plan__participant=_pat()).first()
    assert version is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        SafetyPlanVersion.objects.filter(pk=version.pk).delete()


def test_admin_sets_the_period_and_sees_what_is_due(demo, client_for) -> None:
    _close(_pat(), timezone.localdate() - timedelta(days=365 * 4))
    max_client = client_for("max")
    page = max_client.get("/consent/retention/").content.decode()
    assert "Past the period now</dt><dd>0" in page
    max_client.post("/consent/retention/", {"keep_closed_years": "3", "version": "0"})
    page = max_client.get("/consent/retention/").content.decode()
    assert "Past the period now</dt><dd>1" in page
    stale = max_client.post("/consent/retention/", {"keep_closed_years": "10", "version": "0"})
    assert "Someone changed this setting meanwhile: it is now 3 years" in stale.content.decode()
    bad = max_client.post("/consent/retention/", {"keep_closed_years": "0", "version": "1"})
    assert "greater than or equal to 1" in bad.content.decode()


def test_the_command_counts_in_a_dry_run_and_purges_otherwise(demo) -> None:
    pat = _pat()
    _close(pat, timezone.localdate() - timedelta(days=365 * 8))
    out = StringIO()
    call_command("purge_expired_records", "--dry-run", "--org", "harbor", stdout=out)
    assert "harbor: 1 records ended before" in out.getvalue()
    assert Participant.objects.filter(pk=pat.pk).exists()
    out = StringIO()
    call_command("purge_expired_records", "--org", "harbor", stdout=out)
    assert "harbor: purged 1 records" in out.getvalue()
    assert not Participant.objects.filter(pk=pat.pk).exists()
