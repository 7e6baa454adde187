"""The tour's billing: Harbor bills a Medicaid plan (H0038 per 15-minute unit, group with HQ,
telehealth by phone and video with their modifiers, a daily cap, prior authorizations and a
supervising provider on the claim) and a state grant. Most of Harbor's people are covered by
one or the other; a few are not, so the billing page shows lines held for "no coverage"."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from billing import x835
from billing.models import (
    Authorization,
    BillableLine,
    ClaimBatch,
    Coverage,
    Payer,
    PayerKind,
    PayerService,
    ProviderNumber,
    Rounding,
)
from billing.rules import luhn_check_digit
from billing.services import recheck
from consent.services import record_consent
from encounters.models import ContactType
from organizations.models import Membership, Organization, Role
from participants.models import Participant

MEDICAID = "Commonwealth Medicaid Plan (demo)"
GRANT = "State Opioid Response grant (demo)"


def demo_npi(seed: int) -> str:
    """A made-up NPI with a valid check digit (1 followed by eight digits of `seed`)."""
    base = f"1{seed:08d}"
    return base + str(luhn_check_digit("80840" + base))


def seed(harbor: Organization, *, anchor: date) -> None:
    if Payer.objects.filter(organization=harbor).exists():
        return
    medicaid = Payer.objects.create(
        organization=harbor,
        name=MEDICAID,
        kind=PayerKind.MANAGED_CARE,
        payer_id="DEMO01",
        unit_minutes=15,
        rounding=Rounding.MIDPOINT,
        daily_unit_cap=16,
        needs_authorization=True,
        needs_supervising_provider=True,
        billing_npi=demo_npi(900001),
        billing_taxonomy="175T00000X",
        billing_tax_id="000000000",
        submitter_id="HARBORRCO",
        billing_address="12 Wharf Street",
        billing_city="Salem",
        billing_state="MA",
        billing_zip="019700001",
        billing_contact_name="Harbor billing desk",
        billing_contact_phone="9785550100",
        needs_diagnosis_codes=True,
    )
    rows = [
        (ContactType.IN_PERSON, "", "11", "16.50"),
        (ContactType.PHONE, "93", "10", "16.50"),
        (ContactType.VIDEO, "95", "10", "16.50"),
        (ContactType.GROUP, "HQ", "11", "5.25"),
    ]
    PayerService.objects.bulk_create(
        PayerService(
            payer=medicaid,
            contact_type=contact_type,
            procedure_code="H0038",
            modifiers=modifiers,
            place_of_service=place,
            rate=Decimal(rate),
        )
        for contact_type, modifiers, place, rate in rows
    )
    grant = Payer.objects.create(
        organization=harbor,
        name=GRANT,
        kind=PayerKind.GRANT,
        payer_id="DEMO-SOR",
        rounding=Rounding.WHOLE,
        billing_npi=demo_npi(900001),
        billing_tax_id="000000000",
        submitter_id="HARBORRCO",
        billing_address="12 Wharf Street",
        billing_city="Salem",
        billing_state="MA",
        billing_zip="019700001",
        billing_contact_name="Harbor billing desk",
        billing_contact_phone="9785550100",
        diagnosis_code_when_none="Z71.89",
    )
    PayerService.objects.create(
        payer=grant, procedure_code="H0038", place_of_service="99", rate=Decimal("12.00")
    )
    staff = Membership.objects.filter(
        organization=harbor, role__in=Role.care_team(), is_active=True
    ).select_related("user")
    ProviderNumber.objects.bulk_create(
        ProviderNumber(
            organization=harbor,
            user=m.user,
            npi=demo_npi(500000 + m.user_id),
            taxonomy="175T00000X",
        )
        for m in staff
    )
    keeper = (
        Membership.objects.filter(organization=harbor, role=Role.MANAGER, is_active=True)
        .select_related("user", "organization")
        .first()
    )
    if keeper is None:
        return
    rng = random.Random(21)
    people = list(Participant.objects.filter(organization=harbor).order_by("created_at", "id"))
    start = anchor - timedelta(days=365)
    for index, person in enumerate(people):
        if index % 7 == 6:
            continue  # not covered: their contacts are held for "no coverage"
        payer = grant if index % 5 == 4 else medicaid
        coverage = Coverage.objects.create(
            organization=harbor,
            participant=person,
            payer=payer,
            member_id=f"{'G' if payer is grant else 'M'}{rng.randrange(10**8, 10**9)}",
            starts_on=start,
            added_by=keeper.user,
        )
        if payer is medicaid:
            Authorization.objects.create(
                organization=harbor,
                coverage=coverage,
                number=f"PA-{rng.randrange(10**6, 10**7)}",
                procedure_codes="H0038",
                # The first person's authorization is nearly spent, to show units running out.
                units=10 if index == 0 else 400,
                starts_on=start,
                ends_on=anchor + timedelta(days=180),
                diagnosis_codes="F11.20",
                added_by=keeper.user,
            )
    _payment_consents(keeper, people, anchor=anchor)
    recheck(acting=keeper)


def _payment_consents(keeper: Membership, people: list[Participant], *, anchor: date) -> None:
    """Everyone covered agreed to share with their payer for payment, except the second person
    (their lines are held for "no consent for payment" when mia builds a batch) and those with
    their own Cairn, like Pat, who records her consents from the start on the tour."""
    for index, person in enumerate(people):
        if index == 1 or person.user_id is not None:
            continue
        coverage = Coverage.objects.filter(participant=person).select_related("payer").first()
        if coverage is None:
            continue
        record_consent(
            acting=keeper,
            participant=person,
            values={
                "disclosing_party": keeper.organization.name,
                "categories": ["contact", "attendance"],
                "recipient": coverage.payer.name,
                "purpose": "payment",
                "treatment_payment_operations": True,
                "signed_on": anchor - timedelta(days=300),
                "signature_method": "typed",
                "signature": person.preferred_name,
                "revocation_explained": True,
            },
        )


def line_payment(
    line: BillableLine,
    *,
    payer_claim_number: str,
    paid: Decimal | None = None,
    units: int | None = None,
    adjustments: list[x835.Adjustment] | None = None,
    status: str = "1",
) -> x835.ClaimPayment:
    """A payer's answer to one line as an 835 carries it (paid in full unless told otherwise),
    for the demo's test 835 and the tests."""
    from billing.claims import claim_number

    paid = line.amount if paid is None else paid
    return x835.ClaimPayment(
        claim=claim_number(line),
        status=status,
        charged=line.amount,
        paid=paid,
        payer_claim_number=payer_claim_number,
        services=[
            x835.ServicePayment(
                procedure_code=line.procedure_code,
                charged=line.amount,
                paid=paid,
                units=line.units if units is None else units,
                control=line.pk.hex,
                adjustments=adjustments or [],
            )
        ],
    )


def test_835(batch: ClaimBatch) -> bytes:
    """A payer's answer to the batch, for trying the import: the first line is denied (no prior
    authorization on the claim), the second is paid one unit short when it has more than one,
    the rest are paid in full. The same batch always gives the same file."""
    from billing.claims import batch_lines

    lines = list(batch_lines(batch).select_related(None))
    claims = []
    for index, line in enumerate(lines):
        units, paid, adjustments = None, None, []
        if index == 0:
            units, paid = 0, Decimal("0.00")
            adjustments = [x835.Adjustment("CO", "197", line.amount)]
        elif index == 1 and line.units > 1:
            units = line.units - 1
            paid = (line.amount / line.units * units).quantize(Decimal("0.01"))
            adjustments = [x835.Adjustment("CO", "151", line.amount - paid)]
        claims.append(
            line_payment(
                line,
                payer_claim_number=f"DEMO{batch.interchange_control:06d}{index:05d}",
                paid=paid,
                units=units,
                adjustments=adjustments,
                status="4" if index == 0 else "1",
            )
        )
    payer = batch.payer
    remit = x835.Remit(
        trace_number=f"DEMO{batch.interchange_control:09d}",
        payer_name=payer.name,
        total=sum((claim.paid for claim in claims), Decimal("0.00")),
        paid_on=timezone.localdate(batch.created_at),
        claims=claims,
        payer_id=payer.payer_id,
        payee_npi=payer.billing_npi,
    )
    text = x835.write_835(
        x835.RemitFile(
            remit=remit,
            interchange_control=batch.interchange_control,
            created_at=timezone.localtime(batch.created_at),
            sender_id=payer.payer_id,
            receiver_id=payer.submitter_id,
            payee_name=batch.organization.name,
        )
    )
    return text.encode("ascii")
