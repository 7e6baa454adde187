"""Reach out soon: which check-ins, calls and messages raise a signal, Today's list for the coach,
acknowledging it once, and the program's settings."""

import re

import pytest
from django.db import connection

from accounts.models import User
from audit.models import Action, AuditEvent
from organizations.models import Membership, Role
from participants.models import Participant
from reachout.models import ReachOutSettings, Reason, Response, Signal, Source
from reachout.services import acknowledge

pytestmark = pytest.mark.django_db

HARD_DAY_VERY_STRONG = {"item_today": "1", "item_urges": "4"}


def _pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def _membership(username: str) -> Membership:
    return Membership.objects.get(user__username=username, organization__slug="harbor")


def test_a_hard_day_with_very_strong_urges_puts_pat_at_the_top_of_anas_today(
    demo, client_for
) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    [signal] = Signal.objects.filter(participant=_pat())
    assert signal.source == Source.CHECK_IN
    assert signal.reasons == [Reason.HARD_DAY_AND_URGES]
    page = client_for("ana").get("/today/").content.decode()
    section = page.split('id="reach-out-heading"')[1].split("</section>")[0]
    assert "Reach out soon" in page and "Pat" in section
    assert "Having a hard day, with very strong urges" in section
    assert "Reached them" in section and "Called emergency services" in section
    assert page.index("reach-out-heading") < page.index("<h2", page.index("</section>"))
    # A check-in never shows the participant a flag: their thank-you page is as always.
    thanks = client_for("pat").get("/me/check-in/thanks/").content.decode()
    assert "signal" not in thanks.lower() and "flag" not in thanks.lower()


def test_milder_answers_raise_nothing(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", {"item_today": "1", "item_urges": "3"})
    client_for("pat").post("/me/check-in/", {"item_today": "3", "item_supported": "2"})
    assert not Signal.objects.filter(participant=_pat()).exists()
    assert 'id="reach-out-heading"' not in client_for("ana").get("/today/").content.decode()


def test_feeling_not_at_all_supported_raises_one(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", {"item_supported": "1"})
    [signal] = Signal.objects.filter(participant=_pat())
    assert signal.reasons == [Reason.NOT_SUPPORTED]


def test_another_coachs_today_does_not_show_it(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    assert 'id="reach-out-heading"' not in client_for("ben").get("/today/").content.decode()


def test_a_call_asked_for_raises_a_signal_only_when_the_program_chose_it(demo, client_for) -> None:
    client_for("pat").post("/me/call/", {})
    assert not Signal.objects.filter(participant=_pat()).exists()
    harbor = _pat().organization
    ReachOutSettings.objects.create(organization=harbor, on_call_asked=True)
    from portal.models import CallRequest

    CallRequest.objects.filter(participant=_pat()).update(handled_at="2026-01-01T00:00Z")
    client_for("pat").post("/me/call/", {})
    [signal] = Signal.objects.filter(participant=_pat())
    assert signal.source == Source.CALL_REQUEST and signal.reasons == [Reason.CALL_ASKED]


def test_a_message_with_listed_words_raises_one_and_keeps_the_words_private(
    demo, client_for
) -> None:
    client_for("pat").post("/me/messages/", {"text": "Honestly I feel like I want to DIE today"})
    [signal] = Signal.objects.filter(participant=_pat())
    assert signal.source == Source.MESSAGE and signal.words_found == "want to die"
    with connection.cursor() as cursor:
        cursor.execute("SELECT words_found FROM reachout_signal")
        [(stored,)] = cursor.fetchall()
    assert "die" not in stored
    client_for("pat").post("/me/messages/", {"text": "Started a new diet today"})
    assert Signal.objects.filter(participant=_pat()).count() == 1


def test_acknowledging_from_today_records_who_when_and_what(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    signal = Signal.objects.get(participant=_pat())
    ana = client_for("ana")
    response = ana.post(f"/reach-out/{signal.id}/", {"response": Response.REACHED})
    assert response.status_code == 302 and response["Location"] == "/today/"
    signal.refresh_from_db()
    assert signal.acknowledged_by == demo.users["ana"] and signal.acknowledged_at is not None
    assert signal.response == Response.REACHED
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, target_type="reachout.signal", target_id=str(signal.id)
    ).exists()
    page = ana.get("/today/").content.decode()
    assert "Recorded: Reached them for Pat." in page
    assert 'id="reach-out-heading"' not in page


def test_emergency_services_needs_a_reason_and_the_form_keeps_what_was_chosen(
    demo, client_for
) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    signal = Signal.objects.get(participant=_pat())
    response = client_for("ana").post(f"/reach-out/{signal.id}/", {"response": "emergency"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say briefly why emergency services were called." in page
    assert re.search(r'value="emergency"[^>]*checked', page)
    signal.refresh_from_db()
    assert signal.acknowledged_at is None


def test_two_people_at_once_one_wins_and_the_other_is_told_who(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    signal = Signal.objects.get(participant=_pat())
    first = acknowledge(acting=_membership("ana"), signal=signal, response=Response.REACHED)
    second = acknowledge(acting=_membership("sam"), signal=signal, response=Response.SENT_988)
    assert first.by_me and not second.by_me
    assert second.signal.acknowledged_by == demo.users["ana"]
    assert second.signal.response == Response.REACHED
    updates = AuditEvent.objects.filter(target_type="reachout.signal", action=Action.UPDATE)
    assert updates.count() == 1


def test_someone_elses_acknowledgement_is_shown_not_overwritten(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    signal = Signal.objects.get(participant=_pat())
    acknowledge(acting=_membership("sam"), signal=signal, response=Response.LEFT_MESSAGE)
    ana = client_for("ana")
    ana.post(f"/reach-out/{signal.id}/", {"response": Response.REACHED})
    page = ana.get("/today/").content.decode()
    assert "Sam already reached out at" in page and "Left a message" in page
    signal.refresh_from_db()
    assert signal.response == Response.LEFT_MESSAGE


def test_a_signal_is_not_found_outside_its_scope(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    signal = Signal.objects.get(participant=_pat())
    for who in ("rio", "max", "pat"):
        client = client_for(who)
        assert client.get(f"/reach-out/{signal.id}/").status_code in (403, 404)
        client.post(f"/reach-out/{signal.id}/", {"response": Response.REACHED})
    signal.refresh_from_db()
    assert signal.acknowledged_at is None


def test_the_program_chooses_what_raises_a_signal(demo, client_for) -> None:
    mia = client_for("mia")
    page = mia.get("/reach-out/settings/").content.decode()
    assert "narrow on purpose" in page and "want to die" in page
    response = mia.post(
        "/reach-out/settings/",
        {
            "on_hard_day_and_urges": "on",
            "words": "relapse plan\nab\n",
            "acknowledge_within_minutes": "45",
        },
    )
    assert response.status_code == 200
    assert "at least 3 letters" in response.content.decode()
    assert "relapse plan" in response.content.decode()  # what was typed is kept
    response = mia.post(
        "/reach-out/settings/",
        {
            "on_hard_day_and_urges": "on",
            "words": "hopeless\n",
            "acknowledge_within_minutes": "45",
            "work_days": ["0", "1", "2", "3", "4"],
            "work_starts": "09:00",
            "work_ends": "17:00",
        },
    )
    assert response.status_code == 302
    row = ReachOutSettings.objects.get(organization=_pat().organization)
    assert not row.on_not_supported and row.word_list() == ["hopeless"]
    assert row.acknowledge_within_minutes == 45
    client_for("pat").post("/me/check-in/", {"item_supported": "1"})
    assert not Signal.objects.filter(participant=_pat()).exists()
    assert client_for("ana").get("/reach-out/settings/").status_code in (403, 404)


def test_a_signal_waiting_past_the_window_says_so(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    Signal.objects.update(raised_at="2020-01-01T00:00Z")
    page = client_for("ana").get("/today/").content.decode()
    assert "waiting longer than your program asks" in page


def test_the_same_check_in_never_makes_two_signals(demo) -> None:
    from assessments.models import Assessment
    from reachout.services import raise_for_check_in

    pat = _pat()
    acting = Membership.objects.get(user=pat.user, role=Role.PARTICIPANT)
    check_in = Assessment.objects.filter(participant=pat).first()
    assert check_in is not None
    made = [
        raise_for_check_in(
            acting=acting,
            participant=pat,
            check_in_id=check_in.id,
            answers={"today": 1, "urges": 4},
            asked_for_call=False,
        )
        for _ in range(2)
    ]
    assert Signal.objects.filter(source_id=check_in.id).count() == 1
    assert made[0] is not None and made[1] is not None and made[0].pk == made[1].pk


def test_every_reach_out_word_is_person_first(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    page = client_for("ana").get("/today/").content.decode().lower()
    for word in ("flag", "alert", "non-compliant", "addict", "at risk"):
        assert word not in page.split('id="reach-out-heading"')[1].split("</section>")[0]


def test_sam_sees_that_ana_reached_out_and_how_quickly(demo, client_for) -> None:
    from datetime import timedelta

    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    signal = Signal.objects.get(participant=_pat())
    acknowledge(acting=_membership("ana"), signal=signal, response=Response.REACHED)
    # Ana answered 12 minutes after Pat checked in.
    answered = Signal.objects.get(pk=signal.pk).acknowledged_at
    assert answered is not None
    Signal.objects.filter(pk=signal.pk).update(raised_at=answered - timedelta(minutes=12))
    page = client_for("sam").get("/reach-out/").content.decode()
    assert "Reached them — Ana" in page
    figures = page.split('id="reach-out-figures"')[1].split("</ul>")[0]
    assert ">12</span>" in figures
    assert client_for("ben").get("/reach-out/").content.decode().count("Reached them — Ana") == 0
    assert "Reached them — Ana" in client_for("mia").get("/reach-out/?state=done").content.decode()
    assert (
        "Reached them — Ana" not in client_for("mia").get("/reach-out/?state=open").content.decode()
    )
    assert AuditEvent.objects.filter(action=Action.VIEW, target_type="reachout.list").exists()


def test_time_to_reach_out_is_the_nearest_rank_median_and_90th_percentile() -> None:
    from reachout.selectors import _percentile

    waits = sorted(float(m) for m in [1, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    assert _percentile(waits, 0.5) == 5
    assert _percentile(waits, 0.9) == 9
    assert _percentile([42.4], 0.9) == 42
    assert _percentile([], 0.5) is None


def test_a_signal_ana_has_not_answered_in_time_goes_to_sam(demo, client_for) -> None:
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    sam = client_for("sam")
    assert 'id="reach-out-heading"' not in sam.get("/today/").content.decode()
    Signal.objects.update(raised_at="2020-01-01T00:00Z")
    page = sam.get("/today/").content.decode()
    section = page.split('id="reach-out-heading"')[1].split("</section>")[0]
    assert "Pat" in section and "waiting for Ana longer than your program asks" in section
    signal = Signal.objects.get()
    sam.post(f"/reach-out/{signal.id}/", {"response": Response.REACHED})
    signal.refresh_from_db()
    assert signal.acknowledged_by == demo.users["sam"]
    assert 'id="reach-out-heading"' not in client_for("ana").get("/today/").content.decode()


def test_pat_is_told_their_coach_will_reach_out_and_sees_988_and_the_lines(
    demo, client_for
) -> None:
    from safety.models import CrisisLine

    CrisisLine.objects.create(
        organization=_pat().organization, name="Harbor warm line", phone="+16175550199"
    )
    pat = client_for("pat")
    pat.post("/me/check-in/", HARD_DAY_VERY_STRONG)
    page = pat.get("/me/check-in/thanks/").content.decode()
    assert "We have asked Ana to get in touch with you soon, during work hours." in page
    assert 'href="tel:988"' in page and "Harbor warm line" in page
    assert "signal" not in page.lower() and "flag" not in page.lower()


def _shift(*, person: str, team: bool, hours: tuple[int, int] = (-1, 8)) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from reachout.services import add_shift

    mia = _membership("mia")
    now = timezone.now()
    add_shift(
        acting=mia,
        person=demo_user(person),
        team=_membership("ana").team if team else None,
        starts_at=now + timedelta(hours=hours[0]),
        ends_at=now + timedelta(hours=hours[1]),
    )


def demo_user(username: str) -> "User":

    return User.objects.get(username=username)


def test_the_person_on_call_gets_a_signal_ana_has_not_answered_and_can_answer_it(
    demo, client_for
) -> None:
    _shift(person="ben", team=True)
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    ben = client_for("ben")
    assert 'id="reach-out-heading"' not in ben.get("/today/").content.decode()
    Signal.objects.update(raised_at="2020-01-01T00:00Z")
    today = ben.get("/today/").content.decode()
    section = today.split('id="reach-out-heading"')[1].split("</section>")[0]
    assert "waiting for Ana longer than your program asks" in section
    signal = Signal.objects.get()
    page = ben.get(f"/reach-out/{signal.id}/").content.decode()
    assert "You are on call" in page and "Open the record" not in page
    # The record itself stays with Pat's care team.
    assert ben.get(f"/participants/{_pat().id}/").status_code == 404
    ben.post(f"/reach-out/{signal.id}/", {"response": Response.LEFT_MESSAGE})
    signal.refresh_from_db()
    assert signal.acknowledged_by == demo.users["ben"]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="reachout.signal", actor=demo.users["ben"]
    ).exists()


def test_off_shift_or_in_time_the_on_call_person_sees_nothing(demo, client_for) -> None:
    _shift(person="ben", team=True, hours=(2, 10))  # a shift that has not started
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    Signal.objects.update(raised_at="2020-01-01T00:00Z")
    ben = client_for("ben")
    assert 'id="reach-out-heading"' not in ben.get("/today/").content.decode()
    assert ben.get(f"/reach-out/{Signal.objects.get().id}/").status_code == 404


def test_a_program_wide_shift_covers_every_team(demo, client_for) -> None:
    _shift(person="ben", team=False)
    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    Signal.objects.update(raised_at="2020-01-01T00:00Z")
    assert 'id="reach-out-heading"' in client_for("ben").get("/today/").content.decode()


def test_managers_see_the_gaps_in_the_rota_and_add_and_remove_shifts(demo, client_for) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from reachout.models import OnCallShift

    mia = client_for("mia")
    page = mia.get("/reach-out/on-call/").content.decode()
    assert "No shifts in the next 7 days." in page
    gaps = page.split('id="rota-gaps"')[1].split("</ul>")[0]
    assert gaps.count("<li>") >= 1
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = mia.post(
        "/reach-out/on-call/",
        {
            "person": demo.users["ben"].pk,
            "starts_on": str(tomorrow),
            "starts_at": "18:00",
            "ends_on": str(tomorrow),
            "ends_at": "08:00",
        },
    )
    assert response.status_code == 200
    assert "The shift ends after it starts." in response.content.decode()
    assert not OnCallShift.objects.exists()
    response = mia.post(
        "/reach-out/on-call/",
        {
            "person": demo.users["ben"].pk,
            "starts_on": str(tomorrow),
            "starts_at": "18:00",
            "ends_on": str(tomorrow + timedelta(days=1)),
            "ends_at": "08:00",
        },
    )
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    page = mia.get("/reach-out/on-call/").content.decode()
    assert "Ben" in page.split('id="shifts-heading"')[1]
    assert "Remove Ben" in mia.get(f"/reach-out/on-call/{shift.id}/remove/").content.decode()
    mia.post(f"/reach-out/on-call/{shift.id}/remove/")
    assert not OnCallShift.objects.exists()
    assert AuditEvent.objects.filter(target_type="reachout.oncallshift").count() == 2
    assert client_for("ana").get("/reach-out/on-call/").status_code == 403


def test_gaps_are_the_stretches_no_shift_covers() -> None:
    from datetime import UTC, datetime, timedelta

    from reachout.selectors import _uncovered

    t0 = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    hours = [(t0 + timedelta(hours=a), t0 + timedelta(hours=b)) for a, b in [(2, 5), (4, 8)]]
    assert _uncovered(hours, t0, t0 + timedelta(hours=10)) == [
        (t0, t0 + timedelta(hours=2)),
        (t0 + timedelta(hours=8), t0 + timedelta(hours=10)),
    ]
    assert _uncovered([(t0, t0 + timedelta(hours=12))], t0, t0 + timedelta(hours=10)) == []


def test_mia_sees_time_to_reach_out_by_team_and_time_of_day(demo, client_for) -> None:
    from datetime import timedelta

    client_for("pat").post("/me/check-in/", HARD_DAY_VERY_STRONG)
    signal = Signal.objects.get()
    acknowledge(acting=_membership("ana"), signal=signal, response=Response.REACHED)
    answered = Signal.objects.get().acknowledged_at
    assert answered is not None
    Signal.objects.update(raised_at=answered - timedelta(minutes=20))
    page = client_for("mia").get("/reach-out/").content.decode()
    team = page.split("By the team of the person")[1].split("</table>")[0]
    assert "Team A" in team or "Harbor" in team or '<th scope="row">' in team
    assert ">20</td>" in team
    parts = page.split("By the time of day the signal was raised")[1].split("</table>")[0]
    # Four parts of the day and the row for all of them.
    assert parts.count('<th scope="row">') == 5 and ">20</td>" in parts
