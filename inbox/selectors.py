"""Reading threads: the coach's list (new first), one thread, the participant's home card."""

from typing import Any

from django.db.models import F

from inbox.models import Message, Thread
from organizations.models import Organization
from participants.models import Participant

THREAD_LIST_LIMIT = 200


def threads_for(*, user: Any, organization: Organization) -> list[Thread]:
    """Threads of the people this member may see: new messages first, then the latest."""
    return list(
        Thread.objects.visible_to(user, organization)
        .filter(last_message_at__isnull=False)
        .select_related("participant")
        .order_by(F("unread_by_staff").desc(), F("last_message_at").desc(nulls_last=True))[
            :THREAD_LIST_LIMIT
        ]
    )


def thread_messages(participant: Participant, *, limit: int = 100) -> list[Message]:
    """The latest messages of a person's thread, newest first, with who sent each."""
    return list(
        Message.objects.filter(
            organization_id=participant.organization_id, thread__participant=participant
        ).select_related("sender")[:limit]
    )


def home_card(participant: Participant) -> dict[str, Any]:
    """The portal home card: the latest message and how many are new (one query)."""
    latest = (
        Message.objects.filter(
            organization_id=participant.organization_id, thread__participant=participant
        )
        .select_related("sender", "thread")
        .first()
    )
    return {
        "latest": latest,
        "unread": latest.thread.unread_by_participant if latest else 0,
    }
