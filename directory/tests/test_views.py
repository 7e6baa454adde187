"""Directory pages: who finds, who keeps, sharing with someone a coach may see, and My resources."""

from datetime import date

import pytest
from django.test import Client

from audit.models import AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from directory import demo as directory_demo
from directory.models import Service, ServiceStatus, SharedResource, ShareState
from participants.models import Participant

ANCHOR = date(2026, 12, 4)


@pytest.fixture
def listings(demo: DemoWorld) -> dict[str, Service]:
    directory_demo.seed(demo.organizations["harbor"], anchor=ANCHOR)
    return {s.name: s for s in Service.objects.all()}


def _text(response) -> str:
    (main,) = elements(response.content.decode(), "main")
    return main.text


def test_coach_finds_a_pantry_near_a_zip_with_miles(client_for, listings) -> None:
    response = client_for("ana").get("/directory/", {"need": "food", "zip": "21201"})
    assert response.status_code == 200
    text = _text(response)
    assert "Westside Community Food Pantry" in text
    assert "miles away" in text
    assert text.index("Westside Community Food Pantry") < text.index("Northside Food Bank")


def test_find_page_starts_empty_and_says_what_to_do(client_for, listings) -> None:
    text = _text(client_for("ana").get("/directory/"))
    assert "Choose a need" in text


def test_an_unknown_zip_is_explained(client_for, listings) -> None:
    text = _text(client_for("ana").get("/directory/", {"zip": "00000"}))
    assert "ZIP code was not found" in text


def test_participants_and_administrators_do_not_search(client_for, listings) -> None:
    assert client_for("pat").get("/directory/").status_code == 403
    assert client_for("max").get("/directory/").status_code == 403


def test_another_organizations_listing_is_404(client_for, demo, listings) -> None:
    service = listings["Westside Community Food Pantry"]
    assert client_for("rio").get(f"/directory/{service.id}/").status_code == 404
    assert client_for("ana").get(f"/directory/{service.id}/").status_code == 200


def test_coach_shares_with_their_participant_once(client_for, demo, listings) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    service = listings["Rapid Rehousing Help Desk"]
    client = client_for("ana")
    url = f"/directory/{service.id}/share/{pat.id}/"
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert SharedResource.objects.filter(participant=pat, service=service).count() == 1
    assert AuditEvent.objects.filter(target_type="directory.sharedresource").exists()


def test_after_sharing_the_coach_is_back_at_the_same_search(client_for, demo, listings) -> None:
    from urllib.parse import parse_qs, urlsplit

    pat = Participant.objects.get(user=demo.users["pat"])
    service = listings["Rapid Rehousing Help Desk"]
    client = client_for("ana")
    search = f"for={pat.id}&need=housing&zip=21201&within=5&q=rehousing"
    page = client.get(f"/directory/?{search}").content.decode()
    assert 'name="search" value="' in page  # each share form carries the search back
    response = client.post(
        f"/directory/{service.id}/share/{pat.id}/",
        {"search": search + "&for=someone-else&next=https://elsewhere.example"},
    )
    back = urlsplit(response["Location"])
    assert back.path == "/directory/" and not back.netloc
    assert parse_qs(back.query) == {
        "for": [str(pat.id)],
        "need": ["housing"],
        "zip": ["21201"],
        "within": ["5"],
        "q": ["rehousing"],
    }
    assert "Rapid Rehousing Help Desk" in client.get(response["Location"]).content.decode()


def test_coach_cannot_share_with_someone_outside_their_caseload(client_for, demo, listings) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    service = listings["Rapid Rehousing Help Desk"]
    assert client_for("ben").post(f"/directory/{service.id}/share/{pat.id}/").status_code == 404
    assert not SharedResource.objects.filter(participant=pat, service=service).exists()


def test_find_for_a_participant_shows_what_they_said(client_for, demo, listings) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    service = listings["Rides to Treatment"]
    SharedResource.objects.create(
        organization=pat.organization,
        participant=pat,
        service=service,
        shared_by=demo.users["ana"],
        state=ShareState.SAVED,
        helped_at="2026-12-01T12:00:00Z",
    )
    text = _text(client_for("ana").get("/directory/", {"for": str(pat.id)}))
    assert "Already shared with Pat" in text
    assert "Said it helped" in text


def _listing_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Café Comunitario",
        "provider_name": "Neighbors United",
        "description": "Free hot meals.",
        "need": "food",
        "cost": "free",
        "postal_code": "21201",
        "city": "Baltimore",
        "state_province": "md",
        "phone": "410-555-0199",
        "languages": ["en", "es"],
        "opens_MO": "11:00",
        "closes_MO": "14:00",
    }
    data.update(overrides)
    return data


def test_manager_adds_a_listing_found_by_its_words(client_for, listings) -> None:
    client = client_for("mia")
    response = client.post("/directory/keep/new/", _listing_data())
    assert response.status_code == 302
    service = Service.objects.get(name="Café Comunitario")
    assert service.location.state_province == "MD"
    assert service.location.latitude is not None
    assert [s.byday for s in service.schedules.all()] == ["MO"]
    assert "Café Comunitario" in _text(client.get("/directory/", {"q": "cafe"}))


def test_hours_need_both_ends(client_for, listings) -> None:
    response = client_for("mia").post("/directory/keep/new/", _listing_data(closes_MO=""))
    assert response.status_code == 200
    assert "Give both the opening and the closing time" in _text(response)


def test_coach_cannot_keep_the_directory(client_for, listings) -> None:
    service = listings["Westside Community Food Pantry"]
    client = client_for("ana")
    assert client.get("/directory/keep/").status_code == 403
    assert client.get(f"/directory/{service.id}/edit/").status_code == 403
    assert client.post(f"/directory/{service.id}/archive/").status_code == 403


def test_an_edit_made_from_an_old_version_is_refused(client_for, listings) -> None:
    service = listings["Westside Community Food Pantry"]
    client = client_for("max")
    data = _listing_data(name="Westside Pantry", version=service.version)
    assert client.post(f"/directory/{service.id}/edit/", data).status_code == 302
    stale = client.post(f"/directory/{service.id}/edit/", _listing_data(name="Other", version=1))
    assert stale.status_code == 409
    assert "Someone changed this listing" in _text(stale)
    assert Service.objects.get(pk=service.pk).name == "Westside Pantry"


def test_needs_checking_lists_the_stale_listing_until_checked(client_for, listings) -> None:
    client = client_for("mia")
    assert "Old Town Clothing Closet" in _text(client.get("/directory/keep/"))
    stale = listings["Old Town Clothing Closet"]
    client.post(f"/directory/{stale.id}/checked/", {"next": "keep"})
    assert "Old Town Clothing Closet" not in _text(client.get("/directory/keep/"))


def test_archiving_asks_first_then_hides_from_search(client_for, listings) -> None:
    service = listings["Northside Food Bank"]
    client = client_for("mia")
    confirm = client.get(f"/directory/{service.id}/archive/")
    assert "Archive Northside Food Bank?" in _text(confirm)
    assert Service.objects.get(pk=service.pk).status == ServiceStatus.ACTIVE
    client.post(f"/directory/{service.id}/archive/")
    assert Service.objects.get(pk=service.pk).status == ServiceStatus.INACTIVE
    results = _text(client.get("/directory/", {"need": "food"})).split("Results", 1)[1]
    assert "Northside Food Bank" not in results


# --- My resources in the portal ---------------------------------------------------------------


def _pats_share(demo: DemoWorld, listings) -> SharedResource:
    pat = Participant.objects.get(user=demo.users["pat"])
    return SharedResource.objects.get(participant=pat)


def test_pat_sees_what_ana_shared_with_phone_and_hours(client_for, demo, listings) -> None:
    response = client_for("pat").get("/me/resources/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Westside Community Food Pantry" in _text(response)
    assert any(a.attrs["href"].startswith("tel:") for a in elements(html, "a"))
    assert "7:00 AM" in _text(response)


def test_pat_saves_then_says_it_helped_then_hides(client_for, demo, listings) -> None:
    share = _pats_share(demo, listings)
    client = client_for("pat")
    client.post("/me/resources/", {"share": share.id, "choice": "save"})
    client.post("/me/resources/", {"share": share.id, "choice": "helped"})
    share.refresh_from_db()
    assert share.state == ShareState.SAVED and share.helped_at is not None
    client.post("/me/resources/", {"share": share.id, "choice": "hide"})
    assert "Westside" not in _text(client.get("/me/resources/"))


def test_another_participant_cannot_answer_pats_share(demo, listings) -> None:
    from accounts.models import User
    from organizations.models import Membership, Role

    share = _pats_share(demo, listings)
    other = User.objects.create(username="robin", preferred_name="Robin")
    harbor = demo.organizations["harbor"]
    Membership.objects.create(organization=harbor, user=other, role=Role.PARTICIPANT)
    Participant.objects.create(
        organization=harbor, preferred_name="Robin", user=other, enrolled_on="2026-01-01"
    )
    client = Client()
    client.force_login(other)
    response = client.post("/me/resources/", {"share": share.id, "choice": "hide"})
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.state == ShareState.SHOWN


def test_my_resources_in_spanish(client_for, demo, listings) -> None:
    client = client_for("pat")
    client.cookies["django_language"] = "es"
    text = _text(client.get("/me/resources/", HTTP_ACCEPT_LANGUAGE="es"))
    assert "Mis recursos" in text
