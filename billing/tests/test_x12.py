"""The 837P writer on hand-made claims: every file it writes passes pyx12's check against the
005010X222A1 guide, the check catches a broken file, and the counts and splits are right."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from billing import x12
from billing.demo import demo_npi

ANA = x12.Provider("Rivera", "Ana", demo_npi(500001), "175T00000X")
SAM = x12.Provider("Stone", "Sam", demo_npi(500002))


def claim(number: int, *, supervising: x12.Provider | None = SAM) -> x12.Claim:
    return x12.Claim(
        patient_control=f"C{number:05d}",
        place_of_service="11",
        diagnosis_codes=["F11.20", "Z71.89"],
        rendering=ANA,
        supervising=supervising,
        prior_authorization="PA-1",
        lines=[
            x12.ServiceLine("H0038", ["HQ"], Decimal("16.50"), 2, date(2026, 12, 1), f"L{number}")
        ],
    )


def claim_file(subscribers: list[x12.Subscriber]) -> x12.ClaimFile:
    return x12.ClaimFile(
        interchange_control=42,
        group_control=42,
        created_at=datetime(2026, 12, 5, 12, 0, tzinfo=UTC),
        submitter_id="HARBORRCO",
        submitter_name="Harbor Recovery Community",
        contact_name="Billing desk",
        contact_phone="9785550100",
        payer_name="Commonwealth Medicaid",
        payer_id="DEMO01",
        billing_name="Harbor Recovery Community",
        billing_npi=demo_npi(900001),
        billing_tax_id="000000000",
        billing_address="12 Wharf Street",
        billing_city="Salem",
        billing_state="MA",
        billing_zip="019700001",
        claim_filing="MC",
        billing_taxonomy="175T00000X",
        subscribers=subscribers,
    )


def one_person() -> x12.ClaimFile:
    return claim_file(
        [x12.Subscriber("Doe", "José", "M123*456", [claim(1), claim(2)], date(1980, 1, 2))]
    )


def test_a_file_of_two_claims_passes_the_guide_and_its_counts_add_up() -> None:
    text = x12.write_837p(one_person())
    assert x12.validate(text) == []
    segments = text.strip().split("\n")
    start = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    end = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    assert segments[end] == f"SE*{end - start + 1}*0001~"
    assert segments[-2] == "GE*1*42~" and segments[-1] == "IEA*1*000000042~"
    assert "HI*ABK:F1120*ABF:Z7189~" in text
    assert "NM1*DQ*1*STONE*SAM****XX*" in text  # the supervising provider, 2310D
    assert "NM1*82*1*RIVERA*ANA****XX*" in text  # the rendering provider, 2310B
    # Separators in a value never break the file; accents become plain letters.
    assert "NM1*IL*1*DOE*JOSE****MI*M123 456~" in text


def test_without_a_supervising_provider_there_is_no_2310d() -> None:
    text = x12.write_837p(
        claim_file([x12.Subscriber("Doe", "Jo", "M1", [claim(1, supervising=None)])])
    )
    assert "NM1*DQ" not in text and "DMG*" not in text
    assert x12.validate(text) == []


def test_the_check_catches_a_broken_file_and_names_the_segment() -> None:
    text = x12.write_837p(one_person())
    wrong_unit = text.replace("*UN*2***1~", "*XX*2~", 1)
    errors = x12.validate(wrong_unit)
    assert errors and any("SV1" in e for e in errors)
    wrong_count = text.replace("\nSE*", "\nSE*9", 1)
    assert any("SE count" in e for e in x12.validate(wrong_count))
    assert x12.validate("this is not an X12 file")


def test_a_large_batch_is_split_into_transaction_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(x12, "CLAIMS_PER_TRANSACTION", 3)
    people = [
        x12.Subscriber("Doe", f"P{n}", f"M{n}", [claim(n * 10 + k) for k in range(2)])
        for n in range(4)
    ]
    text = x12.write_837p(claim_file(people))
    assert text.count("\nST*837*") == 4  # two claims a person, at most three a set
    assert "GE*4*42~" in text
    assert x12.validate(text) == []


@pytest.mark.parametrize(
    ("amount", "written"),
    [("16.50", "16.5"), ("33.00", "33"), ("0.00", "0"), ("1234.56", "1234.56"), ("100", "100")],
)
def test_amounts_are_written_as_x12_decimals(amount: str, written: str) -> None:
    assert x12.money(Decimal(amount)) == written
