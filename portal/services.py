"""Writes the participant makes about their own Cairn, each audited as their own action."""

from typing import Any

from django.db import transaction

from audit.models import Action
from audit.services import Target, record_member_action
from organizations.models import Membership
from participants.models import Participant
from portal.models import PortalPreference


def save_preferences(
    *, acting: Membership, participant: Participant, values: dict[str, Any]
) -> PortalPreference:
    with transaction.atomic():
        preference, _ = PortalPreference.objects.update_or_create(
            participant=participant, defaults=values
        )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target(type="portal.preference", id=str(participant.id)),
            participant_id=participant.id,
            changed_fields=sorted(values),
        )
    return preference
