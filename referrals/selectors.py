"""Reads of referrals: the partner's link, a participant's referrals (the overview's card and the
portal), a member's list, and the report's figures with the rows behind them."""

import json
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import AnyUser
from consent.selectors import in_force
from organizations.models import Organization
from participants.models import Participant
from referrals.models import Referral, ReferralState
from referrals.services import hash_token

OVERVIEW_LATEST = 5


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


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """The overview's card: the latest referrals and their states."""
    rows = list(
        _with_service(
            Referral.objects.filter(
                organization_id=participant.organization_id, participant=participant
            )
        ).order_by("-sent_at")[: OVERVIEW_LATEST + 1]
    )
    return {
        "participant": participant,
        "referrals": rows[:OVERVIEW_LATEST],
        "more": len(rows) > OVERVIEW_LATEST,
    }


def visible_referrals(
    *, user: AnyUser, organization: Organization, state: str = ""
) -> "QuerySet[Referral]":
    """The referrals of the people this member may see, newest first, of one state if given."""
    rows = Referral.objects.visible_to(user, organization)
    if state:
        rows = rows.filter(state=state)
    return _with_service(rows.select_related("participant")).order_by("-sent_at", "id")


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
    zone = timezone.get_current_timezone()
    return Referral.objects.filter(
        organization=organization,
        participant__in=people.values("id"),
        sent_at__gte=datetime.combine(start, time.min, tzinfo=zone),
        sent_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
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
        max(0, (first - sent.astimezone(zone).date()).days)
        for sent, _accepted, first in rows
        if first is not None
    ]
    return Figures(
        made=len(rows),
        accepted=sum(1 for _sent, accepted, _first in rows if accepted is not None),
        completed=len(days),
        median_days=statistics.median(days) if days else None,
    )
