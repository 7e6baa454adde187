"""Who an API request is from: the one place a bearer token is read, checked, counted against its
rate limit and turned into an organization, an acting membership and scopes.

REST, FHIR and webhooks use the same tokens: call `authenticate(request)` (which raises
`TokenRefused` with a status and an explanation) or `token_access(request)` (None when there is
no usable token), then `access.allows(resource, level)`."""

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken, Level, TokenState, scope
from api.services import SECRET_PREFIX, count_use, rate_per_minute, secret_digest
from organizations.models import Membership, Organization
from organizations.selectors import act_only_as

_ATTR = "_cairn_token_access"


@dataclass(frozen=True)
class TokenAccess:
    """What a request with a usable token may do: in which organization, acting as whom (the
    staff member, or the service account), with which scopes."""

    token: ApiToken
    organization: Organization
    membership: Membership
    scopes: frozenset[str]

    def allows(self, resource: str, level: str) -> bool:
        """Writing does not include reading: each is granted by name."""
        return scope(resource, level) in self.scopes


class TokenRefused(Exception):
    """The request is answered `status` with `code` and a sentence saying why (never whether a
    record exists). `retry_after` is set for the rate limit."""

    def __init__(self, status: int, code: str, detail: str, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after


def _bearer_secret(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    kind, _space, secret = header.partition(" ")
    if not header:
        raise TokenRefused(
            401,
            "token_missing",
            _("Send your API token in the Authorization header: Authorization: Bearer cairn_…"),
        )
    secret = secret.strip()
    if kind.lower() != "bearer" or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        raise TokenRefused(
            401,
            "token_malformed",
            _("The Authorization header is not a Cairn API token (Bearer cairn_…)."),
        )
    return secret


def _find(secret: str) -> ApiToken:
    digest = secret_digest(secret)
    token = (
        ApiToken.objects.select_related("organization", "membership__user", "membership__team")
        .filter(secret_hash=digest)
        .first()
    )
    # The lookup is by a digest of 32 random bytes; the constant-time comparison keeps the final
    # check free of timing differences all the same.
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        raise TokenRefused(401, "token_unknown", _("This API token is not known."))
    return token


def _check_usable(token: ApiToken, now: datetime) -> None:
    state = token.state(now)
    if state == TokenState.REVOKED:
        raise TokenRefused(
            401, "token_revoked", _("This API token was revoked. Ask an administrator for another.")
        )
    if state == TokenState.EXPIRED:
        raise TokenRefused(
            401, "token_expired", _("This API token has expired. Ask an administrator for another.")
        )
    if state == TokenState.WAITING:
        raise TokenRefused(
            403,
            "token_waiting_for_approval",
            _(
                "This API token reaches participant records, so it works once a second person "
                "(a program manager or another administrator) approves it."
            ),
        )
    membership = token.membership
    same_organization = membership.organization_id == token.organization_id
    if not (membership.is_active and token.organization.is_active and same_organization):
        raise TokenRefused(
            401,
            "token_account_closed",
            _("The account this API token acts as is closed in this organization."),
        )


def authenticate(request: HttpRequest) -> TokenAccess:
    """The request's token, checked and counted once per request; raises TokenRefused.

    The request then acts as the token's membership, the way a signed-in page acts as the
    member: `request.user`, `request.membership` and `request.organization` are set, so the
    same scoped lookups (`participant_or_404`, `visible_to`) and audit events apply."""
    known: TokenAccess | None = getattr(request, _ATTR, None)
    if known is not None:
        return known
    now = timezone.now()
    token = _find(_bearer_secret(request))
    _check_usable(token, now)
    count, wait = count_use(token=token, now=now)
    if count > rate_per_minute():
        raise TokenRefused(
            429,
            "rate_limited",
            _(
                "This token made more than %(limit)s requests this minute. Try again in "
                "%(seconds)s seconds."
            )
            % {"limit": rate_per_minute(), "seconds": wait},
            retry_after=wait,
        )
    membership = token.membership
    user = membership.user
    membership.organization = token.organization  # the same row, already read
    act_only_as(membership)
    access = TokenAccess(
        token=token,
        organization=token.organization,
        membership=membership,
        scopes=frozenset(token.scopes),
    )
    request.user = user
    request.membership = membership  # type: ignore[attr-defined]
    request.organization = token.organization  # type: ignore[attr-defined]
    setattr(request, _ATTR, access)
    return access


def token_access(request: HttpRequest) -> TokenAccess | None:
    """The request's usable token, or None (no token, or one that is refused)."""
    try:
        return authenticate(request)
    except TokenRefused:
        return None


def require(request: HttpRequest, resource: str, level: str = Level.READ) -> TokenAccess:
    """The one permission check: a usable token that holds `resource:level`; raises TokenRefused
    (403 naming the scope it lacks) otherwise."""
    access = authenticate(request)
    if not access.allows(resource, level):
        raise TokenRefused(
            403,
            "scope_missing",
            _("This API token does not hold the scope %(scope)s.")
            % {"scope": scope(resource, level)},
        )
    return access
