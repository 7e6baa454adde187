"""Today's check-in from the portal, "I'd like a call", and both on the coach's Today."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from assessments.models import CHECKIN, Assessment, ItemResponse
from audit.models import Action, AuditEvent
from organizations.models import Membership, Role
from participants.models import Participant
from portal.models import CallRequest, CallSource

pytestmark = pytest.mark.django_db


def _pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def _my_check_ins(pat: Participant) -> list[Assessment]:
    return list(
        Assessment.objects.filter(participant=pat, instrument=CHECKIN, recorded_by=pat.user)
    )


def test_home_offers_todays_check_in_as_big_choices(demo, client_for) -> None:
    page = client_for("pat").get("/me/").content.decode()
    assert "Today's check-in" in page
    assert 'action="/me/check-in/"' in page
    assert "How are you today?" in page and 'class="big-choice"' in page
    assert "Would you like a call from your coach?" in page


def test_check_in_is_stored_as_mine_with_questions_left_blank(demo, client_for) -> None:
    pat = _pat()
    response = client_for("pat").post("/me/check-in/", {"item_today": "4", "item_supported": "3"})
    assert response.status_code == 302 and response["Location"] == "/me/check-in/thanks/"
    [check_in] = _my_check_ins(pat)
    assert check_in.administered_on == timezone.localdate()
    answers = {r.item_key: r.value for r in ItemResponse.objects.filter(assessment=check_in)}
    assert answers == {"today": 4, "urges": None, "supported": 3, "call": None}
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="assessments.assessment", actor=pat.user
    ).exists()
    assert not CallRequest.objects.filter(participant=pat).exclude(handled_at__isnull=False)


def test_an_empty_check_in_is_fine_too(demo, client_for) -> None:
    response = client_for("pat").post("/me/check-in/", {})
    assert response.status_code == 302
    [check_in] = _my_check_ins(_pat())
    assert check_in.answered == 0


def test_thank_you_says_what_happens_next_without_promising_watching(demo, client_for) -> None:
    client = client_for("pat")
    client.post("/me/check-in/", {"item_today": "2"})
    page = client.get("/me/check-in/thanks/").content.decode()
    assert "Thank you for checking in" in page
    assert "Your answers go to Ana, who reads them during work hours." in page
    assert "No one watches Cairn all day and night" in page
    assert 'href="tel:988"' in page
    home = client.get("/me/").content.decode()
    assert "You checked in today at" in home and "Check in again" in home


def test_a_second_check_in_the_same_day_is_added_beside_the_first(demo, client_for) -> None:
    client = client_for("pat")
    client.post("/me/check-in/", {"item_today": "2"})
    client.post("/me/check-in/", {"item_today": "4"})
    assert len(_my_check_ins(_pat())) == 2


def test_an_answer_outside_the_choices_is_refused_and_nothing_stored(demo, client_for) -> None:
    response = client_for("pat").post("/me/check-in/", {"item_today": "9"})
    assert response.status_code == 200
    assert "Please check the form" in response.content.decode()
    assert _my_check_ins(_pat()) == []


def test_yes_to_a_call_in_the_check_in_asks_for_a_call(demo, client_for) -> None:
    pat = _pat()
    client = client_for("pat")
    client.post("/me/check-in/", {"item_today": "1", "item_call": "1"})
    [request] = CallRequest.objects.filter(participant=pat, handled_at__isnull=True)
    assert request.source == CallSource.CHECK_IN
    page = client.get("/me/check-in/thanks/").content.decode()
    assert "You asked for a call on" in page
    assert "Monday to Friday, 9 to 5" in page
    assert "call or text 988" in page


def test_help_now_offers_a_call_and_the_page_is_honest_about_hours(demo, client_for) -> None:
    client = client_for("pat")
    home = client.get("/me/").content.decode()
    assert 'href="/me/call/"' in home
    page = client.get("/me/call/").content.decode()
    assert "Coaches usually answer: Monday to Friday, 9 to 5." in page
    assert "Yes, I'd like a call" in page
    assert 'href="tel:988"' in page and 'href="sms:988"' in page


def test_asking_for_a_call_twice_keeps_one_open_request(demo, client_for) -> None:
    pat = _pat()
    client = client_for("pat")
    assert client.post("/me/call/").status_code == 302
    assert client.post("/me/call/").status_code == 302
    client.post("/me/check-in/", {"item_call": "1"})
    [request] = CallRequest.objects.filter(participant=pat, handled_at__isnull=True)
    assert request.source == CallSource.HELP_NOW
    assert AuditEvent.objects.filter(target_type="portal.callrequest", actor=pat.user).count() == 1
    page = client.get("/me/call/").content.decode()
    assert "You asked for a call on" in page and "Yes, I'd like a call" not in page


def test_call_request_is_on_anas_today_with_the_time_and_not_on_bens(demo, client_for) -> None:
    client_for("pat").post("/me/call/")
    request = CallRequest.objects.get(participant=_pat(), handled_at__isnull=True)
    today = client_for("ana").get("/today/").content.decode()
    assert "Asked for a call" in today
    assert f"/from-participants/call/{request.id}/handled/" in today
    when = timezone.localtime(request.created_at).strftime("%-I:%M %p")
    assert when in today
    other = client_for("ben").get("/today/").content.decode()
    assert "Asked for a call" not in other


def test_coach_marks_the_call_handled_and_it_leaves_today(demo, client_for) -> None:
    pat = _pat()
    client_for("pat").post("/me/call/")
    request = CallRequest.objects.get(participant=pat, handled_at__isnull=True)
    ana = client_for("ana")
    response = ana.post(f"/from-participants/call/{request.id}/handled/")
    assert response.status_code == 302 and response["Location"] == "/today/"
    request.refresh_from_db()
    assert request.handled_at is not None and request.handled_by == demo.users["ana"]
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, target_type="portal.callrequest", actor=demo.users["ana"]
    ).exists()
    assert "Asked for a call" not in ana.get("/today/").content.decode()
    # After it was handled, Pat can ask again.
    client_for("pat").post("/me/call/")
    assert CallRequest.objects.filter(participant=pat, handled_at__isnull=True).count() == 1


def test_another_coach_cannot_mark_the_call_handled(demo, client_for) -> None:
    client_for("pat").post("/me/call/")
    request = CallRequest.objects.get(participant=_pat(), handled_at__isnull=True)
    assert client_for("ben").post(f"/from-participants/call/{request.id}/handled/").status_code == (
        404
    )
    assert client_for("mia").post(f"/from-participants/call/{request.id}/handled/").status_code == (
        403
    )
    request.refresh_from_db()
    assert request.handled_at is None


def test_pats_own_check_in_is_on_anas_today(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", {"item_today": "3"})
    today = client_for("ana").get("/today/").content.decode()
    assert "Check-ins from their own Cairn" in today and "Pat checked in" in today
    assert "Pat checked in" not in client_for("ben").get("/today/").content.decode()


def test_coach_hours_are_an_organization_setting(demo, client_for) -> None:
    response = client_for("max").post(
        "/organization/settings/",
        {
            "name": "Harbor Recovery Community",
            "time_zone": demo.organizations["harbor"].time_zone,
            "out_of_touch_days": 14,
            "coach_hours": "Every day, 8 to 8",
        },
    )
    assert response.status_code == 302
    assert "Every day, 8 to 8" in client_for("pat").get("/me/call/").content.decode()


def test_a_participant_membership_is_the_actor_of_the_check_in(demo, client_for) -> None:
    pat = _pat()
    client_for("pat").post("/me/check-in/", {"item_urges": "0"})
    event = AuditEvent.objects.filter(target_type="assessments.assessment", actor=pat.user).get()
    assert event.role == Membership.objects.get(user=pat.user).role


def test_without_a_coach_no_request_is_taken_and_the_page_says_whom_to_call(demo) -> None:
    harbor = demo.organizations["harbor"]
    user = User.objects.create(username="newcomer", preferred_name="Robin")
    Membership.objects.create(organization=harbor, user=user, role=Role.PARTICIPANT)
    robin = Participant.objects.create(
        organization=harbor, preferred_name="Robin", user=user, enrolled_on="2026-11-01"
    )
    client = Client()
    client.force_login(user)
    page = client.get("/me/call/").content.decode()
    assert "You don't have a coach yet" in page and "Yes, I'd like a call" not in page
    client.post("/me/call/")
    client.post("/me/check-in/", {"item_call": "1"})
    assert not CallRequest.objects.filter(participant=robin).exists()
