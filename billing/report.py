"""The billing report: units and amounts billed, paid and denied by month, payer and service,
the payers' reasons for what they did not pay, and a breakdown per coach (alphabetical, never
ranked). Each figure carries the line-list filters that show the rows behind it.

The report is the manager's, who reads every line of the organization by name, so its counts
are shown as they are (small-number protection is for de-identified tables, as in reports)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from billing.carc import adjustment_words
from billing.models import BillableLine, LineState
from billing.selectors import CLAIMED

BILLED = CLAIMED["billed"]
PAID = CLAIMED["paid"]
FIGURES = {
    "lines": Count("id"),
    "billed_units": Sum("units"),
    "billed_amount": Sum("amount"),
    "paid_units": Sum("paid_units", filter=Q(state__in=PAID)),
    "paid_amount": Sum("paid_amount", filter=Q(state__in=PAID)),
    "denied_units": Sum("units", filter=Q(state=LineState.DENIED)),
    "denied_amount": Sum("amount", filter=Q(state=LineState.DENIED)),
}


@dataclass(frozen=True)
class Figures:
    lines: int
    billed_units: int
    billed_amount: Decimal
    paid_units: int
    paid_amount: Decimal
    denied_units: int
    denied_amount: Decimal
    # The line list's filters for this row's lines ("&claimed=paid" and so on are added).
    query: str

    @classmethod
    def of(cls, row: dict[str, Any], query: str) -> "Figures":
        return cls(
            lines=row["lines"],
            billed_units=int(row["billed_units"] or 0),
            billed_amount=row["billed_amount"] or Decimal("0.00"),
            paid_units=int(row["paid_units"] or 0),
            paid_amount=row["paid_amount"] or Decimal("0.00"),
            denied_units=int(row["denied_units"] or 0),
            denied_amount=row["denied_amount"] or Decimal("0.00"),
            query=query,
        )


@dataclass(frozen=True)
class MonthRow:
    month: date
    payer: str
    code: str
    figures: Figures


@dataclass(frozen=True)
class CoachRow:
    name: str
    figures: Figures


@dataclass(frozen=True)
class ReasonRow:
    code: str
    words: str
    lines: int
    query: str


@dataclass(frozen=True)
class Report:
    months: list[MonthRow]
    coaches: list[CoachRow]
    reasons: list[ReasonRow]
    total: Figures


def _query(**filters: Any) -> str:
    return "&".join(f"{key}={value}" for key, value in filters.items() if value)


def billing_report(lines: QuerySet[BillableLine], base: dict[str, str]) -> Report:
    """Figures of the lines sent in claims among `lines` (already narrowed by the page's
    filters, whose values `base` carries into every link). Four grouped queries."""
    billed = lines.filter(state__in=BILLED).order_by()
    months = [
        MonthRow(
            month=row["month"],
            payer=row["payer__name"],
            code=row["procedure_code"],
            figures=Figures.of(
                row,
                _query(
                    **{
                        **base,
                        "month": f"{row['month']:%Y-%m}",
                        "payer": row["payer_id"],
                        "code": row["procedure_code"],
                    }
                ),
            ),
        )
        for row in billed.annotate(month=TruncMonth("service_date"))
        .values("month", "payer_id", "payer__name", "procedure_code")
        .annotate(**FIGURES)
        .order_by("-month", "payer__name", "procedure_code")
    ]
    coaches = sorted(
        (
            CoachRow(
                name=_name(row),
                figures=Figures.of(row, _query(**base, coach=row["rendering_provider__public_id"])),
            )
            for row in billed.values(
                "rendering_provider__public_id",
                "rendering_provider__preferred_name",
                "rendering_provider__first_name",
                "rendering_provider__last_name",
                "rendering_provider__username",
            ).annotate(**FIGURES)
        ),
        key=lambda coach: coach.name.casefold(),
    )
    reasons: Counter[str] = Counter()
    for codes in billed.filter(state__in=(LineState.DENIED, LineState.ADJUSTED)).values_list(
        "adjustments", flat=True
    ):
        reasons.update(codes.split())
    total = billed.aggregate(**FIGURES)
    return Report(
        months=months,
        coaches=coaches,
        reasons=[
            ReasonRow(code, adjustment_words(code), n, _query(**base, claimed="unpaid", carc=code))
            for code, n in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        ],
        total=Figures.of(total, _query(**base)),
    )


def _name(row: dict[str, Any]) -> str:
    first, last = row["rendering_provider__first_name"], row["rendering_provider__last_name"]
    return (
        row["rendering_provider__preferred_name"]
        or f"{first} {last}".strip()
        or row["rendering_provider__username"]
    )
