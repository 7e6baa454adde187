"""Organization administration: invite people, set roles and teams, deactivate, switch."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from audit.chain import GENESIS_HASH
from audit.models import Action, AuditChainHead
from audit.services import Target, record_member_action
from organizations.models import Membership, Organization, Role, Team


def create_organization(*, name: str, slug: str) -> Organization:
    with transaction.atomic():
        organization = Organization.objects.create(name=name, slug=slug)
        AuditChainHead.objects.get_or_create(
            chain=organization.pk, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
    return organization


def invitation_path(*, user: User) -> str:
    """A one-time path where an invited person chooses their password (no email needed)."""
    return reverse(
        "accounts:welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    path: str


def invite_person(
    *,
    acting: Membership,
    username: str,
    preferred_name: str,
    email: str,
    role: str,
    team: Team | None,
) -> Invitation:
    organization = acting.organization
    with transaction.atomic():
        user = User(username=username, preferred_name=preferred_name, email=email)
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(
            organization=organization, user=user, role=role, team=team
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(user),
            changed_fields=["username", "preferred_name", "email", "role", "team"],
        )
    return Invitation(membership=membership, path=invitation_path(user=user))


class OwnAccessRefused(Exception):
    """Nobody changes their own role, team or access: another administrator must."""


class ParticipantAccountRefused(Exception):
    """Administrators never manage a participant's sign-in: the person's coach does."""


def update_membership(
    *,
    acting: Membership,
    membership: Membership,
    role: str,
    team: Team | None,
    is_active: bool,
    notes_need_cosign: bool | None = None,
) -> list[str]:
    if membership.user_id == acting.user_id:
        raise OwnAccessRefused
    if notes_need_cosign is None:
        notes_need_cosign = membership.notes_need_cosign
    wanted = {
        "role": role,
        "team": team,
        "is_active": is_active,
        "notes_need_cosign": notes_need_cosign,
    }
    changed = [name for name, new in wanted.items() if getattr(membership, name) != new]
    if not changed:
        return []
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
    return changed


def reissue_invitation(*, acting: Membership, membership: Membership) -> Invitation:
    """A fresh first-password link; the old password stops working until a new one is chosen.
    Never for the administrator's own account, nor for a participant's."""
    if membership.user_id == acting.user_id:
        raise OwnAccessRefused
    if membership.role == Role.PARTICIPANT:
        raise ParticipantAccountRefused
    user = membership.user
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(user),
            changed_fields=["password"],
        )
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
