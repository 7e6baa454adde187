"""Texts that come back: each one stored once (a replayed webhook changes nothing), matched to a
person by the number it came from (never guessed), STOP / START / HELP honoured, and placed in
the person's message thread. Every step is audited in the same transaction."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_event, record_member_action
from inbox.services import receive_text
from lib.phones import to_e164
from lib.sms import send_text
from organizations.models import Membership, Organization, Role
from participants.languages import texts_in
from participants.models import Participant
from texting.keywords import Keyword, in_spanish, keyword_of
from texting.models import MAX_TEXT_CHARS, InboundText, Match

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingText:
    """One text as the provider delivered it."""

    provider: str
    provider_message_id: str
    sender: str
    body: str
    media_count: int = 0


@dataclass(frozen=True)
class Received:
    text: InboundText
    replayed: bool = False


def _e164(sender: str) -> str:
    try:
        return to_e164(sender)
    except ValidationError:
        return ""


def people_with_number(organization: Organization, phone: str) -> list[Participant]:
    """Everyone in the organization who gave this number (their own or another phone)."""
    if not phone:
        return []
    return list(
        Participant.objects.filter(organization=organization, merged_into__isnull=True)
        .filter(Q(phone=phone) | Q(phone_other=phone))
        .select_related("organization", "user")
    )


def kept_body(incoming: IncomingText, organization: Organization) -> tuple[str, bool]:
    """The words kept: at most `MAX_TEXT_CHARS`, with a calm note (in the staff's language) when
    the rest was left out or a picture or file came with it (never fetched)."""
    body = incoming.body.strip()
    truncated = len(body) > MAX_TEXT_CHARS
    body = body[:MAX_TEXT_CHARS]
    notes = []
    with translation.override(organization.staff_language):
        if truncated:
            notes.append(
                _("[This text was longer: its first %(count)s characters are kept.]")
                % {"count": f"{MAX_TEXT_CHARS:,}"}
            )
        if incoming.media_count > 0:
            notes.append(
                _("[A picture or file was sent by text; ask them to share it another way.]")
            )
    return "\n\n".join(part for part in [body, *notes] if part), truncated


def _set_texts_stopped(people: list[Participant], *, stopped: bool) -> list[Participant]:
    """STOP or START for everyone who gave the number: the phone asked, whoever holds it."""
    now = timezone.now()
    changed = []
    for person in people:
        updated = Participant.objects.filter(pk=person.pk, texts_stopped_at__isnull=stopped).update(
            texts_stopped_at=now if stopped else None,
            version=F("version") + 1,
            updated_at=now,
        )
        if updated:
            person.texts_stopped_at = now if stopped else None
            changed.append(person)
            record_event(
                action=Action.UPDATE,
                actor=person.user,
                organization=person.organization,
                role=Role.PARTICIPANT,
                target=Target.of(person),
                participant_id=person.id,
                changed_fields=["texts_stopped_at"],
            )
    return changed


def help_text(people: list[Participant], *, spanish: bool) -> str:
    """What these texts are and how to stop them; the program's name only when everyone who gave
    the number said it may be used. In Spanish when asked in Spanish."""
    if spanish:
        language = "es-x-tu"  # texts to people say tú, as the portal does
    elif len(people) == 1:
        language = texts_in(people[0])
    else:
        language = "en"
    named = bool(people) and all(person.organization_name_ok for person in people)
    with translation.override(language):
        if named:
            return _(
                "%(organization)s: texts you agreed to receive. Reply STOP to stop them, START "
                "to start again. For help at any time, call or text 988."
            ) % {"organization": people[0].organization.name}
        return _(
            "These are texts you agreed to receive. Reply STOP to stop them, START to start "
            "again. For help at any time, call or text 988."
        )


def _match_of(people: list[Participant]) -> str:
    if len(people) == 1:
        return Match.ONE
    return Match.SHARED if people else Match.UNKNOWN


def receive_inbound_text(*, organization: Organization, incoming: IncomingText) -> Received:
    """Store a text the provider delivered and act on it, once per provider message id."""
    found = InboundText.objects.filter(
        provider=incoming.provider, provider_message_id=incoming.provider_message_id
    ).first()
    if found is not None:
        return Received(found, replayed=True)
    phone = _e164(incoming.sender)
    people = people_with_number(organization, phone)
    keyword = keyword_of(incoming.body) if not incoming.media_count else Keyword.NONE
    body, truncated = kept_body(incoming, organization)
    match = _match_of(people)
    try:
        with transaction.atomic():
            text = InboundText.objects.create(
                organization=organization,
                provider=incoming.provider,
                provider_message_id=incoming.provider_message_id[:64],
                from_phone=phone or incoming.sender[:32],
                body=body,
                keyword=keyword,
                media_count=min(incoming.media_count, 100),
                truncated=truncated,
                match=match,
                participant=people[0] if match == Match.ONE else None,
            )
            _act_on(text, people, keyword)
    except IntegrityError:
        # The same text delivered twice at once: the first one stored it and acted on it.
        return Received(
            InboundText.objects.get(
                provider=incoming.provider, provider_message_id=incoming.provider_message_id
            ),
            replayed=True,
        )
    if keyword == Keyword.HELP:
        reply = help_text(people, spanish=in_spanish(incoming.body))
        to = phone or incoming.sender
        slug = organization.slug
        transaction.on_commit(lambda: _send_reply(to, reply, slug))
    return Received(text)


def _act_on(text: InboundText, people: list[Participant], keyword: str) -> None:
    changed = ["body"]
    turned = keyword in (Keyword.STOP, Keyword.START) and _set_texts_stopped(
        people, stopped=keyword == Keyword.STOP
    )
    if turned:
        changed.append("texts_stopped_at")
    if text.match == Match.ONE:
        message = receive_text(participant=people[0], body=text.body)
        text.message_id, text.body, text.settled_at = message.id, "", timezone.now()
    elif keyword:
        text.settled_at = timezone.now()  # a keyword needs nobody to choose a person
    text.save(update_fields=["message_id", "body", "settled_at"])
    person = people[0] if text.match == Match.ONE else None
    record_event(
        action=Action.CREATE,
        actor=person.user if person else None,
        organization=text.organization,
        role=Role.PARTICIPANT if person else "",
        target=Target.of(text),
        participant_id=person.id if person else None,
        changed_fields=[*changed, *(["keyword"] if keyword else [])],
    )


def _send_reply(to: str, body: str, organization: str) -> None:
    try:
        send_text(to=to, body=body, organization=organization)
    except Exception as error:  # noqa: BLE001 - logged by type: the webhook still answers
        logger.warning("HELP reply not sent: %s", type(error).__name__)


def place_text(*, acting: Membership, text: InboundText, participant: Participant) -> None:
    """Staff chose whose text it is (a shared number): it lands in that person's messages."""
    with transaction.atomic():
        current = InboundText.objects.select_for_update().get(pk=text.pk)
        if current.settled_at is not None:
            return  # someone else placed it first
        message = receive_text(participant=participant, body=current.body)
        InboundText.objects.filter(pk=current.pk).update(
            match=Match.CHOSEN,
            participant=participant,
            message_id=message.id,
            body="",
            settled_at=timezone.now(),
            settled_by=acting.user,
        )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(current),
            participant_id=participant.id,
            changed_fields=["participant"],
        )


def set_text_aside(*, acting: Membership, text: InboundText) -> None:
    """A text nobody's messages should hold (a wrong number): off the list, its words removed."""
    with transaction.atomic():
        updated = InboundText.objects.filter(pk=text.pk, settled_at__isnull=True).update(
            body="", settled_at=timezone.now(), settled_by=acting.user
        )
        if updated:
            record_member_action(
                acting=acting,
                action=Action.UPDATE,
                target=Target.of(text),
                changed_fields=["settled_at", "body"],
            )


def refuse_unsigned(*, organization: Organization | None, path_name: str) -> None:
    """A webhook without a valid signature: audited and logged, never its content."""
    logger.warning("unsigned or forged SMS webhook refused at %s", path_name)
    record_event(
        action=Action.PERMISSION_DENIED,
        actor=None,
        organization=organization,
        target=Target(type="url", id=path_name[:64]),
    )
