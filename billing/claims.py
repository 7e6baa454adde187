"""Claims out: a batch gathers one payer's ready lines; each person's lines leave only through
`consent.services.disclose` (a person without a consent for payment is held, never sent), and
the batch is written as an 837P claim file and a CSV for billing vendors."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import Target, record_member_action
from billing import x12
from billing.models import (
    Authorization,
    BatchState,
    BillableLine,
    ClaimBatch,
    Coverage,
    LineState,
    Payer,
    PayerKind,
    ProviderNumber,
    Reason,
)
from consent.models import Category
from consent.services import disclose, matching_consent
from lib.spreadsheet import CSV_TYPE, write_csv
from organizations.models import Membership, Organization, Role
from participants.models import Participant

# A claim to a payer shares who the person is and when they were seen, and nothing more.
CLAIM_CATEGORIES = [Category.CONTACT.value, Category.ATTENDANCE.value]
PAYMENT = "payment"
CLAIM_FILING = {
    PayerKind.MEDICAID: "MC",
    PayerKind.MANAGED_CARE: "MC",
    PayerKind.GRANT: "11",
    PayerKind.OTHER: "ZZ",
}
CSV_HEADER = [
    "batch",
    "claim",
    "line_control",
    "member_id",
    "last_name",
    "first_name",
    "date_of_birth",
    "service_date",
    "procedure_code",
    "modifiers",
    "units",
    "amount",
    "place_of_service",
    "diagnosis_codes",
    "prior_authorization",
    "rendering_npi",
    "supervising_npi",
]


class ClaimSetupMissing(Exception):
    """The payer lacks what every claim file needs (addresses, ids); nothing was built."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


class BatchNotOpen(Exception):
    """Only a batch not sent yet can be cancelled or marked as sent."""


def batches_for(membership: Membership) -> QuerySet[ClaimBatch]:
    """The batches a member may open: the organization's, and only for its managers."""
    if membership.role != Role.MANAGER:
        return ClaimBatch.objects.none()
    return ClaimBatch.objects.of(membership.organization).select_related("payer", "created_by")


def setup_missing(payer: Payer) -> list[str]:
    """What the payer's record lacks for an 837P, in the form's own words."""
    needed = [
        "submitter_id",
        "payer_id",
        "billing_npi",
        "billing_tax_id",
        "billing_address",
        "billing_city",
        "billing_state",
        "billing_zip",
        "billing_contact_name",
        "billing_contact_phone",
    ]
    fields = {field.name: field for field in Payer._meta.concrete_fields}
    return [str(fields[name].verbose_name) for name in needed if not getattr(payer, name)]


def ready_lines(
    *,
    organization: Organization,
    payer: Payer,
    service_from: date | None,
    service_until: date | None,
) -> QuerySet[BillableLine]:
    lines = BillableLine.objects.filter(
        organization=organization, payer=payer, state=LineState.READY, batch__isnull=True
    )
    if service_from:
        lines = lines.filter(service_date__gte=service_from)
    if service_until:
        lines = lines.filter(service_date__lte=service_until)
    return lines


def voids_to_send(*, organization: Organization, payer: Payer) -> QuerySet[BillableLine]:
    """Voided lines of claims the payer was sent, not replaced and not voided to it yet."""
    return BillableLine.objects.filter(
        organization=organization,
        payer=payer,
        state=LineState.VOID,
        batch__state__in=(BatchState.SENT, BatchState.CLOSED),
        void_batch__isnull=True,
        replaced_by__isnull=True,
    )


def with_rows(lines: list[BillableLine]) -> list[BillableLine]:
    """Each person, coverage and authorization loaded once for all their lines: their encrypted
    fields are decrypted once a row, not once a line (10,000 lines, 500 people)."""
    people = Participant.objects.in_bulk({line.participant_id for line in lines})
    coverages = Coverage.objects.in_bulk({line.coverage_id for line in lines if line.coverage_id})
    authorizations = Authorization.objects.in_bulk(
        {line.authorization_id for line in lines if line.authorization_id}
    )
    for line in lines:
        line.participant = people[line.participant_id]
        line.coverage = coverages.get(line.coverage_id) if line.coverage_id else None
        line.authorization = (
            authorizations.get(line.authorization_id) if line.authorization_id else None
        )
    return lines


def diagnosis_codes(line: BillableLine, payer: Payer) -> list[str]:
    """The codes a claim for this line carries: the authorization's, else the payer's code for
    claims without one (when it allows that); empty means the line cannot be claimed."""
    codes = line.authorization.diagnosis_codes.split() if line.authorization else []
    if codes:
        return codes
    if payer.needs_diagnosis_codes or not payer.diagnosis_code_when_none:
        return []
    return [payer.diagnosis_code_when_none]


@dataclass(frozen=True)
class HeldPerson:
    participant_id: Any
    name: str
    reason: str
    lines: int


@dataclass(frozen=True)
class Sorting:
    """Ready lines sorted into those that may go and those held, person by person."""

    going: list[BillableLine]
    held: dict[str, list[BillableLine]]  # reason -> lines
    held_people: list[HeldPerson]
    # Voided lines the payer was sent, going again as voids of their claims.
    voids: list[BillableLine] = field(default_factory=list)

    @property
    def people(self) -> int:
        return len({line.participant_id for line in self.going})

    @property
    def units(self) -> int:
        return sum(line.units for line in self.going)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.going), Decimal("0.00"))


def _sort(lines: list[BillableLine], payer: Payer) -> Sorting:
    by_person: dict[Any, list[BillableLine]] = defaultdict(list)
    for line in lines:
        by_person[line.participant_id].append(line)
    going: list[BillableLine] = []
    held: dict[str, list[BillableLine]] = defaultdict(list)
    people: list[HeldPerson] = []
    for person_lines in by_person.values():
        person = person_lines[0].participant
        without_codes = [line for line in person_lines if not diagnosis_codes(line, payer)]
        rest = [line for line in person_lines if diagnosis_codes(line, payer)]
        if without_codes:
            held[Reason.NO_DIAGNOSIS] += without_codes
            people.append(
                HeldPerson(
                    person.id, person.preferred_name, Reason.NO_DIAGNOSIS, len(without_codes)
                )
            )
        if not rest:
            continue
        consent = matching_consent(
            participant=person, recipient=payer.name, purpose=PAYMENT, categories=CLAIM_CATEGORIES
        )
        if consent is None:
            held[Reason.NO_PAYMENT_CONSENT] += rest
            people.append(
                HeldPerson(person.id, person.preferred_name, Reason.NO_PAYMENT_CONSENT, len(rest))
            )
        else:
            going += rest
    people.sort(key=lambda p: (p.reason, p.name.lower()))
    return Sorting(going=going, held=dict(held), held_people=people)


def preview_batch(
    *, acting: Membership, payer: Payer, service_from: date | None, service_until: date | None
) -> Sorting:
    """What building would do, written nowhere: for the confirmation page."""
    lines = ready_lines(
        organization=acting.organization,
        payer=payer,
        service_from=service_from,
        service_until=service_until,
    )
    voids = voids_to_send(organization=acting.organization, payer=payer)
    return replace(_sort(with_rows(list(lines)), payer), voids=list(voids))


def fingerprint(payer: Payer, lines: list[BillableLine]) -> str:
    """The same lines, coded the same way, give the same fingerprint (and so the same batch)."""
    digest = hashlib.sha256(f"{payer.pk}".encode())
    for line in sorted(lines, key=lambda item: str(item.pk)):
        digest.update(
            "|".join(
                str(part)
                for part in (
                    line.pk,
                    line.service_date,
                    line.procedure_code,
                    line.modifiers,
                    line.place_of_service,
                    line.units,
                    line.amount,
                    line.coverage_id,
                    line.authorization_id,
                    line.rendering_provider_id,
                    line.supervising_provider_id,
                )
            ).encode()
        )
    return digest.hexdigest()


@dataclass(frozen=True)
class Built:
    batch: ClaimBatch | None
    held_people: list[HeldPerson]
    again: bool  # the same lines were batched before: that batch was opened again


def build_batch(
    *,
    acting: Membership,
    payer: Payer,
    service_from: date | None = None,
    service_until: date | None = None,
) -> Built:
    """Gather the payer's ready lines into a batch, in one transaction: people without a consent
    for payment (or lines without a diagnosis code the claim needs) are held with the reason,
    each person whose lines go is disclosed to the payer, and the batch is audited as an export.
    """
    missing = setup_missing(payer)
    if missing:
        raise ClaimSetupMissing(missing)
    with transaction.atomic():
        # One batch built at a time in an organization: control numbers follow one another.
        Organization.objects.select_for_update().filter(pk=acting.organization_id).first()
        lines = with_rows(
            list(
                ready_lines(
                    organization=acting.organization,
                    payer=payer,
                    service_from=service_from,
                    service_until=service_until,
                )
                .select_for_update()
                .order_by("participant_id", "service_date", "pk")
            )
        )
        voids = voids_to_send(organization=acting.organization, payer=payer)
        sorting = replace(_sort(lines, payer), voids=list(voids.select_for_update(of=("self",))))
        now = timezone.now()
        for reason, held in sorting.held.items():
            BillableLine.objects.filter(pk__in=[line.pk for line in held]).update(
                state=LineState.HELD, reason=reason, checked_at=now
            )
        if not sorting.going and not sorting.voids:
            _audit_build(acting, None, sorting)
            return Built(batch=None, held_people=sorting.held_people, again=False)
        # Matched a moment ago in the same transaction, so a refusal here is a real fault:
        # DisclosureRefused rolls the whole batch back.
        for person in {line.participant_id: line.participant for line in sorting.going}.values():
            disclose(
                acting=acting,
                participant=person,
                recipient=payer.name,
                purpose=PAYMENT,
                categories=CLAIM_CATEGORIES,
            )
        batch, again = _batch_for(acting, payer, sorting, service_from, service_until)
        BillableLine.objects.filter(pk__in=[line.pk for line in sorting.going]).update(
            state=LineState.BATCHED, reason="", batch=batch, checked_at=now
        )
        BillableLine.objects.filter(pk__in=[line.pk for line in sorting.voids]).update(
            void_batch=batch
        )
        _audit_build(acting, batch, sorting)
    return Built(batch=batch, held_people=sorting.held_people, again=again)


def _batch_for(
    acting: Membership,
    payer: Payer,
    sorting: Sorting,
    service_from: date | None,
    service_until: date | None,
) -> tuple[ClaimBatch, bool]:
    content = fingerprint(payer, sorting.going + sorting.voids)
    totals = {
        "line_count": len(sorting.going) + len(sorting.voids),
        "units": sorting.units,
        "amount": sorting.amount,
        "people": sorting.people,
    }
    earlier = (
        ClaimBatch.objects.select_for_update()
        .filter(organization=acting.organization, fingerprint=content)
        .first()
    )
    if earlier is not None:
        # The same content was batched and cancelled: it comes back with its control numbers.
        earlier.state = BatchState.OPEN
        earlier.save(update_fields=["state"])
        return earlier, True
    last = ClaimBatch.objects.filter(organization=acting.organization).aggregate(
        last=Max("interchange_control")
    )["last"]
    number = (last or 0) % 999_999_999 + 1
    batch = ClaimBatch.objects.create(
        organization=acting.organization,
        payer=payer,
        service_from=service_from,
        service_until=service_until,
        created_by=acting.user,
        interchange_control=number,
        group_control=number,
        fingerprint=content,
        **totals,
    )
    return batch, False


def _audit_build(acting: Membership, batch: ClaimBatch | None, sorting: Sorting) -> None:
    held = sum(len(lines) for lines in sorting.held.values())
    record_member_action(
        acting=acting,
        action=Action.EXPORT,
        target=Target.of(batch) if batch else Target(type="billing.claimbatch", id="none"),
        # Counts only: who was claimed for is in the accounting of disclosures.
        changed_fields=[
            "kind=claim_batch",
            f"lines={len(sorting.going)}",
            f"people={sorting.people}",
            f"held={held}",
        ],
    )


def cancel_batch(*, acting: Membership, batch: ClaimBatch) -> None:
    """A batch not sent yet is taken apart: its lines are ready again. Built again from the same
    lines, it comes back with the same control numbers."""
    with transaction.atomic():
        current = ClaimBatch.objects.select_for_update().get(pk=batch.pk)
        if current.state != BatchState.OPEN:
            raise BatchNotOpen
        BillableLine.objects.filter(batch=current).update(
            state=LineState.READY, batch=None, checked_at=timezone.now()
        )
        BillableLine.objects.filter(void_batch=current).update(void_batch=None)
        current.state = BatchState.CANCELLED
        current.save(update_fields=["state"])
        record_member_action(
            acting=acting, action=Action.UPDATE, target=Target.of(current), changed_fields=["state"]
        )


def mark_sent(*, acting: Membership, batch: ClaimBatch) -> None:
    with transaction.atomic():
        current = ClaimBatch.objects.select_for_update().get(pk=batch.pk)
        if current.state != BatchState.OPEN:
            raise BatchNotOpen
        current.state = BatchState.SENT
        current.save(update_fields=["state"])
        record_member_action(
            acting=acting, action=Action.UPDATE, target=Target.of(current), changed_fields=["state"]
        )


# --- the files ----------------------------------------------------------------------------


def _split_name(full: str) -> tuple[str, str]:
    """(last, first) from a name written in one field."""
    parts = full.split()
    if not parts:
        return "", ""
    return parts[-1], " ".join(parts[:-1])


def _provider(user: Any, numbers: dict[int, ProviderNumber]) -> x12.Provider:
    number = numbers.get(user.pk)
    last = user.last_name or _split_name(user.display_name)[0]
    first = user.first_name if user.last_name else _split_name(user.display_name)[1]
    return x12.Provider(
        last_name=last,
        first_name=first,
        npi=number.npi if number else "",
        taxonomy=number.taxonomy if number else "",
    )


def claim_number(line: BillableLine) -> str:
    """CLM01, twenty characters that the payer gives back in its remittance (CLP01)."""
    return line.pk.hex[:20].upper()


def _correcting(
    line: BillableLine, batch: ClaimBatch, original: BillableLine | None
) -> dict[str, str]:
    """A void of a claim the payer was sent goes as one (frequency 8), and so does a replacement
    (frequency 7), each naming the payer's number for the earlier claim (or ours, when no
    remittance gave theirs)."""
    if line.void_batch_id == batch.pk:
        return {"frequency": "8", "original_claim": line.payer_claim_number or claim_number(line)}
    if original is None or original.batch_id is None:
        return {}
    return {
        "frequency": "7",
        "original_claim": original.payer_claim_number or claim_number(original),
    }


def batch_lines(batch: ClaimBatch) -> QuerySet[BillableLine]:
    return (
        BillableLine.objects.filter(Q(batch=batch) | Q(void_batch=batch))
        .select_related("participant", "rendering_provider", "supervising_provider")
        .order_by("participant_id", "coverage_id", "service_date", "pk")
    )


def claim_file(batch: ClaimBatch) -> x12.ClaimFile:
    """The batch as the values of an 837P (the same batch always gives the same values)."""
    payer = batch.payer
    lines = with_rows(list(batch_lines(batch).select_related(None)))
    users = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={line.rendering_provider_id for line in lines}
            | {line.supervising_provider_id for line in lines if line.supervising_provider_id}
        )
    }
    originals = BillableLine.objects.in_bulk(
        {line.replaces_id for line in lines if line.replaces_id}
    )
    for line in lines:
        line.rendering_provider = users[line.rendering_provider_id]
        if line.supervising_provider_id:
            line.supervising_provider = users[line.supervising_provider_id]
    numbers = {
        n.user_id: n for n in ProviderNumber.objects.filter(organization_id=batch.organization_id)
    }
    subscribers: list[x12.Subscriber] = []
    by_coverage: dict[Any, list[BillableLine]] = defaultdict(list)
    for line in lines:
        by_coverage[line.coverage_id].append(line)
    for covered in by_coverage.values():
        person = covered[0].participant
        last, first = _split_name(person.legal_name or person.preferred_name)
        claims = [
            x12.Claim(
                patient_control=claim_number(line),
                place_of_service=line.place_of_service,
                diagnosis_codes=diagnosis_codes(line, payer),
                rendering=_provider(line.rendering_provider, numbers),
                supervising=(
                    _provider(line.supervising_provider, numbers)
                    if line.supervising_provider_id and payer.needs_supervising_provider
                    else None
                ),
                prior_authorization=line.authorization.number if line.authorization else "",
                **_correcting(line, batch, originals.get(line.replaces_id)),
                lines=[
                    x12.ServiceLine(
                        procedure_code=line.procedure_code,
                        modifiers=line.modifiers.split(),
                        amount=line.amount,
                        units=line.units,
                        service_date=line.service_date,
                        control=line.pk.hex,
                    )
                ],
            )
            for line in covered
        ]
        subscribers.append(
            x12.Subscriber(
                last_name=last,
                first_name=first,
                member_id=covered[0].coverage.member_id if covered[0].coverage else "",
                date_of_birth=person.date_of_birth,
                claims=claims,
            )
        )
    organization = Organization.objects.get(pk=batch.organization_id)
    return x12.ClaimFile(
        interchange_control=batch.interchange_control,
        group_control=batch.group_control,
        created_at=timezone.localtime(batch.created_at),
        submitter_id=payer.submitter_id,
        submitter_name=organization.name,
        contact_name=payer.billing_contact_name,
        contact_phone=payer.billing_contact_phone,
        payer_name=payer.name,
        payer_id=payer.payer_id,
        billing_name=organization.name,
        billing_npi=payer.billing_npi,
        billing_tax_id=payer.billing_tax_id,
        billing_taxonomy=payer.billing_taxonomy,
        billing_address=payer.billing_address,
        billing_city=payer.billing_city,
        billing_state=payer.billing_state,
        billing_zip=payer.billing_zip,
        claim_filing=CLAIM_FILING.get(PayerKind(payer.kind), "ZZ"),
        subscribers=subscribers,
    )


def claim_csv(values: x12.ClaimFile) -> bytes:
    """The same claims, one service line a row, for a billing vendor's import."""
    rows = []
    for subscriber in values.subscribers:
        for claim in subscriber.claims:
            for line in claim.lines:
                rows.append(
                    [
                        f"{values.interchange_control:09d}",
                        claim.patient_control,
                        line.control,
                        subscriber.member_id,
                        subscriber.last_name,
                        subscriber.first_name,
                        subscriber.date_of_birth.isoformat() if subscriber.date_of_birth else "",
                        line.service_date.isoformat(),
                        line.procedure_code,
                        " ".join(line.modifiers),
                        line.units,
                        f"{line.amount:.2f}",
                        claim.place_of_service,
                        " ".join(claim.diagnosis_codes),
                        claim.prior_authorization,
                        claim.rendering.npi,
                        claim.supervising.npi if claim.supervising else "",
                    ]
                )
    return write_csv(CSV_HEADER, rows)


@dataclass(frozen=True)
class BatchFile:
    filename: str
    content_type: str
    content: bytes


def download_batch(*, acting: Membership, batch: ClaimBatch, fmt: str) -> BatchFile:
    """The batch's 837P or CSV, audited as an export each time it is taken."""
    values = claim_file(batch)
    stem = f"claims-{batch.interchange_control:09d}"
    if fmt == "837":
        result = BatchFile(
            f"{stem}.837", "application/edi-x12", x12.write_837p(values).encode("ascii")
        )
    else:
        result = BatchFile(f"{stem}.csv", CSV_TYPE, claim_csv(values))
    record_member_action(
        acting=acting,
        action=Action.EXPORT,
        target=Target.of(batch),
        changed_fields=[f"format={fmt}", f"lines={batch.line_count}", f"people={batch.people}"],
    )
    return result
