"""Reading threads: the coach's list (new first), one thread, the participant's home card."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import F, QuerySet
from django.db.models.enums import TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.models import AnyUser
from inbox.models import Message, Thread
from lib.prepared import prepared
from organizations.models import Organization
from participants.models import MemberScope, Participant

THREAD_LIST_LIMIT = 200


def threads_for(*, user: AnyUser, organization: Organization) -> list[Thread]:
    """Threads of the people this member may see: new messages first, then the latest."""
    return list(
        Thread.objects.visible_to(user, organization)
        .filter(last_message_at__isnull=False)
        .select_related("participant")
        .order_by(F("unread_by_staff").desc(), F("last_message_at").desc(nulls_last=True))[
            :THREAD_LIST_LIMIT
        ]
    )


def unread_threads(*, scope: MemberScope) -> "QuerySet[Thread]":
    """Threads on this member's Messages page with messages they have not opened yet."""
    return Thread.objects.visible_to_member(**scope.values()).filter(unread_by_staff__gt=0)


def thread_messages(participant: Participant, *, limit: int = 100) -> list[Message]:
    """The latest messages of a person's thread, newest first, with who sent each."""
    return list(
        Message.objects.filter(
            organization_id=participant.organization_id, thread__participant=participant
        ).select_related("sender")[:limit]
    )


def texts_with_program(participant: Participant) -> bool:
    """They have texted the program themselves: their thread holds a message that came by text."""
    return Message.objects.filter(
        organization_id=participant.organization_id,
        thread__participant=participant,
        from_participant=True,
        by_text=True,
    ).exists()


def message_by_provider_id(
    *, organization: Organization, provider_message_id: str
) -> Message | None:
    """The organization's staff message whose text the provider reports on."""
    if not provider_message_id:
        return None
    return (
        Message.objects.filter(organization=organization, provider_message_id=provider_message_id)
        .select_related("organization")
        .first()
    )


@prepared
def _latest_message(*, organization_id: int, participant_id: UUID) -> "QuerySet[Message]":
    """The portal home's read: prepared (lib.prepared)."""
    return (
        Message.objects.filter(
            organization_id=organization_id, thread__participant_id=participant_id
        )
        .select_related("sender", "thread")
        .order_by("-created_at", "pk")[:1]
    )


def home_card(participant: Participant) -> dict[str, Any]:
    """The portal home card: the latest message and how many are new (one query)."""
    found = _latest_message.fetch(
        organization_id=participant.organization_id, participant_id=participant.id
    )
    latest = found[0] if found else None
    return {
        "latest": latest,
        "unread": latest.thread.unread_by_participant if latest else 0,
    }


class TextWay(TextChoices):
    NOW = "now", _("now")
    WAITS = "waits", _("waits for their texting hours")
    NO_CONTACT = "no_contact", _("not sent: they asked not to be contacted")
    STOPPED = "stopped", _("not sent: they texted STOP")
    NOT_CHOSEN = "not_chosen", _("not sent: text is not a way they chose, or no number")


@dataclass(frozen=True)
class TextPlan:
    """Whether a "new message" text goes to the person, and when."""

    way: TextWay
    waits_until: datetime | None = None


def text_plan(participant: Participant, *, now: datetime) -> TextPlan:
    """The new-message text honours their choices: "please don't contact me", the ways they
    chose, and their texting hours (a text asked for outside them waits for the next start)."""
    if participant.wants_no_contact:
        return TextPlan(TextWay.NO_CONTACT)
    if participant.texts_stopped_at is not None:
        return TextPlan(TextWay.STOPPED)
    if not participant.may_text():
        return TextPlan(TextWay.NOT_CHOSEN)
    zone = ZoneInfo(participant.organization.time_zone)
    opens = participant.next_text_window(now, zone)
    if opens is not None:
        return TextPlan(TextWay.WAITS, opens)
    return TextPlan(TextWay.NOW)
