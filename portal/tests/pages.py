"""Every portal page a participant reads, as (label, path) for Pat on the demo: one list for the
readability, Spanish and browser tests, so a page added to the portal is checked by all three."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from consent.models import Consent, ConsentStatus
from participants.models import Participant

# Pages anyone can open before signing in.
ENTRY_PAGES = [
    ("sign in", "/accounts/login/"),
    ("set up your sign-in", "/me/start/"),
    ("forgot your password", "/me/reset/"),
]


def pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def waiting_consent(me: Participant) -> Consent:
    """A consent Pat's coach sent to Pat to read and sign in the portal (the sign page's form)."""
    found = next((c for c in me.consents.all() if c.is_waiting), None)
    if found is not None:
        return found
    assert me.coach is not None
    return Consent.objects.create(
        organization=me.organization,
        participant=me,
        disclosing_party=me.organization.name,
        categories=["attendance", "contact"],
        recipient="Harbor Housing Office",
        purpose="housing",
        expires_on=timezone.localdate() + timedelta(days=90),
        signature_method="portal",
        signature_requested_at=timezone.now(),
        created_by=me.coach,
    )


def portal_pages() -> list[tuple[str, str]]:
    """Pat's own portal pages, in the order of the menu."""
    from encounters.open_notes import shared_notes

    me = pat()
    goal = me.goals.order_by("created_at").first()
    note = shared_notes(me).order_by("-started_at").first()
    consent = next((c for c in me.consents.all() if c.status() == ConsentStatus.ACTIVE), None)
    if consent is None:  # the demo's consents for Pat may all have ended; the page needs one
        assert me.coach is not None
        consent = Consent.objects.create(
            organization=me.organization,
            participant=me,
            disclosing_party=me.organization.name,
            categories=["attendance"],
            recipient="Harbor Health Clinic",
            purpose="care",
            signed_on=me.enrolled_on,
            signature_method="typed",
            signature=me.preferred_name,
            created_by=me.coach,
        )
    to_sign = waiting_consent(me)
    assert goal is not None and note is not None, "the demo gives Pat a goal and a shared note"
    pages: list[tuple[str, str, dict[str, Any]]] = [
        ("home", "portal:home", {}),
        ("check-in", "portal:check_in", {}),
        ("I'd like a call", "portal:call", {}),
        ("an overdose", "portal:overdose_report", {}),
        ("my plan", "portal:my_plan", {}),
        ("a goal", "portal:goal", {"goal_id": goal.id}),
        ("new milestone", "portal:milestone_new", {}),
        ("safety plan", "portal:safety_plan", {}),
        ("safety plan edit", "portal:safety_plan_edit", {}),
        ("safety card", "portal:safety_card", {}),
        ("my notes", "portal:notes", {}),
        ("a note", "portal:note", {"encounter_id": note.id}),
        ("note comment", "portal:note_comment", {"encounter_id": note.id}),
        ("note correction", "portal:note_correction", {"encounter_id": note.id}),
        ("messages", "portal:messages", {}),
        ("my resources", "portal:resources", {}),
        ("my referrals", "portal:referrals", {}),
        ("my record", "portal:record", {}),
        ("access report", "portal:access", {}),
        ("stop a consent", "portal:consent_revoke", {"consent_id": consent.id}),
        ("sign a consent", "portal:consent_sign", {"consent_id": to_sign.id}),
        ("settings", "portal:settings", {}),
        ("my appointments", "portal_appointments:list", {}),
        ("my reminders", "portal_appointments:reminders", {}),
        ("groups and meetings", "portal_appointments:meetings", {}),
    ]
    return [(label, reverse(name, kwargs=kwargs)) for label, name, kwargs in pages]
