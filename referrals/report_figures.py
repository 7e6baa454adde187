"""The dashboard's referral figures (registered through `reports.extensions`): referrals made in
the range, accepted, reaching a first service, and the median days from referral to first
service, each opening the referrals behind it; small counts hidden in the de-identified view."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AnyUser
from lib.when import show_date
from organizations.models import Organization
from referrals import selectors
from reports import cache as report_cache
from reports.drill import Figure, Listing, Scope, Shown
from reports.selectors import Filters, people_in_scope
from reports.suppression import HIDDEN, is_small
from reports.tables import Headline, Link, count, linked


def headlines(
    *,
    user: AnyUser,
    organization: Organization,
    filters: Filters,
    deidentified: bool,
    link: Link | None,
    kept_as: str | None = None,
) -> list[Headline]:
    def figures() -> selectors.Figures:
        people = people_in_scope(user=user, organization=organization, filters=filters)
        return selectors.figures(
            organization=organization, people=people, start=filters.start, end=filters.end
        )

    # Kept with the dashboard's own figures: a referral written adds to the change log too.
    found = report_cache.kept_part(kept_as, "referrals", figures)

    def head(key: str, label: str, value: str) -> Headline:
        name = _("referrals behind: %(n)s, %(where)s") % {"n": value, "where": label}
        return Headline(key, label, linked(value, link, key, name))

    if found.median_days is None:
        median = "—"
    elif deidentified and is_small(found.completed):
        median = HIDDEN
    else:
        median = f"{found.median_days:g}"
    return [
        head("referrals", _("Referrals made"), count(found.made, deidentified)),
        head("referrals-accepted", _("Referrals accepted"), count(found.accepted, deidentified)),
        head(
            "referrals-completed",
            _("Referrals that reached a first service"),
            count(found.completed, deidentified),
        ),
        Headline(
            "referral-days",
            _("Median days from referral to first service"),
            linked(
                median,
                link,
                "referrals-completed",
                _("referrals behind the median of %(n)s days") % {"n": median},
            ),
        ),
    ]


def _made(scope: Scope) -> "QuerySet[Any]":
    return selectors.made_between(
        organization=scope.organization,
        people=scope.people,
        start=scope.filters.start,
        end=scope.filters.end,
    )


def referral_listing(rows: "QuerySet[Any]") -> Listing:
    """Date sent, the participant (linking to their overview), the service, its state and the
    days to a first service: never the note to the partner."""
    queryset = rows.select_related("participant", "service").order_by(
        "sent_at", "participant__name_sort", "id"
    )

    def row(referral: Any) -> list[Shown]:
        person = referral.participant
        days = referral.days_to_first_service()
        return [
            Shown(show_date(referral.sent_at)),
            Shown(person.preferred_name, reverse("participants:detail", args=[person.id])),
            Shown(referral.service.name),
            Shown(str(referral.get_state_display())),
            Shown("—" if days is None else str(days)),
        ]

    columns = [_("Sent"), _("Participant"), _("Service"), _("State"), _("Days to first service")]
    return Listing(queryset, columns, row, referrals=True)


def made(scope: Scope) -> Listing:
    return referral_listing(_made(scope))


def accepted(scope: Scope) -> Listing:
    return referral_listing(_made(scope).filter(accepted_at__isnull=False))


def completed(scope: Scope) -> Listing:
    return referral_listing(_made(scope).filter(first_service_on__isnull=False))


ROWS = {
    "referrals": Figure(gettext_lazy("Referrals made"), made),
    "referrals-accepted": Figure(gettext_lazy("Referrals accepted"), accepted),
    "referrals-completed": Figure(
        gettext_lazy("Referrals that reached a first service"), completed
    ),
}
