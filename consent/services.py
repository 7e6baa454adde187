"""Consents, revocations and the one way identifiable data leaves the organization."""

import base64
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import NewEvent, Target, record_events, record_member_action
from consent.models import (
    MATCH_COLUMNS,
    Category,
    Channel,
    Consent,
    ConsentAnswer,
    ConsentScan,
    Disclosure,
    LegalBasis,
    SignatureMethod,
    categories_covered,
)
from consent.record import assessment_rows, plan_sections
from encounters.models import Encounter, NoteState
from lib.blind_index import keyed_hash
from organizations.models import Membership, Organization
from participants.models import Participant


class DisclosureRefused(Exception):
    """No active consent covers this disclosure, and no legal basis without consent was given.
    `categories` are what was to be shared, for a refusal that names them."""

    def __init__(self, message: str, categories: list[str] | None = None) -> None:
        super().__init__(message)
        self.categories = list(categories or [])


class ConsentNotWaiting(Exception):
    """The consent was already signed or answered, withdrawn, or its end date has passed."""


@dataclass(frozen=True)
class ScanFile:
    content: bytes
    content_type: str
    filename: str


def record_consent(
    *,
    acting: Membership,
    participant: Participant,
    values: dict[str, Any],
    scan: ScanFile | None = None,
) -> Consent:
    values = dict(values)
    if values.get("signature_method") == SignatureMethod.PORTAL:
        # Prepared here, signed by the participant in their own Cairn: not in force until then.
        values.update(signed_on=None, signature="", signature_drawing="")
        values["signature_requested_at"] = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.create(
            organization=acting.organization,
            participant=participant,
            created_by=acting.user,
            **values,
        )
        if scan is not None:
            ConsentScan.objects.create(
                consent=consent,
                content=base64.b64encode(scan.content).decode(),
                content_type=scan.content_type,
                filename=scan.filename[-120:],
                size=len(scan.content),
                sha256=hashlib.sha256(scan.content).hexdigest(),
                uploaded_by=acting.user,
            )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(consent),
            participant_id=participant.id,
            changed_fields=list(values),
        )
    return consent


def answer_consent(
    *,
    acting: Membership,
    consent: Consent,
    answer: str,
    signature: str = "",
    drawing: str = "",
) -> Consent:
    """The participant signs a consent sent to them (in force from today), or says not now / no.
    Only once: a consent already answered, withdrawn or past its end date is refused."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if not locked.is_waiting or (locked.expires_on and locked.expires_on < today):
            raise ConsentNotWaiting
        locked.answer = answer
        locked.answered_at = timezone.now()
        changed = ["answer"]
        if answer == ConsentAnswer.SIGNED:
            locked.signed_on = today
            locked.signature = signature.strip()[:200]
            locked.signature_drawing = drawing
            locked.signature_method = SignatureMethod.DRAWN if drawing else SignatureMethod.TYPED
            # The page they signed on explains the right to stop it and its limits.
            locked.revocation_explained = True
            changed += ["signed_on", "signature", "signature_method"]
        locked.save(
            update_fields=[
                "answer",
                "answered_at",
                "signed_on",
                "signature",
                "signature_drawing",
                "signature_method",
                "revocation_explained",
            ]
        )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(locked),
            participant_id=locked.participant_id,
            changed_fields=changed,
        )
    return locked


def revoke_consent(*, acting: Membership, consent: Consent, note: str) -> None:
    """Effective at once for future disclosures; what was already disclosed stays accounted."""
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=acting.user, revocation_note=note.strip()[:300]
        )
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(consent),
            participant_id=consent.participant_id,
            changed_fields=["revoked"],
        )


def matching_consent(
    *, participant: Participant, recipient: str, purpose: str, categories: list[str]
) -> Consent | None:
    rows = Consent.objects.active().filter(
        participant=participant, recipient_hash=keyed_hash(recipient)
    )
    for consent in rows:
        if consent.matches(recipient=recipient, purpose=purpose, categories=categories):
            return consent
    return None


class ConsentsByPerson(Mapping[Any, Consent]):
    """Participant id -> the consent that covers them, as `consents_covering` found them. An
    organization's thousands of matching rows stay plain values; a `Consent` is made only for a
    person asked for (a page's hundred), with its other columns deferred as a query's would be."""

    def __init__(self, rows: dict[Any, tuple[Any, ...]]) -> None:
        self._rows = rows
        self._made: dict[Any, Consent] = {}

    def __getitem__(self, participant_id: Any) -> Consent:
        if participant_id not in self._made:
            self._made[participant_id] = Consent.from_db(
                None, _MATCH_IN_ORDER, self._rows[participant_id]
            )
        return self._made[participant_id]

    def __contains__(self, participant_id: object) -> bool:
        return participant_id in self._rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


# MATCH_COLUMNS in the model's order, as Model.from_db reads the values of a partial row.
_MATCH_IN_ORDER = [f.attname for f in Consent._meta.concrete_fields if f.attname in MATCH_COLUMNS]


def consents_covering(
    *, organization: Organization, recipient: str, purpose: str, categories: list[str]
) -> ConsentsByPerson:
    """Each participant of the organization whose active consent covers sharing `categories`
    with `recipient` for `purpose`, with that consent: the people a list or an export to an
    outside system may hold. Recipient and purpose are encrypted; their keyed hashes find the
    consents in SQL, and nothing of them is decrypted (`MATCH_COLUMNS`)."""
    rows = (
        Consent.objects.active()
        .filter(organization=organization, recipient_hash=keyed_hash(recipient))
        .filter(Q(treatment_payment_operations=True) | Q(purpose_hash=keyed_hash(purpose)))
        .order_by("id")
        .values_list(*_MATCH_IN_ORDER)
    )
    found: dict[Any, tuple[Any, ...]] = {}
    person, kinds = _MATCH_IN_ORDER.index("participant_id"), _MATCH_IN_ORDER.index("categories")
    for row in rows:
        # What Consent.covers decides, on the row: the SQL above matched recipient and purpose.
        if row[person] not in found and categories_covered(row[kinds], categories):
            found[row[person]] = row
    return ConsentsByPerson(found)


@dataclass(frozen=True)
class DisclosedDocument:
    disclosure: Disclosure
    html: str
    # API reads of several people at once: every entry written or counted, in order.
    disclosures: tuple[Disclosure, ...] = ()


def disclose(
    *,
    acting: Membership,
    participant: Participant | Sequence[Participant],
    recipient: str,
    purpose: str,
    categories: list[str],
    legal_basis: str = LegalBasis.CONSENT,
    basis_reason: str = "",
    document: bool = True,
    consents: Mapping[Any, Consent] | None = None,
) -> DisclosedDocument:
    """Every export or share outside the organization goes through here: it checks consent (or
    records the legal basis), writes the accounting entry, and attaches the redisclosure notice.

    `document=False` is another system reading through its API token: no document is written
    (the answer carries the notice) and `participant` may be several people (a list page). The
    accounting keeps one entry per day for each participant, recipient, consent and kind of
    information, counting its reads; each read is its own audit event. `consents` maps
    participant ids to consents already matched in this request (`consents_covering`), to spare
    a lookup per person. Without a consent for everyone, nothing is written."""
    people = [participant] if isinstance(participant, Participant) else list(participant)
    if document and len(people) != 1:
        raise ValueError("A disclosed document is about one participant.")
    chosen: dict[Any, Consent | None] = {}
    for person in people:
        consent = None
        if legal_basis == LegalBasis.CONSENT:
            consent = (consents or {}).get(person.id)
            if consent is None or not (
                consent.participant_id == person.id
                and consent.matches(recipient=recipient, purpose=purpose, categories=categories)
            ):
                consent = matching_consent(
                    participant=person,
                    recipient=recipient,
                    purpose=purpose,
                    categories=categories,
                )
            if consent is None:
                raise DisclosureRefused(
                    "No active consent from this participant covers sharing this information "
                    "with this recipient for this purpose.",
                    categories,
                )
        elif not basis_reason.strip():
            raise DisclosureRefused("A disclosure without consent needs the reason written down.")
        chosen[person.id] = consent
    if not document:
        written = _account_reads(
            acting=acting,
            people=people,
            consents=chosen,
            recipient=recipient,
            purpose=purpose,
            categories=categories,
            legal_basis=legal_basis,
            basis_reason=basis_reason,
        )
        # An empty page discloses nothing: an unsaved entry stands for it.
        return DisclosedDocument(written[0] if written else Disclosure(), "", tuple(written))
    person = people[0]
    consent = chosen[person.id]
    with transaction.atomic():
        html = _document_html(
            participant=person,
            recipient=recipient,
            purpose=purpose,
            categories=categories,
            consent=consent,
            legal_basis=legal_basis,
            basis_reason=basis_reason,
            disclosed_by=acting.user,
            organization=acting.organization,
            at=timezone.now(),
        )
        disclosure = _entry(
            acting=acting,
            person=person,
            consent=consent,
            legal_basis=legal_basis,
            basis_reason=basis_reason,
            recipient=recipient,
            purpose=purpose,
            categories=categories,
            document_sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(),
        )
        disclosure.save()
        record_member_action(
            acting=acting,
            action=Action.EXPORT,
            target=Target.of(disclosure),
            participant_id=person.id,
            changed_fields=categories,
        )
    return DisclosedDocument(disclosure, html, (disclosure,))


def _entry(
    *,
    acting: Membership,
    person: Participant,
    consent: Consent | None,
    legal_basis: str,
    basis_reason: str,
    recipient: str,
    purpose: str,
    categories: list[str],
    **kept: Any,
) -> Disclosure:
    """One accounting entry, unsaved: what each disclosure writes down, however it went."""
    return Disclosure(
        organization=acting.organization,
        participant=person,
        consent=consent,
        legal_basis=legal_basis,
        basis_reason=basis_reason.strip()[:300],
        recipient=recipient.strip(),
        purpose=purpose.strip(),
        categories=categories,
        disclosed_by=acting.user,
        **kept,
    )


def _account_reads(
    *,
    acting: Membership,
    people: list[Participant],
    consents: Mapping[Any, Consent | None],
    recipient: str,
    purpose: str,
    categories: list[str],
    legal_basis: str,
    basis_reason: str,
) -> list[Disclosure]:
    """The day's accounting entries for API reads of `people`, made or counted once more, and
    one audit event per read, in one transaction and a fixed number of queries whatever the
    number of people. The day is the organization's local day."""
    if not people:
        return []
    now = timezone.now()
    day_start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    wanted = sorted(set(categories))
    with transaction.atomic():
        today: dict[tuple[Any, Any], Disclosure] = {}
        for row in (
            Disclosure.objects.select_for_update()
            # What the count needs: whose entry, under which consent, for what (nothing decrypted).
            .only("id", "organization", "participant", "consent", "categories", "disclosed_at")
            .filter(
                organization=acting.organization,
                participant__in=[p.id for p in people],
                disclosed_by=acting.user,
                channel=Channel.API,
                disclosed_at__gte=day_start,
            )
            .order_by("disclosed_at")
        ):
            if sorted(row.categories) == wanted:
                today.setdefault((row.participant_id, row.consent_id), row)
        written: list[Disclosure] = []
        counted: list[Any] = []
        made: list[Disclosure] = []
        for person in people:
            consent = consents.get(person.id)
            slot = (person.id, consent.id if consent else None)
            earlier = today.get(slot)
            if earlier is not None:
                counted.append(earlier.pk)
                written.append(earlier)
                continue
            entry = _entry(
                acting=acting,
                person=person,
                consent=consent,
                legal_basis=legal_basis,
                basis_reason=basis_reason,
                recipient=recipient,
                purpose=purpose,
                categories=wanted,
                disclosed_at=now,
                document_sha256="",
                channel=Channel.API,
                last_read_at=now,
            )
            today[slot] = entry
            made.append(entry)
            written.append(entry)
        if counted:
            Disclosure.objects.filter(pk__in=counted).update(reads=F("reads") + 1, last_read_at=now)
        if made:
            Disclosure.objects.bulk_create(made)
        record_events(
            organization=acting.organization,
            events=[
                NewEvent(
                    action=Action.EXPORT,
                    actor_id=acting.user_id,
                    actor_username=acting.user.username,
                    role=acting.role,
                    target_type=Target.of(entry).type,
                    target_id=str(entry.pk),
                    participant_id=entry.participant_id,
                    changed_fields=wanted,
                )
                for entry in written
            ],
        )
    return written


def _document_html(
    *,
    participant: Participant,
    recipient: str,
    purpose: str,
    categories: list[str],
    consent: Consent | None,
    legal_basis: str,
    basis_reason: str,
    disclosed_by: User,
    organization: Organization,
    at: datetime,
) -> str:
    return render_to_string(
        "consent/disclosed_document.html",
        {
            "participant": participant,
            "recipient": recipient,
            "purpose": purpose,
            "sections": _sections(participant, categories),
            "consent": consent,
            "legal_basis": LegalBasis(legal_basis).label,
            "basis_reason": basis_reason,
            "disclosed_by": disclosed_by,
            "organization": organization,
            "now": at,
        },
    )


def disclosed_document_again(
    *, acting: Membership, disclosure: Disclosure
) -> DisclosedDocument | None:
    """The document of a disclosure this member just made, for the same form sent a second time
    (the first answer may never have reached them): written again from what was recorded and
    given only if it is the very document disclosed, by its fingerprint. Nothing new is
    disclosed, so the accounting keeps its one entry; the second copy is audited as a view."""
    html = _document_html(
        participant=disclosure.participant,
        recipient=disclosure.recipient,
        purpose=disclosure.purpose,
        categories=list(disclosure.categories),
        consent=disclosure.consent,
        legal_basis=disclosure.legal_basis,
        basis_reason=disclosure.basis_reason,
        disclosed_by=acting.user,
        organization=acting.organization,
        at=disclosure.disclosed_at,
    )
    if hashlib.sha256(html.encode("utf-8")).hexdigest() != disclosure.document_sha256:
        return None
    record_member_action(
        acting=acting,
        action=Action.VIEW,
        target=Target.of(disclosure),
        participant_id=disclosure.participant_id,
        changed_fields=["document"],
    )
    return DisclosedDocument(disclosure, html)


def disclosed_sections(
    participant: Participant, categories: list[str]
) -> list[tuple[str, list[str]]]:
    """What a disclosure of `categories` shares, section by section (title, lines): the same
    text the disclosed document holds, for a share that shows it on a page of its own."""
    return _sections(participant, categories)


def _sections(participant: Participant, categories: list[str]) -> list[tuple[str, list[str]]]:
    wanted = set(categories)
    every = Category.ALL in wanted
    sections: list[tuple[str, list[str]]] = []
    if every or Category.CONTACT in wanted:
        lines = [f"Name: {participant.preferred_name}"]
        if participant.pronouns:
            lines.append(f"Pronouns: {participant.pronouns}")
        if participant.phone:
            lines.append(f"Phone: {participant.phone}")
        if participant.email:
            lines.append(f"Email: {participant.email}")
        sections.append((str(Category.CONTACT.label), lines))
    signed = Encounter.objects.filter(
        organization_id=participant.organization_id, participant=participant, state=NoteState.SIGNED
    )
    if every or Category.ATTENDANCE in wanted:
        sections.append(
            (
                str(Category.ATTENDANCE.label),
                [
                    f"{e.occurred_on:%d %b %Y}: {e.get_contact_type_display()}"
                    + (f", {e.duration_minutes} min" if e.duration_minutes else "")
                    for e in signed.order_by("occurred_on")
                ]
                or ["No contacts recorded."],
            )
        )
    if every or Category.NOTES in wanted:
        sections.append(
            (
                str(Category.NOTES.label),
                [
                    f"{e.occurred_on:%d %b %Y} ({e.get_contact_type_display()}): "
                    + " ".join(part for part in (e.summary, e.coach_actions, e.next_steps) if part)
                    for e in signed.order_by("occurred_on")
                ]
                or ["No signed notes."],
            )
        )
    if every or Category.PLANS in wanted:
        goals = plan_sections(participant)["recovery_plan"]["goals"]
        sections.append(
            (
                str(Category.PLANS.label),
                [
                    f"{g['in_your_words']} ({g['status']})"
                    + "".join(f"; step: {s['step']}" for s in g["steps"])
                    for g in goals
                ]
                or ["No recovery plan recorded."],
            )
        )
    if every or Category.ASSESSMENTS in wanted:
        sections.append(
            (
                str(Category.ASSESSMENTS.label),
                [
                    f"{a['date']}: {a['instrument']}"
                    + (f", total {a['total']}" if a["total"] is not None else ", incomplete")
                    for a in assessment_rows(participant)
                ]
                or ["No assessments recorded."],
            )
        )
    return sections
