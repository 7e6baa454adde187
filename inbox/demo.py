"""Demo messages and open-notes data for Pat: a short conversation with Ana, one withheld note."""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from encounters.models import Encounter, NoteState, WithheldReason
from inbox.models import Message, Thread
from organizations.models import Organization
from participants.demo import new_uuid
from participants.models import Participant

# (days before the anchor, hour, from Pat?, words); the last one is new for Pat.
CONVERSATION = [
    (6, 10, True, "Hi Ana, the housing office called me back. They want a copy of my ID."),
    (6, 15, False, "That's great news. Bring your ID on Thursday and we can copy it together."),
    (2, 19, True, "Thursday works. Thanks for sticking with me on this."),
    (1, 9, False, "See you Thursday at 11. Proud of the steps you are taking."),
]


def seed(organizations: Sequence[Organization], *, rng: random.Random, anchor: date) -> int:
    """Pat's messages and one note kept back with a reason; returns the messages created."""
    pat = (
        Participant.objects.filter(organization__in=organizations, user__username="pat")
        .select_related("coach", "user", "organization")
        .first()
    )
    if pat is None or pat.coach is None or pat.user is None:
        return 0
    zone = ZoneInfo(pat.organization.time_zone)
    thread = Thread.objects.create(id=new_uuid(rng), organization=pat.organization, participant=pat)
    created: list[tuple[Message, datetime]] = []
    for days, hour, from_pat, words in CONVERSATION:
        moment = datetime.combine(anchor - timedelta(days=days), time(hour), tzinfo=zone)
        message = Message(
            id=new_uuid(rng),
            organization=pat.organization,
            thread=thread,
            sender=pat.user if from_pat else pat.coach,
            from_participant=from_pat,
            body=words,
            read_at=None if (days, hour) == CONVERSATION[-1][:2] else moment + timedelta(hours=1),
        )
        created.append((message, moment))
    Message.objects.bulk_create([m for m, _ in created])
    for message, moment in created:  # auto_now_add stamped "now"; the story needs its days
        Message.objects.filter(pk=message.pk).update(created_at=moment)
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=created[-1][1], unread_by_participant=1
    )
    _withhold_one_note(pat)
    return len(created)


def _withhold_one_note(pat: Participant) -> None:
    """The second-newest signed note mentions someone else, so it is kept back with a reason."""
    signed = Encounter.objects.filter(
        organization_id=pat.organization_id, participant=pat, state=NoteState.SIGNED
    ).order_by("-started_at", "id")
    note = signed[1:2].first()
    if note is not None:
        Encounter.objects.filter(pk=note.pk).update(
            withheld_reason=WithheldReason.ANOTHER_PERSON,
            withheld_at=note.signed_at or note.started_at,
            withheld_by_id=note.author_id,
        )
