"""The de-identified analytic export: pseudonyms made for one export, dates shifted per person or
reduced to months, ages banded, and no names, contact details, free text or stored ids."""

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from exports.datasets import Column, Kind, Type
from participants.models import AgeRange

SHIFT_DAYS = 180
UNDER_16 = "under-16"
DROPPED = {Kind.RECORD_ID, Kind.IDENTIFYING, Kind.FREE_TEXT}


class DateMode(models.TextChoices):
    SHIFT = "shift", _("Shift each person's dates by a random number of days (-180 to +180)")
    MONTH = "month", _("Keep only the month (YYYY-MM)")


PERSON = Column(
    "person",
    _(
        "A pseudonym for the person, made for this export only (the same person has the same "
        "pseudonym on every row of this file, and a different one in any other export)"
    ),
    Type.TEXT,
)
AGE_BAND = Column(
    "age_band",
    _("Age band today, from the date of birth (or the age range they gave)"),
    Type.CHOICE,
    allowed_note=f"{UNDER_16}; " + "; ".join(v for v, _label in AgeRange.choices),
)


def age_band(born: date | None, given_range: str, today: date) -> str:
    if born is None:
        return given_range or ""
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < 16:
        return UNDER_16
    for lower, value in ((65, "65+"), (55, "55-64"), (45, "45-54"), (35, "35-44"), (25, "25-34")):
        if age >= lower:
            return value
    return "16-24"


def deidentified_column(column: Column, mode: str) -> Column | None:
    """What a column becomes in the de-identified export (None: left out)."""
    if column.kind in DROPPED:
        return None
    if column.kind == Kind.PARTICIPANT:
        return PERSON
    if column.kind == Kind.BIRTH_DATE:
        return AGE_BAND
    if column.name == "age_range":
        return None  # folded into age_band
    if column.kind in (Kind.DATE, Kind.DATETIME):
        if mode == DateMode.MONTH:
            return replace(
                column,
                type=Type.MONTH,
                meaning=format_lazy(_("{meaning} (month only)"), meaning=column.meaning),
            )
        return replace(
            column,
            type=Type.DATE if column.kind == Kind.DATE else Type.DATETIME,
            meaning=format_lazy(
                _("{meaning} (shifted by this person's random offset)"), meaning=column.meaning
            ),
        )
    return column


def treatment(column: Column) -> str:
    """For the data dictionary: what the de-identified export does with this column."""
    words = {
        Kind.RECORD_ID: _("left out"),
        Kind.IDENTIFYING: _("left out"),
        Kind.FREE_TEXT: _("left out (free text)"),
        Kind.PARTICIPANT: _("replaced by a pseudonym (person)"),
        Kind.BIRTH_DATE: _("replaced by an age band (its own column)"),
        Kind.DATE: _("shifted per person or reduced to the month"),
        Kind.DATETIME: _("shifted per person or reduced to the month"),
    }.get(
        column.kind,
        _("folded into the age band column") if column.name == "age_range" else _("kept"),
    )
    return str(words)


@dataclass
class Deidentifier:
    mode: str
    today: date
    rng: random.Random = field(default_factory=random.SystemRandom)
    pseudonyms: dict[Any, str] = field(default_factory=dict)
    offsets: dict[Any, int] = field(default_factory=dict)
    tz: tzinfo | None = None

    def columns(self, columns: tuple[Column, ...]) -> list[tuple[Column, Column]]:
        """(source column, output column) pairs, in order."""
        pairs = [(c, deidentified_column(c, self.mode)) for c in columns]
        return [(source, out) for source, out in pairs if out is not None]

    def pseudonym(self, person: Any) -> str:
        if person not in self.pseudonyms:
            taken = set(self.pseudonyms.values())
            while True:
                made = f"p-{self.rng.getrandbits(40):010x}"
                if made not in taken:
                    break
            self.pseudonyms[person] = made
            self.offsets[person] = self.rng.randint(-SHIFT_DAYS, SHIFT_DAYS)
        return self.pseudonyms[person]

    def row(self, pairs: list[tuple[Column, Column]], row: dict[str, Any]) -> dict[str, Any]:
        person = next((row[s.name] for s, _o in pairs if s.kind == Kind.PARTICIPANT), None)
        if person is not None:
            self.pseudonym(person)
        offset = timedelta(days=self.offsets.get(person, 0))
        out: dict[str, Any] = {}
        for source, column in pairs:
            value = row[source.name]
            if source.kind == Kind.PARTICIPANT:
                value = self.pseudonyms[value] if value is not None else ""
            elif source.kind == Kind.BIRTH_DATE:
                value = age_band(value, row.get("age_range") or "", self.today)
            elif source.kind in (Kind.DATE, Kind.DATETIME) and isinstance(value, date):
                # (a datetime is a date too; a code such as SUPRT's -8 "don't know" stays as is)
                value = _month(value, self.tz) if self.mode == DateMode.MONTH else value + offset
            out[column.name] = value
        return out


def _month(value: date | datetime, tz: tzinfo | None) -> str:
    if isinstance(value, datetime):
        # The month as the organization lived it, not the month in UTC.
        value = timezone.localtime(value, tz)
    return f"{value.year:04d}-{value.month:02d}"
