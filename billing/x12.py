"""The 837P claim file (ANSI X12 005010X222A1) written from plain values, and the check of any
X12 file against its implementation guide with pyx12.

Nothing here reads the database: billing.claims gathers a batch into these values, so the
writer can be tested on hand-made claims and the same values give the same bytes.
"""

import io
import json
import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

VERSION = "005010X222A1"
# The guide asks senders to keep a transaction set to 5,000 claims; a larger batch is split.
CLAIMS_PER_TRANSACTION = 5000
ELEMENT, COMPONENT, REPETITION, SEGMENT = "*", ":", "^", "~"


@dataclass(frozen=True)
class Provider:
    last_name: str
    first_name: str
    npi: str
    taxonomy: str = ""


@dataclass(frozen=True)
class ServiceLine:
    procedure_code: str
    modifiers: list[str]
    amount: Decimal
    units: int
    service_date: date
    control: str  # REF*6R: how a remittance names the line again


@dataclass(frozen=True)
class Claim:
    patient_control: str  # CLM01, given back as CLP01 in the 835
    place_of_service: str
    diagnosis_codes: list[str]
    rendering: Provider
    lines: list[ServiceLine]
    prior_authorization: str = ""
    supervising: Provider | None = None
    # CLM05-3: 1 an original claim, 7 a replacement of an earlier one, 8 its void; 7 and 8 name
    # the earlier claim by the payer's number for it (REF*F8).
    frequency: str = "1"
    original_claim: str = ""

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))


@dataclass(frozen=True)
class Subscriber:
    last_name: str
    first_name: str
    member_id: str
    claims: list[Claim]
    date_of_birth: date | None = None


@dataclass(frozen=True)
class ClaimFile:
    interchange_control: int
    group_control: int
    created_at: datetime
    submitter_id: str
    submitter_name: str
    contact_name: str
    contact_phone: str
    payer_name: str
    payer_id: str
    billing_name: str
    billing_npi: str
    billing_tax_id: str
    billing_address: str
    billing_city: str
    billing_state: str
    billing_zip: str
    claim_filing: str  # SBR09: MC Medicaid, 11 other non-federal programs, ZZ other
    subscribers: list[Subscriber] = field(default_factory=list)
    billing_taxonomy: str = ""
    production: bool = True


def clean(value: object) -> str:
    """Text an X12 element may hold: plain upper-case ASCII without the separators."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    for mark in (ELEMENT, COMPONENT, REPETITION, SEGMENT, "\n", "\r"):
        text = text.replace(mark, " ")
    return " ".join(text.split()).upper()


def money(amount: Decimal) -> str:
    """An X12 decimal: no trailing zeros, no exponent (16.50 is 16.5, 33.00 is 33)."""
    text = format(amount.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _segment(*elements: object) -> str:
    parts = [str(e) for e in elements]
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return ELEMENT.join(parts) + SEGMENT


def _person_name(provider: Provider) -> tuple[str, str]:
    return clean(provider.last_name)[:60] or "UNKNOWN", clean(provider.first_name)[:35]


def _transaction(claim_file: ClaimFile, number: int, subscribers: list[Subscriber]) -> list[str]:
    f = claim_file
    st = f"{number:04d}"
    at = f.created_at
    out = [
        _segment("ST", "837", st, VERSION),
        _segment(
            "BHT",
            "0019",
            "00",
            f"{f.interchange_control:09d}{st}",
            f"{at:%Y%m%d}",
            f"{at:%H%M}",
            "CH",
        ),
        # 1000A submitter, 1000B receiver
        _segment(
            "NM1",
            "41",
            "2",
            clean(f.submitter_name)[:60],
            "",
            "",
            "",
            "",
            "46",
            clean(f.submitter_id),
        ),
        _segment("PER", "IC", clean(f.contact_name)[:60], "TE", f.contact_phone),
        _segment(
            "NM1", "40", "2", clean(f.payer_name)[:60], "", "", "", "", "46", clean(f.payer_id)
        ),
        # 2000A billing provider
        _segment("HL", "1", "", "20", "1"),
    ]
    if f.billing_taxonomy:
        out.append(_segment("PRV", "BI", "PXC", clean(f.billing_taxonomy)))
    out += [
        _segment("NM1", "85", "2", clean(f.billing_name)[:60], "", "", "", "", "XX", f.billing_npi),
        _segment("N3", clean(f.billing_address)[:55]),
        _segment("N4", clean(f.billing_city)[:30], clean(f.billing_state), f.billing_zip),
        _segment("REF", "EI", f.billing_tax_id),
    ]
    hl = 1
    for subscriber in subscribers:
        hl += 1
        out += [
            # 2000B subscriber (who is the patient: no 2000C loop)
            _segment("HL", str(hl), "1", "22", "0"),
            _segment("SBR", "P", "18", "", "", "", "", "", "", f.claim_filing),
            _segment(
                "NM1",
                "IL",
                "1",
                clean(subscriber.last_name)[:60] or "UNKNOWN",
                clean(subscriber.first_name)[:35],
                "",
                "",
                "",
                "MI",
                clean(subscriber.member_id),
            ),
        ]
        if subscriber.date_of_birth is not None:
            out.append(_segment("DMG", "D8", f"{subscriber.date_of_birth:%Y%m%d}", "U"))
        out.append(
            _segment(
                "NM1", "PR", "2", clean(f.payer_name)[:60], "", "", "", "", "PI", clean(f.payer_id)
            )
        )
        for claim in subscriber.claims:
            out += _claim(claim)
    out.append(_segment("SE", str(len(out) + 1), st))
    return out


def _claim(claim: Claim) -> list[str]:
    out = [
        _segment(
            "CLM",
            clean(claim.patient_control),
            money(claim.amount),
            "",
            "",
            COMPONENT.join([claim.place_of_service, "B", claim.frequency]),
            "Y",
            "A",
            "Y",
            "Y",
        )
    ]
    if claim.prior_authorization:
        out.append(_segment("REF", "G1", clean(claim.prior_authorization)[:50]))
    if claim.frequency != "1" and claim.original_claim:
        out.append(_segment("REF", "F8", clean(claim.original_claim)[:50]))
    codes = [clean(code).replace(".", "") for code in claim.diagnosis_codes][:12]
    out.append(
        _segment(
            "HI", *[COMPONENT.join(["ABK" if i == 0 else "ABF", c]) for i, c in enumerate(codes)]
        )
    )
    last, first = _person_name(claim.rendering)
    out.append(_segment("NM1", "82", "1", last, first, "", "", "", "XX", claim.rendering.npi))
    if claim.rendering.taxonomy:
        out.append(_segment("PRV", "PE", "PXC", clean(claim.rendering.taxonomy)))
    if claim.supervising is not None:
        last, first = _person_name(claim.supervising)
        out.append(_segment("NM1", "DQ", "1", last, first, "", "", "", "XX", claim.supervising.npi))
    for number, line in enumerate(claim.lines, start=1):
        procedure = COMPONENT.join(
            ["HC", clean(line.procedure_code), *map(clean, line.modifiers[:4])]
        )
        out += [
            _segment("LX", str(number)),
            _segment("SV1", procedure, money(line.amount), "UN", str(line.units), "", "", "1"),
            _segment("DTP", "472", "D8", f"{line.service_date:%Y%m%d}"),
            _segment("REF", "6R", clean(line.control)[:50]),
        ]
    return out


def _chunks(subscribers: list[Subscriber]) -> Iterator[list[Subscriber]]:
    """Subscribers in groups of at most CLAIMS_PER_TRANSACTION claims (a person's claims are
    never split across two transaction sets)."""
    chunk: list[Subscriber] = []
    claims = 0
    for subscriber in subscribers:
        if chunk and claims + len(subscriber.claims) > CLAIMS_PER_TRANSACTION:
            yield chunk
            chunk, claims = [], 0
        chunk.append(subscriber)
        claims += len(subscriber.claims)
    if chunk:
        yield chunk


@dataclass(frozen=True)
class Envelope:
    """The interchange (ISA/IEA) and functional group (GS/GE) around transaction sets."""

    functional_code: str  # GS01: HC claims, HP payments
    version: str
    sender_id: str
    receiver_id: str
    at: datetime
    interchange_control: int
    group_control: int
    production: bool = True


def enveloped(envelope: Envelope, sets: list[list[str]]) -> str:
    """The whole interchange, one segment a line."""
    e, at = envelope, envelope.at
    control = f"{e.interchange_control:09d}"
    out = [
        _segment(
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            clean(e.sender_id)[:15].ljust(15),
            "ZZ",
            clean(e.receiver_id)[:15].ljust(15),
            f"{at:%y%m%d}",
            f"{at:%H%M}",
            REPETITION,
            "00501",
            control,
            "0",
            "P" if e.production else "T",
            COMPONENT,
        ),
        _segment(
            "GS",
            e.functional_code,
            clean(e.sender_id),
            clean(e.receiver_id),
            f"{at:%Y%m%d}",
            f"{at:%H%M}",
            str(e.group_control),
            "X",
            e.version,
        ),
    ]
    for segments in sets:
        out += segments
    out += [_segment("GE", str(len(sets)), str(e.group_control)), _segment("IEA", "1", control)]
    return "\n".join(out) + "\n"


def write_837p(claim_file: ClaimFile) -> str:
    """The whole interchange, one segment a line."""
    f = claim_file
    sets = [
        _transaction(f, number, chunk)
        for number, chunk in enumerate(_chunks(f.subscribers), start=1)
    ]
    envelope = Envelope(
        functional_code="HC",
        version=VERSION,
        sender_id=f.submitter_id,
        receiver_id=f.payer_id,
        at=f.created_at,
        interchange_control=f.interchange_control,
        group_control=f.group_control,
        production=f.production,
    )
    return enveloped(envelope, sets)


# --- checking against the implementation guide --------------------------------------------


def _errors_in(node: Any, where: str, found: list[str]) -> None:
    """Walk pyx12's JSON report: every error with the segment (and element) it names."""
    if isinstance(node, list):
        for item in node:
            _errors_in(item, where, found)
        return
    if not isinstance(node, dict):
        return
    if "seg_id" in node:
        where = f"Segment {node['seg_id']}, line {node.get('cur_line')}"
    elif "ele_pos" in node:
        where = f"{where}, element {node.get('ele_pos')}"
    elif "trn_set_id" in node:
        where = f"transaction set ST {node.get('trn_set_control_num')}"
    elif "gs_control_num" in node:
        where = "group GS"
    elif "isa_trn_set_id" in node:
        where = "interchange ISA"
    for error in node.get("errors") or []:
        value = f" [{error['err_val']}]" if error.get("err_val") else ""
        found.append(f"{where}: {error.get('err_str')}{value} (code {error.get('err_cde')})")
    for key, value in node.items():
        if key != "errors" and isinstance(value, list | dict):
            _errors_in(value, where, found)


def validate(text: str) -> list[str]:
    """What pyx12 finds wrong with an X12 file, one message per problem (empty: valid)."""
    import pyx12.params
    import pyx12.x12n_document

    # pyx12 logs each error as well; the caller shows them, so the log stays quiet.
    quiet = logging.getLogger("pyx12")
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    param = pyx12.params.params()
    report = io.StringIO()
    try:
        valid = pyx12.x12n_document.x12n_document(
            param=param, src_file=io.StringIO(text), fd_997=None, fd_html=None, fd_json=report
        )
    except Exception as exc:  # noqa: BLE001 - a broken file may break the reader itself
        return [f"The file could not be read as X12 ({type(exc).__name__}: {exc})."]
    found: list[str] = []
    if report.getvalue():
        _errors_in(json.loads(report.getvalue()), "", found)
    if not valid and not found:
        found.append("The file does not follow the X12 implementation guide.")
    return found
