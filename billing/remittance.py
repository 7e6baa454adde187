"""Remittance in: an 835 is checked against its guide, read, and matched to the lines our 837P
sent (by the line control number of REF*6R, else the claim number of CLP01); each line becomes
paid, denied or paid in part, all in one transaction with the import record and its audit
event. A file that cannot be taken whole changes nothing and says which segment is at fault."""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action
from billing import x12, x835
from billing.claims import claim_number
from billing.models import BatchState, BillableLine, ClaimBatch, LineState, Remittance
from lib.when import show_date
from organizations.models import Membership, Organization, Role

MAX_BYTES = 5 * 1024 * 1024
# What an 835 file is called by the payers and clearinghouses we know of.
FILE_ENDINGS = (".835", ".txt", ".edi", ".x12", ".dat", ".era")
# Lines a remittance may speak of: sent in a claim, or answered by an earlier remittance.
ANSWERABLE = (LineState.BATCHED, LineState.PAID, LineState.DENIED, LineState.ADJUSTED)


class RemittanceRefused(Exception):
    """The file was not taken; nothing changed. The message says why, in the page's words."""


def remittances_for(membership: Membership) -> QuerySet[Remittance]:
    """The imports a member may open: the organization's, and only for its managers."""
    if membership.role != Role.MANAGER:
        return Remittance.objects.none()
    return Remittance.objects.filter(organization=membership.organization).select_related(
        "imported_by"
    )


def check_upload(*, name: str, size: int | None) -> None:
    """Refuse a file by its name and size before reading it."""
    if size is not None and size > MAX_BYTES:
        raise RemittanceRefused(
            _("The file is larger than %(limit)s MB; an 835 for one payment is far smaller.")
            % {"limit": MAX_BYTES // 1024 // 1024}
        )
    if not name.lower().endswith(FILE_ENDINGS):
        raise RemittanceRefused(
            _("Choose the 835 file the payer sent (a file ending in %(endings)s).")
            % {"endings": ", ".join(FILE_ENDINGS)}
        )


@dataclass(frozen=True)
class Answer:
    """What the remittance says of one of our lines."""

    line: BillableLine
    state: str
    paid_units: int
    paid_amount: Decimal
    adjustments: str
    payer_claim_number: str


def _text(content: bytes) -> str:
    try:
        return content.decode("ascii")
    except UnicodeDecodeError:
        raise RemittanceRefused(
            _(
                "The file is not X12 text (it holds characters an 835 never has); nothing was "
                "changed."
            )
        ) from None


def _line_id(control: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(hex=control.strip())
    except ValueError:
        return None


def _codes(adjustments: Iterable[x835.Adjustment]) -> str:
    seen: list[str] = []
    for adjustment in adjustments:
        if adjustment.code not in seen:
            seen.append(adjustment.code)
    return " ".join(seen)[:120]


def _state(line: BillableLine, paid: Decimal, units: int) -> str:
    if paid <= 0:
        return LineState.DENIED
    if paid >= line.amount and units >= line.units:
        return LineState.PAID
    return LineState.ADJUSTED


def _candidates(
    organization: Organization, remit: x835.Remit
) -> tuple[dict[uuid.UUID, BillableLine], dict[str, BillableLine]]:
    """Our lines the file may name: by line id (REF*6R), and by claim number (CLP01) for claim
    payments that name no line; any organization's, so another program's claims are caught."""
    ids = {
        found
        for claim in remit.claims
        for service in claim.services
        if (found := _line_id(service.control)) is not None
    }
    by_id = BillableLine.objects.select_for_update().in_bulk(ids) if ids else {}
    by_claim: dict[str, BillableLine] = {}
    if any(not s.control for c in remit.claims for s in c.services) or any(
        not c.services for c in remit.claims
    ):
        # A claim number is the start of the line's id: look among lines sent to payers.
        sent = BillableLine.objects.select_for_update().filter(
            organization=organization, batch__isnull=False
        )
        by_claim = {claim_number(line): line for line in sent}
    return by_id, by_claim


def _answers(
    organization: Organization, remit: x835.Remit
) -> tuple[list[Answer], list[dict[str, Any]]]:
    by_id, by_claim = _candidates(organization, remit)
    answers: list[Answer] = []
    unmatched: list[dict[str, Any]] = []
    taken: set[Any] = set()
    for claim in remit.claims:
        services = claim.services or [
            x835.ServicePayment("", claim.charged, claim.paid, None, line=claim.line)
        ]
        for service in services:
            found_id = _line_id(service.control)
            line = by_id.get(found_id) if found_id else by_claim.get(claim.claim.upper())
            segment = "SVC" if claim.services else "CLP"
            if line is not None and line.organization_id != organization.pk:
                raise x835.RemitError(
                    "CLP",
                    claim.line,
                    _(
                        "claim %(claim)s was sent by another organization; this file is not for "
                        "this program."
                    )
                    % {"claim": claim.claim},
                )
            if line is None or line.state not in ANSWERABLE or line.batch_id is None:
                unmatched.append(
                    {
                        "claim": claim.claim,
                        "control": service.control,
                        "code": service.procedure_code,
                        "charged": str(service.charged),
                        "paid": str(service.paid),
                        "why": "void"
                        if line is not None and line.state == LineState.VOID
                        else ("not_sent" if line is not None else "unknown"),
                        "segment": segment,
                        "at": service.line,
                    }
                )
                continue
            if line.pk in taken:
                raise x835.RemitError(
                    segment, service.line, _("the same line is paid twice in this file.")
                )
            taken.add(line.pk)
            units = line.units if service.units is None else service.units
            if units > line.units:
                raise x835.RemitError(
                    segment,
                    service.line,
                    _("it pays for %(paid)s units, but %(billed)s were billed for this line.")
                    % {"paid": units, "billed": line.units},
                )
            if service.paid < 0:
                raise x835.RemitError(
                    segment, service.line, _("a negative payment cannot be imported here.")
                )
            state = _state(line, service.paid, units)
            answers.append(
                Answer(
                    line=line,
                    state=state,
                    paid_units=0 if state == LineState.DENIED else units,
                    paid_amount=service.paid,
                    adjustments=_codes([*service.adjustments, *claim.adjustments]),
                    payer_claim_number=claim.payer_claim_number[:50],
                )
            )
    return answers, unmatched


def import_remittance(*, acting: Membership, content: bytes, file_name: str) -> Remittance:
    """Take one 835 whole, or refuse it (RemittanceRefused) with nothing changed."""
    text = _text(content)
    try:
        x835.segments(text)  # an interchange at all, before the guide is asked
    except x835.RemitError as error:
        raise RemittanceRefused(str(error)) from None
    problems = x12.validate(text)
    if problems:
        raise RemittanceRefused(problems[0])
    try:
        remit = x835.read_835(text)
    except x835.RemitError as error:
        raise RemittanceRefused(str(error)) from None
    digest = hashlib.sha256(content).hexdigest()
    organization = acting.organization
    try:
        with transaction.atomic():
            # One import at a time in an organization: the duplicate checks then hold.
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
            _refuse_duplicate(organization, digest, remit)
            try:
                answers, unmatched = _answers(organization, remit)
            except x835.RemitError as error:
                raise RemittanceRefused(str(error)) from None
            return _apply(acting, remit, answers, unmatched, digest, file_name)
    except IntegrityError:
        raise RemittanceRefused(
            _("This payment was already imported; nothing was changed.")
        ) from None


def _refuse_duplicate(organization: Organization, digest: str, remit: x835.Remit) -> None:
    earlier = Remittance.objects.filter(organization=organization, file_hash=digest).first()
    if earlier is not None:
        raise RemittanceRefused(
            _("This file was already imported on %(day)s; nothing was changed.")
            % {"day": show_date(timezone.localdate(earlier.imported_at))}
        )
    earlier = Remittance.objects.filter(
        organization=organization, trace_number=remit.trace_number
    ).first()
    if earlier is not None:
        raise RemittanceRefused(
            str(
                x835.RemitError(
                    "TRN",
                    remit.trace_line,
                    _("payment %(trace)s was already imported on %(day)s; nothing was changed.")
                    % {
                        "trace": remit.trace_number,
                        "day": show_date(timezone.localdate(earlier.imported_at)),
                    },
                )
            )
        )


def _apply(
    acting: Membership,
    remit: x835.Remit,
    answers: list[Answer],
    unmatched: list[dict[str, Any]],
    digest: str,
    file_name: str,
) -> Remittance:
    counts = {state: sum(1 for a in answers if a.state == state) for state in LineState.values}
    remittance = Remittance.objects.create(
        organization=acting.organization,
        file_name=file_name[:120],
        file_hash=digest,
        trace_number=remit.trace_number[:50],
        payer_name=remit.payer_name[:60],
        paid_on=remit.paid_on,
        imported_by=acting.user,
        paid_lines=counts[LineState.PAID],
        denied_lines=counts[LineState.DENIED],
        adjusted_lines=counts[LineState.ADJUSTED],
        total_paid=sum((a.paid_amount for a in answers), Decimal("0.00")),
        unmatched=unmatched,
    )
    now = timezone.now()
    lines = []
    for answer in answers:
        line = answer.line
        line.state = answer.state
        line.paid_units = answer.paid_units
        line.paid_amount = answer.paid_amount
        line.adjustments = answer.adjustments
        line.payer_claim_number = answer.payer_claim_number
        line.remittance = remittance
        line.checked_at = now
        lines.append(line)
    BillableLine.objects.bulk_update(
        lines,
        [
            "state",
            "paid_units",
            "paid_amount",
            "adjustments",
            "payer_claim_number",
            "remittance",
            "checked_at",
        ],
        batch_size=500,
    )
    _settle_batches({line.batch_id for line in lines})
    record_member_action(
        acting=acting,
        action=Action.CREATE,
        target=Target.of(remittance),
        # Counts only: which people's lines were answered is in the lines themselves.
        changed_fields=[
            "kind=remittance",
            f"paid={remittance.paid_lines}",
            f"denied={remittance.denied_lines}",
            f"adjusted={remittance.adjusted_lines}",
            f"unmatched={len(unmatched)}",
        ],
    )
    return remittance


def _settle_batches(batch_ids: set[Any]) -> None:
    """A batch the payer answered was sent; once no line of it waits, it is closed."""
    ClaimBatch.objects.filter(pk__in=batch_ids, state=BatchState.OPEN).update(state=BatchState.SENT)
    waiting = BillableLine.objects.filter(batch_id__in=batch_ids, state=LineState.BATCHED).values(
        "batch_id"
    )
    ClaimBatch.objects.filter(pk__in=batch_ids).exclude(pk__in=waiting).update(
        state=BatchState.CLOSED
    )
