"""The billable line a signed contact makes, or the reason it is not billable."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from billing.models import (
    Authorization,
    BillableLine,
    Coverage,
    LineState,
    Payer,
    PayerService,
    ProviderNumber,
    Reason,
    Rounding,
)
from billing.services import derive_line, recheck
from cairn.demo import DemoWorld
from encounters.models import ContactType, Encounter, Outcome
from encounters.services import record_and_sign
from groups.models import Group
from groups.services import Attendee, record_group_session
from organizations.models import Membership
from participants.models import Participant

pytestmark = pytest.mark.django_db

# After the demo's history (anchored on 1 November 2026), so only these tests' contacts bill.
DAY = date(2026, 11, 20)
COVERED_FROM = date(2026, 11, 15)


def member(demo: DemoWorld, username: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(
        organization=demo.organizations["harbor"], user=demo.users[username]
    )


@pytest.fixture
def pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user__username="pat")


@pytest.fixture
def medicaid(demo: DemoWorld, pat: Participant) -> Payer:
    """A payer like the demo's: 15-minute units from the midpoint, 16 a day, authorization
    needed, the supervisor on the claim; Pat covered; Ana and Sam with NPIs."""
    harbor = demo.organizations["harbor"]
    payer = Payer.objects.create(
        organization=harbor,
        name="Medicaid plan",
        kind="managed_care",
        rounding=Rounding.MIDPOINT,
        daily_unit_cap=16,
        needs_authorization=True,
        needs_supervising_provider=True,
        billing_npi="1234567893",
    )
    PayerService.objects.create(
        payer=payer, procedure_code="H0038", place_of_service="11", rate=Decimal("16.50")
    )
    PayerService.objects.create(
        payer=payer,
        contact_type=ContactType.GROUP,
        procedure_code="H0038",
        modifiers="HQ",
        place_of_service="11",
        rate=Decimal("5.00"),
    )
    coverage = Coverage.objects.create(
        organization=harbor,
        participant=pat,
        payer=payer,
        member_id="M123456789",
        starts_on=COVERED_FROM,
        added_by=demo.users["mia"],
    )
    Authorization.objects.create(
        organization=harbor,
        coverage=coverage,
        number="PA-1",
        procedure_codes="H0038",
        units=10,
        starts_on=COVERED_FROM,
        ends_on=date(2026, 12, 31),
        added_by=demo.users["mia"],
    )
    for username in ("ana", "sam"):
        ProviderNumber.objects.create(
            organization=harbor, user=demo.users[username], npi="1234567893"
        )
    return payer


def sign(
    demo: DemoWorld,
    person: Participant,
    minutes: int | None,
    *,
    kind: str = ContactType.IN_PERSON,
    outcome: str = Outcome.REACHED,
    day: date = DAY,
    hour: int = 10,
) -> Encounter:
    started = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("America/New_York"))
    return record_and_sign(
        acting=member(demo, "ana"),
        participant=person,
        values={
            "contact_type": kind,
            "outcome": outcome,
            "started_at": started,
            "duration_minutes": minutes,
            "summary": "Talked through the week ahead.",
        },
        brief=True,
    )


def line_of(encounter: Encounter) -> BillableLine:
    return BillableLine.objects.get(encounter=encounter)


def test_signing_makes_a_ready_line_with_code_units_place_and_providers(
    demo: DemoWorld, pat: Participant, medicaid: Payer
) -> None:
    line = line_of(sign(demo, pat, 38))
    assert line.state == LineState.READY and line.reason == ""
    assert (line.procedure_code, line.modifiers, line.place_of_service) == ("H0038", "", "11")
    assert line.units == 3 and line.amount == Decimal("49.50")
    assert line.rendering_provider == demo.users["ana"]
    assert line.supervising_provider == demo.users["sam"]
    assert line.payer == medicaid and line.authorization is not None


@pytest.mark.parametrize(
    ("minutes", "kind", "outcome", "state", "reason"),
    [
        (30, ContactType.OUTREACH, "", LineState.NOT_BILLABLE, Reason.OUTREACH),
        (10, ContactType.PHONE, Outcome.NO_ANSWER, LineState.NOT_BILLABLE, Reason.NOT_REACHED),
        (7, ContactType.IN_PERSON, Outcome.REACHED, LineState.NOT_BILLABLE, Reason.TOO_SHORT),
        (None, ContactType.IN_PERSON, Outcome.REACHED, LineState.HELD, Reason.NO_MINUTES),
    ],
)
def test_a_contact_that_is_not_billable_says_why(
    demo: DemoWorld,
    pat: Participant,
    medicaid: Payer,
    minutes: int | None,
    kind: str,
    outcome: str,
    state: str,
    reason: str,
) -> None:
    line = line_of(sign(demo, pat, minutes, kind=kind, outcome=outcome))
    assert (line.state, line.reason, line.units) == (state, reason, 0)


def test_no_coverage_on_that_date_holds_the_line_until_coverage_is_added(
    demo: DemoWorld, pat: Participant, medicaid: Payer
) -> None:
    Coverage.objects.filter(participant=pat).update(starts_on=DAY + timedelta(days=1))
    encounter = sign(demo, pat, 30)
    assert (line_of(encounter).state, line_of(encounter).reason) == (
        LineState.HELD,
        Reason.NO_COVERAGE,
    )
    Coverage.objects.filter(participant=pat).update(starts_on=COVERED_FROM)
    assert recheck(acting=member(demo, "mia")) >= 1
    assert line_of(encounter).state == LineState.READY


def test_the_daily_cap_trims_the_last_contact_of_the_day(
    demo: DemoWorld, pat: Participant, medicaid: Payer
) -> None:
    Authorization.objects.update(units=100)
    first = sign(demo, pat, 210, hour=9)  # 14 units
    second = sign(demo, pat, 60, hour=14)  # 4 units, 2 left under the cap of 16
    third = sign(demo, pat, 30, hour=16)
    assert [line_of(e).units for e in (first, second)] == [14, 2]
    assert (line_of(third).state, line_of(third).reason) == (
        LineState.NOT_BILLABLE,
        Reason.DAILY_CAP,
    )
    # Another day starts afresh.
    assert line_of(sign(demo, pat, 30, day=DAY + timedelta(days=1))).units == 2


def test_an_authorization_used_up_holds_the_line_and_nothing_blocks_the_note(
    demo: DemoWorld, pat: Participant, medicaid: Payer
) -> None:
    lines = [line_of(sign(demo, pat, 60, day=DAY + timedelta(days=d))) for d in range(3)]
    assert [(x.state, x.units) for x in lines[:2]] == [(LineState.READY, 4), (LineState.READY, 4)]
    assert (lines[2].state, lines[2].reason) == (LineState.HELD, Reason.AUTHORIZATION_USED)
    assert lines[2].encounter.state == "signed"
    Authorization.objects.update(units=20)
    recheck(acting=member(demo, "mia"))
    assert line_of(lines[2].encounter).state == LineState.READY


def test_missing_numbers_hold_the_line(demo: DemoWorld, pat: Participant, medicaid: Payer) -> None:
    ProviderNumber.objects.filter(user=demo.users["sam"]).delete()
    assert line_of(sign(demo, pat, 30)).reason == Reason.NO_SUPERVISOR
    ProviderNumber.objects.filter(user=demo.users["ana"]).delete()
    assert line_of(sign(demo, pat, 30, hour=12)).reason == Reason.NO_RENDERING_NPI
    Payer.objects.update(billing_npi="")
    assert line_of(sign(demo, pat, 30, hour=13)).reason == Reason.NO_PAYER_NPI


def test_a_group_session_makes_one_line_per_attendee_with_the_group_modifier(
    demo: DemoWorld, pat: Participant, medicaid: Payer
) -> None:
    ana = member(demo, "ana")
    group = Group.objects.create(
        organization=ana.organization, name="Wednesday circle", facilitator=ana.user
    )
    others = list(Participant.objects.visible_to(ana.user, ana.organization).exclude(pk=pat.pk)[:2])
    session = record_group_session(
        acting=ana,
        group=group,
        started_at=datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("America/New_York")),
        duration_minutes=90,
        topic="Boundaries",
        shared_note="We talked about saying no.",
        attendees=[Attendee(participant=p, line="") for p in [pat, *others]],
        sign=True,
    )
    lines = BillableLine.objects.filter(encounter__group_session=session)
    assert lines.count() == 3
    pats = lines.get(participant=pat)
    assert (pats.modifiers, pats.units, pats.amount) == ("HQ", 6, Decimal("30.00"))
    # The others have no coverage: held, and named as such.
    assert {x.reason for x in lines.exclude(participant=pat)} == {Reason.NO_COVERAGE}


def test_a_batched_line_is_never_worked_out_again(
    demo: DemoWorld, pat: Participant, medicaid: Payer
) -> None:
    encounter = sign(demo, pat, 30)
    BillableLine.objects.filter(encounter=encounter).update(state=LineState.BATCHED)
    Coverage.objects.update(ends_on=COVERED_FROM)
    line = derive_line(acting=None, encounter=encounter)
    assert line is not None and line.state == LineState.BATCHED


def test_an_organization_without_payers_makes_no_lines(demo: DemoWorld, pat: Participant) -> None:
    sign(demo, pat, 30)
    assert not BillableLine.objects.exists()


def test_the_coach_sees_units_left_in_the_editor_and_running_low_on_today(
    demo: DemoWorld, pat: Participant, medicaid: Payer, client_for
) -> None:
    Coverage.objects.filter(participant=pat).update(starts_on=date(2026, 1, 1))
    Authorization.objects.update(starts_on=date(2026, 1, 1), ends_on=date(2027, 6, 30))
    ana = client_for("ana")
    editor = ana.get(f"/contacts/new/{pat.id}/").content.decode()
    assert "10 units left on the Medicaid plan authorization, until 30 Jun 2027." in editor
    assert 'id="units-running-low"' not in ana.get("/today/").content.decode()
    sign(demo, pat, 60, day=timezone.localdate())  # 4 units: 6 left
    today = ana.get("/today/").content.decode()
    assert "Authorizations running low" in today
    assert "6 units left (Medicaid plan, until 30 Jun 2027)" in today
    # When the payer needs an authorization and none covers today, the editor says so calmly.
    Authorization.objects.update(ends_on=date(2026, 2, 1))
    editor = ana.get(f"/contacts/new/{pat.id}/").content.decode()
    assert "Medicaid plan needs an authorization and none covers today" in editor
    assert "Write the note as usual." in editor
