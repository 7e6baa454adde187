"""Who sees which participants, and what the caseload pages show."""

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from participants.models import Participant


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def test_coach_sees_only_own_caseload(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    visible = Participant.objects.visible_to(demo.users["ana"], harbor)
    assert visible.count() > 1
    assert set(visible.values_list("coach__username", flat=True)) == {"ana"}
    assert _pat(demo) in visible


def test_coach_cannot_open_participant_of_other_coach(demo: DemoWorld, client_for) -> None:
    bens = Participant.objects.filter(coach=demo.users["ben"]).first()
    assert bens is not None
    response = client_for("ana").get(f"/participants/{bens.id}/")
    assert response.status_code == 404
    assert bens.preferred_name not in response.content.decode()
    refused = AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, target_id=str(bens.id))
    assert refused.count() == 1


def test_supervisor_sees_team_caseloads(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    visible = Participant.objects.visible_to(demo.users["sam"], harbor)
    assert set(visible.values_list("coach__username", flat=True)) == {"ana", "ben"}


def test_manager_sees_whole_organization_and_nothing_else(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    visible = Participant.objects.visible_to(demo.users["mia"], harbor)
    assert visible.count() == Participant.objects.filter(organization=harbor).count()
    riverside = demo.organizations["riverside"]
    assert not Participant.objects.visible_to(demo.users["mia"], riverside).exists()


def test_admin_sees_no_participant_content(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    assert not Participant.objects.visible_to(demo.users["max"], harbor).exists()


def test_participant_sees_only_themselves(demo: DemoWorld) -> None:
    harbor = demo.organizations["harbor"]
    assert list(Participant.objects.visible_to(demo.users["pat"], harbor)) == [_pat(demo)]


def test_other_organization_coach_gets_404_for_harbor_participant(demo, client_for) -> None:
    response = client_for("rio").get(f"/participants/{_pat(demo).id}/")
    assert response.status_code == 404


def test_overview_shows_contact_preferences_and_is_audited(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    response = client_for("ana").get(f"/participants/{pat.id}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Pat" in page and "they/them" in page
    assert "Please don't leave a voicemail" in page
    views = AuditEvent.objects.filter(action=Action.VIEW, participant_id=pat.id)
    assert views.count() == 1
    event = views.get()
    assert event.actor == demo.users["ana"]
    assert event.role == "coach"
    assert len(event.request_id) == 32


def test_caseload_lists_search_and_sorts(demo: DemoWorld, client_for) -> None:
    client = client_for("ana")
    page = client.get("/participants/").content.decode()
    assert "My caseload" in page
    assert "Pat" in page
    found = client.get("/participants/", {"q": "pat"}).content.decode()
    assert "Pat" in found
    none = client.get("/participants/", {"q": "zzzz-nobody"}).content.decode()
    assert "No one matches these choices." in none
    names = list(
        Participant.objects.filter(coach=demo.users["ana"]).values_list("preferred_name", flat=True)
    )
    reverse_page = client.get("/participants/", {"sort": "-name"}).content.decode()
    first, last = max(names), min(names)
    assert reverse_page.index(f">{first}<") < reverse_page.index(f">{last}<")


def test_caseload_paginates_at_25(demo: DemoWorld, client_for) -> None:
    harbor = demo.organizations["harbor"]
    Participant.objects.bulk_create(
        Participant(
            organization=harbor,
            preferred_name=f"Person {i:02d}",
            coach=demo.users["ana"],
            enrolled_on=demo.organizations["harbor"].created_at.date(),
        )
        for i in range(30)
    )
    client = client_for("ana")
    first = client.get("/participants/").content.decode()
    assert "Page 1 of 2" in first
    second = client.get("/participants/", {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def _statements_for(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def test_caseload_and_overview_query_counts_are_pinned(demo: DemoWorld, client_for) -> None:
    client = client_for("mia")
    pat = _pat(demo)
    client.get("/participants/")  # warm the session (and the whole organization's count)
    # session, user, memberships, second-factor device, the navigation's counts (texts waiting
    # to be placed, for a manager), one page with coaches joined, audit (lock chain head,
    # insert event, move head); no session save (the idle clock is written at
    # most every 10 seconds); the manager's unfiltered count comes from the cache
    # (CachedCountPaginator).
    small_list = _statements_for(client, "/participants/")
    small_detail = _statements_for(client, f"/participants/{pat.id}/")
    assert len(small_list) == 9, small_list
    # ... plus support people, status steps, coach assignments, recent contacts, schedules,
    # active consents, the safety plan card (1), the plan card (open goals with their plan,
    # latest milestones: 2) and the recovery-capital card (the schedule; break steps and
    # BARC-10 dates in one UNION: 2), the appointments card (the next few, the latest past
    # one, their reminder choice: 3) and the referrals card (the latest few with their services
    # and partners: 1).
    assert len(small_detail) == 24, small_detail
    harbor = demo.organizations["harbor"]
    Participant.objects.bulk_create(
        Participant(
            organization=harbor,
            preferred_name=f"Person {i:03d}",
            coach=demo.users["ben"],
            enrolled_on=harbor.created_at.date(),
        )
        for i in range(200)
    )
    assert len(_statements_for(client, "/participants/")) == len(small_list)
    assert len(_statements_for(client, f"/participants/{pat.id}/")) == len(small_detail)


def test_the_whole_organizations_count_is_cached_and_a_filtered_list_counts_exactly(
    demo: DemoWorld, client_for
) -> None:
    from django.core.cache import cache

    cache.clear()
    harbor = demo.organizations["harbor"]
    total = Participant.objects.filter(organization=harbor, merged_into__isnull=True).count()
    client = client_for("mia")
    assert f"{total} people" in client.get("/participants/").content.decode()
    Participant.objects.create(
        organization=harbor,
        preferred_name="Zeno Newcomer",
        coach=demo.users["ana"],
        enrolled_on=harbor.created_at.date(),
    )
    # Up to a minute old for the unfiltered caption; exact as soon as anything is filtered.
    assert f"{total} people" in client.get("/participants/").content.decode()
    assert "1 person" in client.get("/participants/", {"q": "Zeno"}).content.decode()
    cache.clear()
    assert f"{total + 1} people" in client.get("/participants/").content.decode()


def test_caseload_page_view_is_audited_without_names(demo: DemoWorld, client_for) -> None:
    client_for("ana").get("/participants/", {"page": 1})
    event = AuditEvent.objects.get(action=Action.VIEW, target_type="participants.list")
    assert (event.actor, event.target_id, event.participant_id) == (demo.users["ana"], "1", None)


def test_unknown_participant_uuid_is_404(client_for) -> None:
    response = client_for("mia").get(f"/participants/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


@pytest.mark.parametrize("path", ["/participants/not-a-uuid/", "/participants/123/"])
def test_malformed_participant_id_is_calm_404(client_for, path: str) -> None:
    response = client_for("ana").get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_column_headers_sort_and_say_so(demo: DemoWorld, client_for) -> None:
    client = client_for("ana")
    page = client.get("/participants/", {"q": "", "sort": "name"}).content.decode()
    assert 'aria-sort="ascending"' in page
    assert "sort=-name" in page
    flipped = client.get("/participants/", {"sort": "-name"}).content.decode()
    assert 'aria-sort="descending"' in flipped


@pytest.mark.parametrize(
    ("typed", "found"),
    [("álvaro", "Álvaro"), ("ÁLVARO", "Álvaro"), ("zoë", "Zoë Núñez"), ("NÚÑEZ", "Zoë Núñez")],
)
def test_search_matches_accented_names_in_any_case(demo: DemoWorld, typed, found) -> None:
    """PostgreSQL folds case with UPPER() (its trigram index is on that); SQLite's own LIKE folds
    ASCII only, so Cairn gives each SQLite connection a LIKE that folds every letter."""
    harbor = demo.organizations["harbor"]
    for name in ("Álvaro", "Zoë Núñez", "Alvin"):
        Participant.objects.create(
            organization=harbor, preferred_name=name, enrolled_on=date(2026, 1, 5)
        )
    names = set(
        Participant.objects.filter(organization=harbor)
        .search(typed)
        .values_list("preferred_name", flat=True)
    )
    assert names == {found}
