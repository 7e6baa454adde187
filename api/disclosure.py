"""What an outside system's token may take away: the one gate REST and FHIR reads of participant
data pass when the token is a service token naming a recipient.

A personal token is the organization's own use and passes untouched. A service token's reads
are disclosures to its recipient for its purpose: a list holds only the people whose active
consent covers that recipient, purpose and kind of information; a single read without such a
consent is refused (403, saying why); each read is accounted through
`consent.services.disclose` and its answer carries the redisclosure notice.

A REST endpoint over participant data calls, with its `Resource`:
- lists: declared with `Records(..., Resource.X).lists` (api.operations), whose page calls
  `shared_rows` before the page and `account_rows` after it;
- single reads: `opened(request, Resource.X, row)` instead of `record_page_view`.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from api.access import TokenAccess, TokenRefused, token_access
from api.models import Resource
from audit.services import Target, record_page_view
from consent.models import Category, Consent
from consent.services import consents_covering, disclose
from exports.services import redisclosure_notice
from lib.blind_index import keyed_hash
from participants.models import Participant

# What each resource shares, in the categories a consent names: the one mapping, which FHIR
# uses too (through its types' scopes). Contact notes' own words go out only when the consent
# covers notes as well (`with_notes`). A consent's record needs no category: any consent to
# the recipient for the purpose lets them see the consents that name them. Referrals have no
# category of their own, so only a consent to the whole record covers them.
CATEGORIES_OF: dict[str, tuple[str, ...]] = {
    Resource.PARTICIPANTS: (Category.CONTACT,),
    Resource.CONTACTS: (Category.ATTENDANCE,),
    Resource.PLANS: (Category.PLANS,),
    Resource.ASSESSMENTS: (Category.ASSESSMENTS,),
    Resource.APPOINTMENTS: (Category.ATTENDANCE,),
    Resource.REFERRALS: (Category.ALL,),
    Resource.CONSENTS: (),
}
NOTES = (Category.ATTENDANCE, Category.NOTES)

NOTICE_HEADER = "Cairn-Redisclosure-Notice"
_DISCLOSED = "_cairn_disclosed"
_COVERED = "_cairn_covered"


def categories_of(resource: str) -> list[str]:
    return list(CATEGORIES_OF[resource])


def recipient_token(request: HttpRequest) -> TokenAccess | None:
    """The request's token when its reads are disclosures (a service token), else None."""
    access = token_access(request)
    if access is None or not access.token.discloses:
        return None
    if not access.token.recipient.strip():
        # Made before tokens named their recipient: nothing leaves without one.
        raise TokenRefused(
            403,
            "no_recipient",
            _(
                "This service token names no recipient, so no participant data can be shared "
                "through it. Ask an administrator for a new token that names the recipient and "
                "purpose."
            ),
        )
    return access


def covered(
    request: HttpRequest, access: TokenAccess, categories: Iterable[str]
) -> Mapping[Any, Consent]:
    """Participant id -> the consent that covers `categories` for this token, looked up once per
    request and set of categories."""
    wanted = tuple(sorted(set(categories)))
    cache: dict[tuple[str, ...], Mapping[Any, Consent]] = getattr(request, _COVERED, None) or {}
    setattr(request, _COVERED, cache)
    if wanted not in cache:
        cache[wanted] = consents_covering(
            organization=access.organization,
            recipient=access.token.recipient,
            purpose=access.token.purpose,
            categories=list(wanted),
        )
    return cache[wanted]


def _participant_path(model: type[Model]) -> str:
    if model is Participant:
        return "id"
    path: str = getattr(model, "participant_path", "participant")
    return f"{path}_id" if "__" not in path else f"{path}__id"


def shared_rows(request: HttpRequest, rows: QuerySet[Any], resource: str) -> QuerySet[Any]:
    """A list's rows, for a service token only those of people whose consent covers it."""
    access = recipient_token(request)
    if access is None:
        return rows
    people = covered(request, access, categories_of(resource))
    rows = rows.filter(**{f"{_participant_path(rows.model)}__in": list(people)})
    if rows.model is Consent:
        # Of each person's consents, only those naming the recipient (by its keyed hash).
        rows = rows.filter(recipient_hash=keyed_hash(access.token.recipient))
    return rows


def with_notes(request: HttpRequest, participant_id: Any) -> bool:
    """Whether contact notes' words may go with a contact of this participant."""
    access = recipient_token(request)
    return access is None or participant_id in covered(request, access, NOTES)


def _refused(access: TokenAccess, resource: str) -> TokenRefused:
    labels = dict(Category.choices)
    what = ", ".join(str(labels[c]).lower() for c in categories_of(resource)) or _("their consents")
    return TokenRefused(
        403,
        "no_consent",
        _(
            "No active consent from this participant covers sharing %(what)s with %(recipient)s "
            "for %(purpose)s. Nothing was shared."
        )
        % {"what": what, "recipient": access.token.recipient, "purpose": access.token.purpose},
    )


def _account(
    request: HttpRequest, access: TokenAccess, resource: str, people: list[Participant]
) -> None:
    """One call to `disclose` for the people read (two for contacts: those whose notes' words
    went too, and the others)."""
    categories = categories_of(resource)
    groups: list[tuple[list[str], Mapping[Any, Consent]]] = [
        (categories, covered(request, access, categories))
    ]
    if resource == Resource.CONTACTS:
        groups.insert(0, (list(NOTES), covered(request, access, NOTES)))
    left = list(people)
    for shared, consents in groups:
        these = [p for p in left if p.id in consents] if len(groups) > 1 else left
        left = [p for p in left if p not in these]
        if these:
            disclose(
                acting=access.membership,
                participant=these,
                recipient=access.token.recipient,
                purpose=access.token.purpose,
                categories=shared,
                document=False,
                consents=consents,
            )
    setattr(request, _DISCLOSED, True)


def account_rows(request: HttpRequest, resource: str, rows: Iterable[Any]) -> None:
    """Account a list page's rows as disclosed, one entry per person (a service token only)."""
    access = recipient_token(request)
    if access is None:
        return
    # A participant's row (a model or a named row) is the person; any other row names them.
    ids = {row.participant_id if hasattr(row, "participant_id") else row.id for row in rows}
    # The accounting names each person by id: nothing of theirs is decrypted for it.
    people = (
        list(Participant.objects.filter(id__in=ids).only("id", "organization").order_by("id"))
        if ids
        else []
    )
    _account(request, access, resource, people)


def opened(request: HttpRequest, resource: str, row: Model) -> None:
    """One record read: for a service token, refused with 403 (saying why) unless a consent
    covers it, and accounted as disclosed; then the page's view event, as for anyone."""
    person = row if isinstance(row, Participant) else getattr(row, "participant")  # noqa: B009
    access = recipient_token(request)
    if access is not None:
        if person.id not in covered(request, access, categories_of(resource)):
            raise _refused(access, resource)
        if isinstance(row, Consent) and not row.names(access.token.recipient):
            raise _refused(access, resource)
        _account(request, access, resource, [person])
    record_page_view(request=request, target=Target.of(row), participant_id=person.id)


def opened_unowned(request: HttpRequest, row: Model) -> None:
    """A record of no one person (a group's session): its view event; an outside system's token
    is refused, as no one person's consent covers sharing it."""
    access = recipient_token(request)
    if access is not None:
        raise TokenRefused(
            403,
            "no_consent",
            _(
                "A group's session is no one person's record, so no consent covers sharing it "
                "with %(recipient)s. Nothing was shared."
            )
            % {"recipient": access.token.recipient},
        )
    record_page_view(request=request, target=Target.of(row))


def stamp(request: HttpRequest, response: HttpResponse) -> None:
    """An answer that disclosed data carries the redisclosure notice (42 CFR 2.32), one line."""
    if getattr(request, _DISCLOSED, False):
        heading, _gap, body = redisclosure_notice().partition("\n\n")
        response[NOTICE_HEADER] = heading + ": " + re.sub(r"\s+", " ", body).strip()
