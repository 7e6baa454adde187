"""A participant's complete record, for the person themselves (their right to a copy)."""

from typing import Any

from django.utils.translation import gettext as _

from assessments.engine import registry
from assessments.models import Assessment
from consent.models import Consent, Disclosure
from encounters.models import CheckInSchedule, Encounter, NoteState
from participants.languages import language_name
from participants.models import (
    CoachAssignment,
    ContactChannel,
    Participant,
    Pathway,
    StatusChange,
    SupportPerson,
)
from plans.models import Goal, Milestone, RecoveryPlan, Strength
from safety.content import PARTS
from safety.selectors import current_plan

LANGUAGE_FIELDS = ("preferred_language", "interpreter_language")  # stored as codes, shown by name
PARTICIPANT_FIELDS = (
    "preferred_name", "legal_name", "pronouns", "date_of_birth", "age_range",
    "preferred_language", "needs_interpreter", "interpreter_language", "gender_identity",
    "race_ethnicity", "sexual_orientation",
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
        "about_you": {
            name: language_name(value) if name in LANGUAGE_FIELDS and value else _plain(value)
            for name in PARTICIPANT_FIELDS
            for value in [getattr(participant, name)]
        },
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
        **plan_sections(participant),
        "assessments": assessment_rows(participant),
        "safety_plan": safety_plan_parts(participant),
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


def plan_sections(participant: Participant) -> dict[str, Any]:
    plan = RecoveryPlan.objects.filter(participant=participant).first()
    goals = Goal.objects.filter(participant=participant, removed_at__isnull=True).prefetch_related(
        "steps"
    )
    return {
        "recovery_plan": {
            "version": plan.version if plan else 0,
            "agreed_on": _plain(plan.agreed_on) if plan else None,
            "goals": [
                {
                    "in_your_words": g.in_my_words,
                    "life_areas": g.domain_labels,
                    "why_it_matters": g.why_it_matters,
                    "supports": g.supports,
                    "coach_summary": g.coach_summary,
                    "status": g.get_status_display(),
                    "steps": [
                        {
                            "step": s.text,
                            "who": s.get_owner_display(),
                            "aiming_for": _plain(s.target_on),
                            "done_on": _plain(s.done_on),
                        }
                        for s in g.steps.all()
                    ],
                }
                for g in goals
            ],
        },
        "milestones": [
            {"what": m.title, "when": _plain(m.happened_on), "kind": m.get_kind_display()}
            for m in Milestone.objects.filter(participant=participant)
        ],
        "strengths": [
            {"what": s.text, "kind": s.get_kind_display(), "noted_on": _plain(s.noted_on)}
            for s in Strength.objects.filter(participant=participant)
        ],
    }


def assessment_rows(participant: Participant) -> list[dict[str, Any]]:
    instruments = registry()
    rows = []
    for a in (
        Assessment.objects.filter(participant=participant)
        .prefetch_related("responses")
        .order_by("administered_on")
    ):
        known = instruments.get(a.instrument)
        rows.append(
            {
                "instrument": known.titles.get("en", a.instrument) if known else a.instrument,
                "date": _plain(a.administered_on),
                "total": a.total,
                "complete": a.is_complete,
                # SUPRT keeps dates, months, ticked lists and words in `text`.
                "answers": {
                    r.item_key: r.value if r.value is not None or not r.text else r.text
                    for r in a.responses.all()
                },
            }
        )
    return rows


def safety_plan_parts(participant: Participant) -> list[dict[str, Any]]:
    content = current_plan(participant).content
    return [
        {"part": str(part.title), "entries": content.lines(part.key)}
        for part in PARTS
        if content.get(part.key)
    ]


def readable_rows(about: dict[str, Any]) -> list[tuple[str, str]]:
    """'About you' as label and text, for the readable copy."""
    labels = {f.name: str(f.verbose_name) for f in Participant._meta.fields}
    labels["status"] = _("status")
    # Stored codes shown as their words, in the reader's language; the data copy keeps the codes.
    words = {f.name: dict(f.choices) for f in Participant._meta.fields if f.choices}
    words.update(
        {"contact_channels": dict(ContactChannel.choices), "pathways": dict(Pathway.choices)}
    )
    rows = []
    for name, value in about.items():
        if value in (None, "", []):
            continue
        known = labels if name == "declined" else words.get(name, {})
        if isinstance(value, bool):
            text = _("yes") if value else _("no")
        elif isinstance(value, list):
            text = ", ".join(str(known.get(v, v)) for v in value)
        else:
            text = str(known.get(value, value))
        rows.append((labels.get(name, name.replace("_", " ")).capitalize(), text))
    return rows
