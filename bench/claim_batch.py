"""python -m bench.claim_batch [DATABASE_URL]: build a claim batch of 10,000 lines and check it.

Issue 21 asks for a batch of 10,000 lines built and validated. A fresh SQLite file (or the
database given, migrated) gets one program billing a Medicaid plan: 500 covered people (each with
an authorization, its diagnosis code and a consent for payment to the plan, except every
twentieth person, who has none and is held) and 20 signed contacts each, every contact a ready
line. Measured in the same run:

- `billing.claims.build_batch`: one transaction that sorts the lines, discloses each person to
  the payer through `consent.services.disclose` and marks the lines batched;
- the 837P written from the batch (`claim_file` + `x12.write_837p`) and the CSV;
- pyx12's check of the whole 837P against 005010X222A1;
- the baseline: the same lines' build without the disclosures (the consent check and the
  accounting entry per person), so the ratio says what Part 2 costs a batch.
"""

import os
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import given_or_fresh_sqlite, setup_django

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("BENCH_CLAIM_PEOPLE", "500"))
LINES_EACH = int(os.environ.get("BENCH_CLAIM_LINES_EACH", "20"))
WITHOUT_CONSENT_EVERY = 20


def seed(slug: str) -> dict[str, Any]:
    """One program, its manager and a coach with an NPI, a Medicaid plan, and the people above
    with their coverage, authorization, consent and ready lines."""
    from django.utils import timezone

    from accounts.models import User
    from billing.demo import demo_npi
    from billing.models import (
        Authorization,
        BillableLine,
        Coverage,
        LineState,
        Payer,
        ProviderNumber,
    )
    from consent.models import Consent
    from encounters.models import Encounter, NoteState
    from organizations.models import Membership, Organization, Role
    from participants.models import Participant

    org = Organization.objects.create(slug=slug, name=f"Claims Program {slug}")
    manager = User.objects.create(username=f"{slug}-mia", preferred_name="Mia")
    coach = User.objects.create(
        username=f"{slug}-coach", preferred_name="Ana", first_name="Ana", last_name="Rivera"
    )
    acting = Membership.objects.create(organization=org, user=manager, role=Role.MANAGER)
    Membership.objects.create(organization=org, user=coach, role=Role.COACH)
    ProviderNumber.objects.create(organization=org, user=coach, npi=demo_npi(500001))
    payer = Payer.objects.create(
        organization=org,
        name="Bench Medicaid Plan",
        kind="managed_care",
        payer_id="BENCH01",
        billing_npi=demo_npi(900001),
        billing_tax_id="000000000",
        submitter_id="BENCHRCO",
        billing_address="1 Main Street",
        billing_city="Salem",
        billing_state="MA",
        billing_zip="019700001",
        billing_contact_name="Billing desk",
        billing_contact_phone="9785550100",
        needs_diagnosis_codes=True,
    )
    start = date(2026, 1, 5)
    people = Participant.objects.bulk_create(
        Participant(
            organization=org,
            preferred_name=f"Person {i}",
            legal_name=f"Person Number{i}",
            date_of_birth=date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
            coach=coach,
            enrolled_on=start,
        )
        for i in range(PEOPLE)
    )
    people = list(Participant.objects.filter(organization=org).order_by("id"))
    coverages = Coverage.objects.bulk_create(
        Coverage(
            organization=org,
            participant=p,
            payer=payer,
            member_id=f"M{100000000 + i}",
            starts_on=start,
            added_by=manager,
        )
        for i, p in enumerate(people)
    )
    authorizations = Authorization.objects.bulk_create(
        Authorization(
            organization=org,
            coverage=c,
            number=f"PA-{i}",
            units=1000,
            starts_on=start,
            ends_on=start + timedelta(days=360),
            diagnosis_codes="F11.20",
            added_by=manager,
        )
        for i, c in enumerate(coverages)
    )
    Consent.objects.bulk_create(
        Consent(
            organization=org,
            participant=p,
            disclosing_party=org.name,
            categories=["contact", "attendance"],
            recipient=payer.name,
            purpose="payment",
            treatment_payment_operations=True,
            signed_on=start,
            signature_method="typed",
            signature=p.preferred_name,
            revocation_explained=True,
            created_by=manager,
        )
        for i, p in enumerate(people)
        if i % WITHOUT_CONSENT_EVERY != WITHOUT_CONSENT_EVERY - 1
    )
    now = timezone.now()
    encounters = []
    for p in people:
        for k in range(LINES_EACH):
            day = start + timedelta(days=k * 7)
            encounters.append(
                Encounter(
                    organization=org,
                    participant=p,
                    author=coach,
                    contact_type="in_person",
                    outcome="reached",
                    started_at=now,
                    occurred_on=day,
                    duration_minutes=30,
                    state=NoteState.SIGNED,
                    signed_by=coach,
                    signed_at=now,
                )
            )
    Encounter.objects.bulk_create(encounters, batch_size=2000)
    by_person = {c.participant_id: (c, a) for c, a in zip(coverages, authorizations, strict=True)}
    lines = [
        BillableLine(
            organization=org,
            participant_id=e.participant_id,
            encounter=e,
            service_date=e.occurred_on,
            minutes=30,
            payer=payer,
            coverage=by_person[e.participant_id][0],
            authorization=by_person[e.participant_id][1],
            procedure_code="H0038",
            place_of_service="11",
            units=2,
            amount=Decimal("33.00"),
            rendering_provider=coach,
            state=LineState.READY,
        )
        for e in Encounter.objects.filter(organization=org).only(
            "id", "participant_id", "occurred_on"
        )
    ]
    BillableLine.objects.bulk_create(lines, batch_size=2000)
    acting = Membership.objects.select_related("organization", "user").get(pk=acting.pk)
    return {"acting": acting, "payer": payer, "lines": len(lines)}


def timed(work: Any) -> tuple[Any, float]:
    begun = time.perf_counter()
    result = work()
    return result, time.perf_counter() - begun


def main() -> None:
    setup_django(given_or_fresh_sqlite("bench-claims"))
    from billing import claims, x12

    measured = seed("bench-claims")
    baseline = seed("bench-claims-baseline")
    print(f"{measured['lines']:,} ready lines for each of two programs\n")

    built, build_s = timed(
        lambda: claims.build_batch(acting=measured["acting"], payer=measured["payer"])
    )
    batch = built.batch
    values, gather_s = timed(lambda: claims.claim_file(batch))
    text, write_s = timed(lambda: x12.write_837p(values))
    _csv, csv_s = timed(lambda: claims.claim_csv(values))
    errors, check_s = timed(lambda: x12.validate(text))

    # The baseline: the same build with the consent check and the disclosures taken out.
    real_match, real_disclose = claims.matching_consent, claims.disclose
    claims.matching_consent = lambda **kwargs: True  # type: ignore[assignment]
    claims.disclose = lambda **kwargs: None  # type: ignore[assignment]
    try:
        _plain, plain_s = timed(
            lambda: claims.build_batch(acting=baseline["acting"], payer=baseline["payer"])
        )
    finally:
        claims.matching_consent, claims.disclose = real_match, real_disclose

    held = sum(p.lines for p in built.held_people)
    print("| step | lines | seconds |")
    print("|---|---:|---:|")
    print(
        f"| build the batch (consent, disclosures, one transaction) | {batch.line_count:,} "
        f"| {build_s:.2f} |"
    )
    print(
        f"| baseline build, no consent check or disclosures | {_plain.batch.line_count:,} "
        f"| {plain_s:.2f} |"
    )
    print(f"| gather the 837P's values | {batch.line_count:,} | {gather_s:.2f} |")
    print(
        f"| write the 837P ({len(text) / 1024:,.0f} KiB) | {batch.line_count:,} | {write_s:.2f} |"
    )
    print(f"| write the CSV | {batch.line_count:,} | {csv_s:.2f} |")
    print(f"| check the 837P with pyx12 | {batch.line_count:,} | {check_s:.2f} |")
    print(f"\nHeld for no consent for payment: {held:,} lines of {len(built.held_people)} people.")
    print(f"pyx12 errors: {len(errors)}{' ' + errors[0] if errors else ''}")
    print(f"Ratio build with disclosures / without: {build_s / plain_s:.2f}")
    total = build_s + gather_s + write_s + check_s
    print(f"Build, write and check: {total:.1f} s for {batch.line_count:,} lines.")


if __name__ == "__main__":
    main()
