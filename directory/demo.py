"""Demo listings around Baltimore, Maryland (ZIP 21201): fifteen fictional services across the
needs, one not checked for a long while, and one that ana shared with Pat."""

from datetime import date, time, timedelta

from accounts.models import User
from directory.models import (
    Cost,
    Location,
    Need,
    Phone,
    ResourceOrganization,
    Schedule,
    Service,
    ServiceLanguage,
    SharedResource,
    Weekday,
)
from organizations.models import Organization
from participants.models import Participant

CENTER = (39.2946, -76.6252)
WEEKDAYS = [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR]
EVERY_DAY = list(Weekday)

# name, provider, need, cost, miles north, miles east, days, opens, closes, languages, description
LISTINGS: list[tuple[str, str, str, str, float, float, list[Weekday], str, str, list[str], str]] = [
    (
        "Westside Community Food Pantry",
        "Westside Neighbors",
        Need.FOOD,
        Cost.FREE,
        0.8,
        -1.1,
        EVERY_DAY,
        "07:00",
        "21:00",
        ["en", "es"],
        "Groceries and fresh produce, no paperwork needed.",
    ),
    (
        "Harborview Medication for Opioid Use Disorder Clinic",
        "Harborview Health",
        Need.TREATMENT,
        Cost.LOW,
        1.5,
        0.6,
        WEEKDAYS,
        "06:00",
        "14:00",
        ["en", "es"],
        "Buprenorphine and methadone, same-day starts, counseling on site. Sliding scale.",
    ),
    (
        "Evening Recovery Meeting",
        "Mount Vernon Fellowship",
        Need.MUTUAL_AID,
        Cost.FREE,
        0.3,
        0.2,
        EVERY_DAY,
        "19:00",
        "20:30",
        ["en"],
        "Open peer support meeting; everyone welcome.",
    ),
    (
        "Midnight Recovery Meeting",
        "Mount Vernon Fellowship",
        Need.MUTUAL_AID,
        Cost.FREE,
        0.4,
        0.2,
        [Weekday.FR, Weekday.SA],
        "23:00",
        "01:00",
        ["en"],
        "A late meeting for night owls.",
    ),
    (
        "Reunión de recuperación en español",
        "Fellowship Hispana",
        Need.MUTUAL_AID,
        Cost.FREE,
        2.0,
        2.4,
        [Weekday.TU, Weekday.TH],
        "18:30",
        "20:00",
        ["es"],
        "Reunión abierta de apoyo mutuo.",
    ),
    (
        "Rapid Rehousing Help Desk",
        "Charm City Housing Alliance",
        Need.HOUSING,
        Cost.FREE,
        -0.9,
        0.5,
        WEEKDAYS,
        "09:00",
        "17:00",
        ["en", "es"],
        "Help finding and keeping a place to live.",
    ),
    (
        "Recovery Residence Referrals",
        "Maryland Recovery Homes Network",
        Need.HOUSING,
        Cost.PAID,
        3.2,
        -2.5,
        WEEKDAYS,
        "10:00",
        "16:00",
        ["en"],
        "Certified recovery residences with open beds.",
    ),
    (
        "Expungement and Record Clearing Clinic",
        "Legal Aid of the Harbor",
        Need.LEGAL,
        Cost.FREE,
        -0.4,
        0.9,
        [Weekday.WE],
        "13:00",
        "17:00",
        ["en", "es"],
        "Free help clearing old records.",
    ),
    (
        "Second Chance Job Center",
        "Baltimore Works",
        Need.EMPLOYMENT,
        Cost.FREE,
        1.1,
        1.8,
        WEEKDAYS,
        "08:30",
        "16:30",
        ["en"],
        "Job search, résumés and fair-chance employers.",
    ),
    (
        "Community Health Center",
        "Eastside Health Partners",
        Need.HEALTH,
        Cost.LOW,
        -1.6,
        3.1,
        WEEKDAYS,
        "08:00",
        "20:00",
        ["en", "es", "vi"],
        "Primary care, hepatitis C and HIV testing.",
    ),
    (
        "Families in Recovery Support Group",
        "Family Circle",
        Need.FAMILY,
        Cost.FREE,
        4.5,
        1.0,
        [Weekday.MO],
        "18:00",
        "19:30",
        ["en"],
        "For partners, parents and children of people in recovery.",
    ),
    (
        "Rides to Treatment",
        "Harbor Transit Aid",
        Need.TRANSPORT,
        Cost.FREE,
        -2.2,
        -0.7,
        WEEKDAYS,
        "05:30",
        "19:00",
        ["en", "es"],
        "Free rides to treatment and recovery appointments.",
    ),
    (
        "Syringe Services and Naloxone",
        "Harm Reduction Baltimore",
        Need.HARM_REDUCTION,
        Cost.FREE,
        0.2,
        -0.6,
        EVERY_DAY,
        "00:00",
        "00:00",
        ["en", "es"],
        "Naloxone, test strips and clean supplies, around the clock.",
    ),
    (
        "Northside Food Bank",
        "Northside Churches Together",
        Need.FOOD,
        Cost.FREE,
        8.5,
        0.4,
        [Weekday.SA],
        "09:00",
        "12:00",
        ["en"],
        "Saturday food distribution.",
    ),
    (
        "Old Town Clothing Closet",
        "Old Town Mission",
        Need.FAMILY,
        Cost.FREE,
        -0.7,
        1.4,
        [Weekday.TU, Weekday.TH],
        "10:00",
        "14:00",
        ["en"],
        "Clothes for work and interviews.",
    ),
]
STREETS = ["Main", "Pratt", "Charles", "Eutaw"]
STALE_NAME = "Old Town Clothing Closet"
SHARED_WITH_PAT = "Westside Community Food Pantry"


def _clock(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def seed(organization: Organization, *, anchor: date) -> int:
    """Listings for `organization`, once (a second call adds nothing)."""
    if Service.objects.of(organization).exists():
        return 0
    for index, row in enumerate(LISTINGS):
        name, provider_name, need, cost, north, east, days, opens, closes, languages, about = row
        provider, _created = ResourceOrganization.objects.get_or_create(
            organization=organization, name=provider_name
        )
        checked = anchor - timedelta(days=400 if name == STALE_NAME else 10 + index * 3)
        service = Service.objects.create(
            organization=organization,
            provider=provider,
            name=name,
            description=about,
            need=need,
            cost=cost,
            last_verified=checked,
            service_area="Baltimore City",
        )
        Location.objects.create(
            organization=organization,
            service=service,
            address_1=f"{100 + index * 37} {STREETS[index % len(STREETS)]} Street",
            city="Baltimore",
            state_province="MD",
            postal_code="21201",
            latitude=CENTER[0] + north / 69.0,
            longitude=CENTER[1] + east / 53.4,
        )
        Phone.objects.create(
            organization=organization, service=service, number=f"(410) 555-01{index:02d}"
        )
        ServiceLanguage.objects.bulk_create(
            ServiceLanguage(organization=organization, service=service, code=code)
            for code in languages
        )
        Schedule.objects.bulk_create(
            Schedule(
                organization=organization,
                service=service,
                byday=day,
                opens_at=_clock(opens),
                closes_at=_clock(closes),
            )
            for day in days
        )
    pat = Participant.objects.filter(organization=organization, user__username="pat").first()
    ana = User.objects.filter(username="ana").first()
    if pat is not None and ana is not None:
        SharedResource.objects.create(
            organization=organization,
            participant=pat,
            service=Service.objects.get(organization=organization, name=SHARED_WITH_PAT),
            shared_by=ana,
        )
    return len(LISTINGS)
