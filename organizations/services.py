"""Organization administration: invite people, set roles and teams, deactivate, switch.

Nobody changes their own role, team or access, administrators never touch a participant's
account, and a change that gives someone more access waits for a second person
(`organizations.access_services`)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import Action
from audit.services import Target, record_event, record_member_action, start_chain
from organizations.access_services import Wanted, ask_for_access_change, needs_second_person
from organizations.extensions import News, closed_hooks, tell
from organizations.models import AccessChange, Membership, Organization, Role, Team

M = TypeVar("M", bound=Model)


def create_organization(
    *, name: str, slug: str, actor: AbstractBaseUser | None = None
) -> Organization:
    """A new organization with its audit chain, whose first link records the creation (by
    `actor`, or by the system when a command creates it)."""
    with transaction.atomic():
        organization = Organization.objects.create(name=name, slug=slug)
        start_chain(organization=organization)
        record_event(
            action=Action.CREATE,
            actor=actor,
            organization=organization,
            target=Target.of(organization),
            changed_fields=["name", "slug"],
        )
    return organization


def invitation_path(*, user: AbstractBaseUser) -> str:
    """A one-time path where an invited person chooses their password (no email needed)."""
    return reverse(
        "accounts:welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


class OwnAccessRefused(Exception):
    """Nobody changes their own role, team or access: another administrator must."""


class ParticipantAccountRefused(Exception):
    """Administrators never manage a participant's sign-in: the person's coach does."""


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    path: str
    # A new account starts switched off, with its role waiting for a second person's approval.
    waiting: AccessChange | None = None


def invite_person(
    *,
    acting: Membership,
    username: str,
    preferred_name: str,
    email: str,
    role: str,
    team: Team | None,
) -> Invitation:
    """A staff account with a first-password link. Every staff role gives some power (records,
    or approving others' access), so the account can sign in once a second person approves."""
    if role not in Role.staff():
        raise ParticipantAccountRefused
    organization = acting.organization
    with transaction.atomic():
        user = get_user_model()(username=username, preferred_name=preferred_name, email=email)
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(
            organization=organization, user=user, role=role, team=team, is_active=False
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(user),
            changed_fields=["username", "preferred_name", "email", "role", "team"],
        )
        waiting = ask_for_access_change(
            acting=acting,
            membership=membership,
            wanted=Wanted(role=role, team=team, is_active=True, notes_need_cosign=False),
            new_account=True,
        )
    return Invitation(membership=membership, path=invitation_path(user=user), waiting=waiting)


@dataclass(frozen=True)
class MembershipUpdate:
    """What changed at once, or the change left waiting for a second person's approval."""

    changed: list[str]
    waiting: AccessChange | None = None


def update_membership(
    *,
    acting: Membership,
    membership: Membership,
    role: str,
    team: Team | None,
    is_active: bool,
    notes_need_cosign: bool | None = None,
) -> MembershipUpdate:
    """Less access (a narrower role, no team, deactivation) applies at once; more access waits
    for a second person (AccessChangeWaiting if a change for this person already waits)."""
    if membership.user_id == acting.user_id:
        raise OwnAccessRefused
    if membership.role not in Role.staff() or role not in Role.staff():
        raise ParticipantAccountRefused
    if notes_need_cosign is None:
        notes_need_cosign = membership.notes_need_cosign
    asked = Wanted(role=role, team=team, is_active=is_active, notes_need_cosign=notes_need_cosign)
    wanted = {name: getattr(asked, name) for name in asked.__dataclass_fields__}
    changed = [name for name, new in wanted.items() if getattr(membership, name) != new]
    if not changed:
        return MembershipUpdate(changed=[])
    if needs_second_person(membership, asked):
        with transaction.atomic():
            waiting = ask_for_access_change(acting=acting, membership=membership, wanted=asked)
        return MembershipUpdate(changed=[], waiting=waiting)
    with transaction.atomic():
        for name in changed:
            setattr(membership, name, wanted[name])
        membership.save(update_fields=[*changed, "updated_at"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(membership.user),
            changed_fields=changed,
        )
        if "is_active" in changed and not membership.is_active:
            for hook in closed_hooks():
                hook(acting=acting, membership=membership)
    return MembershipUpdate(changed=changed)


def reissue_invitation(*, acting: Membership, membership: Membership) -> Invitation:
    """A fresh first-password link; the old password stops working until a new one is chosen.
    Never for the administrator's own account, nor for a participant's. The account holder is
    told at their next sign-in and on their Sign-in security page; a second factor they set up
    stays, so the link alone does not let anyone else in."""
    if membership.user_id == acting.user_id:
        raise OwnAccessRefused
    if membership.role not in Role.staff():
        raise ParticipantAccountRefused
    user = membership.user
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record_member_action(
            acting=acting,
            action=Action.SIGN_IN_LINK,
            target=Target.of(user),
            changed_fields=["password"],
        )
        tell(users=[user], organization=acting.organization, news=News.SIGN_IN_LINK)
    return Invitation(membership=membership, path=invitation_path(user=user))


def update_organization_settings(*, acting: Membership, values: dict[str, Any]) -> list[str]:
    organization = Organization.objects.get(pk=acting.organization_id)
    changed = [field for field, value in values.items() if getattr(organization, field) != value]
    if not changed:
        return []
    with transaction.atomic():
        for field in changed:
            setattr(organization, field, values[field])
        organization.save(update_fields=changed)
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target(type="organizations.organization", id=organization.slug),
            changed_fields=changed,
        )
    return changed


def save_organization_row(
    *, acting: Membership, model: type[M], values: Mapping[str, Any]
) -> tuple[M, list[str]]:
    """Store an app's one settings row for the acting member's organization (keyed by
    `organization`), creating it with its defaults on first use; the fields that changed are
    audited as one update. Returns the row and the names of what changed."""
    with transaction.atomic():
        row, _created = model._default_manager.select_for_update().get_or_create(
            organization=acting.organization
        )
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.save()
            record_member_action(
                acting=acting, action=Action.UPDATE, target=Target.of(row), changed_fields=changed
            )
    return row, changed


def save_team(*, acting: Membership, team: Team | None, name: str) -> Team:
    with transaction.atomic():
        if team is None:
            team = Team.objects.create(organization=acting.organization, name=name)
            action = Action.CREATE
        else:
            team.name = name
            team.save(update_fields=["name"])
            action = Action.UPDATE
        record_member_action(
            acting=acting,
            action=action,
            target=Target.of(team),
            changed_fields=["name"],
        )
    return team
