"""A supervisor's team at a glance: per coach, the figures each app counts for its own lists."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from assessments.models import Assessment
from assessments.selectors import FLAGGED_DAYS, flagged_check_in_counts, flagged_check_ins
from coaching.selectors import shared_review_counts
from encounters.selectors import cosign_waiting_counts
from organizations.models import Membership, Role, Team
from participants.selectors import CoachCaseload, team_caseload_counts


@dataclass(frozen=True)
class CoachFigures:
    """One row of the team table: a coach and what is waiting on their caseload."""

    coach: Any  # the coach's user
    caseload: CoachCaseload
    to_cosign: int
    shared_reviews: int
    flagged_check_ins: int


@dataclass(frozen=True)
class TeamGlance:
    team: Team
    coaches: list[CoachFigures]
    flagged: list[Assessment]
    quiet_days: int
    flagged_days: int = FLAGGED_DAYS


def team_glance(*, membership: Membership, today: date) -> TeamGlance | None:
    """The supervisor's team, coach by coach (None without a team). Each figure is one grouped
    read for the whole team, so the page's queries do not grow with coaches or people."""
    if membership.role != Role.SUPERVISOR or membership.team is None:
        return None
    user, organization = membership.user, membership.organization
    coaches = [
        m.user
        for m in Membership.objects.active()
        .filter(organization=organization, team=membership.team, role=Role.COACH)
        .select_related("user")
        .order_by("user__preferred_name", "user__username")
    ]
    ids = [c.pk for c in coaches]
    caseloads = team_caseload_counts(
        user=user, organization=organization, coach_ids=ids, today=today
    )
    to_cosign = cosign_waiting_counts(user=user, organization=organization, author_ids=ids)
    shared = shared_review_counts(user=user, organization=organization, owner_ids=ids)
    flagged_counts = flagged_check_in_counts(
        user=user, organization=organization, coach_ids=ids, today=today
    )
    return TeamGlance(
        team=membership.team,
        coaches=[
            CoachFigures(
                coach=c,
                caseload=caseloads[c.pk],
                to_cosign=to_cosign[c.pk],
                shared_reviews=shared[c.pk],
                flagged_check_ins=flagged_counts[c.pk],
            )
            for c in coaches
        ],
        flagged=flagged_check_ins(user=user, organization=organization, coach_ids=ids, today=today),
        quiet_days=organization.out_of_touch_days,
    )
