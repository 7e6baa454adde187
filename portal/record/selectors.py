"""Reads for the participant's notes and 'my record and privacy' pages, in plain words."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import SERVICE_ACCOUNT_PREFIX, User
from audit.models import Action, AuditEvent
from audit.selectors import access_report
from consent.models import Consent, Disclosure
from encounters.models import NoteFeedback
from encounters.open_notes import shared_notes, withheld_notes
from organizations.models import Role
from participants.models import Participant, SupportPerson
from plans.models import Goal
from safety.models import SafetyPlan

ROLE_WORDS: dict[str, Any] = {
    Role.COACH: _("peer coach"),
    Role.SUPERVISOR: _("supervisor"),
    Role.MANAGER: _("program manager"),
    Role.ADMIN: _("administrator"),
    Role.PARTICIPANT: _("you"),
}
ACTION_WORDS: dict[str, Any] = {
    Action.VIEW: _("looked at"),
    Action.CREATE: _("added to"),
    Action.UPDATE: _("changed"),
    Action.DELETE: _("removed from"),
    Action.EXPORT: _("made a copy of"),
    Action.BREAK_GLASS: _("opened in an emergency"),
}
# What part of the record an event touched, by the audit target's type.
PART_WORDS: dict[str, Any] = {
    "participants.participant": _("your record"),
    "participants.supportperson": _("your support people"),
    "encounters.encounter": _("a contact note"),
    "encounters.timeline": _("your list of contacts"),
    "encounters.notefeedback": _("your comment on a note"),
    "encounters.checkinschedule": _("your check-in times"),
    "safety.plan": _("your safety plan"),
    "consent.consent": _("a consent"),
    "consent.list": _("your consents"),
    "consent.disclosure": _("what was shared"),
    "consent.participant_record": _("your whole record"),
    "audit.access_report": _("this list of who looked"),
    "inbox.thread": _("your messages"),
    "inbox.message": _("your messages"),
}


@dataclass(frozen=True)
class AccessLine:
    """One person, one thing, one day: repeats are counted, not listed."""

    when: datetime  # the latest time in the group
    who: str
    role: str
    what: str
    times: int = 1
    first: datetime | None = None  # the earliest time in the group

    @property
    def day(self) -> date:
        return timezone.localtime(self.when).date()

    @property
    def one_moment(self) -> bool:
        """All of it in one minute: one time to show, not "from 11:04 to 11:04"."""
        first = self.first or self.when
        return first.replace(second=0, microsecond=0) == self.when.replace(second=0, microsecond=0)


def _part(target_type: str) -> Any:
    if target_type in PART_WORDS:
        return PART_WORDS[target_type]
    app = target_type.split(".", 1)[0]
    return {"plans": _("your recovery plan"), "safety": _("your safety plan")}.get(
        app, _("your record")
    )


def access_events(participant: Participant, *, reader: Any) -> QuerySet[AuditEvent]:
    """Who else viewed or changed the record: the same report staff print, minus the person's
    own visits (they know those, and each visit to this page would add one)."""
    ids = [participant.id, *participant.merged_from.values_list("id", flat=True)]
    return access_report(ids, participant.organization).exclude(actor=reader)


ACTOR_NAME = ("actor__preferred_name", "actor__first_name", "actor__last_name", "actor__username")


def access_groups(participant: Participant, *, reader: Any) -> QuerySet[Any]:
    """`access_events` counted per person, role, action, part and day (in the organization's
    time zone), newest first: Ana opening the list of contacts four times in a minute is one
    row saying "4 times", and a page of rows is a page of different things."""
    return (
        access_events(participant, reader=reader)
        .annotate(day=TruncDate("created_at"))
        .values("day", "actor_id", *ACTOR_NAME, "role", "action", "target_type")
        .annotate(times=Count("id"), last=Max("created_at"), first=Min("created_at"))
        .order_by("-last", "actor_id")
    )


def _who(row: dict[str, Any]) -> str:
    if row["actor_id"] is None:
        return str(_("Cairn itself"))
    # The account's own rule for the name it goes by, from the columns already read.
    account = User(**{name.removeprefix("actor__"): row[name] or "" for name in ACTOR_NAME})
    return account.display_name


def _role_words(row: dict[str, Any]) -> str:
    if row["actor_id"] is None:
        return ""  # Cairn itself holds no role
    if (row["actor__username"] or "").startswith(SERVICE_ACCOUNT_PREFIX):
        # An API service token's reads: another organization's system, not a person here.
        return str(_("a computer system outside the program"))
    return str(ROLE_WORDS.get(row["role"], row["role"] or ""))


def access_lines(rows: list[dict[str, Any]]) -> list[AccessLine]:
    """Rows of `access_groups` in words. Two stored targets that read the same ("your messages"
    for a thread and for a message) are one line."""
    lines: dict[tuple[Any, ...], AccessLine] = {}
    for row in rows:
        action = ACTION_WORDS.get(row["action"]) or Action(row["action"]).label
        line = AccessLine(
            when=row["last"],
            who=_who(row),
            role=_role_words(row),
            what=f"{action} {_part(row['target_type'])}",
            times=row["times"],
            first=row["first"],
        )
        key = (row["actor_id"], line.role, line.what, row["day"])
        if key in lines:
            seen = lines[key]
            line = replace(
                seen,
                when=max(seen.when, line.when),
                first=min(seen.first or seen.when, line.first or line.when),
                times=seen.times + line.times,
            )
        lines[key] = line
    return list(lines.values())


def record_summary(participant: Participant) -> dict[str, Any]:
    """What Cairn holds, counted, for the plain-language list on the record page."""
    return {
        "notes": shared_notes(participant).count(),
        "withheld": withheld_notes(participant).count(),
        "support_people": SupportPerson.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ).count(),
        "has_safety_plan": SafetyPlan.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ).exists(),
        "has_plan": Goal.objects.filter(participant=participant, removed_at__isnull=True).exists(),
    }


def my_feedback(participant: Participant, encounter_id: Any) -> list[NoteFeedback]:
    return list(
        NoteFeedback.objects.filter(
            organization_id=participant.organization_id,
            participant=participant,
            encounter_id=encounter_id,
        ).select_related("answered_by")
    )


def my_consents(participant: Participant) -> list[Consent]:
    return list(
        Consent.objects.filter(organization_id=participant.organization_id, participant=participant)
    )


def my_disclosures(participant: Participant) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(
        organization_id=participant.organization_id, participant=participant
    )
