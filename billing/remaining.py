"""Units left on a person's authorizations, for the people who write the notes: the coach's
Today lists authorizations running low, and the note editor says how many units are left.
Nothing here blocks a note; it only says so in time."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.models import Authorization, Coverage, LineState
from lib.prepared import prepared
from lib.when import show_date
from participants.models import Participant
from participants.selectors import LABEL_FIELDS, own_open_caseload_of

# Fewer units than this left (two hours of 15-minute units) puts the authorization on Today.
RUNNING_LOW = 8
COUNTING = (LineState.READY, LineState.BATCHED, LineState.PAID, LineState.ADJUSTED)


def _with_left(authorizations: QuerySet[Authorization]) -> QuerySet[Authorization]:
    used = Coalesce(
        Sum("lines__units", filter=Q(lines__state__in=COUNTING)),
        Value(0),
        output_field=IntegerField(),
    )
    return authorizations.annotate(used=used).annotate(left=F("units") - F("used"))


def _current(day: date) -> Q:
    return Q(starts_on__lte=day, ends_on__gte=day, coverage__payer__is_active=True) & (
        Q(coverage__ends_on__isnull=True) | Q(coverage__ends_on__gte=day)
    )


@dataclass(frozen=True)
class RunningLow:
    participant: Participant
    payer: str
    left: int
    ends_on: date


@prepared
def _running_low(*, organization_id: int, user_id: int, today: date) -> QuerySet[Authorization]:
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        _with_left(Authorization.objects.filter(_current(today), coverage__participant__in=people))  # type: ignore[misc]  # annotated above
        .filter(left__lt=RUNNING_LOW)
        .select_related("coverage__participant", "coverage__payer")
        # Only what the row shows: the aggregate groups by every column it reads.
        .only(
            "units",
            "ends_on",
            "coverage__payer__name",
            *(f"coverage__participant__{name}" for name in LABEL_FIELDS),
        )
        .order_by("left", "ends_on")
    )


def for_today(*, membership: Any, today: date) -> list[RunningLow]:
    """The coach's own people whose current authorization has fewer than RUNNING_LOW units
    left: one query, whatever the caseload, compiled once."""
    rows = _running_low.fetch(
        organization_id=membership.organization_id, user_id=membership.user_id, today=today
    )
    return [
        RunningLow(
            participant=a.coverage.participant,
            payer=a.coverage.payer.name,
            left=max(0, a.left),
            ends_on=a.ends_on,
        )
        for a in rows
    ]


def editor_notice(participant: Participant) -> list[str]:
    """What the note editor says about billing: units left on each current authorization, or
    that the payer needs one and none covers today."""
    today = timezone.localdate()
    coverages = list(
        Coverage.objects.filter(
            participant=participant, starts_on__lte=today, payer__is_active=True
        )
        .exclude(ends_on__lt=today)
        .select_related("payer")
    )
    if not coverages:
        return []
    current = _with_left(
        Authorization.objects.filter(_current(today), coverage__in=coverages)
    ).select_related("coverage__payer")
    lines = [
        ngettext(
            "%(left)s unit left on the %(payer)s authorization, until %(until)s.",
            "%(left)s units left on the %(payer)s authorization, until %(until)s.",
            max(0, a.left),  # type: ignore[attr-defined]
        )
        % {
            "left": max(0, a.left),  # type: ignore[attr-defined]
            "payer": a.coverage.payer.name,
            "until": show_date(a.ends_on),
        }
        for a in current
    ]
    covered = {a.coverage_id for a in current}
    lines += [
        _(
            "%(payer)s needs an authorization and none covers today: this contact will be "
            "held for billing until one is added. Write the note as usual."
        )
        % {"payer": c.payer.name}
        for c in coverages
        if c.payer.needs_authorization and c.id not in covered
    ]
    return lines
