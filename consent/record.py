"""A participant's complete record, for the person themselves (their right to a copy)."""

from typing import Any

from consent.models import Consent, Disclosure
from encounters.models import CheckInSchedule, Encounter, NoteState
from participants.models import CoachAssignment, Participant, StatusChange, SupportPerson

PARTICIPANT_FIELDS = (
    "preferred_name", "legal_name", "pronouns", "date_of_birth", "age_range",
    "preferred_language", "gender_identity", "race_ethnicity", "sexual_orientation",
    "veteran_status", "referral_source", "referral_detail", "contact_channels", "phone",
    "phone_other", "email", "safe_times", "voicemail_ok", "organization_name_ok", "contact_note",
    "helps_feel_safe", "please_avoid", "support_style", "strengths", "interests", "values",
    "pathways", "pathway_other", "substances_of_concern", "declined", "status", "status_since",
    "enrolled_on", "last_contact_on", "next_contact_on",
)  # fmt: skip


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def full_record(participant: Participant, *, shared_only: bool = False) -> dict[str, Any]:
    """Everything held about the person. `shared_only` (the portal download) leaves out drafts and
    notes withheld with a reason, as the portal's open notes do."""
    scope = {"organization_id": participant.organization_id, "participant": participant}
    contacts = Encounter.objects.filter(**scope)
    if shared_only:
        contacts = contacts.filter(state=NoteState.SIGNED, withheld_at__isnull=True)
    contacts = (
        contacts.select_related("author", "service_type")
        .prefetch_related("addenda")
        .order_by("started_at")
    )
    return {
        "organization": participant.organization.name,
        "about_you": {name: _plain(getattr(participant, name)) for name in PARTICIPANT_FIELDS},
        "coaches": [
            {
                "coach": a.coach.display_name,
                "role": a.role,
                "from": _plain(a.started_on),
                "until": _plain(a.ended_on),
                "handover_note": a.handover_note,
            }
            for a in CoachAssignment.objects.filter(**scope).select_related("coach")
        ],
        "status_history": [
            {"status": s.to_status, "from": _plain(s.effective_on), "reason": s.reason}
            for s in StatusChange.objects.filter(**scope).order_by("effective_on")
        ],
        "support_people": [
            {
                "name": p.name,
                "relationship": p.relationship,
                "phone": p.phone,
                "may_contact": p.may_contact,
                "for_what": p.contact_purpose,
            }
            for p in SupportPerson.objects.filter(**scope)
        ],
        "contacts": [
            {
                "when": _plain(e.started_at),
                "type": e.contact_type,
                "outcome": e.outcome,
                "minutes": e.duration_minutes,
                "service": str(e.service_type or ""),
                "summary": e.summary,
                "topics": e.topics,
                "what_the_coach_did": e.coach_actions,
                "your_response": e.participant_response,
                "in_your_words": e.own_words,
                "next_steps": e.next_steps,
                "written_by": e.author.display_name,
                "signed": e.is_signed,
                "addenda": [
                    {"when": _plain(a.created_at), "text": a.text} for a in e.addenda.all()
                ],
            }
            for e in contacts
        ],
        "check_in_schedules": [
            {
                "every_weeks": s.every_weeks,
                "weekday": s.get_weekday_display(),
                "from": _plain(s.window_start),
                "until": _plain(s.window_end),
                "paused": s.paused,
                "ended_on": _plain(s.ended_on),
            }
            for s in CheckInSchedule.objects.filter(**scope)
        ],
        "consents": [
            {
                "recipient": c.recipient,
                "purpose": c.purpose,
                "information": c.categories,
                "signed_on": _plain(c.signed_on),
                "expires_on": _plain(c.expires_on),
                "status": c.status(),
            }
            for c in Consent.objects.filter(**scope)
        ],
        "disclosures": [
            {
                "when": _plain(d.disclosed_at),
                "to": d.recipient,
                "purpose": d.purpose,
                "information": d.categories,
                "basis": d.legal_basis,
            }
            for d in Disclosure.objects.filter(**scope)
        ],
    }


def readable_rows(about: dict[str, Any]) -> list[tuple[str, str]]:
    """'About you' as label and text, for the readable copy."""
    labels = {f.name: str(f.verbose_name) for f in Participant._meta.fields}
    rows = []
    for name, value in about.items():
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        rows.append((labels.get(name, name.replace("_", " ")).capitalize(), text))
    return rows
