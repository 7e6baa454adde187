"""Plans, assessments, appointments and referrals through the API: each list holds its own
organization's rows and no other (ana's personal token: her caseload), another organization's id
is not found, a token without the scope is refused, every read is audited, pages and
`updated_since` work, the ids webhooks send open, and a page costs the same at four times the
rows."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from api.disclosure import NOTICE_HEADER
from api.models import TokenKind
from api.tests.support import consent_to, get, list_reads, make_token
from appointments.models import Appointment
from appointments.selectors import visible_appointments
from appointments.services import book_appointment
from assessments.models import Assessment, ItemResponse
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from consent.models import Channel, Consent, Disclosure
from directory.models import Need, ResourceOrganization, Service
from groups.models import Group
from organizations.models import Membership
from participants.models import Participant
from plans.models import Goal, GoalStatus, RecoveryPlan
from plans.services import StepValues, save_goal
from referrals.models import Referral, ReferralChange, ReferralState
from referrals.services import Answer, partner_answer
from webhooks.models import Delivery, Subscription

MODELS: dict[str, Any] = {
    "plans": RecoveryPlan,
    "assessments": Assessment,
    "appointments": Appointment,
    "referrals": Referral,
}
CARE_READ = ["plans:read", "assessments:read", "appointments:read", "referrals:read"]
RESOURCES = ["plans", "assessments", "appointments", "referrals"]
PATS_GOAL = "Get my own place near my sister by spring"
PATS_STEP = "Call the housing office on Monday"


def _member(username: str) -> Membership:
    return Membership.objects.select_related("organization", "user").get(user__username=username)


def _coach_of(person: Participant) -> Membership:
    return _member(person.coach.username if person.coach is not None else "ana")


def _refer(person: Participant, service: Service, acting: Membership) -> Referral:
    return Referral.objects.create(
        organization=person.organization,
        participant=person,
        service=service,
        disclosure=Disclosure.objects.create(
            organization=person.organization,
            participant=person,
            legal_basis="consent",
            recipient=service.provider.name,
            purpose="Referral",
            categories=["contact"],
            disclosed_by=acting.user,
            document_sha256="0" * 64,
        ),
        need=service.need,
        categories=["contact"],
        note_for_partner="Prefers afternoons.",
        state=ReferralState.SENT,
        sent_by=acting.user,
        sent_at=timezone.now() - timedelta(days=3),
    )


@pytest.fixture
def care(demo: DemoWorld) -> DemoWorld:
    """In both organizations: a plan, an appointment and a referral for every participant (the
    demo already has assessments); Pat's plan has her goal in her words, and ana runs a group."""
    pat = Participant.objects.get(user=demo.users["pat"])
    for slug in ("harbor", "riverside"):
        organization = demo.organizations[slug]
        provider = ResourceOrganization.objects.create(organization=organization, name="Pantry")
        service = Service.objects.create(
            organization=organization, provider=provider, name="Food pantry", need=Need.FOOD
        )
        people = Participant.objects.filter(organization=organization, merged_into__isnull=True)
        for person in people.select_related("coach"):
            acting = _coach_of(person) if slug == "harbor" else _member("rio")
            if person == pat:
                values: dict[str, Any] = {"in_my_words": PATS_GOAL, "domains": ["housing"]}
                steps = [StepValues(text=PATS_STEP, owner="participant")]
            else:
                values, steps = {"in_my_words": "A goal of their own"}, []
            save_goal(acting=acting, participant=person, values=values, steps=steps)
            book_appointment(
                acting=acting,
                participant=person,
                starts_at=timezone.now() + timedelta(days=2),
                duration_minutes=45,
                place="Room 2",
            )
            _refer(person, service, acting)
            # The fixture's service token (the state warehouse) reads them as disclosures: each
            # person has consented to it (api/tests/test_api_disclosure.py shows the refusals).
            consent_to(person)
    circle = Group.objects.create(
        organization=pat.organization, name="Open circle", facilitator=demo.users["ana"]
    )
    book_appointment(
        acting=_member("ana"),
        group=circle,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=90,
    )
    return demo


def _all_ids(secret: str, url: str, limit: int = 3) -> list[str]:
    ids: list[str] = []
    cursor = ""
    while True:
        separator = "&" if "?" in url else "?"
        page = get(
            secret, f"{url}{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        )
        assert page.status_code == 200, page.content
        body = page.json()
        ids += [row["id"] for row in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return ids


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _events_since(last: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))


def _rows(resource: str, membership: Membership) -> QuerySet[Any]:
    """What the pages show this member, read without the API."""
    if resource == "appointments":
        return visible_appointments(membership)
    rows: QuerySet[Any] = MODELS[resource].objects.visible_to(
        membership.user, membership.organization
    )
    return rows


def _one_of(resource: str, organization: str) -> Any:
    row = (
        MODELS[resource]
        .objects.filter(organization__slug=organization, participant__isnull=False)
        .first()
    )
    assert row is not None
    return row


@pytest.mark.parametrize("resource", RESOURCES)
def test_harbors_token_lists_every_harbor_row_across_pages_and_none_of_riversides(
    care: DemoWorld, resource: str
) -> None:
    secret, token = make_token(scopes=CARE_READ)
    ids = _all_ids(secret, f"/api/v1/{resource}")
    # A group's session is no one person's, so no consent lets the warehouse have it.
    rows = _rows(resource, token.membership).exclude(participant__isnull=True)
    expected = {str(pk) for pk in rows.values_list("pk", flat=True)}
    assert len(expected) > 3  # more than one page
    assert sorted(ids) == sorted(expected)
    assert len(ids) == len(set(ids))  # no row twice across pages
    river = {str(row.pk) for row in MODELS[resource].objects.filter(organization__slug="riverside")}
    assert river and not river & set(ids)


@pytest.mark.parametrize("resource", RESOURCES)
def test_anas_personal_token_lists_what_her_pages_show_and_not_bens_people(
    care: DemoWorld, resource: str
) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=CARE_READ)
    ids = set(_all_ids(secret, f"/api/v1/{resource}", limit=100))
    ana = _member("ana")
    assert ids == {str(pk) for pk in _rows(resource, ana).values_list("pk", flat=True)}
    bens = [
        p
        for p in Participant.objects.filter(coach=care.users["ben"])
        if p.secondary_coach_id != ana.user_id
    ]
    assert bens
    theirs = {
        str(pk)
        for pk in MODELS[resource].objects.filter(participant__in=bens).values_list("pk", flat=True)
    }
    assert theirs and not theirs & ids


@pytest.mark.parametrize("resource", RESOURCES)
def test_another_organizations_row_is_not_found_and_the_refusal_is_audited(
    care: DemoWorld, resource: str
) -> None:
    secret, token = make_token(scopes=CARE_READ)
    river = _one_of(resource, "riverside")
    last = _last()
    response = get(secret, f"/api/v1/{resource}/{river.pk}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert str(river.participant_id) not in response.content.decode()
    assert [(e.action, e.target_id, e.actor_id) for e in _events_since(last)] == [
        (Action.PERMISSION_DENIED, str(river.pk), token.membership.user_id)
    ]


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_token_without_the_scope_is_refused_naming_it(care: DemoWorld, resource: str) -> None:
    secret, _token = make_token(scopes=["participants:read", "contacts:read"])
    row = _one_of(resource, "harbor")
    for url in (f"/api/v1/{resource}", f"/api/v1/{resource}/{row.pk}"):
        response = get(secret, url)
        assert response.status_code == 403
        body = response.json()
        assert body["error"] == "scope_missing"
        assert f"{resource}:read" in body["detail"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_list_writes_one_view_event_and_a_read_one_naming_the_participant(
    care: DemoWorld, resource: str
) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=CARE_READ)
    pat = Participant.objects.get(user=care.users["pat"])
    row = MODELS[resource].objects.filter(participant=pat).first()
    last = _last()
    assert get(secret, f"/api/v1/{resource}?limit=2").status_code == 200
    assert [(e.action, e.target_type, e.participant_id) for e in _events_since(last)] == [
        (Action.VIEW, f"api.{resource}", None)
    ]
    last = _last()
    response = get(secret, f"/api/v1/{resource}/{row.pk}")
    assert response.status_code == 200
    assert response.json()["participant_id"] == str(pat.id)
    assert [(e.action, e.participant_id, e.actor_id) for e in _events_since(last)] == [
        (Action.VIEW, pat.id, care.users["ana"].pk)
    ]


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_participant_filter_lists_only_their_rows(care: DemoWorld, resource: str) -> None:
    secret, _token = make_token(scopes=CARE_READ)
    pat = Participant.objects.get(user=care.users["pat"])
    ids = _all_ids(secret, f"/api/v1/{resource}?participant_id={pat.id}")
    expected = MODELS[resource].objects.filter(participant=pat)
    assert ids and sorted(ids) == sorted(str(pk) for pk in expected.values_list("pk", flat=True))
    bad = get(secret, f"/api/v1/{resource}?participant_id=pat")
    assert bad.status_code == 400
    assert [e["parameter"] for e in bad.json()["errors"]] == ["participant_id"]


def _move_into_the_future(resource: str, row: Any) -> str:
    """Make `row` the only one changed after a moment; the moment, as a query value."""
    future = timezone.now() + timedelta(days=1)
    model = type(row)
    if resource in ("plans", "appointments"):
        model.objects.filter(pk=row.pk).update(updated_at=future)
    elif resource == "assessments":
        model.objects.filter(pk=row.pk).update(created_at=future)
    else:
        # A referral sent days ago whose state changed now.
        ReferralChange.objects.create(
            organization_id=row.organization_id,
            referral=row,
            state=ReferralState.ACCEPTED,
            by_partner=True,
            changed_at=future,
        )
    return (future - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("resource", RESOURCES)
def test_updated_since_lists_what_changed_and_a_bad_value_names_the_parameter(
    care: DemoWorld, resource: str
) -> None:
    secret, _token = make_token(scopes=CARE_READ)
    row = _one_of(resource, "harbor")
    since = _move_into_the_future(resource, row)
    response = get(secret, f"/api/v1/{resource}?updated_since={since}")
    assert [item["id"] for item in response.json()["items"]] == [str(row.pk)]
    bad = get(secret, f"/api/v1/{resource}?updated_since=yesterday")
    assert bad.status_code == 400
    assert bad.json()["parameter"] == "updated_since"


def test_a_cursor_from_another_list_is_refused(care: DemoWorld) -> None:
    secret, _token = make_token(scopes=CARE_READ)
    cursor = get(secret, "/api/v1/plans?limit=1").json()["next_cursor"]
    assert cursor
    refused = get(secret, f"/api/v1/referrals?cursor={cursor}")
    assert refused.status_code == 400
    assert refused.json()["parameter"] == "cursor"
    assert get(secret, f"/api/v1/plans?cursor={cursor}").status_code == 200


def test_pats_plan_reads_in_her_words_with_its_goals_and_steps_and_no_log_holds_them(
    care: DemoWorld, caplog: pytest.LogCaptureFixture
) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["plans:read"])
    pat = Participant.objects.get(user=care.users["pat"])
    plan = RecoveryPlan.objects.get(participant=pat)
    removed = Goal.objects.create(
        organization=pat.organization,
        plan=plan,
        participant=pat,
        in_my_words="An earlier goal",
        removed_at=timezone.now(),
    )
    last = _last()
    with caplog.at_level("DEBUG"):
        body = get(secret, f"/api/v1/plans/{plan.id}").json()
    goals = body["goals"]
    assert [g["in_my_words"] for g in goals][-1] == PATS_GOAL
    assert str(removed.id) not in {g["id"] for g in goals}
    mine = goals[-1]
    assert (mine["domains"], mine["status"]) == (["housing"], GoalStatus.NOT_STARTED)
    assert [(s["text"], s["owner"], s["done_on"]) for s in mine["steps"]] == [
        (PATS_STEP, "participant", None)
    ]
    assert body["version"] == plan.version
    assert not any(PATS_GOAL in record.getMessage() for record in caplog.records)
    assert all(PATS_GOAL not in str(e.words()) for e in _events_since(last))


def test_an_assessment_reads_with_its_total_answers_and_who_recorded_it(care: DemoWorld) -> None:
    secret, _token = make_token(scopes=["assessments:read"])
    found = (
        Assessment.objects.filter(organization__slug="harbor", total__isnull=False)
        .select_related("recorded_by")
        .first()
    )
    assert found is not None
    body = get(secret, f"/api/v1/assessments/{found.id}").json()
    stored = ItemResponse.objects.filter(assessment=found).order_by("id")
    assert (body["instrument"], body["total"], body["time_point"]) == (
        found.instrument,
        found.total,
        found.schedule_point,
    )
    assert [(a["item"], a["value"], a["skipped"]) for a in body["answers"]] == [
        (r.item_key, r.value, r.skipped) for r in stored
    ]
    assert len(body["answers"]) == found.answered > 0
    assert body["recorded_by"] == {
        "id": str(found.recorded_by.public_id),
        "name": found.recorded_by.display_name,
    }


def test_a_referral_reads_with_its_listing_and_every_change_of_state(care: DemoWorld) -> None:
    secret, _token = make_token(scopes=["referrals:read", "directory:read"])
    pat = Participant.objects.get(user=care.users["pat"])
    referral = Referral.objects.get(participant=pat)
    partner_answer(referral=referral, answer=Answer.ACCEPT)
    body = get(secret, f"/api/v1/referrals/{referral.id}").json()
    assert (body["state"], body["need"], body["note_for_partner"]) == (
        "accepted",
        "food",
        "Prefers afternoons.",
    )
    assert [(c["state"], c["by_partner"], c["changed_by"]) for c in body["changes"]] == [
        ("accepted", True, None)
    ]
    listing = get(secret, f"/api/v1/directory/listings/{body['service']['id']}")
    assert listing.json()["name"] == body["service"]["name"] == "Food pantry"


def test_a_groups_session_is_listed_for_its_facilitator_without_a_participant(
    care: DemoWorld,
) -> None:
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["appointments:read"])
    session = Appointment.objects.get(group__isnull=False)
    items = get(secret, "/api/v1/appointments?limit=100").json()["items"]
    (row,) = [item for item in items if item["id"] == str(session.id)]
    assert (row["participant_id"], row["group"]["name"]) == (None, "Open circle")
    one = get(secret, f"/api/v1/appointments/{session.id}")
    assert one.status_code == 200 and one.json()["duration_minutes"] == 90
    bens, _ = make_token(kind=TokenKind.PERSONAL, person="ben", scopes=["appointments:read"])
    assert get(bens, f"/api/v1/appointments/{session.id}").status_code == 404


def test_the_ids_webhooks_send_open_with_the_receivers_token(
    care: DemoWorld, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    harbor = care.organizations["harbor"]
    Subscription.objects.create(
        organization=harbor,
        description="Hospital",
        url="https://hooks.example.org/cairn",
        event_types=["appointment.changed", "referral.state_changed"],
        secret="whsec_test",
        created_by=care.users["max"],
    )
    pat = Participant.objects.get(user=care.users["pat"])
    with django_capture_on_commit_callbacks(execute=True):
        booked = book_appointment(
            acting=_member("ana"),
            participant=pat,
            starts_at=timezone.now() + timedelta(days=5),
            duration_minutes=30,
        )
        partner_answer(referral=Referral.objects.get(participant=pat), answer=Answer.ACCEPT)
    sent = {
        d.event_type: d.payload["resource"] for d in Delivery.objects.filter(organization=harbor)
    }
    assert sent["appointment.changed"] == {"type": "appointment", "id": str(booked.id)}
    secret, _token = make_token(scopes=CARE_READ)
    for kind, path in (
        ("appointment.changed", "appointments"),
        ("referral.state_changed", "referrals"),
    ):
        response = get(secret, f"/api/v1/{path}/{sent[kind]['id']}")
        assert response.status_code == 200, kind
        assert response.json()["id"] == sent[kind]["id"]
    assert (
        get(secret, f"/api/v1/referrals/{sent['referral.state_changed']['id']}").json()["state"]
        == "accepted"
    )


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_list_page_makes_the_same_queries_with_four_times_the_rows(
    care: DemoWorld, resource: str
) -> None:
    secret, _token = make_token(scopes=CARE_READ)

    def queries(limit: int) -> int:
        return list_reads(secret, f"/api/v1/{resource}", limit)

    # The first request also looks up what later ones find cached, and accounts the people on
    # these pages (their day's entry is then counted up, not made).
    queries(8)
    assert queries(2) == queries(8)


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_warehouse_gets_care_records_only_of_people_whose_consent_covers_them(
    care: DemoWorld, resource: str
) -> None:
    """Plans, assessments, appointments and referrals pass the disclosure gate: the list holds
    only the rows of people whose consent is in force, a read of another's is refused with the
    reason, and what went is accounted, with the redisclosure notice."""
    pat = Participant.objects.get(user=care.users["pat"])
    Consent.objects.exclude(participant=pat).update(revoked_at=timezone.now())
    harbor = MODELS[resource].objects.filter(organization__slug="harbor", participant__isnull=False)
    secret, _token = make_token(scopes=CARE_READ)
    pats = {str(pk) for pk in harbor.filter(participant=pat).values_list("pk", flat=True)}
    assert pats and set(_all_ids(secret, f"/api/v1/{resource}", limit=100)) == pats
    other = harbor.exclude(participant=pat).order_by("pk").first()
    refused = get(secret, f"/api/v1/{resource}/{other.pk}")
    assert refused.status_code == 403 and refused.json()["error"] == "no_consent"
    read = get(secret, f"/api/v1/{resource}/{sorted(pats)[0]}")
    assert read.status_code == 200 and NOTICE_HEADER in read
    shared = Disclosure.objects.filter(channel=Channel.API)
    assert set(shared.values_list("participant_id", flat=True)) == {pat.id}


def test_a_groups_session_is_no_ones_to_share(care: DemoWorld) -> None:
    session = Appointment.objects.get(group__isnull=False)
    secret, _token = make_token(scopes=["appointments:read"])
    refused = get(secret, f"/api/v1/appointments/{session.pk}")
    assert refused.status_code == 403
    assert "no one person's record" in refused.json()["detail"]
    assert str(session.pk) not in _all_ids(secret, "/api/v1/appointments", limit=100)
    # The organization's own people read it as before (its facilitator's personal token).
    own, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["appointments:read"])
    assert get(own, f"/api/v1/appointments/{session.pk}").status_code == 200
