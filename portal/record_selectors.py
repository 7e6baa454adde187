"""Reads for the participant's notes and 'my record and privacy' pages, in plain words."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import Action, AuditEvent
from audit.selectors import access_report
from consent.models import Consent, Disclosure
from encounters.models import NoteFeedback
from encounters.open_notes import shared_notes, withheld_notes
from organizations.models import Role
from participants.models import Participant, SupportPerson
from plans.models import Goal
from safety.models import SafetyPlan

ROLE_WORDS: dict[str, Any] = {
    Role.COACH: _("peer coach"),
    Role.SUPERVISOR: _("supervisor"),
    Role.MANAGER: _("program manager"),
    Role.ADMIN: _("administrator"),
    Role.PARTICIPANT: _("you"),
}
ACTION_WORDS: dict[str, Any] = {
    Action.VIEW: _("looked at"),
    Action.CREATE: _("added to"),
    Action.UPDATE: _("changed"),
    Action.DELETE: _("removed from"),
    Action.EXPORT: _("made a copy of"),
    Action.BREAK_GLASS: _("opened in an emergency"),
}
# What part of the record an event touched, by the audit target's type.
PART_WORDS: dict[str, Any] = {
    "participants.participant": _("your record"),
    "participants.supportperson": _("your support people"),
    "encounters.encounter": _("a contact note"),
    "encounters.timeline": _("your list of contacts"),
    "encounters.notefeedback": _("your comment on a note"),
    "encounters.checkinschedule": _("your check-in times"),
    "safety.plan": _("your safety plan"),
    "consent.consent": _("a consent"),
    "consent.list": _("your consents"),
    "consent.disclosure": _("what was shared"),
    "consent.participant_record": _("your whole record"),
    "audit.access_report": _("this list of who looked"),
    "inbox.thread": _("your messages"),
    "inbox.message": _("your messages"),
}


@dataclass(frozen=True)
class AccessLine:
    when: datetime
    who: str
    role: str
    what: str


def _part(event: AuditEvent) -> Any:
    if event.target_type in PART_WORDS:
        return PART_WORDS[event.target_type]
    app = event.target_type.split(".", 1)[0]
    return {"plans": _("your recovery plan"), "safety": _("your safety plan")}.get(
        app, _("your record")
    )


def access_events(participant: Participant, *, reader: Any) -> QuerySet[AuditEvent]:
    """Who else viewed or changed the record: the same report staff print, minus the person's
    own visits (they know those, and each visit to this page would add one)."""
    ids = [participant.id, *participant.merged_from.values_list("id", flat=True)]
    return access_report(ids, participant.organization).exclude(actor=reader)


def access_lines(events: list[AuditEvent]) -> list[AccessLine]:
    lines = []
    for event in events:
        name = event.actor.display_name if event.actor else _("Cairn itself")
        lines.append(
            AccessLine(
                when=event.created_at,
                who=str(name),
                role=str(ROLE_WORDS.get(event.role, event.role or "")),
                what=f"{ACTION_WORDS.get(event.action, event.get_action_display())} {_part(event)}",
            )
        )
    return lines


def record_summary(participant: Participant) -> dict[str, Any]:
    """What Cairn holds, counted, for the plain-language list on the record page."""
    return {
        "notes": shared_notes(participant).count(),
        "withheld": withheld_notes(participant).count(),
        "support_people": SupportPerson.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ).count(),
        "has_safety_plan": SafetyPlan.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ).exists(),
        "has_plan": Goal.objects.filter(participant=participant, removed_at__isnull=True).exists(),
    }


def my_feedback(participant: Participant, encounter_id: Any) -> list[NoteFeedback]:
    return list(
        NoteFeedback.objects.filter(
            organization_id=participant.organization_id,
            participant=participant,
            encounter_id=encounter_id,
        ).select_related("answered_by")
    )


def my_consents(participant: Participant) -> list[Consent]:
    return list(
        Consent.objects.filter(organization_id=participant.organization_id, participant=participant)
    )


def my_disclosures(participant: Participant) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(
        organization_id=participant.organization_id, participant=participant
    )
