"""The lexicon an organization uses: the built-in entries it keeps plus its own terms; practice
reviews shared with a supervisor, counted per coach."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from accounts.models import AnyUser
from coaching.language import Entry, Finding, builtin_entries, check, phrase_entry
from coaching.models import CustomTerm, DisabledEntry, PracticeReview
from organizations.models import Organization

ORGANIZATION_SOURCE = "Your organization's own list"


def entries_for(organization: Organization) -> tuple[Entry, ...]:
    disabled = set(
        DisabledEntry.objects.filter(organization=organization).values_list("entry_id", flat=True)
    )
    custom = [
        phrase_entry(
            id=f"org-{term.id}",
            phrase=term.phrase,
            suggestion=term.suggestion,
            reason=term.reason,
            severity=term.severity,
            source=ORGANIZATION_SOURCE,
        )
        for term in CustomTerm.objects.filter(organization=organization)
    ]
    return tuple(e for e in builtin_entries() if e.id not in disabled) + tuple(custom)


def findings_in(organization: Organization, texts: Iterable[str]) -> list[Finding]:
    """What the organization's language checker notices across several fields of one record."""
    entries = entries_for(organization)
    return [finding for text in texts if text for finding in check(text, entries)]


def replacement_for(suggestion: str) -> str:
    """The first plain alternative of a suggestion, for one-click replace."""
    first = suggestion.split(" / ")[0].split(" (")[0]
    return first.split("...")[0].strip()


def shared_review_counts(
    *, user: AnyUser, organization: Organization, owner_ids: list[int]
) -> dict[int, int]:
    """How many practice reviews each of these coaches chose to share with this supervisor."""
    rows = (
        PracticeReview.objects.visible_to(user, organization)
        .filter(shared_with_supervisor=True, owner_id__in=owner_ids)
        .exclude(owner_id=getattr(user, "pk", None))
        .values("owner_id")
        .order_by()
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(owner_ids, 0)
    counts.update({row["owner_id"]: row["n"] for row in rows})
    return counts


def reviews_seen_by(
    *, user: AnyUser, organization: Organization, owner_ids: Iterable[int]
) -> QuerySet[PracticeReview]:
    """These coaches' practice reviews that `user` may open (their own, or shared with them as
    the coaches' supervisor), titles only: a supervision action may point to one of them."""
    return (
        PracticeReview.objects.visible_to(user, organization)
        .filter(owner_id__in=list(owner_ids))
        .defer("utterances", "summary")
    )
