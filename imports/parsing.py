"""Reading cells into values: dates, times, choices, coaches; and the per-row checker base."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _

from imports.kinds import SOURCE_ID, fields_for
from imports.models import DateStyle, ImportBatch
from imports.reading import Cell
from organizations.models import Membership, Role


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


class RowError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(cell: Cell) -> str:
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return cell.strip()


ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
LOCAL_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(cell: Cell, style: str) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    value = cell.strip()
    try:
        if match := ISO_DATE.match(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if (match := LOCAL_DATE.match(value)) and style != DateStyle.ISO:
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            month, day = (first, second) if style == DateStyle.MDY else (second, first)
            return date(year, month, day)
    except ValueError as error:
        raise RowError(_("There is no such date.")) from error
    if LOCAL_DATE.match(value):
        raise RowError(
            _("Dates like this can be read two ways; choose the date style on the columns page.")
        )
    raise RowError(_("This date could not be read. Write it as year-month-day, like 2026-03-04."))


def parse_moment(cell: Cell, style: str, zone: ZoneInfo) -> datetime:
    """A contact's time: ISO 8601 (an offset is kept; none means the organization's zone)."""
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=zone) if cell.tzinfo is None else cell
    value = cell.strip() if isinstance(cell, str) else ""
    if "T" in value or (":" in value and " " in value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise RowError(
                _("This date and time could not be read. Use 2026-03-04T14:30 or 2026-03-04.")
            ) from error
        return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
    return datetime.combine(parse_date(cell, style), time(12, 0), tzinfo=zone)


class ChoiceMap:
    """Reads a stored value or its label (any case) into the stored value; built once per check."""

    def __init__(self, choices: type[TextChoices]) -> None:
        self.lookup: dict[str, str] = {}
        for stored, label in choices.choices:
            if stored:
                self.lookup[str(label).lower()] = str(stored)
                self.lookup[str(stored).lower()] = str(stored)
        self.allowed = ", ".join(str(v) for v in choices.values if v)

    def __call__(self, value: str) -> str:
        found = self.lookup.get(value.strip().lower())
        if found is None:
            raise RowError(
                _("This is not one of the choices here: %(allowed)s.") % {"allowed": self.allowed}
            )
        return found

    def many(self, value: str) -> list[str]:
        return [self(part) for part in re.split(r"[;,]", value) if part.strip()]


def assignable_coaches(acting: Membership) -> dict[str, Any]:
    """User name (lower case) → user the importer may put records under.

    A coach imports onto their own caseload; a supervisor onto their team's; a manager onto any
    coach's or supervisor's in the organization. Names from other organizations are unknown here.
    """
    members = Membership.objects.active().filter(
        organization=acting.organization, role__in=Role.care_team()
    )
    if acting.role == Role.COACH:
        members = members.filter(user=acting.user)
    elif acting.role == Role.SUPERVISOR:
        if acting.team_id is None:
            members = members.filter(user=acting.user)
        else:
            members = members.filter(team_id=acting.team_id) | members.filter(user=acting.user)
    return {m.user.username.lower(): m.user for m in members.select_related("user")}


class RowChecker:
    """Checks one row's mapped cells; `values` holds the cleaned values of the last good row."""

    fields: dict[str, Callable[[Cell], Any]]

    def __init__(self, batch: ImportBatch, acting: Membership) -> None:
        self.batch, self.acting = batch, acting
        self.values: dict[str, Any] = {}
        self.coaches = assignable_coaches(acting)
        self.targets = fields_for(batch.kind)

    def check(self, row: int, raw: dict[str, Cell]) -> list[Problem]:
        problems = []
        values: dict[str, Any] = {}
        for target in self.targets:
            if target.name == SOURCE_ID:
                continue
            cell = raw.get(target.name, "")
            column = self.batch.mapping.get(target.name, "")
            if not text(cell):
                if target.required:
                    problems.append(Problem(row, column, "", _("This is needed and is empty.")))
                continue
            try:
                values[target.name] = self.fields[target.name](cell)
            except (RowError, ValidationError) as error:
                message = error.message if isinstance(error, RowError) else error.messages[0]
                problems.append(Problem(row, column, text(cell), str(message)))
        if not problems:
            problems.extend(self.check_row(row, values))
        self.values = values
        return problems

    def check_row(self, row: int, values: dict[str, Any]) -> list[Problem]:
        return []

    def coach(self, cell: Cell) -> Any:
        user = self.coaches.get(text(cell).lower())
        if user is None:
            raise RowError(_("No coach you can assign records to has this user name here."))
        return user
