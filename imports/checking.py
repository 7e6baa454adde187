"""The dry run: every row checked against the mapping, every problem named by row and column."""

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.engine import Instrument, registry
from assessments.models import Assessment, Language
from encounters.models import (
    MAX_DURATION_MINUTES,
    ContactType,
    Encounter,
    Outcome,
    ServiceType,
)
from imports.kinds import ITEM_PREFIX, SOURCE_ID, fields_for
from imports.models import DateStyle, ImportBatch, ImportedRecord, Kind
from imports.reading import Cell, Sheet
from lib.phones import to_e164
from organizations.models import Membership, Role
from participants.models import (
    AgeRange,
    Participant,
    ParticipantStatus,
    Pathway,
    ReferralSource,
    VeteranStatus,
)

ProgressFn = Callable[[int, int], None]
FIRST_DATA_ROW = 2  # row 1 holds the column names, as a spreadsheet numbers them


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    valid: list[tuple[int, str, dict[str, Any]]] = field(
        default_factory=list
    )  # row, source, values
    skipped: int = 0
    bad_rows: set[int] = field(default_factory=set)


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
        organization=acting.organization, role__in=(Role.COACH, Role.SUPERVISOR)
    )
    if acting.role == Role.COACH:
        members = members.filter(user=acting.user)
    elif acting.role == Role.SUPERVISOR:
        if acting.team_id is None:
            members = members.filter(user=acting.user)
        else:
            members = members.filter(team_id=acting.team_id) | members.filter(user=acting.user)
    return {m.user.username.lower(): m.user for m in members.select_related("user")}


def run_check(
    *, batch: ImportBatch, sheet: Sheet, acting: Membership, progress: ProgressFn | None = None
) -> CheckResult:
    checker = _CHECKERS[batch.kind](batch, acting)
    result = CheckResult()
    imported = ImportedRecord.objects.filter(organization=batch.organization, kind=batch.kind)
    done_ids = set(imported.values_list("source_id", flat=True))
    # A file exported from this same organization carries Cairn's own ids: those are here already.
    done_ids.update(str(pk) for pk in _EXISTING[batch.kind](batch))
    headers = batch.headers
    column_of = {target: headers.index(header) for target, header in batch.mapping.items()}
    seen_sources: dict[str, int] = {}
    total = len(sheet.rows)
    for index, cells in enumerate(sheet.rows):
        row = index + FIRST_DATA_ROW
        if progress is not None and index % 1000 == 0:
            progress(index, total)
        if not any(text(c) for c in cells):
            continue
        raw = {target: cells[at] if at < len(cells) else "" for target, at in column_of.items()}
        source = text(raw.pop(SOURCE_ID, "")) or _row_hash(raw)
        if source in done_ids:
            result.skipped += 1  # already imported by an earlier run: left as it is
            continue
        problems = checker.check(row, raw)
        if source in seen_sources:
            problems.append(
                Problem(
                    row,
                    batch.mapping.get(SOURCE_ID, ""),
                    source,
                    _("The same id is on row %(row)s; only one of them can be imported.")
                    % {"row": seen_sources[source]},
                )
            )
        if problems:
            result.problems.extend(problems)
            result.bad_rows.add(row)
        else:
            seen_sources[source] = row
            result.valid.append((row, source, checker.values))
    if progress is not None:
        progress(total, total)
    return result


def _existing_ids(model: Any) -> Callable[[ImportBatch], Any]:
    return lambda batch: model.objects.filter(organization=batch.organization).values_list(
        "id", flat=True
    )


_EXISTING: dict[str, Callable[[ImportBatch], Any]] = {
    Kind.PARTICIPANTS: _existing_ids(Participant),
    Kind.CONTACTS: _existing_ids(Encounter),
    Kind.ASSESSMENTS: _existing_ids(Assessment),
}


def _row_hash(raw: dict[str, Cell]) -> str:
    """Without an id column, a row's own content identifies it, so the same file re-run skips."""
    joined = "\x1f".join(f"{k}={text(v)}" for k, v in sorted(raw.items()))
    return "row:" + hashlib.sha256(joined.encode()).hexdigest()[:40]


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


class ParticipantChecker(RowChecker):
    def __init__(self, batch: ImportBatch, acting: Membership) -> None:
        super().__init__(batch, acting)
        style = batch.date_style
        ages, veteran, referral = (
            ChoiceMap(AgeRange),
            ChoiceMap(VeteranStatus),
            ChoiceMap(ReferralSource),
        )
        pathways, statuses = ChoiceMap(Pathway), ChoiceMap(ParticipantStatus)
        self.fields = {
            "preferred_name": lambda c: text(c)[:120],
            "legal_name": lambda c: text(c)[:200],
            "pronouns": lambda c: text(c)[:60],
            "date_of_birth": lambda c: self.birth_date(parse_date(c, style)),
            "age_range": lambda c: ages(text(c)),
            "preferred_language": lambda c: text(c)[:40],
            "gender_identity": lambda c: text(c)[:120],
            "race_ethnicity": lambda c: text(c)[:200],
            "sexual_orientation": lambda c: text(c)[:120],
            "veteran_status": lambda c: veteran(text(c)),
            "referral_source": lambda c: referral(text(c)),
            "pathways": lambda c: pathways.many(text(c)),
            "phone": lambda c: to_e164(text(c)),
            "email": self.email,
            "coach_username": self.coach,
            "status": lambda c: statuses(text(c)),
            "enrolled_on": lambda c: parse_date(c, style),
        }
        existing = Participant.objects.filter(
            organization=batch.organization, merged_into__isnull=True
        )
        self.by_name_dob: dict[tuple[str, date | None], str] = {
            (name.lower(), dob): ""
            for name, dob in existing.filter(date_of_birth__isnull=False).values_list(
                "preferred_name", "date_of_birth"
            )
        }
        self.by_phone: dict[str, str] = dict.fromkeys(
            existing.exclude(phone="").values_list("phone", flat=True), ""
        )

    @staticmethod
    def birth_date(value: date) -> date:
        if value >= timezone.localdate() or value.year < 1900:
            raise RowError(_("This date of birth is not possible; check the year."))
        return value

    @staticmethod
    def email(cell: Cell) -> str:
        value = text(cell)
        try:
            validate_email(value)
        except ValidationError as error:
            raise RowError(_("This does not look like an email address.")) from error
        return value

    def check_row(self, row: int, values: dict[str, Any]) -> list[Problem]:
        problems = []
        mapping = self.batch.mapping
        dob = values.get("date_of_birth")
        if dob is not None:
            key = (values["preferred_name"].lower(), dob)
            if key in self.by_name_dob:
                problems.append(
                    Problem(
                        row,
                        mapping["preferred_name"],
                        values["preferred_name"],
                        self._duplicate(self.by_name_dob[key], _("name and date of birth")),
                    )
                )
            else:
                self.by_name_dob[key] = str(row)
        phone = values.get("phone")
        if phone:
            if phone in self.by_phone:
                problems.append(
                    Problem(
                        row,
                        mapping["phone"],
                        phone,
                        self._duplicate(self.by_phone[phone], _("phone number")),
                    )
                )
            else:
                self.by_phone[phone] = str(row)
        return problems

    @staticmethod
    def _duplicate(other_row: str, what: str) -> str:
        if other_row:
            return _("Row %(row)s has the same %(what)s; is this the same person?") % {
                "row": other_row,
                "what": what,
            }
        return _("Someone with the same %(what)s is already in Cairn; is this the same person?") % {
            "what": what
        }


class ForParticipant(RowChecker):
    """Rows that belong to a participant the importer may see (by old id or Cairn id)."""

    def __init__(self, batch: ImportBatch, acting: Membership) -> None:
        super().__init__(batch, acting)
        visible = Participant.objects.visible_to(acting.user, batch.organization)
        self.visible = {str(pk) for pk in visible.values_list("id", flat=True)}
        self.imported = {
            source: str(object_id)
            for source, object_id in ImportedRecord.objects.filter(
                organization=batch.organization, kind=Kind.PARTICIPANTS
            ).values_list("source_id", "object_id")
        }

    def participant(self, cell: Cell) -> uuid.UUID:
        value = text(cell)
        found = self.imported.get(value) or value.lower()
        if found not in self.visible:
            raise RowError(_("No participant you can see has this id."))
        return uuid.UUID(found)


class ContactChecker(ForParticipant):
    def __init__(self, batch: ImportBatch, acting: Membership) -> None:
        super().__init__(batch, acting)
        style = batch.date_style
        zone = ZoneInfo(batch.organization.time_zone)
        types, outcomes = ChoiceMap(ContactType), ChoiceMap(Outcome)
        self.fields = {
            "participant_id": self.participant,
            "coach_username": self.coach,
            "contact_type": lambda c: types(text(c)),
            "outcome": lambda c: outcomes(text(c)),
            "started_at": lambda c: parse_moment(c, style, zone),
            "occurred_on": lambda c: parse_date(c, style),
            "duration_minutes": self.minutes,
            "service_type": self.service_type,
            "setting": lambda c: text(c)[:120],
        }
        self.services = {
            s.name.lower(): s
            for s in ServiceType.objects.filter(organization=batch.organization, is_active=True)
        }

    @staticmethod
    def minutes(cell: Cell) -> int:
        try:
            value = int(text(cell))
        except ValueError as error:
            raise RowError(_("Minutes should be a whole number, like 30.")) from error
        if not 0 <= value <= MAX_DURATION_MINUTES:
            raise RowError(_("Minutes should be between 0 and 720."))
        return value

    def service_type(self, cell: Cell) -> ServiceType:
        found = self.services.get(text(cell).lower())
        if found is None:
            raise RowError(_("There is no service type with this name here."))
        return found

    def check_row(self, row: int, values: dict[str, Any]) -> list[Problem]:
        if "started_at" not in values and "occurred_on" not in values:
            column = self.batch.mapping.get("started_at") or self.batch.mapping.get(
                "occurred_on", ""
            )
            return [Problem(row, column, "", _("A date is needed and is empty."))]
        return []


class AssessmentChecker(ForParticipant):
    def __init__(self, batch: ImportBatch, acting: Membership) -> None:
        super().__init__(batch, acting)
        style = batch.date_style
        languages = ChoiceMap(Language)
        self.fields = {
            "participant_id": self.participant,
            "instrument": self.instrument,
            "language": lambda c: languages(text(c)),
            "administered_on": lambda c: self.not_future(parse_date(c, style)),
        }
        for target in self.targets:
            if target.name.startswith(ITEM_PREFIX):
                self.fields[target.name] = self.answer

    @staticmethod
    def instrument(cell: Cell) -> Instrument:
        found = registry().get(text(cell).lower())
        if found is None:
            known = ", ".join(sorted(registry()))
            raise RowError(
                _("Cairn has no instrument with this key (it knows %(known)s).") % {"known": known}
            )
        return found

    @staticmethod
    def not_future(day: date) -> date:
        if day > timezone.localdate():
            raise RowError(_("This date is in the future."))
        return day

    @staticmethod
    def answer(cell: Cell) -> int:
        try:
            return int(text(cell))
        except ValueError as error:
            raise RowError(_("An answer should be a whole number.")) from error

    def check_row(self, row: int, values: dict[str, Any]) -> list[Problem]:
        instrument: Instrument = values["instrument"]
        problems = []
        for name, value in values.items():
            if not name.startswith(ITEM_PREFIX):
                continue
            item = instrument.item(name[len(ITEM_PREFIX) :])
            if item is None:
                message = _("%(instrument)s has no such item; leave this cell empty.") % {
                    "instrument": instrument.key
                }
            elif item.option(value) is None:
                low, high = item.options[0].value, item.options[-1].value
                message = _("Answers to this item go from %(low)s to %(high)s.") % {
                    "low": low,
                    "high": high,
                }
            else:
                continue
            problems.append(Problem(row, self.batch.mapping.get(name, ""), str(value), message))
        return problems


_CHECKERS: dict[str, type[RowChecker]] = {
    Kind.PARTICIPANTS: ParticipantChecker,
    Kind.CONTACTS: ContactChecker,
    Kind.ASSESSMENTS: AssessmentChecker,
}
