"""Writes for billing: payers and their service table, coverage and authorizations, and the
billable line a signed contact makes (or the reason it is not billable)."""

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum

from audit.models import Action
from audit.services import Target, record_member_action
from billing.models import (
    Authorization,
    BillableLine,
    Coverage,
    LineState,
    Payer,
    PayerService,
    ProviderNumber,
    Reason,
)
from billing.rules import units_for, within_cap
from encounters.models import ContactType, Encounter, NoteState, Outcome
from organizations.models import Membership, Role

logger = logging.getLogger(__name__)

# A line in one of these states may be worked out again (a batched or paid one never changes).
OPEN_STATES = (LineState.READY, LineState.HELD, LineState.NOT_BILLABLE)
# At most this many lines are checked again by one click; the page says when more remain.
RECHECK_AT_ONCE = 2000


class StaleVersion(Exception):
    """Someone saved the payer after this form was opened."""


# --- payers and rules ----------------------------------------------------------------------


def save_payer(*, acting: Membership, payer: Payer | None, values: dict[str, Any]) -> Payer:
    """Create a payer, or change one if nobody saved it since `values["version"]` was read."""
    version = values.pop("version", None)
    with transaction.atomic():
        if payer is None:
            payer = Payer.objects.create(organization=acting.organization, **values)
            action, changed = Action.CREATE, sorted(values)
        else:
            current = Payer.objects.select_for_update().get(pk=payer.pk)
            if version is not None and current.version != version:
                raise StaleVersion
            changed = [name for name, value in values.items() if getattr(current, name) != value]
            for name in changed:
                setattr(current, name, values[name])
            current.version += 1
            current.save()
            payer, action = current, Action.UPDATE
        record_member_action(
            acting=acting, action=action, target=Target.of(payer), changed_fields=changed
        )
    return payer


def save_service_row(
    *, acting: Membership, payer: Payer, row: PayerService | None, values: dict[str, Any]
) -> PayerService:
    with transaction.atomic():
        if row is None:
            row = PayerService.objects.create(payer=payer, **values)
            action = Action.CREATE
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            action = Action.UPDATE
        record_member_action(
            acting=acting, action=action, target=Target.of(row), changed_fields=sorted(values)
        )
    return row


def remove_service_row(*, acting: Membership, row: PayerService) -> None:
    with transaction.atomic():
        record_member_action(acting=acting, action=Action.DELETE, target=Target.of(row))
        row.delete()


def save_provider_number(
    *, acting: Membership, user_id: int, npi: str, taxonomy: str
) -> ProviderNumber:
    with transaction.atomic():
        number, created = ProviderNumber.objects.update_or_create(
            organization=acting.organization,
            user_id=user_id,
            defaults={"npi": npi, "taxonomy": taxonomy},
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE if created else Action.UPDATE,
            target=Target(type="billing.providernumber", id=str(number.pk)),
            changed_fields=["npi", "taxonomy"],
        )
    return number


# --- coverage ------------------------------------------------------------------------------


def add_coverage(*, acting: Membership, participant: Any, values: dict[str, Any]) -> Coverage:
    with transaction.atomic():
        coverage = Coverage.objects.create(
            organization=acting.organization,
            participant=participant,
            added_by=acting.user,
            **values,
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(coverage),
            participant_id=participant.id,
            changed_fields=sorted(values),
        )
        _recheck_person(acting, participant.id)
    return coverage


def end_coverage(*, acting: Membership, coverage: Coverage, ends_on: Any) -> None:
    with transaction.atomic():
        Coverage.objects.filter(pk=coverage.pk).update(ends_on=ends_on)
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(coverage),
            participant_id=coverage.participant_id,
            changed_fields=["ends_on"],
        )


def add_authorization(
    *, acting: Membership, coverage: Coverage, values: dict[str, Any]
) -> Authorization:
    with transaction.atomic():
        authorization = Authorization.objects.create(
            organization=acting.organization, coverage=coverage, added_by=acting.user, **values
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(authorization),
            participant_id=coverage.participant_id,
            changed_fields=sorted(values),
        )
        _recheck_person(acting, coverage.participant_id)
    return authorization


# --- billable lines ------------------------------------------------------------------------


@dataclass
class Assessment:
    """What a contact is worth to a payer, or why it is not billable."""

    state: str
    reason: str = ""
    payer: Payer | None = None
    coverage: Coverage | None = None
    authorization: Authorization | None = None
    row: PayerService | None = None
    units: int = 0
    supervisor_id: int | None = None

    def fields(self) -> dict[str, Any]:
        row = self.row
        return {
            "state": self.state,
            "reason": self.reason,
            "payer": self.payer,
            "coverage": self.coverage,
            "authorization": self.authorization,
            "procedure_code": row.procedure_code if row else "",
            "modifiers": row.modifiers if row else "",
            "place_of_service": row.place_of_service if row else "",
            "units": self.units,
            "amount": (row.rate * self.units) if row else Decimal("0.00"),
            "supervising_provider_id": self.supervisor_id,
        }


def _held(reason: str, **known: Any) -> Assessment:
    return Assessment(state=LineState.HELD, reason=reason, **known)


def _not_billable(reason: str, **known: Any) -> Assessment:
    return Assessment(state=LineState.NOT_BILLABLE, reason=reason, **known)


def _best_row(payer: Payer, encounter: Encounter) -> PayerService | None:
    """The most specific row of the payer's table for this contact."""
    best, best_score = None, -1
    for row in payer.services.all():
        if row.service_type_id is not None and row.service_type_id != encounter.service_type_id:
            continue
        if row.contact_type and row.contact_type != encounter.contact_type:
            continue
        score = (2 if row.service_type_id else 0) + (1 if row.contact_type else 0)
        if score > best_score:
            best, best_score = row, score
    return best


def _units_used(lines: Any, encounter: Encounter) -> int:
    used = lines.counting().exclude(encounter=encounter).aggregate(total=Sum("units"))["total"]
    return int(used or 0)


def _signer(encounter: Encounter) -> int:
    if encounter.signed_by_id is None:
        raise ValueError("only a signed contact has a billable line")
    return encounter.signed_by_id


def _supervisor_with_npi(encounter: Encounter) -> int | None:
    """The signer's team supervisor who has an NPI recorded, if any."""
    team_id = (
        Membership.objects.filter(
            organization_id=encounter.organization_id, user_id=_signer(encounter)
        )
        .values_list("team_id", flat=True)
        .first()
    )
    if team_id is None:
        return None
    with_npi = ProviderNumber.objects.filter(organization_id=encounter.organization_id).values(
        "user_id"
    )
    return (
        Membership.objects.active()
        .filter(team_id=team_id, role=Role.SUPERVISOR, user_id__in=with_npi)
        .order_by("created_at")
        .values_list("user_id", flat=True)
        .first()
    )


def assess(encounter: Encounter) -> Assessment:
    """Work out the line for a signed contact. Called with the person's coverage rows locked,
    so two contacts signed at once cannot both spend the last units (only the coverage row is
    locked, never the payer: other people's contacts sign in parallel)."""
    if encounter.contact_type == ContactType.OUTREACH:
        return _not_billable(Reason.OUTREACH)
    if encounter.outcome and encounter.outcome != Outcome.REACHED:
        return _not_billable(Reason.NOT_REACHED)
    if not encounter.duration_minutes:
        return _held(Reason.NO_MINUTES)
    day = encounter.occurred_on
    coverage = (
        Coverage.objects.select_for_update(of=("self",))
        .filter(participant_id=encounter.participant_id, payer__is_active=True, starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .select_related("payer")
        .order_by("-starts_on")
        .first()
    )
    if coverage is None:
        return _held(Reason.NO_COVERAGE)
    payer = coverage.payer
    known: dict[str, Any] = {"payer": payer, "coverage": coverage}
    row = _best_row(payer, encounter)
    if row is None:
        # The payer does not pay for this kind of contact (a text message, say); a row added
        # later makes it billable on the next check.
        return _not_billable(Reason.NO_CODE, **known)
    known["row"] = row
    units = units_for(
        encounter.duration_minutes, unit_minutes=payer.unit_minutes, rounding=payer.rounding
    )
    if units == 0:
        return _not_billable(Reason.TOO_SHORT, **known)
    same_day = BillableLine.objects.filter(
        participant_id=encounter.participant_id, payer=payer, service_date=day
    )
    units = within_cap(
        units, used_today=_units_used(same_day, encounter), daily_cap=payer.daily_unit_cap
    )
    if units == 0:
        return _not_billable(Reason.DAILY_CAP, **known)
    known["units"] = units
    return _claim_parts(encounter, payer, coverage, row, units, known)


def _claim_parts(
    encounter: Encounter,
    payer: Payer,
    coverage: Coverage,
    row: PayerService,
    units: int,
    known: dict[str, Any],
) -> Assessment:
    """The rest of a billable contact: an authorization with units left (when the payer asks
    for one), and the providers' numbers."""
    day = encounter.occurred_on
    if payer.needs_authorization:
        covering = [
            a
            for a in coverage.authorizations.filter(starts_on__lte=day, ends_on__gte=day)
            if a.allows(row.procedure_code)
        ]
        if not covering:
            return _held(Reason.NO_AUTHORIZATION, **known)
        enough = [
            a
            for a in covering
            if a.units - _units_used(BillableLine.objects.filter(authorization=a), encounter)
            >= units
        ]
        if not enough:
            return _held(Reason.AUTHORIZATION_USED, **known)
        known["authorization"] = enough[0]
    if not payer.billing_npi:
        return _held(Reason.NO_PAYER_NPI, **known)
    if not ProviderNumber.objects.filter(
        organization_id=encounter.organization_id, user_id=_signer(encounter)
    ).exists():
        return _held(Reason.NO_RENDERING_NPI, **known)
    if payer.needs_supervising_provider:
        supervisor = _supervisor_with_npi(encounter)
        if supervisor is None:
            return _held(Reason.NO_SUPERVISOR, **known)
        known["supervisor_id"] = supervisor
    return Assessment(state=LineState.READY, **known)


def bills(organization_id: Any) -> bool:
    """An organization bills once it has a payer in use; until then no lines are made."""
    return Payer.objects.filter(organization_id=organization_id, is_active=True).exists()


def derive_line(*, acting: Membership | None, encounter: Encounter) -> BillableLine | None:
    """Make (or work out again) the billable line of a signed contact. A line already in a
    batch, paid or denied is never changed: a correction is a voided line and a new one."""
    if encounter.state != NoteState.SIGNED or not bills(encounter.organization_id):
        return None
    with transaction.atomic():
        lines = BillableLine.objects.select_for_update().filter(encounter=encounter)
        existing = lines.exclude(state=LineState.VOID).first()
        if existing is None and lines.exists():
            return None  # voided without a replacement: the contact is not billed
        if existing is not None and existing.state not in OPEN_STATES:
            return existing
        fields = assess(encounter).fields()
        if existing is None:
            line = BillableLine.objects.create(
                organization_id=encounter.organization_id,
                participant_id=encounter.participant_id,
                encounter=encounter,
                service_date=encounter.occurred_on,
                minutes=encounter.duration_minutes,
                rendering_provider_id=_signer(encounter),
                **fields,
            )
            action = Action.CREATE
        else:
            changed = [name for name, value in fields.items() if _differs(existing, name, value)]
            if not changed:
                return existing
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            line, action = existing, Action.UPDATE
        if acting is not None:
            record_member_action(
                acting=acting,
                action=action,
                target=Target.of(line),
                participant_id=encounter.participant_id,
                changed_fields=["state", "units"],
            )
    return line


_FOREIGN = ("payer", "coverage", "authorization")


def _differs(line: BillableLine, name: str, value: Any) -> bool:
    if name in _FOREIGN:
        return getattr(line, f"{name}_id") != (value.pk if value is not None else None)
    return bool(getattr(line, name) != value)


def on_signed(*, acting: Membership, encounter: Encounter) -> None:
    """The signing hook: a billing problem never stops a note from being signed. Should working
    out the line fail, the note stays signed without a line, and "Check again" makes it."""
    try:
        with transaction.atomic():
            derive_line(acting=acting, encounter=encounter)
    except Exception as exc:  # noqa: BLE001 - signing must not fail because of billing
        logger.error("billable line for a contact failed: %s", type(exc).__name__)


def _recheck_person(acting: Membership, participant_id: Any) -> None:
    recheck(acting=acting, encounters=_to_check(acting).filter(participant_id=participant_id))


def _to_check(acting: Membership) -> QuerySet[Encounter]:
    """Signed contacts with no line yet, or whose line is held (coverage, rules or numbers may
    have changed since)."""
    return (
        Encounter.objects.filter(organization=acting.organization, state=NoteState.SIGNED)
        .filter(
            Q(billable_lines__isnull=True)
            | Q(billable_lines__state=LineState.HELD)
            | Q(billable_lines__reason=Reason.NO_CODE)
        )
        .distinct()
    )


def recheck(*, acting: Membership, encounters: QuerySet[Encounter] | None = None) -> int:
    """Work out again the lines that are held or missing; returns how many were looked at."""
    if not bills(acting.organization_id):
        return 0
    wanted = encounters if encounters is not None else _to_check(acting)
    looked = 0
    for encounter in wanted.order_by("occurred_on", "started_at")[:RECHECK_AT_ONCE]:
        derive_line(acting=acting, encounter=encounter)
        looked += 1
    return looked
