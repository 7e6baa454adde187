"""Finding help in the directory: need, words, language, cost, open now, and distance from a ZIP."""

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import overload

from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.http import Http404

from directory.models import (
    Need,
    Schedule,
    Service,
    ServiceLanguage,
    ServiceQuerySet,
    ServiceStatus,
    SharedResource,
    ShareState,
    Weekday,
)
from lib.collation import folded
from organizations.models import Organization
from participants.models import Participant

EARTH_MILES = 3958.8
MILES_PER_DEGREE = 69.0


@lru_cache(maxsize=4096)
def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    """The latitude and longitude of a US ZIP code, from the data the `zipcodes` package ships."""
    import zipcodes

    code = (zip_code or "").strip()[:5]
    if len(code) != 5 or not code.isdigit():
        return None
    try:
        found = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    try:
        return float(found[0]["lat"]), float(found[0]["long"])
    except (KeyError, TypeError, ValueError):
        return None


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_MILES * math.asin(math.sqrt(min(1.0, h)))


def open_at(moment: datetime) -> Q:
    """Schedule rows open at `moment` (a local, naive-or-aware time in the organization's zone):
    today's hours, today's overnight hours after opening, and yesterday's overnight hours before
    closing."""
    today = Weekday.of(moment.date())
    yesterday = Weekday.of(moment.date() - timedelta(days=1))
    t = moment.time().replace(tzinfo=None)
    same_day = Q(byday=today, opens_at__lte=t, closes_at__gt=t)
    overnight = Q(closes_at__lte=F("opens_at"))
    overnight_today = overnight & Q(byday=today, opens_at__lte=t)
    overnight_yesterday = overnight & Q(byday=yesterday, closes_at__gt=t)
    return same_day | overnight_today | overnight_yesterday


def _holds(column: str, word: str) -> GreaterThan:
    return GreaterThan(StrIndex(column, Value(word)), 0)


@dataclass(frozen=True)
class Finding:
    service: Service
    miles: float | None


class ByName:
    """Findings in name order, read one page at a time (for Django's Paginator): a count and a
    slice in SQL, so a search never loads every listing."""

    def __init__(self, services: ServiceQuerySet) -> None:
        self.services = services

    def _finding(self, service: Service) -> Finding:
        return Finding(service=service, miles=None)

    def count(self) -> int:
        return self.services.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, int):
            return self._finding(self.services[index])
        return [self._finding(service) for service in self.services[index]]


class ByDistance(ByName):
    """Findings nearest first within a distance, read a page at a time like `ByName`: the
    database filters and orders by a flat-earth distance in degrees (exact enough for ordering
    within a state, and the same on SQLite and PostgreSQL) in one read of the ids alone; a page
    then reads its listings by id (a second, small query) and gives them great-circle miles."""

    def __init__(
        self, services: ServiceQuerySet, *, origin: tuple[float, float], within: float
    ) -> None:
        self.origin = origin
        north = F("location__latitude") - origin[0]
        east = (F("location__longitude") - origin[1]) * math.cos(math.radians(origin[0]))
        reach = ExpressionWrapper(north * north + east * east, output_field=FloatField())
        super().__init__(
            services.annotate(reach=reach)
            .filter(reach__lte=(within / MILES_PER_DEGREE) ** 2)
            .order_by("reach", "name_sort", "id")
        )
        self._ids: list[uuid.UUID] | None = None

    def ids(self) -> list[uuid.UUID]:
        if self._ids is None:
            self._ids = list(self.services.values_list("id", flat=True))
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:  # type: ignore[override]
        wanted = self.ids()[index] if isinstance(index, slice) else [self.ids()[index]]
        found = {
            service.id: service
            for service in Service.objects.filter(id__in=wanted).select_related(
                "location", "provider"
            )
        }
        page = [self._finding(found[service_id]) for service_id in wanted]
        return page if isinstance(index, slice) else page[0]

    def _finding(self, service: Service) -> Finding:
        place = service.location
        miles = miles_between(self.origin, (place.latitude or 0.0, place.longitude or 0.0))
        return Finding(service=service, miles=round(miles, 1))


# A ZIP code search without a distance looks this far, nearest first: help a person can
# reach (the database pages the results, so the distance only bounds what is relevant).
FARTHEST_MILES = 25.0


@dataclass(frozen=True)
class Search:
    need: str = ""
    words: str = ""
    language: str = ""
    cost: str = ""
    open_now: bool = False
    zip_code: str = ""
    within_miles: float | None = None


def find_services(
    *, organization: Organization, search: Search, now: datetime
) -> tuple[list[Finding] | ByName, bool]:
    """Active listings matching `search`, nearest first when a ZIP is given (else by name).
    Returns the findings and whether the ZIP was understood (True when none was given)."""
    services = Service.objects.of(organization).filter(status=ServiceStatus.ACTIVE)
    if search.need:
        services = services.filter(need=search.need)
    if search.cost:
        services = services.filter(cost=search.cost)
    # Language and open-now are EXISTS tests on the listing's own rows (their service index)
    # rather than joins, so a listing with two matching rows is found once without DISTINCT.
    if search.language:
        services = services.filter(
            Exists(ServiceLanguage.objects.filter(service=OuterRef("pk"), code=search.language))
        )
    for word in folded(search.words).split():
        # The columns and the words are folded already, so a plain substring test (INSTR on
        # SQLite, STRPOS on PostgreSQL) serves; SQLite's LIKE is Cairn's accent-folding Python
        # function (lib.sqlite), six times slower over 20,000 listings.
        services = services.filter(
            Q(_holds("name_search", word)) | Q(_holds("description_search", word))
        )
    if search.open_now:
        services = services.filter(
            Exists(Schedule.objects.filter(open_at(now), service=OuterRef("pk")))
        )
    origin = zip_centroid(search.zip_code) if search.zip_code else None
    if search.zip_code and origin is None:
        return [], False
    related = services.select_related("location", "provider").order_by("name_sort", "id")
    if origin is None:
        return ByName(related), True
    within = search.within_miles or FARTHEST_MILES
    spread = within / MILES_PER_DEGREE
    wide = spread / max(0.01, math.cos(math.radians(origin[0])))
    near = related.filter(
        location__latitude__range=(origin[0] - spread, origin[0] + spread),
        location__longitude__range=(origin[1] - wide, origin[1] + wide),
    )
    return ByDistance(near, origin=origin, within=within), True


def needs_checking(*, organization: Organization, today: datetime) -> list[Service]:
    return list(
        Service.objects.of(organization)
        .stale(today.date())
        .select_related("provider")
        .order_by("last_verified", "name_sort")
    )


def shared_with(participant: Participant, *, include_hidden: bool = True) -> list[SharedResource]:
    shares = SharedResource.objects.filter(
        organization=participant.organization, participant=participant
    )
    if not include_hidden:
        shares = shares.exclude(state=ShareState.HIDDEN)
    return list(
        shares.select_related("service", "service__location", "service__provider")
        .prefetch_related("service__phones", "service__schedules")
        .order_by("-shared_at")
    )


PORTAL_MEETINGS = 50


def meetings_for_portal(organization: Organization) -> list[Service]:
    """The program's listed mutual-aid meetings that have a weekly time, by name, with their
    place, times and languages (three queries)."""
    return list(
        Service.objects.of(organization)
        .active()
        .filter(need=Need.MUTUAL_AID, schedules__isnull=False)
        .distinct()
        .select_related("location", "provider")
        .prefetch_related("schedules", "languages")
        .order_by("name_sort", "id")[:PORTAL_MEETINGS]
    )


def meeting_for_portal(organization: Organization, service_id: uuid.UUID) -> Service:
    """One of those meetings, or 404."""
    found = (
        Service.objects.of(organization)
        .active()
        .filter(need=Need.MUTUAL_AID, id=service_id)
        .select_related("location")
        .prefetch_related("schedules")
        .first()
    )
    if found is None:
        raise Http404
    return found
