"""Reads of referrals: the partner's link, a participant's referrals (the overview's card and the
portal), a member's list, and the report's figures with the rows behind them."""

import json
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import AnyUser
from consent.selectors import in_force
from directory.models import Need, ResourceOrganization
from lib.prepared import prepared
from organizations.models import Membership, Organization
from participants.models import Participant
from participants.selectors import own_open_caseload_of
from referrals.models import Referral, ReferralSettings, ReferralState
from referrals.services import hash_token

OVERVIEW_LATEST = 5
TODAY_LIMIT = 50


def settings_for(organization: Organization) -> ReferralSettings:
    """The organization's choices, or the defaults (unsaved) when it has made none."""
    found = _settings.fetch(organization_id=organization.pk)
    return found[0] if found else ReferralSettings(organization=organization)


@prepared
def _settings(*, organization_id: int) -> "QuerySet[ReferralSettings]":
    """Read by Today and every referral page: prepared (lib.prepared)."""
    return ReferralSettings.objects.filter(organization_id=organization_id)


@dataclass(frozen=True)
class Silent:
    referral: Referral
    days: int  # whole days since it was sent


@prepared
def _silent(*, organization_id: int, user_id: int, cutoff: datetime) -> "QuerySet[Referral]":
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        Referral.objects.filter(
            organization_id=organization_id,
            participant__in=people.values("id"),
            state=ReferralState.SENT,
            sent_at__lte=cutoff,
        )
        .select_related("participant", "service")
        .order_by("sent_at", "id")[:TODAY_LIMIT]
    )


def silent_for_today(*, membership: Membership, today: date) -> list[Silent]:
    """Referrals of the coach's own people that their partner has not answered within the
    program's days, oldest first (registered as a Today list; two queries, the second
    prepared)."""
    days = settings_for(membership.organization).answer_within_days
    zone = timezone.get_current_timezone()
    cutoff = datetime.combine(today - timedelta(days=days), time.max, tzinfo=zone)
    rows = _silent.fetch(
        organization_id=membership.organization_id, user_id=membership.user_id, cutoff=cutoff
    )
    return [Silent(r, (today - r.sent_at.astimezone(zone).date()).days) for r in rows]


def referral_for_token(token: str, *, now: datetime | None = None) -> Referral | None:
    """The referral a partner's link opens, or None when the link is unknown, made anew,
    expired, closed, answered for good, or its consent is no longer in force: the partner's
    page then says the same calm thing for all of them."""
    if not token or len(token) > 100:
        return None
    now = now or timezone.now()
    found = (
        Referral.objects.filter(token_hash=hash_token(token))
        .select_related("organization", "service", "service__provider", "disclosure", "participant")
        .first()
    )
    if found is None or found.state in ReferralState.final():
        return None
    if found.link_expires_at is None or found.link_expires_at <= now:
        return None
    if not in_force(consent_id=found.disclosure.consent_id):
        return None
    return found


def sections_of(referral: Referral) -> list[tuple[str, list[str]]]:
    try:
        return [(title, list(lines)) for title, lines in json.loads(referral.shared_sections)]
    except (TypeError, ValueError):
        return []


def _with_service(rows: "QuerySet[Referral]") -> "QuerySet[Referral]":
    return rows.select_related("service", "service__provider")


def referrals_of(participant: Participant) -> list[Referral]:
    """A participant's referrals, newest first (the portal's page)."""
    return list(
        _with_service(
            Referral.objects.filter(
                organization_id=participant.organization_id, participant=participant
            )
        ).order_by("-sent_at")
    )


@prepared
def _latest_of(*, organization_id: int, participant_id: UUID) -> "QuerySet[Referral]":
    """The overview's read (prepared: every participant page opens it)."""
    return _with_service(
        Referral.objects.filter(organization_id=organization_id, participant_id=participant_id)
    ).order_by("-sent_at")[: OVERVIEW_LATEST + 1]


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """The overview's card: the latest referrals and their states."""
    rows = _latest_of.fetch(
        organization_id=participant.organization_id, participant_id=participant.id
    )
    return {
        "participant": participant,
        "referrals": rows[:OVERVIEW_LATEST],
        "more": len(rows) > OVERVIEW_LATEST,
    }


def visible_referrals(
    *,
    user: AnyUser,
    organization: Organization,
    state: str = "",
    need: str = "",
    partner: ResourceOrganization | None = None,
    sent_from: date | None = None,
    sent_to: date | None = None,
) -> "QuerySet[Referral]":
    """The referrals of the people this member may see, newest first, narrowed by state, need,
    partner and the days they were sent (in the current time zone) when given."""
    rows: QuerySet[Referral] = Referral.objects.visible_to(user, organization)
    if state:
        rows = rows.filter(state=state)
    if need:
        rows = rows.filter(need=need)
    if partner is not None:
        rows = rows.filter(service__provider=partner)
    rows = _sent_within(rows, sent_from, sent_to)
    return _with_service(rows.select_related("participant")).order_by("-sent_at", "id")


def _sent_within(
    rows: "QuerySet[Referral]", start: date | None, end: date | None
) -> "QuerySet[Referral]":
    zone = timezone.get_current_timezone()
    if start is not None:
        rows = rows.filter(sent_at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end is not None:
        rows = rows.filter(
            sent_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
        )
    return rows


def _days_to_first_service(sent: datetime, first: date, zone: tzinfo) -> int:
    """Whole days from the day it was sent (in the program's zone) to its first service."""
    return max(0, (first - sent.astimezone(zone).date()).days)


# Where a referral stands now; every referral is in exactly one, so a row adds up to those made.
STANDING = (
    ReferralState.SENT,
    ReferralState.ACCEPTED,
    ReferralState.COMPLETED,
    ReferralState.DECLINED,
    ReferralState.CLOSED,
)


@dataclass(frozen=True)
class Line:
    key: str  # a need's code or a partner's id; "" for the line over all of them
    name: str
    counts: tuple[int, ...]  # one per STANDING state
    median_days: float | None  # from referral to first service

    @property
    def made(self) -> int:
        return sum(self.counts)


def breakdown(
    *,
    user: AnyUser,
    organization: Organization,
    by: str,
    sent_from: date | None = None,
    sent_to: date | None = None,
) -> tuple[list[Line], Line]:
    """Referrals made to the people this member may see, by need or by partner ("need" or
    "partner"), each line counting where they stand now, with the median days to a first
    service; and the line over all of them (two queries)."""
    rows = _sent_within(Referral.objects.visible_to(user, organization), sent_from, sent_to)
    key = "need" if by == "need" else "service__provider_id"
    counts: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    fields = [key, "state"] + (["service__provider__name"] if by == "partner" else [])
    group = rows.values(*fields).annotate(n=Count("id"))
    for found in group:
        code = str(found[key])
        counts.setdefault(code, {})[found["state"]] = found["n"]
        names[code] = (
            str(Need(found[key]).label) if by == "need" else found["service__provider__name"]
        )
    zone = timezone.get_current_timezone()
    days: dict[str, list[int]] = {}
    for code, sent, first in rows.filter(first_service_on__isnull=False).values_list(
        key, "sent_at", "first_service_on"
    ):
        days.setdefault(str(code), []).append(_days_to_first_service(sent, first, zone))

    def line(code: str, name: str, by_state: dict[str, int], waited: list[int]) -> Line:
        return Line(
            code,
            name,
            tuple(by_state.get(state, 0) for state in STANDING),
            statistics.median(waited) if waited else None,
        )

    lines = sorted(
        (line(code, names[code], counts[code], days.get(code, [])) for code in counts),
        key=lambda found: (-found.made, found.name.casefold()),
    )
    every: dict[str, int] = {}
    for by_state in counts.values():
        for state, n in by_state.items():
            every[state] = every.get(state, 0) + n
    return lines, line("", "", every, [d for waited in days.values() for d in waited])


def history_of(referral: Referral) -> list[Any]:
    return list(referral.changes.select_related("changed_by").order_by("changed_at", "id"))


# --- reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    made: int
    accepted: int
    completed: int
    median_days: float | None


def made_between(
    *, organization: Organization, people: "QuerySet[Participant]", start: date, end: date
) -> "QuerySet[Referral]":
    """Referrals sent from `start` to `end` (inclusive, in the current time zone) to the
    people in scope."""
    return _sent_within(
        Referral.objects.filter(organization=organization, participant__in=people.values("id")),
        start,
        end,
    )


def figures(
    *, organization: Organization, people: "QuerySet[Participant]", start: date, end: date
) -> Figures:
    """Referrals made in the range, how many were accepted and how many reached a first
    service, and the median days from referral to first service (two queries)."""
    made = made_between(organization=organization, people=people, start=start, end=end)
    rows = list(made.values_list("sent_at", "accepted_at", "first_service_on"))
    zone = timezone.get_current_timezone()
    days = [
        _days_to_first_service(sent, first, zone)
        for sent, _accepted, first in rows
        if first is not None
    ]
    return Figures(
        made=len(rows),
        accepted=sum(1 for _sent, accepted, _first in rows if accepted is not None),
        completed=len(days),
        median_days=statistics.median(days) if days else None,
    )
