"""Making, approving and revoking API tokens, and counting their use: each in one transaction
with its audit event."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import SERVICE_ACCOUNT_PREFIX
from api.models import (
    ApiToken,
    KeptReply,
    Level,
    Resource,
    TokenKind,
    UseWindow,
    offered_scopes,
)
from audit.models import Action
from audit.services import Target, record_member_action
from organizations.access_services import DecisionRefused, check_second_person
from organizations.models import Membership, Role

# A secret starts with this, so a token pasted in the wrong place is recognised (and secret
# scanners can look for it); 32 random bytes follow, which is why one SHA-256 is enough.
SECRET_PREFIX = "cairn_"  # noqa: S105 (a label, not a secret)
SHOWN_PREFIX = 12  # characters of the secret kept to name it in lists: "cairn_" and 6 more


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


class WriteScopeRefused(Exception):
    """A service account's token asked to write: a system reads; records are written by people."""


class UnknownScope(Exception):
    """A scope no operation checks (a write where the API writes nothing): never granted."""


class NoRecipient(Exception):
    """A service account's token must name the outside recipient and purpose it shares with."""


class NotStaff(Exception):
    """A personal token for someone who is not an active staff member of this organization."""


def _service_membership(*, acting: Membership, name: str) -> Membership:
    """The service account a system's token acts as: an account that cannot sign in (inactive,
    no password), reading the whole organization as a program manager does and writing nothing
    (managers write no care records). A membership of its own means scoping (`visible_to`) and
    the audit trail treat the system like anyone else, by name."""
    user = get_user_model()(
        username=f"{SERVICE_ACCOUNT_PREFIX}{uuid.uuid4().hex[:12]}",
        preferred_name=name,
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    return Membership.objects.create(
        organization=acting.organization, user=user, role=Role.MANAGER, is_active=True
    )


def create_token(
    *,
    acting: Membership,
    kind: str,
    name: str,
    scopes: list[str],
    expires_on_days: int,
    person: Membership | None = None,
    recipient: str = "",
    purpose: str = "",
) -> NewToken:
    """A token for one organization. One that reaches participant data waits for a second
    person's approval (`approve_token`); one for the directory only works at once. A service
    account's token names the outside recipient and purpose its reads are disclosed to; a
    personal token names none (a staff member's own use)."""
    if kind == TokenKind.SERVICE and any(s.endswith(f":{Level.WRITE}") for s in scopes):
        raise WriteScopeRefused
    if not set(scopes) <= {name for name, _label in offered_scopes()}:
        raise UnknownScope
    recipient, purpose = recipient.strip(), purpose.strip()
    if kind == TokenKind.SERVICE and not (recipient and purpose):
        raise NoRecipient
    if kind != TokenKind.SERVICE:
        recipient = purpose = ""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    needs_approval = any(s.split(":")[0] in Resource.participant_data() for s in scopes)
    with transaction.atomic():
        if kind == TokenKind.SERVICE:
            membership = _service_membership(acting=acting, name=name)
        else:
            if (
                person is None
                or person.organization_id != acting.organization_id
                or not person.is_active
                or person.role not in Role.staff()
            ):
                raise NotStaff
            membership = person
        token = ApiToken.objects.create(
            organization=acting.organization,
            kind=kind,
            membership=membership,
            name=name,
            prefix=secret[:SHOWN_PREFIX],
            secret_hash=secret_digest(secret),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + timedelta(days=expires_on_days),
            created_by=acting.user,
            needs_approval=needs_approval,
            recipient=recipient[:200],
            purpose=purpose[:300],
        )
        record_member_action(
            acting=acting,
            action=Action.ACCESS_ASKED if needs_approval else Action.CREATE,
            target=Target.of(token),
            changed_fields=["api token", *token.scopes],
        )
    return NewToken(token=token, secret=secret)


def approve_token(*, acting: Membership, token: ApiToken) -> ApiToken:
    """A second person lets a token reach participant data: a manager or another administrator,
    never the person who made it nor the person it acts as (the same rule as access changes)."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not locked.needs_approval or locked.approved_at or locked.revoked_at:
            raise DecisionRefused("already decided")
        check_second_person(
            acting=acting, asked_by_id=locked.created_by_id, for_user_id=locked.membership.user_id
        )
        locked.approved_by = acting.user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        record_member_action(
            acting=acting,
            action=Action.ACCESS_APPROVED,
            target=Target.of(locked),
            changed_fields=["api token", *locked.scopes],
        )
    return locked


def revoke_token(*, acting: Membership, token: ApiToken) -> ApiToken:
    """The token stops working at once (the next request is refused). Revoking twice is no
    second event. A service account's membership closes with its token."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting.user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        if locked.kind == TokenKind.SERVICE:
            Membership.objects.filter(pk=locked.membership_id).update(is_active=False)
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(locked),
            changed_fields=["revoked_at"],
        )
    return locked


def rate_per_minute() -> int:
    limit: int = getattr(settings, "CAIRN_API_RATE_PER_MINUTE", 120)
    return limit


def count_use(*, token: ApiToken, now: datetime | None = None) -> tuple[int, int]:
    """Count one request in this token's current minute; returns (count so far, seconds until
    the next minute).

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING (PostgreSQL and SQLite alike) makes the
    minute's row or adds one to it atomically, so every worker sees the same count, and every
    request makes the same three statements whether or not its minute is new: a request's query
    count does not depend on the clock."""
    moment = now or timezone.now()
    minute = moment.replace(second=0, microsecond=0)
    table = connection.ops.quote_name(UseWindow._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token_id, minute, count) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (token_id, minute) DO UPDATE SET count = "
            f"{table}.count + 1 RETURNING count",
            [token.pk, connection.ops.adapt_datetimefield_value(minute)],
        )
        (count,) = cursor.fetchone()
        # Last use is kept to the minute: the row is written once a minute at most.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=minute), pk=token.pk
        ).update(last_used_at=moment)
        # Older minutes are of no further use.
        UseWindow.objects.filter(token=token, minute__lt=minute - timedelta(minutes=5)).delete()
    return count, 60 - moment.second


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ReplyKept(Exception):
    """This Idempotency-Key was used before by this token: here is what the first request made."""

    def __init__(self, reply: KeptReply) -> None:
        super().__init__("idempotency key already used")
        self.reply = reply
