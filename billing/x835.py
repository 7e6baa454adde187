"""The 835 remittance (ANSI X12 005010X221A1) read into plain values, and written from them for
the tests and the demo's "test 835". Nothing here reads the database: billing.remittance matches
the values to our lines.

pyx12 checks the file against the implementation guide first (billing.x12.validate); the claim
payments (CLP), service payments (SVC) and adjustments (CAS) are then read here, each problem
named by its segment and line (the segment's position in the file, as pyx12 counts it).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from billing import x12
from billing.x12 import COMPONENT, _segment, clean, money

VERSION = "005010X221A1"


class RemitError(Exception):
    """The file cannot be taken; `segment` and `line` say where."""

    def __init__(self, segment: str, line: int, problem: str) -> None:
        self.segment, self.line, self.problem = segment, line, problem
        super().__init__(str(self))

    def __str__(self) -> str:
        return _("Segment %(segment)s, line %(line)s: %(problem)s") % {
            "segment": self.segment,
            "line": self.line,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class Adjustment:
    group: str  # CAS01: CO contractual, PR patient responsibility, OA other, PI payer initiated
    reason: str  # a claim adjustment reason code (CARC)
    amount: Decimal

    @property
    def code(self) -> str:
        return f"{self.group}-{self.reason}"


@dataclass
class ServicePayment:
    procedure_code: str
    charged: Decimal
    paid: Decimal
    units: int | None  # units paid (SVC05); None: the file does not say
    control: str = ""  # REF*6R: our line's control number, as our 837P wrote it
    adjustments: list[Adjustment] = field(default_factory=list)
    line: int = 0


@dataclass(frozen=True)
class ClaimPayment:
    claim: str  # CLP01: our claim number (CLM01)
    status: str  # CLP02: 1, 2, 3 processed; 4 denied; 22 a reversal
    charged: Decimal
    paid: Decimal
    payer_claim_number: str = ""  # CLP07
    services: list[ServicePayment] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    line: int = 0


@dataclass(frozen=True)
class Remit:
    trace_number: str  # TRN02: the check or transfer number, once per payment
    payer_name: str
    total: Decimal
    paid_on: date | None
    claims: list[ClaimPayment]
    payer_id: str = ""
    payee_npi: str = ""
    trace_line: int = 0


def _amount(value: str, segment: str, line: int) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RemitError(
            segment, line, _("“%(value)s” is not an amount.") % {"value": value}
        ) from None
    if not amount.is_finite():
        raise RemitError(segment, line, _("“%(value)s” is not an amount.") % {"value": value})
    return amount


def _units(value: str, segment: str, line: int) -> int | None:
    if not value:
        return None
    try:
        units = Decimal(value)
    except InvalidOperation:
        units = Decimal("-1")
    if units < 0 or units != units.to_integral_value():
        raise RemitError(
            segment, line, _("“%(value)s” is not a number of units.") % {"value": value}
        )
    return int(units)


def _adjustments(value: list[str], line: int) -> list[Adjustment]:
    """CAS: a group code, then up to six reason, amount and quantity triples."""
    return [
        Adjustment(value[1], value[start], _amount(value[start + 1] or "0", "CAS", line))
        for start in range(2, 20, 3)
        if value[start]
    ]


def _date(value: str) -> date | None:
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def segments(text: str) -> list[list[str]]:
    """The file's segments split into elements, by the separators its ISA declares."""
    text = text.lstrip("\ufeff \r\n\t")
    if not text.startswith("ISA") or len(text) < 106:
        raise RemitError("ISA", 1, _("the file does not start with an X12 interchange header."))
    element, terminator = text[3], text[105]
    out = []
    for raw in text.split(terminator):
        raw = raw.strip("\r\n\t ")
        if raw:
            out.append(raw.split(element))
    return out


class _Reader:
    """Reads the segments in order; each kind of segment has its own step."""

    def __init__(self) -> None:
        self.trace = self.payer_name = self.payer_id = self.payee_npi = self.party = ""
        self.trace_line = self.sets = 0
        self.total = Decimal("0")
        self.paid_on: date | None = None
        self.claims: list[ClaimPayment] = []
        self.claim: ClaimPayment | None = None
        self.service: ServicePayment | None = None

    def st(self, value: list[str], number: int) -> None:
        self.sets += 1
        if value[1] != "835":
            raise RemitError(
                "ST",
                number,
                _("this is a %(kind)s file, not an 835 remittance.") % {"kind": value[1]},
            )
        if self.sets > 1:
            raise RemitError("ST", number, _("import one payment (one 835) at a time."))

    def bpr(self, value: list[str], number: int) -> None:
        self.total = _amount(value[2], "BPR", number)
        self.paid_on = _date(value[16])

    def trn(self, value: list[str], number: int) -> None:
        self.trace, self.trace_line = value[2], number

    def n1(self, value: list[str], number: int) -> None:
        self.party = value[1]
        if self.party == "PR":
            self.payer_name = value[2]
        elif self.party == "PE" and value[3] == "XX":
            self.payee_npi = value[4]

    def ref(self, value: list[str], number: int) -> None:
        if value[1] == "2U" and self.party == "PR":
            self.payer_id = value[2]
        elif value[1] == "6R" and self.service is not None:
            self.service.control = value[2]

    def clp(self, value: list[str], number: int) -> None:
        if value[2] == "22":
            raise RemitError(
                "CLP", number, _("a reversal of an earlier payment cannot be imported here.")
            )
        self.claim = ClaimPayment(
            claim=value[1],
            status=value[2],
            charged=_amount(value[3], "CLP", number),
            paid=_amount(value[4], "CLP", number),
            payer_claim_number=value[7],
            line=number,
        )
        self.claims.append(self.claim)
        self.service = None

    def svc(self, value: list[str], number: int) -> None:
        if self.claim is None:
            raise RemitError("SVC", number, _("a service payment comes before any claim."))
        procedure = value[1].split(COMPONENT)
        self.service = ServicePayment(
            procedure_code=procedure[1] if len(procedure) > 1 else procedure[0],
            charged=_amount(value[2], "SVC", number),
            paid=_amount(value[3], "SVC", number),
            # The guide leaves SVC05 out when one unit was paid.
            units=_units(value[5], "SVC", number) if value[5] else 1,
            line=number,
        )
        self.claim.services.append(self.service)

    def cas(self, value: list[str], number: int) -> None:
        found = _adjustments(value, number)
        if self.service is not None:
            self.service.adjustments.extend(found)
        elif self.claim is not None:
            self.claim.adjustments.extend(found)

    def end(self, value: list[str], number: int) -> None:
        self.claim = self.service = None


def read_835(text: str) -> Remit:
    """The payments of one 835 interchange (one transaction set; a file of several is refused)."""
    reader = _Reader()
    steps = {
        "ST": reader.st,
        "BPR": reader.bpr,
        "TRN": reader.trn,
        "N1": reader.n1,
        "REF": reader.ref,
        "CLP": reader.clp,
        "SVC": reader.svc,
        "CAS": reader.cas,
        "SE": reader.end,
        "GE": reader.end,
        "IEA": reader.end,
    }
    for number, parts in enumerate(segments(text), start=1):
        step = steps.get(parts[0])
        if step is not None:
            step(parts + [""] * 20, number)  # missing trailing elements read as empty
    if not reader.trace:
        raise RemitError("TRN", 0, _("the payment has no trace number."))
    return Remit(
        trace_number=reader.trace,
        payer_name=reader.payer_name,
        total=reader.total,
        paid_on=reader.paid_on,
        claims=reader.claims,
        payer_id=reader.payer_id,
        payee_npi=reader.payee_npi,
        trace_line=reader.trace_line,
    )


# --- writing an 835, for the tests and the demo ---------------------------------------------


@dataclass(frozen=True)
class RemitFile:
    remit: Remit
    interchange_control: int
    created_at: datetime
    sender_id: str
    receiver_id: str
    payee_name: str
    payer_address: str = "1 PAYER WAY"
    payer_city: str = "BOSTON"
    payer_state: str = "MA"
    payer_zip: str = "02101"


def write_835(values: RemitFile) -> str:
    """One interchange with one 835 transaction set paying the given claims."""
    r = values.remit
    at = values.created_at
    body = [
        _segment("ST", "835", "0001"),
        _segment(
            "BPR",
            "I" if r.total > 0 else "H",
            money(r.total),
            "C",
            "ACH" if r.total > 0 else "NON",
            *(
                ["CCP", "01", "999999999", "DA", "123456", "1512345678", "", "01", "999999999"]
                if r.total > 0
                else [""] * 9
            ),
            *(["DA", "654321"] if r.total > 0 else ["", ""]),
            f"{(r.paid_on or at.date()):%Y%m%d}",
        ),
        _segment("TRN", "1", clean(r.trace_number), "1512345678"),
        _segment("DTM", "405", f"{(r.paid_on or at.date()):%Y%m%d}"),
        _segment("N1", "PR", clean(r.payer_name)[:60]),
        _segment("N3", values.payer_address),
        _segment("N4", values.payer_city, values.payer_state, values.payer_zip),
        _segment("REF", "2U", clean(r.payer_id)) if r.payer_id else "",
        _segment("PER", "BL", "", "TE", "8005550100"),
        _segment(
            "N1",
            "PE",
            clean(values.payee_name)[:60],
            *(["XX", r.payee_npi] if r.payee_npi else ["FI", "000000000"]),
        ),
    ]
    body = [segment for segment in body if segment]
    if r.claims:
        body.append(_segment("LX", "1"))
    for claim in r.claims:
        body.append(
            _segment(
                "CLP",
                clean(claim.claim),
                claim.status,
                money(claim.charged),
                money(claim.paid),
                "",
                "MC",
                clean(claim.payer_claim_number),
            )
        )
        body += _cas(claim.adjustments)
        body.append(_segment("NM1", "QC", "1", "PERSON", "", "", "", "", "MI", "UNKNOWN"))
        for service in claim.services:
            body.append(
                _segment(
                    "SVC",
                    COMPONENT.join(["HC", clean(service.procedure_code)]),
                    money(service.charged),
                    money(service.paid),
                    "",
                    "" if service.units == 1 or service.units is None else str(service.units),
                )
            )
            body += _cas(service.adjustments)
            if service.control:
                body.append(_segment("REF", "6R", clean(service.control)))
    body.append(_segment("SE", str(len(body) + 1), "0001"))
    envelope = x12.Envelope(
        functional_code="HP",
        version=VERSION,
        sender_id=values.sender_id,
        receiver_id=values.receiver_id,
        at=values.created_at,
        interchange_control=values.interchange_control,
        group_control=values.interchange_control,
        production=False,
    )
    return x12.enveloped(envelope, [body])


def _cas(adjustments: list[Adjustment]) -> list[str]:
    by_group: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        by_group.setdefault(adjustment.group, []).append(adjustment)
    return [
        _segment("CAS", group, *[part for a in found[:6] for part in (a.reason, money(a.amount))])
        for group, found in by_group.items()
    ]
