"""Merging two records of one person: preview first, every related row moves, nothing is lost."""

from datetime import date

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from participants.models import (
    CoachAssignment,
    Participant,
    ParticipantStatus,
    StatusChange,
    SupportPerson,
)


def _twins(demo: DemoWorld) -> tuple[Participant, Participant]:
    harbor = demo.organizations["harbor"]
    keep = Participant.objects.get(user=demo.users["pat"])
    extra = Participant.objects.create(
        organization=harbor,
        preferred_name="Patricia",
        coach=demo.users["ben"],
        legal_name="Patricia Doe",
        strengths=["Singer", "Honest"],
        enrolled_on=date(2026, 2, 1),
    )
    SupportPerson.objects.create(organization=harbor, participant=extra, name="Ray")
    StatusChange.objects.create(
        organization=harbor,
        participant=extra,
        to_status="active",
        effective_on=date(2026, 2, 1),
        reason="Enrolled",
    )
    CoachAssignment.objects.create(
        organization=harbor,
        participant=extra,
        coach=demo.users["ben"],
        role="primary",
        started_on=date(2026, 2, 1),
    )
    return extra, keep


def test_manager_sees_a_preview_before_merging(demo: DemoWorld, client_for) -> None:
    extra, keep = _twins(demo)
    client = client_for("mia")
    found = client.get(f"/participants/{extra.id}/merge/", {"q": "Pat"}).content.decode()
    assert f"?into={keep.id}" in found
    preview = client.get(f"/participants/{extra.id}/merge/", {"into": keep.id}).content.decode()
    assert "Check before merging" in preview
    assert "Support people moving to the kept record: 1" in preview
    assert "legal name" in preview
    assert not Participant.objects.get(pk=extra.pk).merged_into


def test_merge_moves_every_related_row_and_closes_the_other(demo: DemoWorld, client_for) -> None:
    extra, keep = _twins(demo)
    before = {
        "support": SupportPerson.objects.filter(participant__in=[extra, keep]).count(),
        "steps": StatusChange.objects.filter(participant__in=[extra, keep]).count(),
        "coaches": CoachAssignment.objects.filter(participant__in=[extra, keep]).count(),
    }
    response = client_for("mia").post(f"/participants/{extra.id}/merge/", {"into": keep.id})
    assert response["Location"] == f"/participants/{keep.id}/"
    assert SupportPerson.objects.filter(participant=keep).count() == before["support"]
    assert StatusChange.objects.filter(participant=keep).count() == before["steps"]
    assert CoachAssignment.objects.filter(participant=keep).count() == before["coaches"]
    for model in (SupportPerson, StatusChange, CoachAssignment):
        assert not model.objects.filter(participant=extra).exists()
    extra.refresh_from_db()
    keep.refresh_from_db()
    assert extra.merged_into == keep and extra.status == ParticipantStatus.CLOSED
    assert keep.legal_name == "Patricia Doe"
    assert keep.strengths == ["Honest", "Good cook", "Keeps going", "Singer"]
    assert keep.preferred_name == "Pat" and keep.user == demo.users["pat"]
    assert not CoachAssignment.objects.filter(
        coach=demo.users["ben"], ended_on__isnull=True, participant=keep
    ).exists()
    events = AuditEvent.objects.filter(action=Action.UPDATE, participant_id__in=[extra.id, keep.id])
    assert {tuple(e.changed_fields) for e in events} >= {("merged_into", "status")}
    assert client_for("ben").get(f"/participants/{extra.id}/").status_code == 404
    listing = client_for("mia").get("/participants/", {"q": "Patricia"}).content.decode()
    assert ">Patricia<" not in listing


def test_only_managers_merge(demo: DemoWorld, client_for) -> None:
    extra, keep = _twins(demo)
    response = client_for("sam").post(f"/participants/{extra.id}/merge/", {"into": keep.id})
    assert response.status_code == 403
    extra.refresh_from_db()
    assert extra.merged_into is None


def test_merge_into_a_record_of_another_organization_is_404(demo, client_for) -> None:
    extra, _keep = _twins(demo)
    other = Participant.objects.filter(organization=demo.organizations["riverside"]).first()
    assert other is not None
    response = client_for("mia").post(f"/participants/{extra.id}/merge/", {"into": other.id})
    assert response.status_code == 404
    assert (
        client_for("mia")
        .get(f"/participants/{extra.id}/merge/", {"into": "not-a-uuid"})
        .status_code
        == 404
    )


def test_merging_joins_the_other_records_goals_to_the_kept_plan(demo: DemoWorld) -> None:
    from organizations.models import Membership
    from participants.services import merge_participants
    from plans.models import Goal, PlanVersion, RecoveryPlan
    from plans.selectors import goals_with_activity
    from plans.services import StepValues, save_goal

    extra, keep = _twins(demo)
    ben = Membership.objects.select_related("user", "organization").get(user=demo.users["ben"])
    save_goal(
        acting=ben,
        participant=extra,
        values={"in_my_words": "Sing in the choir again"},
        steps=[StepValues(text="Ask about Thursday practice", owner="participant")],
    )
    mia = Membership.objects.select_related("user", "organization").get(user=demo.users["mia"])
    merge_participants(acting=mia, source=extra, target=keep)
    plan = RecoveryPlan.objects.get(participant=keep)
    words = [goal.in_my_words for goal, _recent in goals_with_activity(plan)]
    assert "Sing in the choir again" in words
    assert "Have a place of my own where my kids can stay over" in words
    latest = PlanVersion.objects.filter(plan=plan).first()
    assert latest is not None and latest.change.startswith("Goals joined")
    assert not Goal.objects.filter(participant=extra).exists()
