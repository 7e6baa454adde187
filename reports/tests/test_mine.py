"""A coach's own view: their numbers, framed as support, never compared with anyone else's."""

from collections.abc import Callable

from django.db.models import Q
from django.test import Client

from cairn.demo import DemoWorld
from participants.models import Participant, ParticipantStatus


def test_coach_is_sent_from_the_dashboard_to_their_own_view(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    response = client_for("ana").get("/reports/")
    assert response.status_code == 302 and response["Location"] == "/reports/mine/"


def test_coach_view_shows_their_caseload_and_follow_ups_without_other_coaches(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    response = client_for("ana").get("/reports/mine/")
    html = response.content.decode()
    assert response.status_code == 200
    # The caseload list's default set: primary or secondary coach, open records.
    ana = demo.users["ana"]
    caseload = (
        Participant.objects.filter(status__in=ParticipantStatus.open())
        .filter(Q(coach=ana) | Q(secondary_coach=ana))
        .filter(organization=demo.organizations["harbor"], merged_into__isnull=True)
        .count()
    )
    assert response.context["counts"].open == caseload
    assert "Your follow-ups this quarter" in html
    assert all(
        item.participant.coach_id == demo.users["ana"].pk for item in response.context["due"]
    )
    assert "Nobody is ranked or compared here." in html


def test_managers_have_the_dashboard_not_a_coach_view(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    assert client_for("mia").get("/reports/mine/").status_code == 403
    assert client_for("mia").get("/reports/").status_code == 200
