"""Writes to participant records: each one transaction, each with its audit event."""

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership, Role
from participants.extensions import run_merge_steps
from participants.models import (
    CoachAssignment,
    CoachRole,
    ContactChannel,
    EmergencyAccess,
    Participant,
    ParticipantStatus,
    StatusChange,
    SupportPerson,
)


class StaleEdit(Exception):
    """Someone saved the record after this edit began; nothing was written."""

    def __init__(self, current: Any) -> None:
        super().__init__("participant changed since the form was opened")
        self.current = current


def _audit(
    acting: Membership, action: Action, target: Any, participant: Participant, fields: list[str]
) -> None:
    record_member_action(
        acting=acting,
        action=action,
        target=Target.of(target),
        participant_id=participant.id,
        changed_fields=fields,
    )


NO_CONTACT = "no_contact"  # the audit's name for setting or lifting "please don't contact me"


def _contact_choice(
    acting: Membership, current: Participant | None, values: dict[str, Any]
) -> dict[str, Any]:
    """The columns that follow "please don't contact me" being set or lifted: since when and
    whose word, and no outreach planned while it stands. Empty when nothing turns."""
    wants_none = ContactChannel.NONE in (values.get("contact_channels") or [])
    had_none = current is not None and current.no_contact_since is not None
    if wants_none and not had_none:
        return {
            "no_contact_since": timezone.now(),
            "no_contact_recorded_by": acting.user,
            "next_contact_on": None,
        }
    if had_none and not wants_none:
        return {"no_contact_since": None, "no_contact_recorded_by": None}
    return {}


def enrol_participant(
    *,
    acting: Membership,
    values: dict[str, Any],
    coach: User,
    status: str = ParticipantStatus.ACTIVE,
) -> Participant:
    """Create the record with its first status step and coach assignment."""
    today = timezone.localdate()
    with transaction.atomic():
        participant = Participant.objects.create(
            organization=acting.organization,
            coach=coach,
            enrolled_on=today,
            status=status,
            status_since=today,
            **{**values, **_contact_choice(acting, None, values)},
        )
        StatusChange.objects.create(
            organization=acting.organization,
            participant=participant,
            from_status="",
            to_status=status,
            effective_on=today,
            reason="Referred" if status == ParticipantStatus.REFERRED else "Enrolled",
            changed_by=acting.user,
        )
        CoachAssignment.objects.create(
            organization=acting.organization,
            participant=participant,
            coach=coach,
            role=CoachRole.PRIMARY,
            started_on=today,
            assigned_by=acting.user,
        )
        answered = [name for name, value in values.items() if value not in ("", None, [], False)]
        if participant.no_contact_since is not None:
            answered.append(NO_CONTACT)
        _audit(acting, Action.CREATE, participant, participant, [*answered, "coach"])
    return participant


def update_participant(
    *, acting: Membership, participant: Participant, values: dict[str, Any], expected_version: int
) -> list[str]:
    """Save changed fields only if no one else saved since `expected_version` was read."""
    with transaction.atomic():
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        if current.version != expected_version:
            raise StaleEdit(current=current)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return []
        turned = _contact_choice(acting, current, values)
        Participant.objects.filter(pk=current.pk).update(
            **{name: values[name] for name in changed},
            **turned,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if turned:
            # Setting or lifting it is its own recorded choice in the audit trail.
            changed = [*changed, NO_CONTACT]
            if turned.get("no_contact_since") and current.next_contact_on:
                changed.append("next_contact_on")
        _audit(acting, Action.UPDATE, current, current, changed)
    participant.refresh_from_db()
    return changed


def set_texting_hours(
    *,
    acting: Membership,
    participant: Participant,
    texts_from: time | None,
    texts_until: time | None,
) -> bool:
    """The hours a text may arrive (both, or neither for any time), as the person chose them in
    their portal or with their coach; returns whether anything changed."""
    if (texts_from is None) != (texts_until is None):
        raise ValueError("texting hours are both times or neither")
    with transaction.atomic():
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        if (current.texts_from, current.texts_until) == (texts_from, texts_until):
            return False
        Participant.objects.filter(pk=current.pk).update(
            texts_from=texts_from,
            texts_until=texts_until,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        _audit(acting, Action.UPDATE, current, current, ["texts_from", "texts_until"])
    participant.refresh_from_db()
    return True


def change_status(
    *, acting: Membership, participant: Participant, status: str, effective_on: date, reason: str
) -> StatusChange:
    """A new step in the story; earlier steps stay, so re-enrolment keeps history."""
    with transaction.atomic():
        step = StatusChange.objects.create(
            organization=acting.organization,
            participant=participant,
            from_status=participant.status,
            to_status=status,
            effective_on=effective_on,
            reason=reason.strip(),
            changed_by=acting.user,
        )
        Participant.objects.filter(pk=participant.pk).update(
            status=status,
            status_since=effective_on,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        _audit(acting, Action.UPDATE, participant, participant, ["status", "status_since"])
    participant.refresh_from_db()
    return step


def transfer_participant(
    *,
    acting: Membership,
    participant: Participant,
    coach: User,
    secondary: User | None,
    handover_note: str,
    expected_version: int,
) -> list[str]:
    """Hand the participant to another coach; whoever is no longer assigned loses access."""
    today = timezone.localdate()
    changed: list[str] = []
    with transaction.atomic():
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        if current.version != expected_version:
            raise StaleEdit(current=current)
        for role, old, new in (
            (CoachRole.PRIMARY, current.coach, coach),
            (CoachRole.SECONDARY, current.secondary_coach, secondary),
        ):
            if old == new:
                continue
            changed.append("coach" if role == CoachRole.PRIMARY else "secondary_coach")
            CoachAssignment.objects.filter(
                participant=participant, role=role, ended_on__isnull=True
            ).update(ended_on=today)
            if new is not None:
                CoachAssignment.objects.create(
                    organization=acting.organization,
                    participant=participant,
                    coach=new,
                    role=role,
                    started_on=today,
                    assigned_by=acting.user,
                    handover_note=handover_note.strip() if role == CoachRole.PRIMARY else "",
                )
        if not changed:
            return []
        Participant.objects.filter(pk=participant.pk).update(
            coach=coach,
            secondary_coach=secondary,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        _audit(acting, Action.UPDATE, participant, participant, changed)
    participant.refresh_from_db()
    return changed


@dataclass(frozen=True)
class SupportPersonValues:
    name: str
    relationship: str
    phone: str
    may_contact: bool
    contact_purpose: str


def save_support_person(
    *,
    acting: Membership,
    participant: Participant,
    person: SupportPerson | None,
    values: SupportPersonValues,
    expected_version: int | None = None,
) -> SupportPerson:
    with transaction.atomic():
        if person is not None:
            current = SupportPerson.objects.select_for_update().get(pk=person.pk)
            if current.version != expected_version:
                raise StaleEdit(current=current)
            person = current
        if person is None:
            person = SupportPerson.objects.create(
                organization=acting.organization, participant=participant, **values.__dict__
            )
            changed = [k for k, v in values.__dict__.items() if v not in ("", False)]
            action = Action.CREATE
        else:
            changed = [k for k, v in values.__dict__.items() if getattr(person, k) != v]
            for key, value in values.__dict__.items():
                setattr(person, key, value)
            person.version += 1
            person.save()
            action = Action.UPDATE
        _audit(acting, action, person, participant, changed)
    return person


def remove_support_person(*, acting: Membership, person: SupportPerson) -> None:
    with transaction.atomic():
        participant = person.participant
        _audit(acting, Action.DELETE, person, participant, ["support_person"])
        person.delete()


LIST_FIELDS = ("strengths", "interests", "values", "pathways", "contact_channels", "declined")
FILLABLE_FIELDS = (
    "legal_name", "pronouns", "date_of_birth", "age_range", "preferred_language",
    "interpreter_language", "gender_identity", "race_ethnicity", "sexual_orientation",
    "veteran_status",
    "referral_source", "referral_detail", "phone", "phone_other", "email", "safe_times",
    "contact_note", "helps_feel_safe", "please_avoid", "support_style", "pathway_other",
    "substances_of_concern", "secondary_coach", "user", "last_contact_on", "next_contact_on",
)  # fmt: skip


def merge_preview(*, source: Participant, target: Participant) -> dict[str, Any]:
    """What `merge_participants` would do: kept values, filled gaps, rows that move."""
    filled = {
        name: getattr(source, name)
        for name in FILLABLE_FIELDS
        if getattr(target, name) in ("", None) and getattr(source, name) not in ("", None)
    }
    combined = {
        name: [
            *getattr(target, name),
            *[v for v in getattr(source, name) if v not in getattr(target, name)],
        ]
        for name in LIST_FIELDS
    }
    moving = {
        str(rel.related_model._meta.verbose_name_plural): rel.related_model._default_manager.filter(
            **{rel.field.name: source}
        ).count()
        for rel in _participant_relations()
    }
    return {"filled": filled, "combined": combined, "moving": moving}


def _participant_relations() -> list[Any]:
    """Every table that points at a participant (later apps' tables included), but the merge
    link itself: merging moves all of them, so no row is left behind on the old record."""
    return [
        rel
        for rel in Participant._meta.related_objects
        if rel.one_to_many and rel.related_model is not Participant
    ]


def _single_relations() -> list[Any]:
    return [
        rel
        for rel in Participant._meta.related_objects
        if rel.one_to_one and rel.related_model is not Participant
    ]


def merge_participants(
    *, acting: Membership, source: Participant, target: Participant
) -> list[str]:
    """Fold `source` into `target`: related rows move, gaps are filled, lists are joined, and the
    source stays as a closed record pointing at the target (its audit history is kept)."""
    if source.pk == target.pk or source.organization_id != target.organization_id:
        raise ValueError("merge needs two different records of one organization")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Participant.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
        }
        source, target = locked[source.pk], locked[target.pk]
        preview = merge_preview(source=source, target=target)
        CoachAssignment.objects.filter(participant=source, ended_on__isnull=True).update(
            ended_on=timezone.localdate()
        )
        for rel in _participant_relations():
            rel.related_model._default_manager.filter(**{rel.field.name: source}).update(
                **{rel.field.name: target}
            )
        # One-per-person rows (a recovery plan, portal choices) move when the kept record has
        # none; otherwise the kept record's row stays and the goals are filed under it below.
        for rel in _single_relations():
            manager = rel.related_model._default_manager
            if not manager.filter(**{rel.field.name: target}).exists():
                manager.filter(**{rel.field.name: source}).update(**{rel.field.name: target})
        run_merge_steps(acting=acting, participant=target)
        changes: dict[str, Any] = dict(preview["filled"])
        changes.update({k: v for k, v in preview["combined"].items() if v != getattr(target, k)})
        if "user" in changes:
            Participant.objects.filter(pk=source.pk).update(user=None)
        Participant.objects.filter(pk=target.pk).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )
        Participant.objects.filter(pk=source.pk).update(
            merged_into=target,
            status=ParticipantStatus.CLOSED,
            status_since=timezone.localdate(),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        _audit(acting, Action.UPDATE, target, target, [*changes, "merged_from"])
        _audit(acting, Action.UPDATE, source, source, ["merged_into", "status"])
    return list(changes)


EMERGENCY_MINUTES = 60


def open_in_emergency(
    *, acting: Membership, participant: Participant, reason: str, minutes: int = EMERGENCY_MINUTES
) -> EmergencyAccess:
    """Break the glass: time-limited access with a stated reason, flagged and queued for review."""
    with transaction.atomic():
        grant = EmergencyAccess.objects.create(
            organization=acting.organization,
            participant=participant,
            user=acting.user,
            reason=reason.strip(),
            expires_at=timezone.now() + timedelta(minutes=minutes),
        )
        record_member_action(
            acting=acting,
            action=Action.BREAK_GLASS,
            target=Target.of(grant),
            participant_id=participant.id,
            changed_fields=["reason"],
        )
    return grant


def review_emergency_access(*, acting: Membership, grant: EmergencyAccess, note: str) -> None:
    with transaction.atomic():
        EmergencyAccess.objects.filter(pk=grant.pk).update(
            reviewed_by=acting.user, reviewed_at=timezone.now(), review_note=note.strip()[:300]
        )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(grant),
            participant_id=grant.participant_id,
            changed_fields=["reviewed"],
        )


def flag_emergency_use(*, acting: Membership, participant: Participant, path: str) -> None:
    """Every page opened under emergency access is flagged in the audit trail."""
    if acting.user_id in (participant.coach_id, participant.secondary_coach_id):
        return
    if acting.role not in Role.care_team():
        return
    active = EmergencyAccess.objects.filter(
        organization=acting.organization,
        participant=participant,
        user_id=acting.user_id,
        expires_at__gt=timezone.now(),
    ).exists()
    if active:
        record_member_action(
            acting=acting,
            action=Action.BREAK_GLASS,
            target=Target(type="url", id=path[:64]),
            participant_id=participant.id,
            changed_fields=["viewed"],
        )
