"""The one way to write an audit event. Every write service calls it inside its own transaction."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.chain import GENESIS_HASH, event_hash
from audit.models import GLOBAL_CHAIN, Action, AuditChainHead, AuditEvent
from lib.request_context import current_request_info
from organizations.models import Membership, Organization


@dataclass(frozen=True)
class Target:
    type: str
    id: str

    @classmethod
    def of(cls, obj: Model) -> "Target":
        public_id = getattr(obj, "public_id", None) or obj.pk
        return cls(type=obj._meta.label_lower, id=str(public_id))


def locked_head(chain: int) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=chain, last_seq=0, last_hash=GENESIS_HASH)
    except IntegrityError:
        pass  # another writer created it first; fine, lock theirs
    return AuditChainHead.objects.select_for_update().get(chain=chain)


def record_event(
    *,
    action: Action,
    actor: User | None,
    organization: Organization | None,
    role: str = "",
    target: Target | None = None,
    participant_id: uuid.UUID | None = None,
    changed_fields: Iterable[str] = (),
) -> AuditEvent:
    """Append one event to its organization's chain; the head row lock keeps the chain unforked."""
    info = current_request_info()
    chain = organization.pk if organization is not None else GLOBAL_CHAIN
    with transaction.atomic():
        head = locked_head(chain)
        event = AuditEvent(
            chain=chain,
            seq=head.last_seq + 1,
            organization=organization,
            actor=actor if actor is not None and actor.pk else None,
            actor_username=actor.get_username() if actor is not None and actor.pk else "",
            role=role,
            action=action,
            target_type=target.type if target else "",
            target_id=target.id if target else "",
            participant_id=participant_id,
            changed_fields=sorted(set(changed_fields)),
            request_id=info.request_id if info else "",
            ip=info.ip if info else None,
            created_at=timezone.now(),
            prev_hash=head.last_hash or GENESIS_HASH,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def record_page_view(
    *, request: HttpRequest, target: Target, participant_id: uuid.UUID | None = None
) -> AuditEvent:
    """One audit event for one page that shows participant data, acted as the signed-in member."""
    membership = getattr(request, "membership", None)
    return record_event(
        action=Action.VIEW,
        actor=request.user if request.user.is_authenticated else None,
        organization=getattr(request, "organization", None),
        role=membership.role if membership else "",
        target=target,
        participant_id=participant_id,
    )


def record_member_action(
    *,
    acting: Membership,
    action: Action,
    target: Target,
    participant_id: uuid.UUID | None = None,
    changed_fields: Iterable[str] = (),
) -> AuditEvent:
    """The usual case: a member acting in their current organization, in their role."""
    return record_event(
        action=action,
        actor=acting.user,
        organization=acting.organization,
        role=acting.role,
        target=target,
        participant_id=participant_id,
        changed_fields=changed_fields,
    )
