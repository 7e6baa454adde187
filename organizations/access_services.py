"""Separation of duties: a change that gives someone a power they did not have waits for a second
person (a manager, or another administrator) to approve it; the person who asked never can."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from organizations.extensions import News, tell
from organizations.models import (
    AccessChange,
    AccessChangeStatus,
    Membership,
    Role,
    Team,
)

# What each role may do beyond its own account. A change waits for approval when it adds any of
# these: participant records (a caseload, a team's caseloads, the whole organization), or the
# power to approve others' access (a manager or an administrator).
POWERS: dict[str, frozenset[str]] = {
    Role.COACH: frozenset({"caseload"}),
    Role.SUPERVISOR: frozenset({"caseload", "team"}),
    Role.MANAGER: frozenset({"caseload", "team", "organization", "approve"}),
    Role.ADMIN: frozenset({"approve", "accounts"}),
    Role.PARTICIPANT: frozenset(),
}


@dataclass(frozen=True)
class Wanted:
    role: str
    team: Team | None
    is_active: bool
    notes_need_cosign: bool


def needs_second_person(membership: Membership, wanted: Wanted) -> bool:
    """Whether `wanted` gives this person a power their membership does not give them now."""
    if not wanted.is_active:
        return False
    before = POWERS[membership.role] if membership.is_active else frozenset()
    if POWERS[wanted.role] - before:
        return True
    moved = wanted.team is not None and wanted.team.pk != membership.team_id
    # For the care team, the team decides whose records are seen: a supervisor sees their
    # team's caseloads, and a coach on a team is seen by that team's supervisor.
    return moved and wanted.role in Role.care_team()


class AccessChangeWaiting(Exception):
    """A change for this person already waits for approval: one at a time."""


class DecisionRefused(Exception):
    """This person may not decide this change (they asked for it, it is their own, or it is
    already decided); the reason is shown as it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChangeOutdated(Exception):
    """The account changed after the request was made: it is closed, nothing applied."""


def check_second_person(*, acting: Membership, asked_by_id: int, for_user_id: int | None) -> None:
    """The one rule for a second person's approval, of an access change or of anything else that
    reaches participant records (an API token): a manager or an administrator, who is neither
    the person who asked nor the person it is for. Raises DecisionRefused with the reason."""
    if acting.role not in Role.approvers():
        raise DecisionRefused("not an approver")
    if acting.user_id == asked_by_id:
        raise DecisionRefused("asked by you")
    if for_user_id is not None and acting.user_id == for_user_id:
        raise DecisionRefused("your own")


def approvers(change: AccessChange) -> list[AbstractBaseUser]:
    """Who may decide a change: active managers and administrators of its organization, except
    the person who asked and the person it is for. A service account (an API token's, which
    cannot sign in) is never told."""
    return [
        m.user
        for m in Membership.objects.active()
        .filter(organization_id=change.organization_id, role__in=Role.approvers())
        .filter(user__is_active=True)
        .exclude(user_id__in=[change.asked_by_id, change.membership.user_id])
        .select_related("user")
    ]


def ask_for_access_change(
    *, acting: Membership, membership: Membership, wanted: Wanted, new_account: bool = False
) -> AccessChange:
    """Record the wanted state without applying it, audit it and tell those who may approve.
    Called inside the caller's transaction."""
    try:
        with transaction.atomic():
            change = AccessChange.objects.create(
                organization_id=membership.organization_id,
                membership=membership,
                new_account=new_account,
                from_role=membership.role,
                from_team=membership.team,
                from_active=membership.is_active,
                role=wanted.role,
                team=wanted.team,
                is_active=wanted.is_active,
                notes_need_cosign=wanted.notes_need_cosign,
                asked_by=acting.user,
            )
    except IntegrityError as error:
        raise AccessChangeWaiting from error
    record_member_action(
        acting=acting,
        action=Action.ACCESS_ASKED,
        target=Target.of(change),
        changed_fields=_changed_fields(change),
    )
    tell(users=approvers(change), organization=acting.organization, news=News.ACCESS_CHANGE_WAITING)
    return change


def _changed_fields(change: AccessChange) -> list[str]:
    fields = []
    if change.new_account or change.role != change.from_role:
        fields.append("role")
    if change.team_id != change.from_team_id or (change.new_account and change.team_id):
        fields.append("team")
    if change.is_active != change.from_active:
        fields.append("is_active")
    if change.notes_need_cosign != change.membership.notes_need_cosign:
        fields.append("notes_need_cosign")
    return fields


def _locked_waiting(acting: Membership, change: AccessChange) -> AccessChange:
    locked = (
        AccessChange.objects.select_for_update()
        .select_related("membership")
        .filter(pk=change.pk, organization_id=acting.organization_id)
        .first()
    )
    if locked is None or locked.status != AccessChangeStatus.WAITING:
        raise DecisionRefused("already decided")
    if acting.role not in Role.approvers():
        raise DecisionRefused("not an approver")
    return locked


def _still_as_asked(change: AccessChange, membership: Membership) -> bool:
    return (
        membership.role == change.from_role
        and membership.team_id == change.from_team_id
        and membership.is_active == change.from_active
    )


def _close(acting: Membership, change: AccessChange, status: AccessChangeStatus) -> None:
    change.status = status
    change.decided_by = acting.user
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])


def approve_access_change(*, acting: Membership, change: AccessChange) -> AccessChange:
    """A second person approves: the wanted role, team and status take effect now. Refused for
    the person who asked and for the person it is for (DecisionRefused); closed unapplied when
    the account changed since it was asked (ChangeOutdated)."""
    outdated = False
    with transaction.atomic():
        locked = _locked_waiting(acting, change)
        check_second_person(
            acting=acting, asked_by_id=locked.asked_by_id, for_user_id=locked.membership.user_id
        )
        membership = Membership.objects.select_for_update().get(pk=locked.membership_id)
        if not _still_as_asked(locked, membership):
            outdated = True
            _close(acting, locked, AccessChangeStatus.REFUSED)
            record_member_action(
                acting=acting,
                action=Action.ACCESS_REFUSED,
                target=Target.of(locked),
                changed_fields=["outdated"],
            )
        else:
            fields = _changed_fields(locked)
            membership.role = locked.role
            membership.team = locked.team
            membership.is_active = locked.is_active
            membership.notes_need_cosign = locked.notes_need_cosign
            membership.save(
                update_fields=["role", "team", "is_active", "notes_need_cosign", "updated_at"]
            )
            _close(acting, locked, AccessChangeStatus.APPROVED)
            record_member_action(
                acting=acting,
                action=Action.ACCESS_APPROVED,
                target=Target.of(locked),
                changed_fields=fields,
            )
    if outdated:
        raise ChangeOutdated
    return locked


def refuse_access_change(*, acting: Membership, change: AccessChange) -> AccessChange:
    """Nothing changes. Anyone who may approve can refuse, and the person who asked can take
    their own request back."""
    with transaction.atomic():
        locked = _locked_waiting(acting, change)
        fields = _changed_fields(locked)
        _close(acting, locked, AccessChangeStatus.REFUSED)
        record_member_action(
            acting=acting,
            action=Action.ACCESS_REFUSED,
            target=Target.of(locked),
            changed_fields=fields,
        )
    return locked
