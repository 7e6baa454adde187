"""Group services: members, and a whole session documented in one transaction."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Model

from audit.models import Action
from audit.services import Target, record_member_action
from encounters.models import ContactType, Encounter
from encounters.services import local_date, sign_encounter
from groups.extensions import members_changed
from groups.models import Group, GroupMember, GroupSession
from organizations.models import Membership
from participants.models import Participant


def _audit_group(
    acting: Membership,
    action: Action,
    target: Model,
    fields: list[str],
    participant_id: uuid.UUID | None = None,
) -> None:
    record_member_action(
        acting=acting,
        action=action,
        target=Target.of(target),
        participant_id=participant_id,
        changed_fields=fields,
    )


def save_group(*, acting: Membership, group: Group | None, values: dict[str, object]) -> Group:
    with transaction.atomic():
        if group is None:
            group = Group.objects.create(organization=acting.organization, **values)
            changed = list(values)
            action = Action.CREATE
        else:
            changed = [k for k, v in values.items() if getattr(group, k) != v]
            for key, value in values.items():
                setattr(group, key, value)
            group.save()
            action = Action.UPDATE
        _audit_group(acting, action, group, changed)
    return group


def add_member(*, acting: Membership, group: Group, participant: Participant) -> bool:
    with transaction.atomic():
        _, created = GroupMember.objects.get_or_create(
            organization=acting.organization, group=group, participant=participant
        )
        if created:
            _audit_group(acting, Action.UPDATE, group, ["members"], participant.id)
            members_changed(group=group, participant=participant)
    return created


def remove_member(*, acting: Membership, group: Group, participant: Participant) -> None:
    with transaction.atomic():
        GroupMember.objects.filter(group=group, participant=participant).delete()
        _audit_group(acting, Action.UPDATE, group, ["members"], participant.id)
        members_changed(group=group, participant=participant)


@dataclass(frozen=True)
class Attendee:
    participant: Participant
    line: str  # the optional one-line individual addendum


def record_group_session(
    *,
    acting: Membership,
    group: Group,
    started_at: datetime,
    duration_minutes: int,
    topic: str,
    shared_note: str,
    attendees: list[Attendee],
    sign: bool,
) -> GroupSession:
    """One submit: the session, then one contact per attendee with the shared note and their own
    line. All or nothing: if any attendee's row fails, no session and no contact is kept."""
    if not attendees:
        raise ValueError("a group session needs at least one attendee")
    with transaction.atomic():
        session = GroupSession.objects.create(
            organization=acting.organization,
            group=group,
            facilitator=acting.user,
            started_at=started_at,
            occurred_on=local_date(started_at, acting.organization),
            duration_minutes=duration_minutes,
            topic=topic.strip(),
            shared_note=shared_note.strip(),
        )
        for attendee in attendees:
            encounter = Encounter.objects.create(
                organization=acting.organization,
                participant=attendee.participant,
                author=acting.user,
                contact_type=ContactType.GROUP,
                started_at=started_at,
                occurred_on=session.occurred_on,
                duration_minutes=duration_minutes,
                service_type=group.service_type,
                summary=f"{group.name}: {session.topic}",
                coach_actions=session.shared_note,
                participant_response=attendee.line.strip(),
                group_session=session,
                is_brief=False,
            )
            Participant.objects.filter(pk=attendee.participant.pk).exclude(
                last_contact_on__gte=session.occurred_on
            ).update(last_contact_on=session.occurred_on)
            record_member_action(
                acting=acting,
                action=Action.CREATE,
                target=Target.of(encounter),
                participant_id=attendee.participant.id,
                changed_fields=[
                    "group_session",
                    *(["participant_response"] if attendee.line else []),
                ],
            )
            if sign:
                sign_encounter(acting=acting, encounter=encounter)
        _audit_group(acting, Action.CREATE, session, ["attendance", "shared_note", "topic"])
    return session
