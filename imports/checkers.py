"""The checks for each kind of row: participants, contacts and assessments."""

import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.engine import Instrument, registry
from assessments.models import Language
from encounters.models import (
    MAX_DURATION_MINUTES,
    ContactType,
    Outcome,
    ServiceType,
)
from imports.kinds import ITEM_PREFIX
from imports.models import ImportBatch, ImportedRecord, Kind
from imports.parsing import ChoiceMap, Problem, RowChecker, RowError, parse_date, parse_moment, text
from imports.reading import Cell
from lib.phones import to_e164
from organizations.models import Membership
from participants.languages import find_language
from participants.models import (
    AgeRange,
    Participant,
    ParticipantStatus,
    Pathway,
    ReferralSource,
    VeteranStatus,
)


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
            "preferred_language": lambda c: find_language(text(c)) or text(c)[:40],
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
