"""Supervisor co-signature: which notes need it, the queue, co-sign, return and answer."""

from datetime import timedelta

from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from encounters.models import Encounter, ReviewState
from organizations.models import Membership
from participants.models import Participant


def _signed_note(demo: DemoWorld, client_for) -> Encounter:
    pat = Participant.objects.get(user=demo.users["pat"])
    moment = timezone.localtime() - timedelta(hours=1)
    client = client_for("ana")
    client.post(
        f"/contacts/new/{pat.id}/",
        {
            "kind": "brief",
            "contact_type": "in_person",
            "outcome": "reached",
            "day": moment.date().isoformat(),
            "start": moment.strftime("%H:%M"),
            "summary": "Walked to the library together.",
        },
    )
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    client.post(f"/contacts/{note.id}/sign/")
    note.refresh_from_db()
    return note


def test_notes_need_no_cosign_by_default(demo: DemoWorld, client_for) -> None:
    assert _signed_note(demo, client_for).review_state == ReviewState.NOT_NEEDED


def test_new_coach_notes_wait_in_the_supervisor_queue(demo: DemoWorld, client_for) -> None:
    Membership.objects.filter(user=demo.users["ana"]).update(notes_need_cosign=True)
    note = _signed_note(demo, client_for)
    assert note.review_state == ReviewState.PENDING
    queue = client_for("sam").get("/contacts/review/").content.decode()
    assert "Walked to the library together." in queue
    assert "Walked to the library" not in client_for("ben").get("/today/").content.decode()
    client_for("sam").post(f"/contacts/{note.id}/cosign/")
    note.refresh_from_db()
    assert note.review_state == ReviewState.COSIGNED
    assert note.reviewed_by == demo.users["sam"]
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, target_id=str(note.id), changed_fields=["review_state"]
    ).exists()
    assert "Nothing is waiting" in client_for("sam").get("/contacts/review/").content.decode()


def test_returned_note_shows_on_today_and_an_addendum_sends_it_back(demo, client_for) -> None:
    harbor = demo.organizations["harbor"]
    harbor.cosign_all_notes = True
    harbor.save()
    note = _signed_note(demo, client_for)
    client_for("sam").post(
        f"/contacts/{note.id}/return/", {"comment": "Clear and kind. Please add the next step."}
    )
    note.refresh_from_db()
    assert note.review_state == ReviewState.RETURNED
    today = client_for("ana").get("/today/").content.decode()
    assert "Comments from your supervisor" in today
    assert "Please add the next step." in today
    client_for("ana").post(f"/contacts/{note.id}/addendum/", {"text": "Next: call on Friday."})
    note.refresh_from_db()
    assert note.review_state == ReviewState.PENDING
    assert "Please add the next step." not in client_for("ana").get("/today/").content.decode()


def test_a_supervisor_cannot_cosign_their_own_note_or_a_note_not_waiting(demo, client_for):
    note = _signed_note(demo, client_for)
    client_for("sam").post(f"/contacts/{note.id}/cosign/")
    note.refresh_from_db()
    assert note.review_state == ReviewState.NOT_NEEDED
    assert client_for("ana").post(f"/contacts/{note.id}/cosign/").status_code == 403


def test_service_type_can_require_cosign(demo: DemoWorld, client_for) -> None:
    from encounters.models import ServiceType
    from encounters.services import ensure_service_types

    harbor = demo.organizations["harbor"]
    ensure_service_types(harbor)
    crisis = ServiceType.objects.get(organization=harbor, name="Crisis support")
    crisis.needs_cosign = True
    crisis.save()
    pat = Participant.objects.get(user=demo.users["pat"])
    moment = timezone.localtime() - timedelta(hours=1)
    client = client_for("ana")
    client.post(
        f"/contacts/new/{pat.id}/",
        {
            "kind": "full",
            "contact_type": "phone",
            "outcome": "reached",
            "day": moment.date().isoformat(),
            "start": moment.strftime("%H:%M"),
            "service_type": crisis.pk,
            "summary": "Talked through a hard night; made a plan.",
        },
    )
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    client.post(f"/contacts/{note.id}/sign/")
    note.refresh_from_db()
    assert note.review_state == ReviewState.PENDING


def test_admin_manages_the_service_list(demo: DemoWorld, client_for) -> None:
    from encounters.models import ServiceType

    client = client_for("max")
    page = client.get("/contacts/service-types/").content.decode()
    assert "Recovery coaching" in page and "Telephone recovery support" in page
    client.post("/contacts/service-types/", {"name": "Housing navigation", "needs_cosign": "on"})
    housing = ServiceType.objects.get(name="Housing navigation")
    assert housing.needs_cosign
    duplicate = client.post("/contacts/service-types/", {"name": "housing navigation"})
    assert "already on the list" in duplicate.content.decode()
    client.post("/contacts/service-types/", {"service": housing.pk, "toggle": "active"})
    housing.refresh_from_db()
    assert not housing.is_active
    other = ServiceType.objects.create(organization=demo.organizations["riverside"], name="X")
    assert (
        client.post(
            "/contacts/service-types/", {"service": other.pk, "toggle": "active"}
        ).status_code
        == 404
    )
